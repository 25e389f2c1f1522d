/**
 * Schema of delivery: subscriptions, per-channel digest watermark, the outbox (one row per send, unique)
 * and the record of sent messages (platform ids, for "+N sources" edits).
 * A channel is (platform, chat_id, thread_id) with thread_id '' for the main channel: SQLite treats NULLs
 * as distinct in UNIQUE constraints, so an empty string is what makes "unique per channel" hold.
 */
import type { Migration } from './migrations.js';

/** Delivery's schema steps, appended after the base and topic steps. */
export const deliveryMigrations: Migration[] = [
  {
    name: 'subscriptions, outbox, sent messages',
    sql: `
      -- topic is a topic id or 'all' (one row that matches every topic, including topics added later).
      CREATE TABLE subscriptions (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        thread_id TEXT NOT NULL DEFAULT '',
        topic TEXT NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('alerts', 'digest', 'both')),
        digest_time TEXT NOT NULL,
        timezone TEXT NOT NULL,
        -- Reset when an inactive subscription is taken up again: it receives only what arrives after this.
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        deactivated_at INTEGER,
        deactivated_reason TEXT,
        UNIQUE (platform, chat_id, thread_id, topic)
      );
      CREATE INDEX subscriptions_active ON subscriptions (active, mode);

      -- last_digest_at: the end of the period the channel's latest digest covers (set when it is enqueued).
      CREATE TABLE delivery_channels (
        platform TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        thread_id TEXT NOT NULL DEFAULT '',
        last_digest_at INTEGER,
        PRIMARY KEY (platform, chat_id, thread_id)
      ) WITHOUT ROWID;

      CREATE TABLE sent_messages (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        thread_id TEXT NOT NULL DEFAULT '',
        kind TEXT NOT NULL CHECK (kind IN ('alert', 'digest')),
        message_ids TEXT NOT NULL,
        story_ids TEXT NOT NULL DEFAULT '[]',
        folded INTEGER NOT NULL DEFAULT 0,
        sent_at INTEGER NOT NULL,
        edit_pending INTEGER NOT NULL DEFAULT 0,
        edit_attempts INTEGER NOT NULL DEFAULT 0,
        next_edit_at INTEGER,
        edited_at INTEGER
      );
      CREATE INDEX sent_messages_channel ON sent_messages (platform, chat_id, thread_id, kind, sent_at);
      CREATE INDEX sent_messages_edit ON sent_messages (next_edit_at) WHERE edit_pending = 1;

      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('alert', 'digest')),
        platform TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        thread_id TEXT NOT NULL DEFAULT '',
        subscription_id INTEGER REFERENCES subscriptions (id),
        story_id TEXT,
        occurrence INTEGER,
        digest_since INTEGER,
        digest_topics TEXT,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        sent_at INTEGER,
        sent_message_id INTEGER REFERENCES sent_messages (id),
        last_error TEXT,
        CHECK ((kind = 'alert' AND story_id IS NOT NULL) OR (kind = 'digest' AND occurrence IS NOT NULL))
      );
      -- One row per (subscription, story), and never the same story twice to one channel.
      CREATE UNIQUE INDEX outbox_alert_subscription ON outbox (subscription_id, story_id) WHERE kind = 'alert';
      CREATE UNIQUE INDEX outbox_alert_channel ON outbox (platform, chat_id, thread_id, story_id) WHERE kind = 'alert';
      -- One digest per channel and scheduled occurrence.
      CREATE UNIQUE INDEX outbox_digest_channel ON outbox (platform, chat_id, thread_id, occurrence) WHERE kind = 'digest';
      CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
      CREATE INDEX outbox_story ON outbox (story_id, state) WHERE kind = 'alert';
    `,
  },
];
