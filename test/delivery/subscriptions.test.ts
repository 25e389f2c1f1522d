import { describe, expect, it } from 'vitest';
import type { ChannelRef } from '../../src/chat/command.js';
import { createManualClock } from '../../src/clock.js';
import { createSubscriptionServices } from '../../src/delivery/subscriptions.js';
import { makeSettings, memoryDb } from './fixtures.js';

const chat: ChannelRef = { platform: 'telegram', chatId: '-100' };

function setup() {
  const db = memoryDb();
  const clock = createManualClock('2025-06-01T12:00:00Z');
  const settings = makeSettings({ digest: { time: '07:30', timezone: 'Africa/Kinshasa' } });
  let changes = 0;
  const services = createSubscriptionServices(db, clock, settings, { onChange: () => changes++ });
  return { db, clock, services, changes: () => changes };
}

describe('subscriptions', () => {
  it('subscribe with the configured defaults and say so', async () => {
    const { services, changes } = setup();
    expect(services.defaults()).toEqual({ digestTime: '07:30', timezone: 'Africa/Kinshasa', backlog: 0 });
    const { subscriptions, backlog } = await services.subscribe(chat, { topic: 'm23' });
    expect(subscriptions).toEqual([{ topic: 'm23', mode: 'both', digestTime: '07:30', timezone: 'Africa/Kinshasa' }]);
    expect(backlog).toBe(0);
    expect(changes()).toBe(1);
  });

  it('answer the backlog each subscription gets: the configured one, the one asked for, and none for a digest-only one unless asked', async () => {
    const settings = makeSettings({ alerts: { backlogOnSubscribe: 3 } });
    const services = createSubscriptionServices(memoryDb(), createManualClock('2025-06-01T12:00:00Z'), settings, { recentStoryIds: () => [] });
    expect((await services.subscribe(chat, { topic: 'm23' })).backlog).toBe(3);
    expect((await services.subscribe(chat, { topic: 'ceasefire', backlog: 1 })).backlog).toBe(1);
    expect((await services.subscribe(chat, { topic: 'qatar-talks', mode: 'digest' })).backlog).toBe(0);
    // Kept digest-only from before: still none unless asked.
    expect((await services.subscribe(chat, { topic: 'qatar-talks', timezone: 'Europe/Paris' })).backlog).toBe(0);
    expect((await services.subscribe(chat, { topic: 'qatar-talks', backlog: 2 })).backlog).toBe(2);
  });

  it('update the mode and time when a channel subscribes to a topic again, keeping one row', async () => {
    const { db, services } = setup();
    await services.subscribe(chat, { topic: 'm23', mode: 'alerts' });
    await services.subscribe(chat, { topic: 'm23', mode: 'digest', digestTime: '18:00', timezone: 'Europe/Paris' });
    expect(await services.subscriptions(chat)).toEqual([
      { topic: 'm23', mode: 'digest', digestTime: '18:00', timezone: 'Europe/Paris' },
    ]);
    expect(db.prepare('SELECT count(*) FROM subscriptions').pluck().get()).toBe(1);
  });

  it('keep the mode when a subscription is changed without one, and give a new or ended one both', async () => {
    const { services } = setup();
    await services.subscribe(chat, { topic: 'm23', mode: 'digest', digestTime: '09:00' });
    // Changing only the time must not turn alerts back on.
    await services.subscribe(chat, { topic: 'm23', digestTime: '10:00' });
    expect(await services.subscriptions(chat)).toEqual([{ topic: 'm23', mode: 'digest', digestTime: '10:00', timezone: 'Africa/Kinshasa' }]);
    await services.unsubscribe(chat, 'm23');
    await services.subscribe(chat, { topic: 'm23' });
    await services.subscribe(chat, { topic: 'ceasefire' });
    expect((await services.subscriptions(chat)).map((s) => `${s.topic}:${s.mode}`)).toEqual(['ceasefire:both', 'm23:both']);
  });

  it('give a channel one digest time: setting it on one topic sets it for all', async () => {
    const { services } = setup();
    await services.subscribe(chat, { topic: 'm23' });
    await services.subscribe(chat, { topic: 'ceasefire', digestTime: '06:00', timezone: 'UTC' });
    await services.subscribe(chat, { topic: 'all', mode: 'alerts' });
    const views = await services.subscriptions(chat);
    expect(views.map((v) => v.topic)).toEqual(['all', 'ceasefire', 'm23']);
    expect(new Set(views.map((v) => `${v.digestTime} ${v.timezone}`))).toEqual(new Set(['06:00 UTC']));
  });

  it('keep channels, threads and platforms apart', async () => {
    const { services } = setup();
    await services.subscribe(chat, { topic: 'm23' });
    await services.subscribe({ ...chat, threadId: '7' }, { topic: 'ceasefire' });
    await services.subscribe({ platform: 'discord', chatId: '-100' }, { topic: 'all' });
    expect((await services.subscriptions(chat)).map((v) => v.topic)).toEqual(['m23']);
    expect((await services.subscriptions({ ...chat, threadId: '7' })).map((v) => v.topic)).toEqual(['ceasefire']);
    expect((await services.subscriptions({ platform: 'discord', chatId: '-100' })).map((v) => v.topic)).toEqual(['all']);
  });

  it('unsubscribe one topic or all of them and count what ended', async () => {
    const { services } = setup();
    await services.subscribe(chat, { topic: 'm23' });
    await services.subscribe(chat, { topic: 'ceasefire' });
    await services.subscribe(chat, { topic: 'qatar-talks' });
    expect(await services.unsubscribe(chat, 'ceasefire')).toBe(1);
    expect(await services.unsubscribe(chat, 'ceasefire')).toBe(0);
    expect(await services.unsubscribe(chat, 'all')).toBe(2);
    expect(await services.subscriptions(chat)).toEqual([]);
  });

  it('restart the clock of a subscription taken up again after unsubscribing', async () => {
    const { db, clock, services } = setup();
    await services.subscribe(chat, { topic: 'm23' });
    await services.unsubscribe(chat, 'm23');
    clock.advance(3_600_000);
    await services.subscribe(chat, { topic: 'm23' });
    const createdAt = db.prepare('SELECT created_at FROM subscriptions').pluck().get();
    expect(createdAt).toBe(clock.now());
  });

  it('refuse a malformed digest time or an unknown time zone', async () => {
    const { services } = setup();
    await expect(services.subscribe(chat, { topic: 'm23', digestTime: '25:00' })).rejects.toThrow(/HH:MM/);
    await expect(services.subscribe(chat, { topic: 'm23', timezone: 'Mars/Olympus' })).rejects.toThrow(/time zone/);
    expect(await services.subscriptions(chat)).toEqual([]);
  });

  it('carry subscriptions to a moved chat and stop a gone one, keeping the reason', async () => {
    const { db, services } = setup();
    await services.subscribe(chat, { topic: 'm23' });
    await services.subscribe(chat, { topic: 'ceasefire' });
    const moved: ChannelRef = { platform: 'telegram', chatId: '-1009' };
    expect(services.store.moveChannel(chat, moved)).toBe(2);
    expect(await services.subscriptions(chat)).toEqual([]);
    expect((await services.subscriptions(moved)).map((v) => v.topic)).toEqual(['ceasefire', 'm23']);

    expect(services.store.deactivateChannel(moved, 'gone: bot was kicked')).toBe(2);
    expect(await services.subscriptions(moved)).toEqual([]);
    const reasons = db.prepare('SELECT DISTINCT deactivated_reason FROM subscriptions').pluck().all();
    expect(reasons).toEqual(['gone: bot was kicked']);
  });
});
