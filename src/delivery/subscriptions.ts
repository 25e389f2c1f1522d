/**
 * Subscriptions: which channel gets which topic, how (alerts, digest or both) and when its digest is due.
 * A subscription to `all` is one row with topic 'all' that matches every topic, including topics added
 * later. A channel gets one daily digest, so its digest time and time zone are the channel's: setting them
 * on one subscription sets them for all of that channel's subscriptions.
 * Unsubscribing and a platform saying "gone" both keep the row, inactive, with the reason; subscribing
 * again takes it up with a fresh created_at (it receives only what arrives after that).
 */
import type Database from 'better-sqlite3';
import type { ChannelRef } from '../chat/command.js';
import type { BotServices, SubscribeRequest } from '../chat/services.js';
import type { SubscriptionView } from '../chat/views.js';
import type { Clock } from '../clock.js';
import type { Settings } from '../config/settings-schema.js';
import { isValidTimeZone } from '../config/settings-schema.js';
import { requireTime } from './digest-schedule.js';
import { CHANNEL, channelFromRow, channelKey, createOutbox, describeChannel, moveKeys } from './outbox.js';
import type { ChannelKey, MoveKeys } from './outbox.js';

/** How a subscription is delivered. */
export type SubscriptionMode = SubscriptionView['mode'];

/** A subscription as stored. */
export type Subscription = {
  id: number;
  channel: ChannelRef;
  topic: string;
  mode: SubscriptionMode;
  digestTime: string;
  timezone: string;
  createdAt: number;
  active: boolean;
  deactivatedReason: string | null;
};

type SubscriptionRow = {
  id: number;
  platform: string;
  chat_id: string;
  thread_id: string;
  topic: string;
  mode: SubscriptionMode;
  digest_time: string;
  timezone: string;
  created_at: number;
  active: number;
  deactivated_reason: string | null;
};

function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    channel: channelFromRow(row),
    topic: row.topic,
    mode: row.mode,
    digestTime: row.digest_time,
    timezone: row.timezone,
    createdAt: row.created_at,
    active: row.active !== 0,
    deactivatedReason: row.deactivated_reason,
  };
}

/** What a subscribe call stores once defaults are applied. */
/** `mode` absent: an active subscription keeps its mode (changing only the time must not turn alerts on); a new one gets both. */
export type ResolvedSubscribe = { topic: string; mode?: SubscriptionMode; digestTime?: string; timezone?: string };

/** Subscriptions over SQLite: the table behind the services, the fan-out and the digest scheduler. */
export function createSubscriptions(db: Database.Database, clock: Clock, defaults: { digestTime: string; timezone: string }) {
  const byChannel = db.prepare<ChannelKey, SubscriptionRow>(
    `SELECT * FROM subscriptions WHERE ${CHANNEL} AND active = 1 ORDER BY topic = 'all' DESC, topic`,
  );
  const channelTime = db.prepare<ChannelKey, { digest_time: string; timezone: string }>(
    `SELECT digest_time, timezone FROM subscriptions WHERE ${CHANNEL} AND active = 1 ORDER BY updated_at DESC LIMIT 1`,
  );
  const upsert = db.prepare<ChannelKey & { topic: string; mode: string; time: string; zone: string; now: number }>(
    `INSERT INTO subscriptions (platform, chat_id, thread_id, topic, mode, digest_time, timezone, created_at, updated_at)
     VALUES (@platform, @chat, @thread, @topic, @mode, @time, @zone, @now, @now)
     ON CONFLICT (platform, chat_id, thread_id, topic) DO UPDATE SET
       mode = excluded.mode, digest_time = excluded.digest_time, timezone = excluded.timezone,
       updated_at = excluded.updated_at,
       created_at = CASE WHEN subscriptions.active = 1 THEN subscriptions.created_at ELSE excluded.created_at END,
       active = 1, deactivated_at = NULL, deactivated_reason = NULL`,
  );
  const setChannelTime = db.prepare<ChannelKey & { time: string; zone: string }>(
    `UPDATE subscriptions SET digest_time = @time, timezone = @zone WHERE ${CHANNEL}`,
  );
  const selectOne = db.prepare<ChannelKey & { topic: string }, SubscriptionRow>(
    `SELECT * FROM subscriptions WHERE ${CHANNEL} AND topic = @topic`,
  );
  const deactivate = db.prepare<ChannelKey & { topic: string | null; reason: string; now: number }>(
    `UPDATE subscriptions SET active = 0, deactivated_at = @now, deactivated_reason = @reason
     WHERE ${CHANNEL} AND active = 1 AND (@topic IS NULL OR topic = @topic)`,
  );
  const activeDigest = db.prepare<[], SubscriptionRow>(
    `SELECT * FROM subscriptions WHERE active = 1 AND mode IN ('digest', 'both') ORDER BY platform, chat_id, thread_id, id`,
  );
  const moveSubs = db.prepare<MoveKeys>(
    `UPDATE OR IGNORE subscriptions SET platform = @tp, chat_id = @tc, thread_id = @tt
     WHERE platform = @fp AND chat_id = @fc AND thread_id = @ft`,
  );
  const outbox = createOutbox(db, clock);

  const deactivateChannel = db.transaction((channel: ChannelRef, reason: string): number => {
    const key = channelKey(channel);
    const changed = deactivate.run({ ...key, topic: null, reason, now: clock.now() }).changes;
    outbox.killChannel(channel, reason);
    return changed;
  });

  const moveChannel = db.transaction((from: ChannelRef, to: ChannelRef): number => {
    const moved = moveSubs.run(moveKeys(from, to)).changes;
    // Rows left behind already existed at the new id; the ones there win.
    deactivate.run({ ...channelKey(from), topic: null, reason: `moved to ${describeChannel(to)}`, now: clock.now() });
    outbox.moveChannel(from, to);
    return moved;
  });

  const subscribe = db.transaction((channel: ChannelRef, request: ResolvedSubscribe): Subscription => {
    const key = channelKey(channel);
    const current = channelTime.get(key);
    const time = request.digestTime ?? current?.digest_time ?? defaults.digestTime;
    const zone = request.timezone ?? current?.timezone ?? defaults.timezone;
    const existing = selectOne.get({ ...key, topic: request.topic });
    const mode = request.mode ?? (existing?.active ? existing.mode : 'both');
    upsert.run({ ...key, topic: request.topic, mode, time, zone, now: clock.now() });
    setChannelTime.run({ ...key, time, zone });
    return toSubscription(selectOne.get({ ...key, topic: request.topic })!);
  });

  return {
    /** Creates or updates (mode, time) the channel's subscription to a topic; the channel's digest time follows. */
    subscribe,
    /** Ends the channel's subscription to a topic, or all of them; returns how many ended. */
    unsubscribe: db.transaction((channel: ChannelRef, topic: string | 'all'): number => {
      const key = channelKey(channel);
      const ended = deactivate.run({ ...key, topic: topic === 'all' ? null : topic, reason: 'unsubscribed', now: clock.now() });
      outbox.dropUnsubscribed();
      return ended.changes;
    }),
    /** The channel's active subscriptions, `all` first. */
    list: (channel: ChannelRef): Subscription[] => byChannel.all(channelKey(channel)).map(toSubscription),
    /** Every active subscription that wants a digest, grouped by channel. */
    digesting: (): Subscription[] => activeDigest.all().map(toSubscription),
    /** Stops all delivery to a channel (the platform said the bot may never post there again). */
    deactivateChannel,
    /** Carries a channel's subscriptions and unsent rows to its new id (Telegram group → supergroup). */
    moveChannel,
  };
}

/** The subscriptions table's API. */
export type Subscriptions = ReturnType<typeof createSubscriptions>;

/** Extra wiring for the services: backlog stories and a change hook (the scheduler refreshes its cron tasks). */
export type SubscriptionServiceOptions = {
  /** Ids of the newest `limit` stories of a topic (or of every topic), newest first, for a backlog. */
  recentStoryIds?: (topic: string | 'all', limit: number) => string[];
  onChange?: () => void;
};

function toView(subscription: Subscription): SubscriptionView {
  return {
    topic: subscription.topic,
    mode: subscription.mode,
    digestTime: subscription.digestTime,
    timezone: subscription.timezone,
  };
}

/** The subscribe / unsubscribe / subscriptions / defaults part of BotServices. */
export function createSubscriptionServices(
  db: Database.Database,
  clock: Clock,
  settings: Pick<Settings, 'alerts' | 'digest'>,
  options: SubscriptionServiceOptions = {},
): Pick<BotServices, 'subscribe' | 'unsubscribe' | 'subscriptions' | 'defaults'> & { store: Subscriptions } {
  const defaults = { digestTime: settings.digest.time, timezone: settings.digest.timezone };
  const store = createSubscriptions(db, clock, defaults);
  const outbox = createOutbox(db, clock);

  return {
    store,
    defaults: () => ({ ...defaults, backlog: settings.alerts.backlogOnSubscribe }),
    subscribe: async (channel: ChannelRef, request: SubscribeRequest) => {
      // The command layer validates what users type; this guards the table against other callers.
      if (request.digestTime !== undefined) requireTime(request.digestTime);
      if (request.timezone !== undefined && !isValidTimeZone(request.timezone)) {
        throw new RangeError(`unknown time zone "${request.timezone}"`);
      }
      const subscription = store.subscribe(channel, {
        topic: request.topic,
        ...(request.mode !== undefined ? { mode: request.mode } : {}),
        ...(request.digestTime !== undefined ? { digestTime: request.digestTime.trim() } : {}),
        ...(request.timezone !== undefined ? { timezone: request.timezone } : {}),
      });
      // A digest-only subscription gets a backlog (as alerts, now) only when it asks for one by number.
      const backlog = Math.max(0, Math.floor(request.backlog ?? (subscription.mode === 'digest' ? 0 : settings.alerts.backlogOnSubscribe)));
      if (backlog > 0 && options.recentStoryIds) {
        const ids = options.recentStoryIds(request.topic, backlog).slice(0, backlog);
        outbox.enqueueAlerts(subscription, ids);
      }
      options.onChange?.();
      return { subscriptions: store.list(channel).map(toView), backlog };
    },
    unsubscribe: async (channel, topic) => {
      const ended = store.unsubscribe(channel, topic);
      if (ended > 0) options.onChange?.();
      return ended;
    },
    subscriptions: async (channel) => store.list(channel).map(toView),
  };
}
