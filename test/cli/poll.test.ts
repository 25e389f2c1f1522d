import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rssFeed, startFeedServer, type FeedServer } from '../fakes/feed-server.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
type RunResult = { code: number; stdout: string; stderr: string };

function sitrep(args: string[]): Promise<RunResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'bin/sitrep.js'), ...args],
      { cwd: repoRoot, timeout: 20_000, env: { ...process.env, SITREP_LOG_LEVEL: '' } },
      (error, stdout, stderr) => done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** A feed server with a good feed (ETag), a failing one, and a temp config listing both plus a database path. */
async function setUp(feeds: Record<string, 'good' | 'broken'>): Promise<{ server: FeedServer; args: string[] }> {
  const server = await startFeedServer();
  const dir = await mkdtemp(join(tmpdir(), 'sitrep-poll-'));
  cleanups.push(() => server.close(), () => rm(dir, { recursive: true, force: true }));
  server.route('/good.xml', {
    etag: '"v1"',
    body: rssFeed({
      title: 'Kivu news',
      items: [
        { title: 'M23 rebels seize Nyanzale after clashes with the army', link: 'https://news.example/nyanzale', guid: 'n-1' },
        { title: 'Gaza ceasefire talks resume in Doha', link: 'https://news.example/gaza', guid: 'n-2' },
      ],
    }),
  });
  server.route('/broken.xml', { status: 500 });
  const lines = [
    `topicsFile: ${JSON.stringify(join(repoRoot, 'feeds/topics.yaml'))}`,
    'feeds:',
    ...Object.entries(feeds).flatMap(([id, kind]) => [`  - id: ${id}`, `    url: ${server.url(`/${kind}.xml`)}`]),
  ];
  await writeFile(join(dir, 'sources.yaml'), `${lines.join('\n')}\n`);
  return { server, args: ['--config', dir, '--db', join(dir, 'sitrep.db'), 'poll', '--once', '--json'] };
}

describe('sitrep poll --once --json', () => {
  it('prints each new item with its topics, names a failing feed on stderr and goes on', async () => {
    const { args } = await setUp({ wire: 'good', down: 'broken' });
    const result = await sitrep(args);
    expect(result.code).toBe(0);
    const items = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { feedId: string; title: string; topics: string[] });
    expect(items.map((item) => [item.feedId, item.title, item.topics])).toEqual([
      ['wire', 'M23 rebels seize Nyanzale after clashes with the army', ['m23']],
      ['wire', 'Gaza ceasefire talks resume in Doha', []],
    ]);
    // One line per failed feed and the summary: no JSON log line saying it again.
    expect(result.stderr.trim().split('\n')).toEqual([
      'feed down: HTTP 500 Internal Server Error',
      'polled 2 feeds: 2 new items; 1 with new items, 0 unchanged, 1 failed',
    ]);
  });

  it('sends the validators on the second poll, gets a 304 and prints nothing new', async () => {
    const { server, args } = await setUp({ wire: 'good' });
    expect((await sitrep(args)).code).toBe(0);
    const second = await sitrep(args);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('');
    expect(server.requestsFor('/good.xml').at(-1)?.headers['if-none-match']).toBe('"v1"');
    expect(second.stderr).toContain('1 unchanged');
  });

  it('exits 1 when every feed failed', async () => {
    const { args } = await setUp({ down: 'broken' });
    const result = await sitrep(args);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
  });
});

describe('sitrep poll --once', () => {
  it('prints a title inert when the feed sends terminal escape codes in it', async () => {
    const { server, args } = await setUp({ wire: 'good' });
    server.route('/good.xml', { body: rssFeed({ title: 'Kivu news', items: [{ title: '\x1b[31mM23 rebels seize Nyanzale\x1b[0m', link: 'https://news.example/nyanzale', guid: 'n-1' }] }) });
    const result = await sitrep(args.filter((arg) => arg !== '--json'));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('[31mM23 rebels seize Nyanzale[0m');
    expect(result.stdout).not.toContain('\x1b');
  });
});
