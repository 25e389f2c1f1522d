/**
 * SIGTERM in the middle of a paced fan-out, then a restart on the same database: the real bot process and
 * the fake Bot API. Messages still waiting for their turn when the bot stops must not go out after it has
 * stopped recording what it sent (they would be sent again at the restart); every chat gets the alert once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeTelegram } from '../fakes/telegram-api.js';
import type { FakeTelegram } from '../fakes/telegram-types.js';
import { startFeedServer, type FeedServer } from '../fakes/feed-server.js';
import { ask, eventually, liveFeed, spawnBot, writeConfig, type BotProcess } from './telegram-helpers.js';

const BOT = 'sitrep_test_bot';
const ADMIN = { id: 7202, first_name: 'Amani', username: 'amani' };
const CHATS = Array.from({ length: 24 }, (_, i) => ({ id: 7300 + i, type: 'private' as const }));
const TITLE = 'M23 rebels take control of Masisi centre';

describe('SIGTERM during a fan-out', () => {
  let fake: FakeTelegram | undefined;
  let feeds: FeedServer | undefined;
  let bot: BotProcess | undefined;
  let cleanup = async () => {};
  afterAll(async () => {
    bot?.kill();
    await bot?.exited;
    await Promise.allSettled([fake?.close(), feeds?.close()]);
    await cleanup();
  }, 15_000);

  it('sends every chat the alert exactly once across the restart', async () => {
    fake = await startFakeTelegram({ botUsername: BOT });
    feeds = await startFeedServer();
    const wire = liveFeed(feeds, '/wire.xml', 'Wire');
    wire.add({ title: 'Kinshasa hosts a regional trade fair', slug: 'fair', publishedAt: new Date(Date.now() - 3_600_000) });
    // 4 messages a second: the fan-out to 24 chats outlasts the 3 s the bot gives sends in flight when it stops.
    const config = await writeConfig([{ id: 'wire', url: wire.url, title: 'Great Lakes Wire' }], 'telegram:\n  perSecond: 4\n');
    cleanup = config.cleanup;
    const start = () => spawnBot({ configDir: config.dir, dbPath: config.dbPath, fake: fake! });
    bot = start();
    await bot.waitForStdout(/^sitrep ready/);
    await bot.waitForLog((line) => line.msg === 'new items' && line.feedId === 'wire' && line.firstFetch === true, 15_000);
    for (const chat of CHATS) expect((await ask(fake, chat, ADMIN, '/subscribe m23 alerts')).plainText).toMatch(/subscri/i);
    const alerted = () => CHATS.filter((chat) => fake!.sentMessages(chat.id).some((m) => m.plainText.includes(TITLE))).length;

    wire.add({ title: TITLE, slug: 'masisi' });
    await eventually(() => alerted() >= 2, 'the fan-out to start', 15_000);
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    // What had not gone out when the bot stopped stayed queued: it did not keep sending while shutting down.
    expect(alerted()).toBeLessThan(CHATS.length);

    bot = start();
    await eventually(() => alerted() === CHATS.length, 'every chat alerted after the restart', 20_000);
    // Anything the restarted bot would repeat goes out at once; give it the time to show up.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const counts = CHATS.map((chat) => fake!.sentMessages(chat.id).filter((m) => m.plainText.includes(TITLE)).length);
    expect(counts).toEqual(CHATS.map(() => 1));
  }, 60_000);
});
