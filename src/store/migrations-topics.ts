/**
 * Schema of topic intelligence: which topics and status signals each item carries, and the stories
 * (clusters of items reporting one event) with their LSH band keys. Everything hangs off items(id) with
 * ON DELETE CASCADE, so pruning items prunes their matches, signals, memberships and band keys.
 */
import type { Migration } from './migrations.js';

/** Topic steps, applied after the base steps and before delivery's. */
export const topicMigrations: Migration[] = [
  {
    name: 'item topics and signals, stories (clusters), LSH bands, meta',
    sql: `
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;

      -- evidence: JSON [{term, field}] as the matcher gave it.
      CREATE TABLE item_topics (
        item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
        topic_id TEXT NOT NULL,
        evidence TEXT NOT NULL,
        PRIMARY KEY (item_id, topic_id)
      ) WITHOUT ROWID;
      CREATE INDEX item_topics_topic ON item_topics (topic_id);

      -- published_at is the item's, copied so that "signals of a topic over the last days" is one index range.
      CREATE TABLE item_signals (
        item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
        topic_id TEXT NOT NULL,
        signal_id TEXT NOT NULL,
        label TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('escalating', 'de-escalating', 'neutral')),
        weight REAL NOT NULL,
        published_at INTEGER NOT NULL,
        PRIMARY KEY (item_id, topic_id, signal_id)
      ) WITHOUT ROWID;
      CREATE INDEX item_signals_topic ON item_signals (topic_id, published_at);

      -- A story. id is stable for its life; updated_at is the latest publication among its items.
      CREATE TABLE clusters (
        id TEXT PRIMARY KEY,
        representative_id TEXT NOT NULL,
        first_published_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX clusters_updated_at ON clusters (updated_at);

      CREATE TABLE cluster_topics (
        cluster_id TEXT NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
        topic_id TEXT NOT NULL,
        PRIMARY KEY (cluster_id, topic_id)
      ) WITHOUT ROWID;
      CREATE INDEX cluster_topics_topic ON cluster_topics (topic_id, cluster_id);

      -- One row per clustered item, with the word sets candidates are verified on (space-separated: title,
      -- title + summary start, title names) and
      -- the signal directions it carries ('e' escalating, 'd' de-escalating), so verification needs no refolding.
      CREATE TABLE cluster_items (
        item_id TEXT PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
        cluster_id TEXT NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
        feed_id TEXT NOT NULL,
        published_at INTEGER NOT NULL,
        added_at INTEGER NOT NULL,
        title_words TEXT NOT NULL,
        words TEXT NOT NULL,
        names TEXT NOT NULL DEFAULT '',
        directions TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX cluster_items_cluster ON cluster_items (cluster_id, published_at);

      -- LSH buckets: a new item looks up (band, hash) within a publication window, never the whole store.
      CREATE TABLE bands (
        band INTEGER NOT NULL,
        hash INTEGER NOT NULL,
        published_at INTEGER NOT NULL,
        item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
        PRIMARY KEY (band, hash, published_at, item_id)
      ) WITHOUT ROWID;
      CREATE INDEX bands_item ON bands (item_id);

      -- A story whose last item is pruned goes with it; one that loses its representative gets its earliest item.
      CREATE TRIGGER cluster_items_delete AFTER DELETE ON cluster_items BEGIN
        DELETE FROM clusters
         WHERE id = old.cluster_id AND NOT EXISTS (SELECT 1 FROM cluster_items WHERE cluster_id = old.cluster_id);
        UPDATE clusters
           SET representative_id = (SELECT item_id FROM cluster_items WHERE cluster_id = old.cluster_id
                                     ORDER BY published_at, item_id LIMIT 1)
         WHERE id = old.cluster_id AND representative_id = old.item_id;
      END;
    `,
  },
];
