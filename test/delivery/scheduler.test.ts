import { describe, expect, it } from 'vitest';
import type { ChannelRef } from '../../src/chat/command.js';
import { createManualClock } from '../../src/clock.js';
import { nextOccurrence } from '../../src/delivery/digest-schedule.js';
import { createDigestScheduler, dailyCronExpression } from '../../src/delivery/scheduler.js';
import type { CronStarter } from '../../src/delivery/scheduler.js';
import { createSubscriptionServices } from '../../src/delivery/subscriptions.js';
import { makeSettings, memoryDb, outboxRows } from './fixtures.js';

const paris: ChannelRef = { platform: 'telegram', chatId: '-1' };
const kinshasa: ChannelRef = { platform: 'discord', chatId: '42' };

function setup(start = '2025-06-01T05:00:00Z') {
  const db = memoryDb();
  const clock = createManualClock(start);
  const settings = makeSettings();
  const services = createSubscriptionServices(db, clock, settings);
  const started: { expression: string; timeZone: string; run: (at: number) => void; destroyed: boolean }[] = [];
  const cron: CronStarter = (expression, timeZone, run) => {
    const task = { expression, timeZone, run, destroyed: false };
    started.push(task);
    return { destroy: () => void (task.destroyed = true) };
  };
  const enqueued: number[] = [];
  const scheduler = createDigestScheduler({ db, clock, settings, cron, safetyIntervalMs: 0, onEnqueued: (n) => enqueued.push(n) });
  const digestRows = () =>
    (db.prepare("SELECT chat_id, occurrence, digest_since, digest_topics FROM outbox WHERE kind = 'digest' ORDER BY id").all() as {
      chat_id: string;
      occurrence: number;
      digest_since: number;
      digest_topics: string;
    }[]).map((row) => ({
      chat: row.chat_id,
      occurrence: new Date(row.occurrence).toISOString(),
      since: new Date(row.digest_since).toISOString(),
      topics: JSON.parse(row.digest_topics) as unknown,
    }));
  return { db, clock, services, scheduler, started, enqueued, digestRows };
}

describe('digest scheduler', () => {
  it('enqueues the first digest at the time in the zone, covering the time since subscribing', async () => {
    const t = setup();
    await t.services.subscribe(paris, { topic: 'm23', mode: 'digest', digestTime: '08:00', timezone: 'Europe/Paris' });
    expect(t.scheduler.runDue(Date.parse('2025-06-01T05:59:59Z'))).toBe(0);
    expect(t.scheduler.runDue(Date.parse('2025-06-01T06:00:00Z'))).toBe(1);
    expect(t.scheduler.runDue(Date.parse('2025-06-01T06:00:30Z'))).toBe(0);
    expect(t.digestRows()).toEqual([
      { chat: '-1', occurrence: '2025-06-01T06:00:00.000Z', since: '2025-06-01T05:00:00.000Z', topics: ['m23'] },
    ]);
    expect(t.enqueued).toEqual([1]);
  });

  it('catches up after days of downtime with exactly one digest covering the whole gap', async () => {
    const t = setup();
    await t.services.subscribe(kinshasa, { topic: 'all', digestTime: '08:00', timezone: 'Africa/Kinshasa' });
    t.scheduler.runDue(Date.parse('2025-06-01T07:00:00Z'));
    // Down from 2 June to the 5th at noon: three missed mornings.
    t.clock.set('2025-06-05T12:00:00Z');
    expect(t.scheduler.start()).toBe(1);
    t.scheduler.stop();
    expect(t.digestRows()).toEqual([
      { chat: '42', occurrence: '2025-06-01T07:00:00.000Z', since: '2025-06-01T05:00:00.000Z', topics: 'all' },
      { chat: '42', occurrence: '2025-06-05T07:00:00.000Z', since: '2025-06-01T07:00:00.000Z', topics: 'all' },
    ]);
    expect(t.scheduler.runDue()).toBe(0);
  });

  it('sends nothing to a channel that subscribed after its latest digest time', async () => {
    const t = setup('2025-06-01T09:00:00Z');
    await t.services.subscribe(paris, { topic: 'm23', digestTime: '08:00', timezone: 'UTC' });
    expect(t.scheduler.runDue()).toBe(0);
    expect(t.scheduler.runDue(Date.parse('2025-06-02T08:00:00Z'))).toBe(1);
  });

  it('leaves alerts-only subscriptions without a digest', async () => {
    const t = setup();
    await t.services.subscribe(paris, { topic: 'm23', mode: 'alerts', digestTime: '06:00', timezone: 'UTC' });
    expect(t.scheduler.runDue(Date.parse('2025-06-03T06:00:00Z'))).toBe(0);
    expect(outboxRows(t.db)).toEqual([]);
  });

  it('keeps the daily rhythm across the Paris change to summer time', async () => {
    const t = setup('2025-03-28T00:00:00Z');
    await t.services.subscribe(paris, { topic: 'm23', digestTime: '08:00', timezone: 'Europe/Paris' });
    for (let hour = 0; hour < 4 * 24; hour++) t.scheduler.runDue(Date.parse('2025-03-28T00:00:00Z') + hour * 3_600_000);
    expect(t.digestRows().map((row) => row.occurrence)).toEqual([
      '2025-03-28T07:00:00.000Z',
      '2025-03-29T07:00:00.000Z',
      '2025-03-30T06:00:00.000Z',
      '2025-03-31T06:00:00.000Z',
    ]);
  });

  it('runs one cron task per distinct time and zone, fires digests from it and destroys them on stop', async () => {
    const t = setup();
    await t.services.subscribe(paris, { topic: 'm23', digestTime: '08:00', timezone: 'Europe/Paris' });
    await t.services.subscribe({ platform: 'telegram', chatId: '-2' }, { topic: 'm23', digestTime: '08:00', timezone: 'Europe/Paris' });
    await t.services.subscribe(kinshasa, { topic: 'm23', digestTime: '07:15', timezone: 'Africa/Kinshasa' });
    t.scheduler.start();
    expect(t.started.map((task) => `${task.expression} ${task.timeZone}`).sort()).toEqual([
      '0 8 * * * Europe/Paris',
      '15 7 * * * Africa/Kinshasa',
    ]);
    expect(t.scheduler.scheduled()).toEqual(['07:15 Africa/Kinshasa', '08:00 Europe/Paris']);

    // A timer firing a moment early still counts the occurrence it was scheduled for.
    const task = t.started.find((s) => s.timeZone === 'Europe/Paris')!;
    t.clock.set('2025-06-01T05:59:59.900Z');
    task.run(Date.parse('2025-06-01T06:00:00Z'));
    expect(t.digestRows().map((row) => row.chat)).toEqual(['-1', '-2']);

    await t.services.unsubscribe(kinshasa, 'all');
    t.scheduler.refresh();
    expect(t.started.find((s) => s.timeZone === 'Africa/Kinshasa')!.destroyed).toBe(true);
    t.scheduler.stop();
    expect(t.started.every((s) => s.destroyed)).toBe(true);
  });

  it('schedules real node-cron tasks at the same instant digest-schedule computes, and stops them', async () => {
    const t = setup();
    const { getTasks } = await import('node-cron');
    const ours = () => [...getTasks().values()].filter((task) => task.name?.startsWith('digest '));
    const scheduler = createDigestScheduler({ db: t.db, clock: t.clock, settings: makeSettings(), safetyIntervalMs: 0 });
    await t.services.subscribe(paris, { topic: 'm23', digestTime: '08:00', timezone: 'America/New_York' });
    scheduler.start();
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.getNextRun()!.getTime()).toBe(nextOccurrence('08:00', 'America/New_York', Date.now()));
    scheduler.stop();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(ours()).toHaveLength(0);
    expect(dailyCronExpression('08:05')).toBe('5 8 * * *');
  });
});
