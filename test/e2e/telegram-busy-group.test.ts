/**
 * A Telegram group at its per-minute limit must not hold up anyone else's news: the real bot process with
 * `telegram.perChatPerMinute: 1`, a group whose one message of the minute went to a command's answer, and a
 * private chat that must get each new alert promptly while the group's alert waits for its minute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeTelegram } from '../fakes/telegram-api.js';
import { startFeedServer } from '../fakes/feed-server.js';
import { ask, closeHarness, eventually, liveFeed, sentContaining, spawnBot, writeConfig } from './telegram-helpers.js';
import type { Harness } from './telegram-helpers.js';

const BOT = 'sitrep_test_bot';
const ADMIN = { id: 7102, first_name: 'Amani', username: 'amani' };
const GROUP = { id: -2102, type: 'group' as const, title: 'Goma desk' };
const READER = { id: 7110, type: 'private' as const };

describe('a Telegram group at its per-minute limit', () => {
  let h: Harness;
  let wire: ReturnType<typeof liveFeed>;

  beforeAll(async () => {
    const fake = await startFakeTelegram({ botUsername: BOT });
    const feeds = await startFeedServer();
    wire = liveFeed(feeds, '/wire.xml', 'Wire');
    wire.add({ title: 'Kinshasa hosts a regional trade fair', slug: 'fair', publishedAt: new Date(Date.now() - 3_600_000) });
    const config = await writeConfig([{ id: 'wire', url: wire.url, title: 'Great Lakes Wire' }], 'alerts:\n  perChannelPerHour: 100\ntelegram:\n  perChatPerMinute: 1\n');
    fake.setChatMember(GROUP.id, ADMIN.id, 'administrator');
    const bot = spawnBot({ configDir: config.dir, dbPath: config.dbPath, fake });
    h = { fake, feeds, bot, cleanup: config.cleanup };
    await bot.waitForStdout(/^sitrep ready/);
    // Items added from now on are news, not the feed's backlog.
    await bot.waitForLog((line) => line.msg === 'new items' && line.feedId === 'wire' && line.firstFetch === true, 15_000);
  }, 30_000);
  afterAll(() => closeHarness(h), 15_000);

  it("delivers a private chat's alerts while the group's alert waits for its minute", async () => {
    // The answer takes the group's one message of this minute.
    expect((await ask(h.fake, GROUP, ADMIN, `/subscribe@${BOT} m23 alerts`)).plainText).toMatch(/subscri/i);
    expect((await ask(h.fake, READER, ADMIN, '/subscribe m23 alerts')).plainText).toMatch(/subscri/i);
    const alertIn = (chatId: number, title: string) =>
      eventually(() => sentContaining(h.fake, chatId, title)[0], `the alert "${title}" in chat ${chatId}`, 15_000);

    const first = 'M23 rebels take control of Masisi centre';
    wire.add({ title: first, slug: 'masisi' });
    await alertIn(READER.id, first);
    // The group's alert is now waiting for the group's minute, inside a send.
    const second = 'M23 rebels seize Rubaya coltan mines near Goma';
    wire.add({ title: second, slug: 'rubaya' });
    const startedAt = Date.now();
    await alertIn(READER.id, second);
    expect(Date.now() - startedAt).toBeLessThan(15_000);
    expect(sentContaining(h.fake, GROUP.id, first)).toHaveLength(0);
  }, 45_000);
});
