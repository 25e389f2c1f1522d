import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelRef } from '../../src/chat/command.js';
import { textMessage } from '../../src/chat/message.js';
import type { StoryView } from '../../src/chat/views.js';
import { createManualClock } from '../../src/clock.js';
import type { Settings } from '../../src/config/settings-schema.js';
import type { SendFailure } from '../../src/delivery/sender.js';
import { createDispatcher, retryDelay } from '../../src/delivery/dispatcher.js';
import type { DigestRequest } from '../../src/delivery/dispatcher.js';
import { createFanOut } from '../../src/delivery/fan-out.js';
import { createOutbox } from '../../src/delivery/outbox.js';
import { createSubscriptionServices } from '../../src/delivery/subscriptions.js';
import { openDatabase } from '../../src/store/sqlite-store.js';
import {
  HOUR,
  MINUTE,
  lines,
  makeSettings,
  makeStory,
  memoryDb,
  outboxRows,
  recordingLogger,
  recordingSender,
  storyShelf,
  testFormatAlert,
} from './fixtures.js';

const chat: ChannelRef = { platform: 'console', chatId: 'console' };
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup(options: { db?: Database.Database; settings?: Settings; maxStoriesPerMessage?: number } = {}) {
  const db = options.db ?? memoryDb();
  const clock = createManualClock('2025-06-01T12:00:00Z');
  const settings = options.settings ?? makeSettings();
  const services = createSubscriptionServices(db, clock, settings);
  const fanOut = createFanOut({ db, clock, settings });
  const shelf = storyShelf();
  const platform = recordingSender('console');
  const log = recordingLogger();
  const digests: DigestRequest[] = [];
  const dispatcher = (tickMs?: number) =>
    createDispatcher({
      ...(tickMs ? { tickMs } : {}),
      db,
      senders: new Map([['console', platform.sender]]),
      clock,
      settings,
      loadStory: shelf.loadStory,
      formatAlert: testFormatAlert,
      buildDigestMessage: (request) => {
        digests.push(request);
        return textMessage(`digest since ${request.since}`, 'digest');
      },
      logger: log.logger,
      ...(options.maxStoriesPerMessage ? { maxStoriesPerMessage: options.maxStoriesPerMessage } : {}),
    });
  /** New stories arrive in one poll, published a minute ago. */
  const poll = (...ids: string[]) => {
    const now = clock.now();
    const stories = ids.map((id, i) => makeStory(id, { publishedAt: now - MINUTE + i }));
    stories.forEach((story) => shelf.put(story));
    return fanOut.fanOut(
      stories.map((story) => ({
        storyId: story.id,
        isNewStory: true,
        itemIds: [`i-${story.id}`],
        topics: story.topics,
        sourceCountBefore: 0,
        sourceCountAfter: 1,
      })),
      stories.map((story) => ({ id: `i-${story.id}`, publishedAt: story.publishedAt, fetchedAt: now })),
      { firstFetch: false },
    );
  };
  return { db, clock, settings, services, fanOut, shelf, platform, log, digests, dispatcher, poll };
}

describe('dispatcher', () => {
  it('sends to many channels at once, so a fan-out is not as slow as the round trip', async () => {
    const t = setup();
    const channels: ChannelRef[] = Array.from({ length: 40 }, (_, i) => ({ platform: 'console', chatId: `room-${i}` }));
    for (const channel of channels) await t.services.subscribe(channel, { topic: 'm23', mode: 'alerts' });
    t.poll('a');
    t.platform.state.delayMs = 100;
    const started = Date.now();
    const report = await t.dispatcher().runOnce();
    // One at a time, 40 sends of 100 ms each would take 4 s; 32 at once take two round trips.
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(report).toMatchObject({ messages: 40, rowsSent: 40 });
    expect(new Set(t.platform.sends.map((s) => s.channel.chatId))).toEqual(new Set(channels.map((c) => c.chatId)));
    expect(t.platform.sends).toHaveLength(40);
  });

  it('does not hold up other channels while one channel is slow to answer', async () => {
    const t = setup();
    const slow: ChannelRef = { platform: 'console', chatId: 'busy-group' };
    const quick: ChannelRef = { platform: 'console', chatId: 'quiet-chat' };
    for (const channel of [slow, quick]) await t.services.subscribe(channel, { topic: 'm23', mode: 'alerts' });
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    t.platform.state.holdFor = (channel) => (channel.chatId === slow.chatId ? gate : undefined);
    const sentTo = (channel: ChannelRef) => t.platform.sends.filter((s) => s.channel.chatId === channel.chatId).map((s) => lines(s.message));
    const until = async (test: () => boolean) => {
      for (let waited = 0; !test(); waited += 5) {
        if (waited > 2_000) throw new Error(`gave up waiting; sent: ${JSON.stringify(t.platform.sends.map((s) => s.channel.chatId))}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    const dispatcher = t.dispatcher(10);
    dispatcher.start();
    try {
      t.poll('a');
      await until(() => sentTo(quick).length === 1);
      // The slow group's send of a is still waiting; news of b must reach the quick chat anyway.
      t.poll('b');
      await until(() => sentTo(quick).length === 2);
      expect(sentTo(quick)).toEqual([['Story a [1 sources]'], ['Story b [1 sources]']]);
      expect(sentTo(slow)).toEqual([]);

      open();
      await until(() => sentTo(slow).length === 2);
      expect(sentTo(slow)).toEqual([['Story a [1 sources]'], ['Story b [1 sources]']]);
    } finally {
      await dispatcher.stop();
    }
    expect(outboxRows(t.db).map((row) => `${row.story_id}:${row.state}:${row.attempts}`)).toEqual(['a:sent:1', 'a:sent:1', 'b:sent:1', 'b:sent:1']);
  });

  it("edits other channels' alerts while a busy channel holds many due edits", async () => {
    const t = setup({ settings: makeSettings({ alerts: { perChannelPerHour: 1000 } }) });
    const busy: ChannelRef = { platform: 'console', chatId: 'busy-group' };
    const quiet: ChannelRef = { platform: 'console', chatId: 'quiet-chat' };
    await t.services.subscribe(busy, { topic: 'm23', mode: 'alerts' });
    const dispatcher = t.dispatcher(10);
    const ids = Array.from({ length: 60 }, (_, i) => `s${i}`);
    for (const id of ids) {
      t.poll(id);
      await dispatcher.runOnce();
    }
    await t.services.subscribe(quiet, { topic: 'm23', mode: 'alerts' });
    t.poll('q');
    await dispatcher.runOnce();
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    t.platform.state.holdFor = (channel) => (channel.chatId === busy.chatId ? gate : undefined);
    dispatcher.start();
    try {
      t.poll('z');
      // Every story grows: the busy channel's 61 edits come first in the outbox, the quiet chat's one last.
      for (const id of [...ids, 'q']) {
        t.shelf.put({ ...t.shelf.loadStory(id)!, sources: ['Outlet A', 'Outlet B'] } satisfies StoryView);
        t.fanOut.fanOut([{ storyId: id, isNewStory: false, itemIds: [`i2-${id}`], topics: ['m23'], sourceCountBefore: 1, sourceCountAfter: 2 }], [], { firstFetch: false });
      }
      for (let waited = 0; !t.platform.edits.some((e) => e.channel.chatId === quiet.chatId); waited += 5) {
        if (waited > 2_000) throw new Error(`the quiet chat's edit never came; edits: ${t.platform.edits.length}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // Still sending z, the busy channel has edited nothing.
      expect(t.platform.edits.filter((e) => e.channel.chatId === busy.chatId)).toHaveLength(0);
      expect(t.platform.sends.filter((s) => s.channel.chatId === busy.chatId)).toHaveLength(61);
    } finally {
      open();
      await dispatcher.stop();
    }
  });

  it('sends the stories of one poll as one message', async () => {
    const t = setup();
    await t.services.subscribe(chat, { topic: 'm23', mode: 'alerts' });
    t.poll('a', 'b', 'c');
    const report = await t.dispatcher().runOnce();
    expect(report).toMatchObject({ messages: 1, rowsSent: 3 });
    expect(t.platform.sends).toHaveLength(1);
    expect(lines(t.platform.sends[0]!.message)).toEqual(['Story c [1 sources]', 'Story b [1 sources]', 'Story a [1 sources]']);
    expect(outboxRows(t.db).every((row) => row.state === 'sent')).toBe(true);
    expect((await t.dispatcher().runOnce()).messages).toBe(0);
  });

  it('holds alerts over the hourly limit and folds them into the next message, losing none', async () => {
    const t = setup({ settings: makeSettings({ alerts: { perChannelPerHour: 2 } }), maxStoriesPerMessage: 2 });
    await t.services.subscribe(chat, { topic: 'all' });
    const dispatcher = t.dispatcher();
    t.poll('a');
    await dispatcher.runOnce();
    t.clock.advance(10 * MINUTE);
    t.poll('b');
    await dispatcher.runOnce();
    t.clock.advance(10 * MINUTE);
    t.poll('c');
    t.clock.advance(MINUTE);
    t.poll('d');
    t.clock.advance(MINUTE);
    t.poll('e');
    const held = await dispatcher.runOnce();
    expect(held).toMatchObject({ messages: 0, held: 3 });
    expect(t.platform.sends).toHaveLength(2);

    // An hour after the first alert, budget frees: one message, the newest two listed, "+1 more", all sent.
    t.clock.set(Date.parse('2025-06-01T13:00:01Z'));
    const freed = await dispatcher.runOnce();
    expect(freed).toMatchObject({ messages: 1, rowsSent: 3 });
    expect(lines(t.platform.sends[2]!.message)).toEqual(['Story e [1 sources]', 'Story d [1 sources]', '+1 more']);
    expect(outboxRows(t.db).map((row) => row.state)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
  });

  it('retries with exponential backoff and gives a row up after maxAttempts, keeping the reason', async () => {
    const settings = makeSettings({ delivery: { maxAttempts: 3, retryBaseMs: 10_000, retryMaxMs: 15_000 } });
    const t = setup({ settings });
    await t.services.subscribe(chat, { topic: 'm23' });
    t.poll('a');
    t.platform.state.failWith = () => ({ ok: false, kind: 'retry', reason: 'HTTP 502' });
    const dispatcher = t.dispatcher();

    expect((await dispatcher.runOnce()).retried).toBe(1);
    t.clock.advance(9_999);
    expect((await dispatcher.runOnce()).retried).toBe(0); // not due before retryBase
    t.clock.advance(1);
    expect((await dispatcher.runOnce()).retried).toBe(1);
    t.clock.advance(14_999); // second delay 20 s, capped at retryMax 15 s
    expect((await dispatcher.runOnce()).retried).toBe(0);
    t.clock.advance(1);
    expect((await dispatcher.runOnce()).dead).toBe(1);
    expect(outboxRows(t.db)[0]).toMatchObject({ state: 'dead', attempts: 3, last_error: 'gave up after 3 attempts: HTTP 502' });
    t.clock.advance(HOUR);
    expect(await dispatcher.runOnce()).toMatchObject({ retried: 0, dead: 0, messages: 0 });
  });

  it('holds a channel whose message waits for a retry, so a newer alert neither overtakes it nor hits the rate limit', async () => {
    const t = setup();
    const limited: ChannelRef = { platform: 'console', chatId: 'rate-limited' };
    const other: ChannelRef = { platform: 'console', chatId: 'other' };
    for (const channel of [limited, other]) await t.services.subscribe(channel, { topic: 'm23', mode: 'alerts' });
    const tries: string[] = [];
    t.platform.state.failWith = (channel, message) => {
      tries.push(`${channel.chatId}: ${lines(message).join(' | ')}`);
      const first = tries.filter((x) => x.startsWith(limited.chatId)).length === 1;
      return channel.chatId === limited.chatId && first ? { ok: false, kind: 'retry', reason: '429', retryAfterMs: 90_000 } : undefined;
    };
    const triesAt = (channel: ChannelRef) => tries.filter((x) => x.startsWith(`${channel.chatId}:`));
    const dispatcher = t.dispatcher();
    t.poll('a');
    await dispatcher.runOnce();
    t.clock.advance(10_000);
    t.poll('b');
    await dispatcher.runOnce();
    t.clock.advance(79_999);
    await dispatcher.runOnce();
    expect(triesAt(other)).toEqual(['other: Story a [1 sources]', 'other: Story b [1 sources]']);
    // b waits with a: the limited chat is not tried again before the 90 s are over.
    expect(triesAt(limited)).toEqual(['rate-limited: Story a [1 sources]']);
    t.clock.advance(1);
    await dispatcher.runOnce();
    // Then a and b go out together, newest first: nothing overtook a.
    expect(triesAt(limited)).toEqual(['rate-limited: Story a [1 sources]', 'rate-limited: Story b [1 sources] | Story a [1 sources]']);
  });

  it('puts back a message the platform turned away before sending (it is stopping), with no attempt counted', async () => {
    const t = setup({ settings: makeSettings({ delivery: { maxAttempts: 1 } }) });
    await t.services.subscribe(chat, { topic: 'm23' });
    t.poll('a');
    t.platform.state.failWith = () => ({ ok: false, kind: 'retry', reason: 'not sent: the bot is stopping', notSent: true });
    const dispatcher = t.dispatcher();
    expect(await dispatcher.runOnce()).toMatchObject({ retried: 0, dead: 0, messages: 0 });
    // Even with maxAttempts 1 it is not given up, and it is due at once, not after a backoff.
    expect(outboxRows(t.db)[0]).toMatchObject({ state: 'pending', attempts: 0 });
    t.platform.state.failWith = undefined;
    expect(await dispatcher.runOnce()).toMatchObject({ messages: 1, rowsSent: 1 });
  });

  it('computes retry delays from base, cap and a longer Retry-After', () => {
    const delivery = { maxAttempts: 8, retryBaseMs: 10_000, retryMaxMs: 60_000 };
    expect([1, 2, 3, 4, 5].map((n) => retryDelay(n, delivery))).toEqual([10_000, 20_000, 40_000, 60_000, 60_000]);
    expect(retryDelay(1, delivery, 90_000)).toBe(90_000);
    expect(retryDelay(3, delivery, 1_000)).toBe(40_000);
  });

  it('marks a rejected message dead at once', async () => {
    const t = setup();
    await t.services.subscribe(chat, { topic: 'm23' });
    t.poll('a');
    t.platform.state.failWith = () => ({ ok: false, kind: 'rejected', reason: 'Bad Request: message is too long' });
    expect((await t.dispatcher().runOnce()).dead).toBe(1);
    expect(outboxRows(t.db)[0]).toMatchObject({ state: 'dead', attempts: 1, last_error: 'rejected: Bad Request: message is too long' });
  });

  it('deactivates a gone channel at once, logs one line and never tries it again', async () => {
    const t = setup();
    await t.services.subscribe(chat, { topic: 'm23' });
    await t.services.subscribe(chat, { topic: 'ceasefire' });
    t.poll('a');
    let attempts = 0;
    t.platform.state.failWith = () => {
      attempts++;
      return { ok: false, kind: 'gone', reason: 'Forbidden: bot was kicked' };
    };
    const dispatcher = t.dispatcher();
    expect(await dispatcher.runOnce()).toMatchObject({ channelsGone: 1, dead: 1 });
    expect(await t.services.subscriptions(chat)).toEqual([]);
    expect(t.log.entries.filter((e) => e.level === 'warn')).toHaveLength(1);

    t.poll('b');
    t.clock.advance(HOUR);
    await dispatcher.runOnce();
    expect(attempts).toBe(1);
    expect(outboxRows(t.db).map((row) => `${row.story_id}:${row.state}:${row.last_error}`)).toEqual([
      'a:dead:gone: Forbidden: bot was kicked',
    ]);
  });

  it('moves the subscriptions of a migrated chat and resends there', async () => {
    const t = setup();
    const oldChat: ChannelRef = { platform: 'console', chatId: '-123' };
    const newChat: ChannelRef = { platform: 'console', chatId: '-100123' };
    await t.services.subscribe(oldChat, { topic: 'm23', digestTime: '09:00' });
    t.poll('a', 'b');
    t.platform.state.failWith = (channel) =>
      channel.chatId === '-123' ? { ok: false, kind: 'moved', reason: 'group upgraded', movedTo: newChat } : undefined;

    const report = await t.dispatcher().runOnce();
    expect(report).toMatchObject({ channelsMoved: 1, messages: 1, rowsSent: 2 });
    expect(t.platform.sends.map((send) => send.channel)).toEqual([newChat]);
    expect(await t.services.subscriptions(oldChat)).toEqual([]);
    expect(await t.services.subscriptions(newChat)).toEqual([{ topic: 'm23', mode: 'both', digestTime: '09:00', timezone: 'UTC' }]);
    expect(outboxRows(t.db).map((row) => `${row.chat_id}:${row.state}:${row.attempts}`)).toEqual(['-100123:sent:1', '-100123:sent:1']);
  });

  it('edits the sent alert when its story grows, and sends no new alert', async () => {
    const t = setup();
    await t.services.subscribe(chat, { topic: 'm23' });
    t.poll('a', 'b');
    const dispatcher = t.dispatcher();
    await dispatcher.runOnce();
    const story = t.shelf.loadStory('a')!;
    t.shelf.put({ ...story, sources: ['Outlet A', 'Outlet B', 'Outlet C'] } satisfies StoryView);
    t.fanOut.fanOut(
      [{ storyId: 'a', isNewStory: false, itemIds: ['i-x', 'i-y'], topics: ['m23'], sourceCountBefore: 1, sourceCountAfter: 3 }],
      [],
      { firstFetch: false },
    );
    const report = await dispatcher.runOnce();
    expect(report).toMatchObject({ edited: 1, messages: 0 });
    expect(t.platform.sends).toHaveLength(1);
    expect(t.platform.edits).toHaveLength(1);
    expect(t.platform.edits[0]!.messageIds).toEqual(['m1']);
    expect(lines(t.platform.edits[0]!.message)).toEqual(['Story b [1 sources]', 'Story a [3 sources]']);
    expect((await dispatcher.runOnce()).edited).toBe(0);
  });

  it('edits an alert whose story grew while the alert was on its way', async () => {
    const t = setup();
    await t.services.subscribe(chat, { topic: 'm23' });
    t.poll('a');
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    t.platform.state.holdFor = () => gate;
    const dispatcher = t.dispatcher();
    const sending = dispatcher.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 10));
    // Another outlet's copy joins the story while the alert is still unanswered.
    t.shelf.put({ ...t.shelf.loadStory('a')!, sources: ['Outlet A', 'Outlet B'] } satisfies StoryView);
    t.fanOut.fanOut([{ storyId: 'a', isNewStory: false, itemIds: ['i-copy'], topics: ['m23'], sourceCountBefore: 1, sourceCountAfter: 2 }], [], { firstFetch: false });
    open();
    expect(await sending).toMatchObject({ messages: 1 });
    expect(lines(t.platform.sends[0]!.message)).toEqual(['Story a [1 sources]']);
    t.platform.state.holdFor = undefined;
    expect(await dispatcher.runOnce()).toMatchObject({ edited: 1, messages: 0 });
    expect(lines(t.platform.edits[0]!.message)).toEqual(['Story a [2 sources]']);
  });

  it('treats a failed edit as not fatal', async () => {
    const t = setup();
    await t.services.subscribe(chat, { topic: 'm23' });
    t.poll('a');
    const dispatcher = t.dispatcher();
    await dispatcher.runOnce();
    t.platform.state.failEditWith = () => ({ ok: false, kind: 'rejected', reason: 'message to edit not found' });
    t.fanOut.fanOut(
      [{ storyId: 'a', isNewStory: false, itemIds: ['i-x'], topics: ['m23'], sourceCountBefore: 1, sourceCountAfter: 2 }],
      [],
      { firstFetch: false },
    );
    t.poll('b');
    const report = await dispatcher.runOnce();
    expect(report).toMatchObject({ edited: 0, messages: 1 });
    expect(t.log.entries.some((e) => e.msg?.includes('edit failed'))).toBe(true);
    expect((await dispatcher.runOnce()).edited).toBe(0);
  });

  it('acts on an edit that finds the channel gone or moved, as a send would, before the next story is sent', async () => {
    /** A sent alert whose story grows, and whose edit the platform answers with `failure`. */
    const editFailing = async (failure: SendFailure) => {
      const t = setup();
      await t.services.subscribe(chat, { topic: 'm23' });
      t.poll('a');
      const dispatcher = t.dispatcher();
      await dispatcher.runOnce();
      t.platform.state.failEditWith = () => failure;
      t.fanOut.fanOut(
        [{ storyId: 'a', isNewStory: false, itemIds: ['i-x'], topics: ['m23'], sourceCountBefore: 1, sourceCountAfter: 2 }],
        [],
        { firstFetch: false },
      );
      return { t, report: await dispatcher.runOnce(), dispatcher };
    };

    const gone = await editFailing({ ok: false, kind: 'gone', reason: 'Missing Permissions' });
    expect(gone.report).toMatchObject({ edited: 0, channelsGone: 1 });
    expect(await gone.t.services.subscriptions(chat)).toEqual([]);
    gone.t.poll('b');
    await gone.dispatcher.runOnce();
    expect(gone.t.platform.sends).toHaveLength(1);

    const newChat: ChannelRef = { platform: 'console', chatId: '-100123' };
    const moved = await editFailing({ ok: false, kind: 'moved', reason: 'group upgraded', movedTo: newChat });
    expect(moved.report).toMatchObject({ edited: 0, channelsMoved: 1 });
    moved.t.poll('b');
    await moved.dispatcher.runOnce();
    expect(moved.t.platform.sends.map((send) => send.channel)).toEqual([chat, newChat]);
  });

  it('leaves rows of a platform without a sender pending', async () => {
    const t = setup();
    await t.services.subscribe({ platform: 'telegram', chatId: '-1' }, { topic: 'm23' });
    t.poll('a');
    expect((await t.dispatcher().runOnce()).messages).toBe(0);
    expect(outboxRows(t.db)[0]).toMatchObject({ state: 'pending', attempts: 0 });
  });

  it('sends a digest row with the period it covers', async () => {
    const t = setup();
    const outbox = createOutbox(t.db, t.clock);
    outbox.enqueueDigest(chat, { occurrence: t.clock.now(), since: t.clock.now() - 24 * HOUR, topics: ['m23'] });
    expect((await t.dispatcher().runOnce()).messages).toBe(1);
    expect(t.digests).toEqual([{ channel: chat, topics: ['m23'], since: t.clock.now() - 24 * HOUR, until: t.clock.now() }]);
    expect(lines(t.platform.sends[0]!.message)).toEqual([`digest since ${t.clock.now() - 24 * HOUR}`]);
  });

  it('after a crash mid-send, sends the interrupted rows once and never resends sent ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sitrep-dispatch-'));
    dirs.push(dir);
    const path = join(dir, 'sitrep.db');
    const first = setup({ db: openDatabase(path) });
    await first.services.subscribe(chat, { topic: 'm23' });
    first.poll('a');
    await first.dispatcher().runOnce(); // 'a' sent
    first.poll('b');
    first.platform.state.hang = true;
    void first.dispatcher().runOnce(); // 'b' claimed, its send never answers: the process "dies" here
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(outboxRows(first.db).map((row) => `${row.story_id}:${row.state}`)).toEqual(['a:sent', 'b:sending']);
    first.db.close();

    const second = setup({ db: openDatabase(path) });
    second.shelf.put(makeStory('a'));
    second.shelf.put(makeStory('b'));
    const report = await second.dispatcher().runOnce();
    expect(report).toMatchObject({ messages: 1, rowsSent: 1 });
    expect(lines(second.platform.sends[0]!.message)).toEqual(['Story b [1 sources]']);
    expect(second.log.entries.some((e) => e.msg?.includes('interrupted'))).toBe(true);
    expect((await second.dispatcher().runOnce()).messages).toBe(0);
    // The resend carries the interrupted send's key, so a platform that knows it (Discord's nonce) posts no copy.
    const keyOfB = first.platform.tried.at(-1)!.key;
    expect(keyOfB).toMatch(/^[\w-]{16}$/);
    expect(second.platform.tried.map((t) => t.key)).toEqual([keyOfB]);
    expect(first.platform.tried[0]!.key).not.toBe(keyOfB);
    second.db.close();
  });

  it('gives every attempt at one message the same key, and other messages and channels other keys', async () => {
    const t = setup();
    const other: ChannelRef = { platform: 'console', chatId: 'other' };
    await t.services.subscribe(chat, { topic: 'm23' });
    await t.services.subscribe(other, { topic: 'm23' });
    t.poll('a');
    t.platform.state.failWith = () => ({ ok: false, kind: 'retry', reason: 'HTTP 502' });
    const dispatcher = t.dispatcher();
    await dispatcher.runOnce();
    t.platform.state.failWith = undefined;
    t.clock.advance(HOUR);
    await dispatcher.runOnce();
    const keysOf = (channel: ChannelRef) => t.platform.tried.filter((x) => x.channel.chatId === channel.chatId).map((x) => x.key);
    const [first, second] = keysOf(chat);
    expect(keysOf(chat)).toHaveLength(2);
    expect(second).toBe(first);
    expect(keysOf(other)).toHaveLength(2);
    expect(keysOf(other)[0]).not.toBe(first);
    t.poll('b');
    await dispatcher.runOnce();
    expect(keysOf(chat)).toHaveLength(3);
    expect(new Set(keysOf(chat)).size).toBe(2);
  });

  it('stops only after the send in flight has finished and been recorded', async () => {
    const t = setup();
    await t.services.subscribe(chat, { topic: 'm23' });
    t.poll('a');
    t.platform.state.delayMs = 100;
    const dispatcher = createDispatcherStarted(t.dispatcher());
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = performance.now();
    await dispatcher.stop();
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
    expect(outboxRows(t.db)[0]!.state).toBe('sent');
  });
});

function createDispatcherStarted<T extends { start(): void }>(dispatcher: T): T {
  dispatcher.start();
  return dispatcher;
}
