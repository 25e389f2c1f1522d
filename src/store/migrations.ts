/**
 * Versioned schema. Each migration runs once, in order, inside one transaction with the bump of
 * PRAGMA user_version, so a database is always at exactly one known version.
 * To change the schema, append a migration to the array; never edit one that has shipped.
 */
import type Database from 'better-sqlite3';
import { deliveryMigrations } from './migrations-delivery.js';
import { topicMigrations } from './migrations-topics.js';

/** One schema step: SQL statements executed as a unit. */
export type Migration = { name: string; sql: string };

/** Every schema step, oldest first. user_version = how many of these a database has applied. */
export const migrations: readonly Migration[] = [
  {
    name: 'items, seen ids, feed state, full-text index',
    sql: `
      -- An explicit INTEGER PRIMARY KEY (seq) because the FTS index is keyed by rowid and VACUUM may
      -- renumber implicit rowids; id stays the item's identity (UNIQUE).
      CREATE TABLE items (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        feed_id TEXT NOT NULL,
        url TEXT,
        title TEXT NOT NULL,
        summary TEXT NOT NULL,
        language TEXT,
        published_at INTEGER NOT NULL,
        published_estimated INTEGER NOT NULL DEFAULT 0,
        fetched_at INTEGER NOT NULL
      );
      CREATE INDEX items_published_at ON items (published_at);
      CREATE INDEX items_feed_id ON items (feed_id, published_at);
      CREATE INDEX items_fetched_at ON items (fetched_at);

      CREATE VIRTUAL TABLE items_fts USING fts5(
        title, summary,
        content = 'items', content_rowid = 'seq',
        tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
        INSERT INTO items_fts (rowid, title, summary) VALUES (new.seq, new.title, new.summary);
      END;
      CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, title, summary) VALUES ('delete', old.seq, old.title, old.summary);
      END;
      CREATE TRIGGER items_fts_update AFTER UPDATE OF title, summary ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, title, summary) VALUES ('delete', old.seq, old.title, old.summary);
        INSERT INTO items_fts (rowid, title, summary) VALUES (new.seq, new.title, new.summary);
      END;

      -- Every id a feed has ever shown; outlives items so that pruning never makes an item new again.
      CREATE TABLE seen (
        feed_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        first_seen_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        PRIMARY KEY (feed_id, item_id)
      ) WITHOUT ROWID;
      CREATE INDEX seen_last_seen_at ON seen (last_seen_at);

      CREATE TABLE feed_state (
        feed_id TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        last_attempt_at INTEGER,
        last_success_at INTEGER,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        next_attempt_at INTEGER,
        first_fetch_done INTEGER NOT NULL DEFAULT 0
      );
    `,
  },
  ...topicMigrations,
  ...deliveryMigrations,
  {
    name: 'full-text index written once per batch of new items',
    // A row trigger made FTS5 flush its pending index for every item (each trigger program is a statement of
    // its own); insertItems now indexes a whole batch with one INSERT … SELECT, about 3x cheaper per item.
    sql: 'DROP TRIGGER items_fts_insert;',
  },
  {
    name: 'LSH band keys without a foreign key',
    // Checking items(id) for each of an item's twenty band keys was about a third of the cost of writing
    // them. Band keys only exist for items in a story, so a trigger on cluster_items (which cascades from
    // items) removes them exactly when the foreign key's cascade did.
    sql: `
      CREATE TABLE bands_new (
        band INTEGER NOT NULL,
        hash INTEGER NOT NULL,
        published_at INTEGER NOT NULL,
        item_id TEXT NOT NULL,
        PRIMARY KEY (band, hash, published_at, item_id)
      ) WITHOUT ROWID;
      INSERT INTO bands_new (band, hash, published_at, item_id) SELECT band, hash, published_at, item_id FROM bands;
      DROP TABLE bands;
      ALTER TABLE bands_new RENAME TO bands;
      CREATE INDEX bands_item ON bands (item_id);
      CREATE TRIGGER cluster_items_delete_bands AFTER DELETE ON cluster_items BEGIN
        DELETE FROM bands WHERE item_id = old.item_id;
      END;
    `,
  },
  {
    name: 'repairs a feed needed at its last full fetch, for /sources',
    // A JSON array of repair names; NULL when its last full fetch needed none.
    sql: 'ALTER TABLE feed_state ADD COLUMN repairs TEXT;',
  },
  {
    name: 'the URL a feed state belongs to',
    // A feed whose URL is changed in sources.yaml must not send the old URL's validators to the new one (it
    // would answer 304 until it changed after the old date) nor count as fetched before. NULL: not known yet.
    sql: 'ALTER TABLE feed_state ADD COLUMN url TEXT;',
  },
  {
    name: 'no indexes on items that no query reads',
    // No statement filters or sorts items by published_at or by feed: stories, digests and searches go through
    // cluster_items, item_signals and the full-text index, and pruning through fetched_at. Each index was two
    // more B-tree writes for every stored item (about a tenth of storing one) and its bytes in the file.
    sql: 'DROP INDEX items_published_at; DROP INDEX items_feed_id;',
  },
  {
    name: 'the main status signals of a clustered item',
    // Space-separated keys of its heaviest signals per topic (`m23.advance`): two reports whose main signals of one
    // topic differ tell different events (the airport shelled, then captured). '' for rows stored before: none known.
    sql: "ALTER TABLE cluster_items ADD COLUMN signals TEXT NOT NULL DEFAULT '';",
  },
  {
    name: 'no index on when a seen id was last seen',
    // Only the hourly prune reads seen rows by last_seen_at, and its scan of 200,000 rows takes about 10 ms with
    // or without the index. Each poll rewrites last_seen_at of every id a feed still shows, which moved its entry
    // in the index: re-seeing an item cost 2.4 µs with it and 1.4 without, storing a new one 9.6 and 9.0.
    sql: 'DROP INDEX seen_last_seen_at;',
  },
  {
    name: "a clustered item's band keys kept with it, not indexed by item",
    // The index of band keys by item was there for one thing, removing an item's keys with it, and writing its
    // twenty entries cost about 12 µs of the 170 µs of clustering an item. The item's (band, hash) pairs are kept
    // in its cluster_items row (a JSON array) and the trigger removes exactly those keys through the primary key.
    sql: `
      ALTER TABLE cluster_items ADD COLUMN bands TEXT NOT NULL DEFAULT '[]';
      UPDATE cluster_items SET bands = (
        SELECT json_group_array(json_array(band, hash)) FROM bands WHERE bands.item_id = cluster_items.item_id
      );
      DROP TRIGGER cluster_items_delete_bands;
      DROP INDEX bands_item;
      CREATE TRIGGER cluster_items_delete_bands AFTER DELETE ON cluster_items BEGIN
        DELETE FROM bands WHERE (band, hash, published_at, item_id) IN
          (SELECT value ->> 0, value ->> 1, old.published_at, old.item_id FROM json_each(old.bands));
      END;
    `,
  },
];

/** Brings a database up to the latest version; returns the versions applied (empty when already current). */
export function applyMigrations(db: Database.Database, steps: readonly Migration[] = migrations): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > steps.length) {
    throw new Error(
      `database schema version ${current} is newer than this sitrep (knows ${steps.length}); upgrade sitrep`,
    );
  }
  const applied: number[] = [];
  for (;;) {
    // Re-read the version under the write lock: another process may have migrated meanwhile.
    const version = db
      .transaction(() => {
        const at = db.pragma('user_version', { simple: true }) as number;
        const step = steps[at];
        if (!step) return null;
        db.exec(step.sql);
        // user_version lives in the file header and is written inside the same transaction.
        db.pragma(`user_version = ${at + 1}`);
        return at + 1;
      })
      .immediate();
    if (version === null) break;
    applied.push(version);
  }
  return applied;
}
