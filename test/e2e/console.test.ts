import { afterEach, describe, expect, it } from 'vitest';
import { rssFeed } from '../fakes/feed-server.js';
import { cleanUpE2e, makeE2eConfig, startE2eFeedServer, spawnBot, type E2eConfig } from './bot-process.js';

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
});
