import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { rssFeed } from '../fakes/feed-server.js';
import { alertTitles, cleanUpE2e, makeE2eConfig, startE2eFeedServer, sleep, spawnBot, type E2eConfig } from './bot-process.js';

afterEach(cleanUpE2e);

const TITLE = 'M23 rebels shell Sake as fighting nears Goma';

/** Opens the database the bot left and reports what a clean close looks like. */
function inspect(dbPath: string): { integrity: string; sending: number; sent: number; walBytes: number } {
  // better-sqlite3 checkpoints and removes the WAL when the last connection closes cleanly.
  const walBytes = existsSync(`${dbPath}-wal`) ? statSync(`${dbPath}-wal`).size : 0;
  const db = new Database(dbPath);
  try {
    const integrity = db.pragma('integrity_check', { simple: true }) as string;
    const count = (state: string) => db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM outbox WHERE state = ?').get(state)!.n;
    return { integrity, sending: count('sending'), sent: count('sent'), walBytes };
  } finally {
    db.close();
  }
}

async function runUntilAlert(): Promise<{ bot: ReturnType<typeof spawnBot>; config: E2eConfig }> {
  const server = await startE2eFeedServer();
  const items: { title: string; link: string; guid: string; description: string; pubDate: Date }[] = [];
  server.route('/wire.xml', { body: () => rssFeed({ title: 'Wire', items }) });
  // A feed that never answers: shutdown must not wait for it.
  server.route('/stuck.xml', { hang: 'headers' });
  const config = await makeE2eConfig([
    { id: 'wire', url: server.url('/wire.xml'), title: 'Wire' },
    { id: 'stuck', url: server.url('/stuck.xml'), title: 'Stuck' },
  ]);
  const bot = spawnBot(['--config', config.dir, '--db', config.dbPath, 'start']);
  await bot.waitFor(/sitrep ready:/, 20_000, 'the ready line');
  bot.send('/subscribe m23 alerts');
  await bot.waitFor(/Only reports that arrive from now on/, 5_000, 'the subscription answer');
  const before = server.requestsFor('/wire.xml').length;
  while (server.requestsFor('/wire.xml').length < before + 2) await sleep(50);
  items.push({ title: TITLE, link: 'https://wire.example/sake', guid: 'w1', description: TITLE, pubDate: new Date() });
  await bot.waitFor((out) => alertTitles(out, [TITLE]).length === 1, 10_000, 'the alert');
  // The stuck feed has a fetch in flight now.
  expect(server.requestsFor('/stuck.xml').length).toBeGreaterThan(0);
  return { bot, config };
}

describe('graceful shutdown', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`on ${signal} exits 0 within 5 s, a fetch in flight or not, and leaves the database closed cleanly`, async () => {
      const { bot, config: cfg } = await runUntilAlert();
      const sentAt = Date.now();
      bot.child.kill(signal);
      const exit = await bot.exited;
      console.log(`shutdown e2e: ${signal} → exit ${exit.code} after ${exit.at - sentAt} ms`);

      expect(exit.signal).toBeNull();
      expect(exit.code).toBe(0);
      expect(exit.at - sentAt).toBeLessThan(5_000);
      const db = inspect(cfg.dbPath);
      expect(db).toEqual({ integrity: 'ok', sending: 0, sent: 1, walBytes: 0 });
      expect(bot.stderr()).not.toContain('shutdown took longer');
    });
  }
});
