import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { rssFeed } from '../fakes/feed-server.js';
import { cleanUpE2e, makeE2eConfig, repoRoot, startE2eFeedServer, spawnBot, type E2eConfig } from './bot-process.js';

afterEach(cleanUpE2e);

async function setUp(): Promise<E2eConfig> {
  const server = await startE2eFeedServer();
  server.route('/wire.xml', { body: rssFeed({ title: 'Wire', items: [] }) });
  const config = await makeE2eConfig([{ id: 'wire', url: server.url('/wire.xml'), title: 'Wire' }]);
  return config;
}

describe('sitrep start with piped stdin', () => {
  it('answers every command in order and exits 0 at the end of input', async () => {
    const { dir, dbPath } = await setUp();
    const bot = spawnBot(['--config', dir, '--db', dbPath, 'start']);
    bot.send('/status m23');
    bot.send('/topics');
    bot.send('/bogus');
    bot.endInput();
    const ready = Date.now();
    const { code } = await bot.exited;
    const out = bot.stdout();

    expect(code).toBe(0);
    // tsx compiles on start (≈1–3 s on a loaded machine); the end of input itself must not keep it alive.
    expect(Date.now() - ready).toBeLessThan(10_000);
    const positions = [
      out.indexOf('sitrep ready:'),
      out.indexOf('## M23 rebellion'),
      out.indexOf('## Tracked topics'),
      out.indexOf('Unknown command /bogus.'),
    ];
    expect(positions.every((at) => at >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(out).toContain('• qatar-talks — Doha talks');
    expect(bot.stderr()).not.toMatch(/Error|at .*\.ts:\d+/);
  });

  it('prints the backlog a piped /subscribe promises before it exits at the end of input', async () => {
    const server = await startE2eFeedServer();
    const titles = ['M23 rebels shell Sake', 'M23 fighters enter Masisi', 'AFC/M23 names a governor in Goma'];
    server.route('/wire.xml', {
      body: rssFeed({ title: 'Wire', items: titles.map((title, i) => ({ title, guid: `b${i}`, link: `https://wire.example/${i}`, pubDate: new Date(Date.now() - (i + 1) * 60_000) })) }),
    });
    const { dir, dbPath } = await makeE2eConfig([{ id: 'wire', url: server.url('/wire.xml'), title: 'Wire' }]);
    const poll = spawnBot(['--config', dir, '--db', dbPath, 'poll', '--once']);
    poll.endInput();
    expect((await poll.exited).code).toBe(0);

    const bot = spawnBot(['--config', dir, '--db', dbPath, 'start']);
    bot.send('/subscribe m23 alerts 3');
    bot.endInput();
    const { code } = await bot.exited;
    const out = bot.stdout();
    expect(code).toBe(0);
    expect(out).toMatch(/last 3 stories this chat has not had yet follow/i);
    for (const title of titles) expect(out).toContain(title);
  });

  it('explains a wrong argument in one line that says what is accepted', async () => {
    const { dir, dbPath } = await setUp();
    const bot = spawnBot(['--config', dir, '--db', dbPath, 'start']);
    bot.send('/latest m23 999');
    bot.send('/status nowhere');
    bot.endInput();
    const { code } = await bot.exited;
    const lines = bot
      .stdout()
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('sitrep ready:'));

    expect(code).toBe(0);
    expect(lines).toEqual(['count must be a whole number from 1 to 20.', 'Unknown topic "nowhere". Choose one of: m23, qatar-talks, ceasefire.']);
    expect(bot.stderr()).not.toMatch(/ZodError|at .*\.ts:\d+/);
  });

  it('stops with exit code 1 and says why when its output fails (stdout on a full disk)', async () => {
    const { dir, dbPath } = await setUp();
    const full = openSync('/dev/full', 'w');
    const child = spawn(process.execPath, ['bin/sitrep.js', '--config', dir, '--db', dbPath, 'start'], {
      cwd: repoRoot,
      env: { ...process.env, DISCORD_TOKEN: '', TELEGRAM_BOT_TOKEN: '', SITREP_CONFIG: '', SITREP_DB: '', SITREP_LOG_LEVEL: 'warn' },
      stdio: ['pipe', full, 'pipe'],
    });
    closeSync(full);
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    // The input stays open: it is the failed output that must end the session.
    child.stdin!.write('/status m23\n');
    const code = await new Promise<number | null>((resolveExit) => child.on('exit', resolveExit));

    expect(code).toBe(1);
    expect(err).toMatch(/console output failed \(ENOSPC/);
    expect(err).not.toContain("Unhandled 'error' event");
  });
});
