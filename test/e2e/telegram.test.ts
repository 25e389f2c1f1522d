/**
 * Telegram end to end: the real bot process (`node bin/sitrep.js start`) with TELEGRAM_API_ROOT pointed at
 * the fake Bot API and its feeds on a local feed server. What issue 5 says will be checked: commands,
 * subscribe, alerts and their edits, forum topics, escaping, digests, 429 / 403 / migration, SIGTERM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeTelegram } from '../fakes/telegram-api.js';
import { parseTelegramHtml } from '../fakes/telegram-html.js';
import type { FakeUserMessage } from '../fakes/telegram-types.js';
import { startFeedServer } from '../fakes/feed-server.js';
import {
  ask,
  callsToChat,
  closeHarness,
  eventually,
  isCleanTelegramHtml,
  liveFeed,
  sentContaining,
  sleep,
  spawnBot,
  tagsIn,
  writeConfig,
} from './telegram-helpers.js';
import type { Harness } from './telegram-helpers.js';

const BOT = 'sitrep_test_bot';
const ADMIN = { id: 7002, first_name: 'Amani', username: 'amani' };
const MEMBER = { id: 7003, first_name: 'Baraka' };

describe('commands through the real bot process', () => {
  let h: Harness;
  const PRIVATE = 7001;
  const GROUP = -2001;
  const user = { id: PRIVATE, first_name: 'Neema' };

  const inPrivate = (text: string) => ask(h.fake, { id: PRIVATE, type: 'private' }, user, text);
  const inGroup = (text: string) => ask(h.fake, { id: GROUP, type: 'group', title: 'Kivu watchers' }, ADMIN, text);

  beforeAll(async () => {
    const fake = await startFakeTelegram({ botUsername: BOT });
    const feeds = await startFeedServer();
    const wire = liveFeed(feeds, '/wire.xml', 'Wire');
    wire.add({ title: 'M23 rebels take control of Masisi centre', slug: 'masisi' });
    const config = await writeConfig([{ id: 'wire', url: wire.url, title: 'Great Lakes Wire' }]);
    const bot = spawnBot({ configDir: config.dir, dbPath: config.dbPath, fake });
    h = { fake, feeds, bot, cleanup: config.cleanup };
    await bot.waitForStdout(/^sitrep ready/);
    // /latest below needs the first poll stored.
    await bot.waitForLog((line) => line.msg === 'new items' && line.feedId === 'wire');
  }, 30_000);
  afterAll(() => closeHarness(h), 15_000);

  it('registers every command with setMyCommands and prints the ready line', async () => {
    const call = await h.fake.waitFor((c) => c.method === 'setMyCommands');
    const names = (call.params.commands as { command: string }[]).map((c) => c.command).sort();
    expect(names).toEqual(['digest', 'help', 'latest', 'search', 'sources', 'status', 'subscribe', 'subscriptions', 'topics', 'unsubscribe']);
    expect(call.response?.ok).toBe(true);
    expect(h.bot.stdout.find((line) => line.startsWith('sitrep ready'))).toMatch(/1 feed, topics .*m23.*; platforms: telegram/);
  });

  it('answers /status m23 in a private chat in Telegram HTML', async () => {
    const reply = await inPrivate('/status m23');
    expect(isCleanTelegramHtml(reply)).toBe(true);
    expect(reply.plainText).toMatch(/M23/);
    expect(reply.plainText).not.toMatch(/Unknown|Usage/i);
    expect(reply.params.reply_parameters).toMatchObject({ message_id: expect.any(Number) });
  });

  it('answers /status@botname m23 in a group', async () => {
    const reply = await inGroup(`/status@${BOT} m23`);
    expect(isCleanTelegramHtml(reply)).toBe(true);
    expect(reply.plainText).toMatch(/M23/);
  });

  it('ignores a command addressed to another bot in a group', async () => {
    const before = h.fake.sentMessages(GROUP).length;
    h.fake.sendUserMessage({ chat: { id: GROUP, type: 'group' }, from: ADMIN, text: '/status@some_other_bot m23' });
    // The next command is answered in order; nothing came for the first one.
    const reply = await inGroup('/topics');
    expect(h.fake.sentMessages(GROUP).length).toBe(before + 1);
    expect(reply.plainText).toMatch(/m23/);
  });

  it('lists the topics with /topics', async () => {
    const reply = await inPrivate('/topics');
    expect(isCleanTelegramHtml(reply)).toBe(true);
    for (const id of ['m23', 'qatar-talks']) expect(reply.plainText).toContain(id);
  });

  it('shows the stored stories with /latest, linked', async () => {
    const reply = await inGroup('/latest');
    expect(isCleanTelegramHtml(reply)).toBe(true);
    expect(reply.plainText).toContain('M23 rebels take control of Masisi centre');
    expect(reply.text).toContain('<a href="https://news.example.org/wire.xml/masisi">');
  });

  it('lists every command with /help', async () => {
    const reply = await inPrivate('/help');
    expect(isCleanTelegramHtml(reply)).toBe(true);
    for (const name of ['status', 'latest', 'topics', 'subscribe', 'digest', 'help']) expect(reply.plainText).toContain(`/${name}`);
  });

  it('answers a wrong argument with a one-line error', async () => {
    const reply = await inPrivate('/status no-such-topic');
    expect(isCleanTelegramHtml(reply)).toBe(true);
    expect(reply.plainText.trim().split('\n')).toHaveLength(1);
    expect(reply.plainText).toMatch(/no-such-topic/);
  });

  it('exits within 5 s of SIGTERM', async () => {
    const started = Date.now();
    h.bot.child.kill('SIGTERM');
    const code = await h.bot.exited;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(code).toBe(0);
  }, 10_000);
});

describe('subscriptions, alerts and delivery faults through the real bot process', () => {
  let h: Harness;
  let wire: ReturnType<typeof liveFeed>;
  let mirror: ReturnType<typeof liveFeed>;
  let lateFeed: ReturnType<typeof liveFeed>;
  let scheduledTime = '';
  let occurrence = 0;
  const GROUP = { id: -2002, type: 'group' as const, title: 'Goma desk' };
  const FORUM = { id: -1009000000001, type: 'supergroup' as const, title: 'Kivu forum', is_forum: true };
  const THREAD = 42;
  const BLOCKER = { id: 7010, type: 'private' as const };
  const OLD_GROUP = { id: -2005, type: 'group' as const, title: 'Bukavu desk' };
  const NEW_SUPERGROUP = -1005000000005;
  const DIGEST_CHAT = { id: 7020, type: 'private' as const };
  const SCHEDULED_CHAT = { id: 7021, type: 'private' as const };
  const LATE_REPORT = 'M23 rebels hold positions near Kitshanga after overnight shelling';
  let lateReportSeen: Promise<number>;

  const command = (chat: FakeUserMessage['chat'], from: FakeUserMessage['from'], text: string, thread?: number) =>
    ask(h.fake, chat, from, text, thread);
  /** Waits for the alert carrying `title` in `chatId`. */
  const alertIn = (chatId: number, title: string, timeoutMs = 10_000) =>
    eventually(() => sentContaining(h.fake, chatId, title)[0], `the alert "${title}" in chat ${chatId}`, timeoutMs);

  beforeAll(async () => {
    const fake = await startFakeTelegram({ botUsername: BOT });
    const feeds = await startFeedServer();
    wire = liveFeed(feeds, '/wire.xml', 'Wire');
    mirror = liveFeed(feeds, '/mirror.xml', 'Mirror');
    wire.add({ title: 'M23 rebels take control of Masisi centre', slug: 'masisi' });
    // The late feed is down (503) until a chat has subscribed, so its first successful fetch comes after that.
    const late = liveFeed(feeds, '/late.xml', 'Late');
    late.add({ title: 'M23 fighters occupy Nyabiondo hills after clashes', slug: 'nyabiondo' });
    late.down(true);
    lateFeed = late;
    const config = await writeConfig(
      [
        { id: 'wire', url: wire.url, title: 'Great Lakes Wire' },
        { id: 'mirror', url: mirror.url, title: 'Kivu Mirror' },
        { id: 'late', url: late.url, title: 'Late Courier' },
      ],
      'alerts:\n  perChannelPerHour: 100\ndelivery:\n  retryBase: 1s\n  retryMax: 2s\n',
    );
    fake.setChatMember(GROUP.id, ADMIN.id, 'administrator');
    fake.setChatMember(FORUM.id, ADMIN.id, 'creator');
    fake.setChatMember(OLD_GROUP.id, ADMIN.id, 'administrator');
    const bot = spawnBot({ configDir: config.dir, dbPath: config.dbPath, fake });
    h = { fake, feeds, bot, cleanup: config.cleanup };
    await bot.waitForStdout(/^sitrep ready/);
    // The scheduled digest fires at the next UTC minute at least 5 s away (so it is after the subscription);
    // the rest of this block runs meanwhile.
    const at = new Date(Date.now() + 65_000);
    occurrence = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate(), at.getUTCHours(), at.getUTCMinutes());
    scheduledTime = `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
    const reply = await command(SCHEDULED_CHAT, ADMIN, `/subscribe all digest ${scheduledTime} UTC`);
    expect(reply.plainText).toContain(scheduledTime);
    // Dated before the subscription but first seen after it: the digest takes what the bot saw in its period.
    wire.add({ title: LATE_REPORT, slug: 'late-report', publishedAt: new Date(Date.now() - 10 * 60_000) });
    lateReportSeen = bot.waitForLog((line) => line.msg === 'new items' && line.feedId === 'wire', 15_000).then(() => Date.now());
  }, 30_000);
  afterAll(() => closeHarness(h), 15_000);

  it('lets a group administrator subscribe', async () => {
    const reply = await command(GROUP, ADMIN, `/subscribe@${BOT} m23 alerts`);
    expect(isCleanTelegramHtml(reply)).toBe(true);
    expect(reply.plainText).toMatch(/subscri/i);
    expect(reply.plainText).not.toMatch(/Only administrators/);
    const check = h.fake.calls.find((c) => c.method === 'getChatMember' && String(c.params.chat_id) === String(GROUP.id));
    expect(check?.params.user_id).toBe(ADMIN.id);
  });

  it('refuses a plain member, saying why', async () => {
    const reply = await command(GROUP, MEMBER, '/unsubscribe m23');
    expect(reply.plainText).toMatch(/Only administrators of this chat can use \/unsubscribe/);
    const list = await command(GROUP, MEMBER, '/subscriptions');
    expect(list.plainText).toMatch(/m23/);
  });

  it("does not alert a feed's first fetch (its backlog)", async () => {
    lateFeed.down(false);
    await h.bot.waitForLog((line) => line.msg === 'new items' && line.feedId === 'late' && line.firstFetch === true, 15_000);
    await sleep(1_500);
    expect(sentContaining(h.fake, GROUP.id, 'Nyabiondo')).toHaveLength(0);
  }, 20_000);

  it('alerts a new M23 item exactly once, with title, source, link and why it matched', async () => {
    const title = 'M23 rebels seize Rubaya coltan mines near Goma';
    wire.add({ title, slug: 'rubaya' });
    const alert = await alertIn(GROUP.id, title);
    expect(isCleanTelegramHtml(alert)).toBe(true);
    expect(alert.plainText).toContain('Great Lakes Wire');
    expect(alert.text).toContain('<a href="https://news.example.org/wire.xml/rubaya">');
    expect(alert.plainText).toMatch(/Matched m23: .*M23/);
    await sleep(2_500);
    expect(sentContaining(h.fake, GROUP.id, title)).toHaveLength(1);
  });

  it('edits the alert to "+1 source" when a second outlet carries the story, sending nothing new', async () => {
    const title = 'M23 rebels seize Rubaya coltan mines near Goma';
    const alert = await alertIn(GROUP.id, title);
    const sentBefore = h.fake.sentMessages(GROUP.id).length;
    mirror.add({ title, slug: 'rubaya-copy' });
    const edit = await h.fake.waitFor(
      (c) => c.method === 'editMessageText' && String(c.params.chat_id) === String(GROUP.id) && c.params.message_id === alert.messageId,
      10_000,
    );
    expect(edit.response?.ok).toBe(true);
    expect(edit.params.parse_mode).toBe('HTML');
    expect(alert.plainText).toMatch(/\+1 source/);
    expect(alert.edits).toBe(1);
    expect(h.fake.sentMessages(GROUP.id)).toHaveLength(sentBefore);
  });

  it('posts into the forum topic a subscription was made in', async () => {
    const reply = await command(FORUM, ADMIN, '/subscribe m23 alerts', THREAD);
    expect(reply.threadId).toBe(THREAD);
    const title = 'M23 column advances on Uvira along Lake Tanganyika';
    wire.add({ title, slug: 'uvira' });
    const alert = await alertIn(FORUM.id, title);
    expect(alert.threadId).toBe(THREAD);
    expect(alert.params.message_thread_id).toBe(THREAD);
  });

  it('escapes a hostile title that the feed meant as literal text', async () => {
    const hostile = '<script>alert(1)</script> & <b>bold</b> @everyone';
    // HTML-escaped in the feed (as outlets write a literal "<" in a title), so the title text is the hostile string.
    wire.add({ title: `M23 statement quoted ${hostile.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}`, slug: 'quoted' });
    const alert = await alertIn(GROUP.id, 'statement quoted');
    expect(isCleanTelegramHtml(alert)).toBe(true);
    expect(alert.plainText).toContain(`M23 statement quoted ${hostile}`);
    expect(alert.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt; @everyone');
    const parsed = parseTelegramHtml(alert.text);
    expect(parsed.ok && parsed.entities.some((e) => parsed.text.slice(e.offset, e.offset + e.length) === 'bold')).toBe(false);
  });

  it('strips markup from a title written as HTML and escapes what is left', async () => {
    wire.add({ title: 'M23 spokesman Kanyuka tweet <script>alert(1)</script> & <b>bold</b> @everyone', slug: 'markup' });
    const alert = await alertIn(GROUP.id, 'Kanyuka tweet');
    expect(isCleanTelegramHtml(alert)).toBe(true);
    expect(alert.plainText).toContain('M23 spokesman Kanyuka tweet & bold @everyone');
    expect(alert.plainText).not.toContain('alert(1)');
    expect(alert.text).toContain('Kanyuka tweet &amp; bold @everyone');
    expect(tagsIn(alert.text)).not.toContain('script');
  });

  it('sends the digest of a digest subscription on /digest, without link previews', async () => {
    const sub = await command(DIGEST_CHAT, ADMIN, '/subscribe m23 digest 06:30 Africa/Lubumbashi');
    expect(sub.plainText).toMatch(/06:30/);
    const digest = await command(DIGEST_CHAT, ADMIN, '/digest');
    expect(isCleanTelegramHtml(digest)).toBe(true);
    expect(digest.params.link_preview_options).toMatchObject({ is_disabled: true });
    expect(digest.plainText).toMatch(/M23/);
  });

  it('delivers an alert exactly once after a 429, waiting the retry_after Telegram asked for', async () => {
    const title = 'M23 delegation walks out of Doha session on prisoners';
    h.fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    wire.add({ title, slug: 'walkout' });
    const refused = await h.fake.waitFor((c) => c.method === 'sendMessage' && c.response?.ok === false && c.response.error_code === 429, 10_000);
    // Whatever send took the 429 (normally this alert), the same text reached the same chat a second later.
    const delivered = await eventually(
      () => h.fake.calls.find((c) => c.method === 'sendMessage' && c.response?.ok === true && c.time >= refused.time && c.params.chat_id === refused.params.chat_id && c.params.text === refused.params.text),
      'the retried send',
    );
    expect(delivered.time - refused.time).toBeGreaterThanOrEqual(990);
    await alertIn(GROUP.id, title);
    await alertIn(FORUM.id, title);
    await sleep(2_000);
    expect(sentContaining(h.fake, GROUP.id, title)).toHaveLength(1);
    expect(sentContaining(h.fake, FORUM.id, title)).toHaveLength(1);
  }, 25_000);

  it("deactivates a blocked chat's subscriptions and never tries it again, while others still get alerts", async () => {
    const blocker = { id: BLOCKER.id, first_name: 'Zawadi' };
    await command(BLOCKER, blocker, '/subscribe m23 alerts');
    h.fake.blockChat(BLOCKER.id);
    const first = 'M23 shells Sake from surrounding hills';
    wire.add({ title: first, slug: 'sake' });
    await alertIn(GROUP.id, first);
    const line = await h.bot.waitForLog((l) => /subscriptions are deactivated/.test(String(l.msg)) && JSON.stringify(l).includes(String(BLOCKER.id)));
    expect(line.level).toBe(40);
    const attempts = callsToChat(h.fake, BLOCKER.id, 'sendMessage').length;
    expect(attempts).toBe(2); // the /subscribe answer, then the refused alert
    const second = 'M23 names new governor for captured Walikale';
    wire.add({ title: second, slug: 'walikale' });
    await alertIn(GROUP.id, second);
    await alertIn(FORUM.id, second);
    await sleep(1_500);
    expect(callsToChat(h.fake, BLOCKER.id, 'sendMessage')).toHaveLength(attempts);
    // Unblocked later, the chat sees it has nothing left.
    h.fake.unblockChat(BLOCKER.id);
    const list = await command(BLOCKER, blocker, '/subscriptions');
    expect(list.plainText).not.toMatch(/m23.*alerts/);
  }, 25_000);

  it('follows a group that became a supergroup: resends there, and later alerts go there', async () => {
    await command(OLD_GROUP, ADMIN, '/subscribe m23 alerts');
    h.fake.migrateChat(OLD_GROUP.id, NEW_SUPERGROUP);
    const first = 'M23 reopens Goma airport to humanitarian flights';
    wire.add({ title: first, slug: 'airport' });
    const moved = await alertIn(NEW_SUPERGROUP, first);
    expect(isCleanTelegramHtml(moved)).toBe(true);
    const oldCalls = callsToChat(h.fake, OLD_GROUP.id, 'sendMessage');
    expect(oldCalls).toHaveLength(2); // the /subscribe answer, then the alert Telegram refused
    expect(oldCalls[1]?.response).toMatchObject({ ok: false, error_code: 400, parameters: { migrate_to_chat_id: NEW_SUPERGROUP } });
    const second = 'M23 announces census in occupied Rutshuru territory';
    wire.add({ title: second, slug: 'census' });
    await alertIn(NEW_SUPERGROUP, second);
    expect(callsToChat(h.fake, OLD_GROUP.id, 'sendMessage')).toHaveLength(2);
    expect(sentContaining(h.fake, NEW_SUPERGROUP, first)).toHaveLength(1);
    const list = await command({ id: NEW_SUPERGROUP, type: 'supergroup', title: 'Bukavu desk' }, ADMIN, '/subscriptions');
    expect(list.plainText).toMatch(/m23/);
  }, 25_000);

  it('posts the scheduled daily digest at its time, through the outbox, without link previews', async () => {
    const digest = await eventually(
      () => h.fake.sentMessages(SCHEDULED_CHAT.id).find((m) => m.params.reply_parameters === undefined),
      `the ${scheduledTime} UTC digest`,
      75_000,
    );
    expect(isCleanTelegramHtml(digest)).toBe(true);
    expect(digest.params.link_preview_options).toMatchObject({ is_disabled: true });
    const rubaya = sentContaining(h.fake, GROUP.id, 'Rubaya')[0];
    // A report the outlet dated before the subscription, first seen after it and before the scheduled time.
    if ((await lateReportSeen) < occurrence - 2_000) expect(digest.plainText).toContain(LATE_REPORT);
    // The digest covers the subscription up to the scheduled time; the Rubaya story is in it when it came first.
    if (rubaya && rubaya.message.date * 1000 < occurrence - 2_000) {
      expect(digest.plainText).toContain('M23 rebels seize Rubaya coltan mines near Goma');
      expect(digest.plainText).toMatch(new RegExp(`Digest of .* to .*${scheduledTime} UTC`));
    } else {
      expect(digest.plainText).toMatch(/No new reports|Digest of/);
    }
  }, 80_000);
});
