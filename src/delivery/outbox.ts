/**
 * The outbox: every alert and digest is a row before it is a message, unique per (subscription, story),
 * per (channel, story) and per (channel, digest occurrence), so enqueuing twice inserts nothing.
 * A row goes pending → sending (claimed, attempts + 1) → sent (with the sent message's platform ids) or
 * dead (with the reason); a failed attempt goes back to pending with a later next_attempt_at.
 * Rows found in `sending` when the bot starts were interrupted by a crash and go back to pending. The
 * only repeat this allows is a crash between the platform's answer and the commit marking the row sent
 * (microseconds); a send is never lost.
 */
import type Database from 'better-sqlite3';
import type { ChannelRef } from '../chat/command.js';
import type { Clock } from '../clock.js';

/** A channel's columns as bound in SQL: thread '' is the main channel. */
export type ChannelKey = { platform: string; chat: string; thread: string };

/** The SQL key of a channel. */
export function channelKey(channel: ChannelRef): ChannelKey {
  return { platform: channel.platform, chat: channel.chatId, thread: channel.threadId ?? '' };
}

/** The SQL condition matching a channel's columns to a bound ChannelKey (@platform, @chat, @thread). */
export const CHANNEL = 'platform = @platform AND chat_id = @chat AND thread_id = @thread';

/** A channel move's SQL parameters: from (@fp, @fc, @ft) and to (@tp, @tc, @tt). */
export type MoveKeys = { fp: string; fc: string; ft: string; tp: string; tc: string; tt: string };

/** The SQL parameters of moving a channel's rows from one id to another. */
export function moveKeys(from: ChannelRef, to: ChannelRef): MoveKeys {
  const f = channelKey(from);
  const t = channelKey(to);
  return { fp: f.platform, fc: f.chat, ft: f.thread, tp: t.platform, tc: t.chat, tt: t.thread };
}

/** A channel from its SQL columns. */
export function channelFromRow(row: { platform: string; chat_id: string; thread_id: string }): ChannelRef {
  const channel: ChannelRef = { platform: row.platform as ChannelRef['platform'], chatId: row.chat_id };
  if (row.thread_id !== '') channel.threadId = row.thread_id;
  return channel;
}

/** "telegram:-100123" or "discord:42/7", for logs and reasons. */
export function describeChannel(channel: ChannelRef): string {
  return `${channel.platform}:${channel.chatId}${channel.threadId ? `/${channel.threadId}` : ''}`;
}

/** A claimed alert row. */
export type ClaimedAlert = { id: number; storyId: string; attempts: number };

/** A claimed digest row: the period it covers and the topics (`all` or ids). */
export type ClaimedDigest = {
  id: number;
  channel: ChannelRef;
  occurrence: number;
  since: number;
  topics: 'all' | string[];
  attempts: number;
};

/** A sent alert whose stories grew, to be re-rendered and edited. */
export type PendingEdit = {
  id: number;
  channel: ChannelRef;
  messageIds: string[];
  storyIds: string[];
  folded: number;
  editAttempts: number;
};

type ChannelRow = { platform: string; chat_id: string; thread_id: string };
const LIVE = "state IN ('pending', 'sending')";

/** The outbox, sent-message record and digest watermark over SQLite. */
export function createOutbox(db: Database.Database, clock: Clock) {
  const insertAlert = db.prepare<ChannelKey & { sub: number; story: string; now: number }>(
    `INSERT OR IGNORE INTO outbox (kind, platform, chat_id, thread_id, subscription_id, story_id, next_attempt_at, created_at)
     VALUES ('alert', @platform, @chat, @thread, @sub, @story, @now, @now)`,
  );
  // Same columns and defaults as insertAlert, for every subscription that wants the story; ORDER BY id
  // decides which of a channel's subscriptions takes the row when the per-channel unique index drops the rest.
  const storyAlertsSql = (topicsMatch: string) =>
    `INSERT OR IGNORE INTO outbox (kind, platform, chat_id, thread_id, subscription_id, story_id, next_attempt_at, created_at)
     SELECT 'alert', platform, chat_id, thread_id, id, @story, @now, @now FROM subscriptions
     WHERE active = 1 AND mode IN ('alerts', 'both') AND created_at <= @firstSeen AND ${topicsMatch}
     ORDER BY id`;
  type StoryAlertParams = { story: string; topics: string; firstSeen: number; now: number };
  const insertStoryAlerts = db.prepare<StoryAlertParams>(storyAlertsSql("(topic = 'all' OR topic IN (SELECT value FROM json_each(@topics)))"));
  // A story that gained a topic is new to that topic's subscriptions only: 'all' had it from the start.
  const insertGainedTopicAlerts = db.prepare<StoryAlertParams>(storyAlertsSql('topic IN (SELECT value FROM json_each(@topics))'));
  const insertDigest = db.prepare<ChannelKey & { occurrence: number; since: number; topics: string; now: number }>(
    `INSERT OR IGNORE INTO outbox (kind, platform, chat_id, thread_id, occurrence, digest_since, digest_topics, next_attempt_at, created_at)
     VALUES ('digest', @platform, @chat, @thread, @occurrence, @since, @topics, @now, @now)`,
  );
  const watermark = db.prepare<ChannelKey & { at: number }>(
    `INSERT INTO delivery_channels (platform, chat_id, thread_id, last_digest_at) VALUES (@platform, @chat, @thread, @at)
     ON CONFLICT (platform, chat_id, thread_id) DO UPDATE SET last_digest_at = max(coalesce(last_digest_at, 0), excluded.last_digest_at)`,
  );
  const lastDigest = db.prepare<ChannelKey, { last_digest_at: number | null }>(
    `SELECT last_digest_at FROM delivery_channels WHERE ${CHANNEL}`,
  );
  const recover = db.prepare("UPDATE outbox SET state = 'pending' WHERE state = 'sending'");
  const dueAlertChannels = db.prepare<{ now: number }, ChannelRow>(
    `SELECT DISTINCT platform, chat_id, thread_id FROM outbox
     WHERE kind = 'alert' AND state = 'pending' AND next_attempt_at <= @now ORDER BY platform, chat_id, thread_id`,
  );
  const pendingAlerts = db.prepare<ChannelKey, { n: number }>(
    `SELECT count(*) AS n FROM outbox WHERE kind = 'alert' AND state = 'pending' AND ${CHANNEL}`,
  );
  const dueAlerts = db.prepare<ChannelKey & { now: number }, { id: number; story_id: string; attempts: number }>(
    `SELECT id, story_id, attempts FROM outbox
     WHERE kind = 'alert' AND state = 'pending' AND next_attempt_at <= @now AND ${CHANNEL} ORDER BY id`,
  );
  type DigestRow = ChannelRow & { id: number; occurrence: number; digest_since: number; digest_topics: string; attempts: number };
  const dueDigests = db.prepare<{ now: number }, DigestRow>(
    `SELECT id, platform, chat_id, thread_id, occurrence, digest_since, digest_topics, attempts FROM outbox
     WHERE kind = 'digest' AND state = 'pending' AND next_attempt_at <= @now ORDER BY occurrence, id`,
  );
  const claim = db.prepare<[number]>(
    "UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ? AND state = 'pending'",
  );
  const insertSent = db.prepare<
    ChannelKey & { kind: string; ids: string; stories: string; folded: number; now: number }
  >(
    `INSERT INTO sent_messages (platform, chat_id, thread_id, kind, message_ids, story_ids, folded, sent_at)
     VALUES (@platform, @chat, @thread, @kind, @ids, @stories, @folded, @now)`,
  );
  const markSent = db.prepare<{ id: number; sent: number; now: number }>(
    "UPDATE outbox SET state = 'sent', sent_at = @now, sent_message_id = @sent, last_error = NULL WHERE id = @id",
  );
  const markRetry = db.prepare<{ id: number; at: number; reason: string }>(
    "UPDATE outbox SET state = 'pending', next_attempt_at = @at, last_error = @reason WHERE id = @id",
  );
  const markDead = db.prepare<{ id: number; reason: string }>(
    "UPDATE outbox SET state = 'dead', last_error = @reason WHERE id = @id",
  );
  const release = db.prepare<{ id: number; now: number }>(
    "UPDATE outbox SET state = 'pending', attempts = max(attempts - 1, 0), next_attempt_at = @now WHERE id = @id AND state = 'sending'",
  );
  const killChannel = db.prepare<ChannelKey & { reason: string }>(
    `UPDATE outbox SET state = 'dead', last_error = @reason WHERE ${LIVE} AND ${CHANNEL}`,
  );
  const moveOutbox = db.prepare<MoveKeys>(
    `UPDATE OR IGNORE outbox SET platform = @tp, chat_id = @tc, thread_id = @tt
     WHERE platform = @fp AND chat_id = @fc AND thread_id = @ft`,
  );
  const moveWatermark = db.prepare<MoveKeys>(
    `INSERT INTO delivery_channels (platform, chat_id, thread_id, last_digest_at)
     SELECT @tp, @tc, @tt, last_digest_at FROM delivery_channels WHERE platform = @fp AND chat_id = @fc AND thread_id = @ft
     ON CONFLICT (platform, chat_id, thread_id) DO NOTHING`,
  );
  const dropUnsubscribed = db.prepare(
    `UPDATE outbox SET state = 'dead', last_error = 'unsubscribed'
     WHERE kind = 'alert' AND state = 'pending'
       AND subscription_id IN (SELECT id FROM subscriptions WHERE active = 0)`,
  );
  const sentSince = db.prepare<ChannelKey & { since: number }, { n: number }>(
    `SELECT count(*) AS n FROM sent_messages WHERE kind = 'alert' AND ${CHANNEL} AND sent_at > @since`,
  );
  const markEdit = db.prepare<{ stories: string; now: number }>(
    `UPDATE sent_messages SET edit_pending = 1, edit_attempts = 0, next_edit_at = @now
     WHERE id IN (SELECT sent_message_id FROM outbox
                  WHERE kind = 'alert' AND state = 'sent' AND story_id IN (SELECT value FROM json_each(@stories)))`,
  );
  const markOneEdit = db.prepare<{ id: number; now: number }>(
    'UPDATE sent_messages SET edit_pending = 1, edit_attempts = 0, next_edit_at = @now WHERE id = @id',
  );
  type SentRow = ChannelRow & { id: number; message_ids: string; story_ids: string; folded: number; edit_attempts: number };
  const dueEdits = db.prepare<{ now: number; limit: number }, SentRow>(
    `SELECT id, platform, chat_id, thread_id, message_ids, story_ids, folded, edit_attempts FROM sent_messages
     WHERE edit_pending = 1 AND next_edit_at <= @now ORDER BY next_edit_at, id LIMIT @limit`,
  );
  const editDone = db.prepare<{ id: number; now: number }>(
    'UPDATE sent_messages SET edit_pending = 0, edited_at = @now WHERE id = @id',
  );
  const editLater = db.prepare<{ id: number; at: number }>(
    'UPDATE sent_messages SET edit_attempts = edit_attempts + 1, next_edit_at = @at WHERE id = @id',
  );
  const editDrop = db.prepare<{ id: number }>('UPDATE sent_messages SET edit_pending = 0 WHERE id = @id');

  return {
    /** Enqueues one alert row per story for a subscription; returns how many were new. */
    enqueueAlerts: db.transaction((subscription: { id: number; channel: ChannelRef }, storyIds: readonly string[]) => {
      const key = channelKey(subscription.channel);
      const now = clock.now();
      let added = 0;
      for (const story of storyIds) added += insertAlert.run({ ...key, sub: subscription.id, story, now }).changes;
      return added;
    }),
    /**
     * Enqueues a new story for every active alerting subscription to `all` or one of its topics made by
     * `firstSeen` (a subscription receives only what arrives after it); returns how many rows were new.
     * A story with no topic goes to nobody, `all` included.
     */
    enqueueStoryAlerts: (storyId: string, topics: readonly string[], firstSeen: number): number =>
      topics.length === 0
        ? 0
        : insertStoryAlerts.run({ story: storyId, topics: JSON.stringify(topics), firstSeen, now: clock.now() }).changes,
    /**
     * Enqueues alerts of a story that grew into `gained` topics for the subscriptions of those topics (not 'all')
     * made before `firstSeen`; a channel that already had the story gets nothing new (the unique indexes).
     */
    enqueueGainedTopicAlerts: (storyId: string, gained: readonly string[], firstSeen: number): number =>
      gained.length === 0
        ? 0
        : insertGainedTopicAlerts.run({ story: storyId, topics: JSON.stringify(gained), firstSeen, now: clock.now() }).changes,
    /** Enqueues the digest of one scheduled occurrence and moves the channel's watermark to it; false when already there. */
    enqueueDigest: db.transaction(
      (channel: ChannelRef, digest: { occurrence: number; since: number; topics: 'all' | readonly string[] }) => {
        const key = channelKey(channel);
        const topics = JSON.stringify(digest.topics);
        const added = insertDigest.run({ ...key, occurrence: digest.occurrence, since: digest.since, topics, now: clock.now() });
        watermark.run({ ...key, at: digest.occurrence });
        return added.changes > 0;
      },
    ),
    /** The end of the period the channel's latest digest covers, or null before its first digest. */
    lastDigestAt: (channel: ChannelRef): number | null => lastDigest.get(channelKey(channel))?.last_digest_at ?? null,
    /** Puts rows a crash left in `sending` back to pending; returns how many. */
    recoverInterrupted: (): number => recover.run().changes,
    /** Channels with alert rows due now. */
    dueAlertChannels: (now: number): ChannelRef[] => dueAlertChannels.all({ now }).map(channelFromRow),
    /** Alert rows pending for a channel, due or not. */
    pendingAlertCount: (channel: ChannelRef): number => pendingAlerts.get(channelKey(channel))!.n,
    /** Claims every due alert row of a channel (pending → sending, attempts + 1). */
    claimAlerts: db.transaction((channel: ChannelRef, now: number): ClaimedAlert[] => {
      const rows = dueAlerts.all({ ...channelKey(channel), now });
      for (const row of rows) claim.run(row.id);
      return rows.map((row) => ({ id: row.id, storyId: row.story_id, attempts: row.attempts + 1 }));
    }),
    /** Claims every due digest row of the given platforms. */
    claimDigests: db.transaction((now: number, platforms: ReadonlySet<string>): ClaimedDigest[] => {
      const rows = dueDigests.all({ now }).filter((row) => platforms.has(row.platform));
      for (const row of rows) claim.run(row.id);
      return rows.map((row) => ({
        id: row.id,
        channel: channelFromRow(row),
        occurrence: row.occurrence,
        since: row.digest_since,
        topics: JSON.parse(row.digest_topics) as 'all' | string[],
        attempts: row.attempts + 1,
      }));
    }),
    /** Claims one pending row again (after its chat moved); false when it is not pending. */
    claimOne: (rowId: number): boolean => claim.run(rowId).changes > 0,
    /** Records a sent message and marks its rows sent, in one transaction; returns the sent message id. */
    complete: db.transaction(
      (
        rowIds: readonly number[],
        sent: { kind: 'alert' | 'digest'; channel: ChannelRef; messageIds: string[]; storyIds: string[]; folded: number },
      ): number => {
        const now = clock.now();
        const id = Number(
          insertSent.run({
            ...channelKey(sent.channel),
            kind: sent.kind,
            ids: JSON.stringify(sent.messageIds),
            stories: JSON.stringify(sent.storyIds),
            folded: sent.folded,
            now,
          }).lastInsertRowid,
        );
        for (const row of rowIds) markSent.run({ id: row, sent: id, now });
        return id;
      },
    ),
    /** Sends a claimed row back to pending until `at`, keeping the reason. */
    retryLater: (rowId: number, at: number, reason: string): void => {
      markRetry.run({ id: rowId, at, reason });
    },
    /** Gives rows up for good, keeping the reason. */
    kill: db.transaction((rowIds: readonly number[], reason: string) => {
      for (const id of rowIds) markDead.run({ id, reason });
    }),
    /** Returns claimed rows to pending, due now, without counting the attempt (the channel moved). */
    release: db.transaction((rowIds: readonly number[]) => {
      const now = clock.now();
      for (const id of rowIds) release.run({ id, now });
    }),
    /** Gives up every unsent row of a channel. */
    killChannel: (channel: ChannelRef, reason: string): number => killChannel.run({ ...channelKey(channel), reason }).changes,
    /** Carries a channel's rows and digest watermark to its new id; rows that would repeat there die. */
    moveChannel: (from: ChannelRef, to: ChannelRef): void => {
      const keys = moveKeys(from, to);
      moveOutbox.run(keys);
      moveWatermark.run(keys);
      killChannel.run({ ...channelKey(from), reason: `duplicate after the chat moved to ${describeChannel(to)}` });
    },
    /** Gives up pending alerts of subscriptions that ended. */
    dropUnsubscribed: (): number => dropUnsubscribed.run().changes,
    /** Alert messages sent to a channel after `since`, and when the oldest of them went. */
    alertsSentSince: (channel: ChannelRef, since: number): number => sentSince.get({ ...channelKey(channel), since })!.n,
    /** Flags every sent alert carrying one of these stories for an edit; returns how many messages. */
    markStoriesForEdit: (storyIds: readonly string[]): number =>
      storyIds.length === 0 ? 0 : markEdit.run({ stories: JSON.stringify(storyIds), now: clock.now() }).changes,
    /** Flags one sent message (complete()'s id) for an edit. */
    markSentForEdit: (sentId: number): void => {
      markOneEdit.run({ id: sentId, now: clock.now() });
    },
    /** Sent alerts due for an edit. */
    dueEdits: (now: number, limit = 50): PendingEdit[] =>
      dueEdits.all({ now, limit }).map((row) => ({
        id: row.id,
        channel: channelFromRow(row),
        messageIds: JSON.parse(row.message_ids) as string[],
        storyIds: JSON.parse(row.story_ids) as string[],
        folded: row.folded,
        editAttempts: row.edit_attempts,
      })),
    /** The edit went through. */
    editDone: (id: number): void => {
      editDone.run({ id, now: clock.now() });
    },
    /** Try the edit again at `at`. */
    editLater: (id: number, at: number): void => {
      editLater.run({ id, at });
    },
    /** Forget the edit (it failed for good; the alert stays as it was). */
    editDrop: (id: number): void => {
      editDrop.run({ id });
    },
  };
}

/** The outbox's API. */
export type Outbox = ReturnType<typeof createOutbox>;
