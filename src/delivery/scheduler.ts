/**
 * Daily digests: node-cron fires at each distinct (time, time zone) the subscriptions use, and every firing
 * (and the start) enqueues, for each channel whose latest scheduled occurrence is after its last digest,
 * ONE digest covering everything since that last digest. So a bot that was down catches up once, not once
 * per missed day, and the (channel, occurrence) key keeps a digest from being enqueued twice.
 * The decision is `runDue(now)`, driven by the injected clock; cron only says when to look.
 */
import { createTask } from 'node-cron';
import type Database from 'better-sqlite3';
import type { ChannelRef } from '../chat/command.js';
import type { Clock } from '../clock.js';
import type { Settings } from '../config/settings-schema.js';
import { previousOccurrence, requireTime } from './digest-schedule.js';
import type { DeliveryLogger } from './dispatcher.js';
import { createOutbox, describeChannel } from './outbox.js';
import { createSubscriptions } from './subscriptions.js';

/** A started cron task, as far as the scheduler needs one. */
export type CronTask = { destroy(): void | Promise<void> };

/** Starts a cron task (node-cron's createTask + start by default; tests may pass their own). */
export type CronStarter = (expression: string, timeZone: string, run: (scheduledAt: number) => void) => CronTask;

/** Everything the digest scheduler is built from. */
export type DigestSchedulerDeps = {
  db: Database.Database;
  clock: Clock;
  settings: Pick<Settings, 'digest'>;
  logger?: DeliveryLogger;
  /** Called after digests were enqueued (the app runs the dispatcher). */
  onEnqueued?: (count: number) => void;
  cron?: CronStarter;
  /**
   * Real-time interval of an extra look, in case a cron firing is missed (a time in a DST gap, a
   * suspended machine). Default 10 minutes; 0 turns it off.
   */
  safetyIntervalMs?: number;
};

const nodeCronStarter: CronStarter = (expression, timeZone, run) => {
  const task = createTask(expression, (context) => run(context.date.getTime()), {
    timezone: timeZone,
    noOverlap: true,
    name: `digest ${expression} ${timeZone}`,
  });
  void task.start();
  return task;
};

/** The cron expression firing daily at HH:MM. */
export function dailyCronExpression(time: string): string {
  const { hour, minute } = requireTime(time);
  return `${minute} ${hour} * * *`;
}

type ChannelDigest = { channel: ChannelRef; time: string; timezone: string; topics: Set<string>; createdAt: number };

/** Builds the digest scheduler. */
export function createDigestScheduler(deps: DigestSchedulerDeps) {
  const { db, clock } = deps;
  const outbox = createOutbox(db, clock);
  const subscriptions = createSubscriptions(db, clock, { digestTime: deps.settings.digest.time, timezone: deps.settings.digest.timezone });
  const startCron = deps.cron ?? nodeCronStarter;
  const tasks = new Map<string, CronTask>();
  let safety: ReturnType<typeof setInterval> | null = null;

  function channels(): ChannelDigest[] {
    const byChannel = new Map<string, ChannelDigest>();
    for (const sub of subscriptions.digesting()) {
      const key = describeChannel(sub.channel);
      const entry = byChannel.get(key);
      if (entry) {
        entry.topics.add(sub.topic);
        entry.createdAt = Math.min(entry.createdAt, sub.createdAt);
      } else {
        byChannel.set(key, {
          channel: sub.channel,
          time: sub.digestTime,
          timezone: sub.timezone,
          topics: new Set([sub.topic]),
          createdAt: sub.createdAt,
        });
      }
    }
    return [...byChannel.values()];
  }

  /** Enqueues the digests due at `now` (at most one per channel); returns how many were enqueued. */
  function runDue(now: number = clock.now()): number {
    let count = 0;
    for (const entry of channels()) {
      let occurrence: number;
      try {
        occurrence = previousOccurrence(entry.time, entry.timezone, now);
      } catch (error) {
        deps.logger?.error({ channel: describeChannel(entry.channel), err: error }, 'bad digest time; skipped');
        continue;
      }
      // Since the last digest, but never before the channel subscribed (an old watermark from an earlier
      // subscription must not pull in months of news).
      const since = Math.max(outbox.lastDigestAt(entry.channel) ?? entry.createdAt, entry.createdAt);
      if (occurrence <= since) continue;
      const topics = entry.topics.has('all') ? 'all' : [...entry.topics].sort();
      if (outbox.enqueueDigest(entry.channel, { occurrence, since, topics })) count++;
    }
    if (count > 0) {
      deps.logger?.info({ digests: count }, 'digests enqueued');
      deps.onEnqueued?.(count);
    }
    return count;
  }

  const fire = (scheduledAt: number) => {
    // A timer that fires a little early must still see the occurrence as past.
    runDue(Math.max(clock.now(), scheduledAt));
  };

  /** Makes the cron tasks match the (time, time zone) pairs in use: new ones started, unused ones destroyed. */
  function refresh(): void {
    const wanted = new Map<string, { time: string; timezone: string }>();
    for (const entry of channels()) wanted.set(`${entry.time} ${entry.timezone}`, entry);
    for (const [key, task] of tasks) {
      if (!wanted.has(key)) {
        void task.destroy();
        tasks.delete(key);
      }
    }
    for (const [key, { time, timezone }] of wanted) {
      if (tasks.has(key)) continue;
      try {
        tasks.set(key, startCron(dailyCronExpression(time), timezone, fire));
      } catch (error) {
        deps.logger?.error({ time, timezone, err: error }, 'digest schedule not started');
      }
    }
  }

  return {
    runDue,
    refresh,
    /** The (time, time zone) pairs with a running cron task, e.g. "08:00 Africa/Kinshasa". */
    scheduled: (): string[] => [...tasks.keys()].sort(),
    /** Catches up (one digest per channel at most), then starts the cron tasks; returns the catch-up count. */
    start(): number {
      const caughtUp = runDue();
      refresh();
      const every = deps.safetyIntervalMs ?? 10 * 60_000;
      if (every > 0 && !safety) {
        safety = setInterval(() => runDue(), every);
        safety.unref();
      }
      return caughtUp;
    },
    /** Stops every cron task. */
    stop(): void {
      for (const task of tasks.values()) void task.destroy();
      tasks.clear();
      if (safety) clearInterval(safety);
      safety = null;
    },
  };
}

/** The digest scheduler's API. */
export type DigestScheduler = ReturnType<typeof createDigestScheduler>;
