import { describe, it, expect, afterEach } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { rssFeed, startFeedServer } from '../fakes/feed-server.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
type RunResult = { code: number; stdout: string; stderr: string };

function sitrep(args: string[]): Promise<RunResult> {
  return new Promise((done) => {
    execFile(process.execPath, [join(repoRoot, 'bin/sitrep.js'), ...args], { cwd: repoRoot, timeout: 20_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sitrep-parse-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const goodFeed = rssFeed({
  title: 'Kivu news',
  link: 'https://news.example.org/',
  items: [
    { title: 'M23 and Kinshasa sign a ceasefire in Doha', link: '/doha?utm_source=rss', guid: 'a-1', pubDate: 'Sun, 01 Jun 2025 08:30:00 GMT' },
    { title: 'Goma airport stays closed', link: 'https://news.example.org/goma', guid: 'a-2' },
  ],
});

describe('sitrep parse', () => {
  it('prints one JSON line per item with its source, an error line for a bad input, and exits 0', async () => {
    const dir = await tempDir();
    const good = join(dir, 'good.xml');
    await writeFile(good, goodFeed);
    const missing = join(dir, 'missing.xml');
    const server = await startFeedServer();
    cleanups.push(() => server.close());
    const latin1 = goodFeed.replace('UTF-8', 'ISO-8859-1').replace('Goma airport', 'Aéroport de Goma');
    server.route('/latin1.rss', { body: iconv.encode(latin1, 'latin1'), contentType: 'application/rss+xml; charset=ISO-8859-1' });

    const { code, stdout } = await sitrep(['parse', good, missing, server.url('/latin1.rss'), '--json']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.every((line) => typeof line.source === 'string')).toBe(true);

    const fromGood = lines.filter((line) => line.source === good);
    expect(fromGood.map((line) => line.title)).toEqual(['M23 and Kinshasa sign a ceasefire in Doha', 'Goma airport stays closed']);
    expect(fromGood[0]).toMatchObject({ url: 'https://news.example.org/doha', publishedAt: '2025-06-01T08:30:00.000Z', publishedAtEstimated: false });
    expect(fromGood[0]?.id).toMatch(/^[0-9a-f]{32}$/);
    expect(fromGood[1]?.publishedAtEstimated).toBe(true);
    expect(Number.isNaN(Date.parse(String(fromGood[1]?.fetchedAt)))).toBe(false);

    const bad = lines.filter((line) => line.source === missing);
    expect(bad).toHaveLength(1);
    expect(typeof bad[0]?.error).toBe('string');
    expect(bad[0]?.title).toBeUndefined();

    const fromServer = lines.filter((line) => line.source === server.url('/latin1.rss'));
    expect(fromServer.map((line) => line.title)).toContain('Aéroport de Goma stays closed');
  });

  it('gives the same ids on a second run', async () => {
    const dir = await tempDir();
    const good = join(dir, 'good.xml');
    await writeFile(good, goodFeed);
    const ids = async () => (await sitrep(['parse', good, '--json'])).stdout.trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
    expect(await ids()).toEqual(await ids());
  });

  it('prints readable lines without --json, errors on stderr, and exits 1 when every input failed', async () => {
    const dir = await tempDir();
    const good = join(dir, 'good.xml');
    await writeFile(good, goodFeed);
    const notFeed = join(dir, 'page.html');
    await writeFile(notFeed, '<!DOCTYPE html><html><body>hello</body></html>');

    const mixed = await sitrep(['parse', good, notFeed]);
    expect(mixed.code).toBe(0);
    expect(mixed.stdout).toContain(`${good}   2025-06-01 08:30 UTC  M23 and Kinshasa sign a ceasefire in Doha  https://news.example.org/doha`);
    expect(mixed.stderr).toContain(`${notFeed}: not a feed (HTML page)`);

    const allBad = await sitrep(['parse', notFeed, join(dir, 'nope.xml')]);
    expect(allBad.code).toBe(1);
    expect(allBad.stdout).toBe('');
  });
});
