import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ChannelRef } from '../../src/chat/command.js';
import { createManualClock } from '../../src/clock.js';
import { createFanOut } from '../../src/delivery/fan-out.js';
import type { FanOutItem, StoryChange } from '../../src/delivery/fan-out.js';
import { createSubscriptionServices } from '../../src/delivery/subscriptions.js';
import type { StoryChange as ClassifiedChange } from '../../src/topics/classify.js';
import { HOUR, makeSettings, memoryDb, outboxRows } from './fixtures.js';

const alpha: ChannelRef = { platform: 'telegram', chatId: '-1' };
const beta: ChannelRef = { platform: 'discord', chatId: '42' };

function setup() {
  const db = memoryDb();
  const clock = createManualClock('2025-06-01T12:00:00Z');
  const settings = makeSettings({ alerts: { maxItemAgeMs: 48 * HOUR } });
  const recent: string[] = [];
  const services = createSubscriptionServices(db, clock, settings, {
    recentStoryIds: (_topic, limit) => recent.slice(0, limit),
  });
  const fanOut = createFanOut({ db, clock, settings });
  return { db, clock, services, fanOut, recent };
}

/** A new story made of one fresh item seen now. */
function newStory(id: string, now: number, topics: string[] = ['m23'], publishedAt = now - HOUR) {
  const item: FanOutItem = { id: `i-${id}`, publishedAt, fetchedAt: now };
  const change: StoryChange = {
    storyId: id,
    isNewStory: true,
    itemIds: [item.id],
    topics,
    sourceCountBefore: 0,
    sourceCountAfter: 1,
  };
  return { change, item };
}

describe('fan-out', () => {
  it('takes the story changes topics/classify produces as they are', () => {
    expectTypeOf<ClassifiedChange[]>().toExtend<readonly StoryChange[]>();
  });

  it('enqueues one row per subscribed channel and story, and nothing more when run twice', async () => {
    const { db, clock, services, fanOut } = setup();
    await services.subscribe(alpha, { topic: 'm23', mode: 'alerts' });
    await services.subscribe(beta, { topic: 'all', mode: 'both' });
    const a = newStory('s1', clock.now());
    const b = newStory('s2', clock.now(), ['ceasefire']);

    expect(fanOut.fanOut([a.change, b.change], [a.item, b.item], { firstFetch: false }).enqueued).toBe(3);
    expect(fanOut.fanOut([a.change, b.change], [a.item, b.item], { firstFetch: false }).enqueued).toBe(0);
    expect(outboxRows(db).map((r) => `${r.platform}:${r.chat_id}:${r.story_id}:${r.state}`)).toEqual([
      'telegram:-1:s1:pending',
      'discord:42:s1:pending',
      'discord:42:s2:pending',
    ]);
  });

  it('refuses a second row for the same subscription and story at the SQL level', async () => {
    const { db, clock, services, fanOut } = setup();
    await services.subscribe(alpha, { topic: 'm23' });
    const a = newStory('s1', clock.now());
    fanOut.fanOut([a.change], [a.item], { firstFetch: false });
    const insert = db.prepare(
      `INSERT INTO outbox (kind, platform, chat_id, subscription_id, story_id, next_attempt_at, created_at)
       VALUES ('alert', 'telegram', '-1', 1, 's1', 0, 0)`,
    );
    expect(() => insert.run()).toThrow(/UNIQUE/);
  });

  it('gives a channel a story once even when two of its subscriptions match it', async () => {
    const { db, clock, services, fanOut } = setup();
    await services.subscribe(alpha, { topic: 'm23' });
    await services.subscribe(alpha, { topic: 'ceasefire' });
    await services.subscribe(alpha, { topic: 'all' });
    const a = newStory('s1', clock.now(), ['m23', 'ceasefire']);
    expect(fanOut.fanOut([a.change], [a.item], { firstFetch: false }).enqueued).toBe(1);
    expect(outboxRows(db)).toHaveLength(1);
  });

  it('alerts nothing to digest-only subscriptions or for other topics', async () => {
    const { db, clock, services, fanOut } = setup();
    await services.subscribe(alpha, { topic: 'm23', mode: 'digest' });
    await services.subscribe(beta, { topic: 'qatar-talks', mode: 'alerts' });
    const a = newStory('s1', clock.now(), ['m23']);
    const untopical = newStory('s2', clock.now(), []);
    fanOut.fanOut([a.change, untopical.change], [a.item, untopical.item], { firstFetch: false });
    expect(outboxRows(db)).toEqual([]);
  });

  it("does not alert a new feed's first fetch", async () => {
    const { db, clock, services, fanOut } = setup();
    await services.subscribe(alpha, { topic: 'all' });
    const a = newStory('s1', clock.now());
    const report = fanOut.fanOut([a.change], [a.item], { firstFetch: true });
    expect(report.skipped.firstFetch).toBe(1);
    expect(outboxRows(db)).toEqual([]);
  });

  it('does not alert items published longer than maxItemAge before they were first seen', async () => {
    const { db, clock, services, fanOut } = setup();
    await services.subscribe(alpha, { topic: 'all' });
    const now = clock.now();
    const old = newStory('old', now, ['m23'], now - 49 * HOUR);
    const borderline = newStory('borderline', now, ['m23'], now - 48 * HOUR);
    const report = fanOut.fanOut([old.change, borderline.change], [old.item, borderline.item], { firstFetch: false });
    expect(report.skipped.tooOld).toBe(1);
    expect(outboxRows(db).map((r) => r.story_id)).toEqual(['borderline']);
  });

  it('gives a new subscription nothing that arrived before it', async () => {
    const { db, clock, services, fanOut } = setup();
    const before = newStory('before', clock.now() - 1);
    clock.advance(1);
    await services.subscribe(alpha, { topic: 'm23' });
    const after = newStory('after', clock.now());
    fanOut.fanOut([before.change, after.change], [before.item, after.item], { firstFetch: false });
    expect(outboxRows(db).map((r) => r.story_id)).toEqual(['after']);
  });

  it('enqueues the last N stories at subscribe time when a backlog is asked for', async () => {
    const { db, services, recent } = setup();
    recent.push('s9', 's8', 's7', 's6');
    await services.subscribe(alpha, { topic: 'm23', backlog: 3 });
    await services.subscribe(beta, { topic: 'm23' });
    expect(outboxRows(db).map((r) => `${r.chat_id}:${r.story_id}`)).toEqual(['-1:s9', '-1:s8', '-1:s7']);
    // A digest-only subscription gets one only when it asks for it.
    const gamma: ChannelRef = { platform: 'telegram', chatId: '-3' };
    const delta: ChannelRef = { platform: 'telegram', chatId: '-4' };
    await services.subscribe(gamma, { topic: 'm23', mode: 'digest', backlog: 2 });
    await services.subscribe(delta, { topic: 'm23', mode: 'digest' });
    expect(outboxRows(db).filter((r) => r.chat_id === '-3' || r.chat_id === '-4').map((r) => `${r.chat_id}:${r.story_id}`)).toEqual(['-3:s9', '-3:s8']);
  });

  it('flags a grown story for an edit instead of enqueuing it again', async () => {
    const { db, clock, services, fanOut } = setup();
    await services.subscribe(alpha, { topic: 'm23' });
    const a = newStory('s1', clock.now());
    fanOut.fanOut([a.change], [a.item], { firstFetch: false });
    // The alert went out (as the dispatcher would record it).
    db.exec(`INSERT INTO sent_messages (platform, chat_id, kind, message_ids, story_ids, sent_at)
             VALUES ('telegram', '-1', 'alert', '["7"]', '["s1"]', 0)`);
    db.exec("UPDATE outbox SET state = 'sent', sent_message_id = 1");

    const grown: StoryChange = { ...a.change, isNewStory: false, itemIds: ['i-x'], sourceCountBefore: 1, sourceCountAfter: 3 };
    const same: StoryChange = { ...a.change, isNewStory: false, itemIds: ['i-y'], sourceCountBefore: 3, sourceCountAfter: 3 };
    expect(fanOut.fanOut([same], [], { firstFetch: false }).editsFlagged).toBe(0);
    const report = fanOut.fanOut([grown], [], { firstFetch: false });
    expect(report).toMatchObject({ enqueued: 0, editsFlagged: 1 });
    expect(outboxRows(db)).toHaveLength(1);
    expect(db.prepare('SELECT edit_pending FROM sent_messages').pluck().get()).toBe(1);
  });

  it('alerts the subscribers of a topic a story gained when it grew, and nobody who had it or subscribes to all', async () => {
    const { db, clock, services, fanOut } = setup();
    const gamma: ChannelRef = { platform: 'telegram', chatId: '-3' };
    await services.subscribe(alpha, { topic: 'm23', mode: 'alerts' });
    await services.subscribe(beta, { topic: 'ceasefire', mode: 'alerts' });
    await services.subscribe(gamma, { topic: 'all', mode: 'alerts' });
    const a = newStory('s1', clock.now());
    expect(fanOut.fanOut([a.change], [a.item], { firstFetch: false }).enqueued).toBe(2);

    // Another outlet's report of it adds the ceasefire topic.
    clock.advance(HOUR);
    const joined: FanOutItem = { id: 'i-joined', publishedAt: clock.now() - 60_000, fetchedAt: clock.now() };
    const grown: StoryChange = { ...a.change, isNewStory: false, itemIds: [joined.id], topics: ['m23', 'ceasefire'], topicsBefore: ['m23'], sourceCountBefore: 1, sourceCountAfter: 2 };
    expect(fanOut.fanOut([grown], [joined], { firstFetch: false }).enqueued).toBe(1);
    expect(outboxRows(db).map((r) => `${r.chat_id}:${r.story_id}`)).toEqual(['-1:s1', '-3:s1', '42:s1']);
    // Run again, or grown once more with no new topic: nothing more.
    expect(fanOut.fanOut([grown], [joined], { firstFetch: false }).enqueued).toBe(0);
    expect(fanOut.fanOut([{ ...grown, topicsBefore: ['m23', 'ceasefire'] }], [joined], { firstFetch: false }).enqueued).toBe(0);
  });

  it('does not alert a gained topic from a new feed\'s backlog or from an old report', async () => {
    const { db, clock, services, fanOut } = setup();
    await services.subscribe(beta, { topic: 'ceasefire', mode: 'alerts' });
    const a = newStory('s1', clock.now());
    fanOut.fanOut([a.change], [a.item], { firstFetch: false });
    const old: FanOutItem = { id: 'i-old', publishedAt: clock.now() - 72 * HOUR, fetchedAt: clock.now() };
    const grown: StoryChange = { ...a.change, isNewStory: false, itemIds: [old.id], topics: ['m23', 'ceasefire'], topicsBefore: ['m23'], sourceCountBefore: 1, sourceCountAfter: 2 };
    expect(fanOut.fanOut([grown], [old], { firstFetch: false }).enqueued).toBe(0);
    const fresh: FanOutItem = { ...old, publishedAt: clock.now() };
    expect(fanOut.fanOut([grown], [fresh], { firstFetch: true }).enqueued).toBe(0);
    expect(outboxRows(db)).toHaveLength(0);
  });
});
