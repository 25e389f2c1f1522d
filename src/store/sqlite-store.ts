/**
 * The Store on SQLite (better-sqlite3): WAL journal, foreign keys on, migrations applied at open,
 * every statement prepared once.
 */
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock } from '../clock.js';
import type { NormalizedItem } from '../ingest/item.js';
import { errorText } from '../error-text.js';
import { makeFolder } from '../make-folder.js';
import { applyMigrations } from './migrations.js';
import type { FeedState, Store } from './store.js';

/** The Store plus the open connection, for modules that add their own tables through migrations. */
export type SqliteStore = Store & {
  db: Database.Database;
  /**
   * Runs `fn` in one transaction (a savepoint when already inside one, like db.transaction). Items stored
   * inside the outermost one are added to the full-text index once, at its end: FTS5 writes its pending
   * terms out as a new index segment at every savepoint, so indexing feed by feed inside a batch of
   * savepoints (the poller's group commit) wrote, and later merged, one segment per feed.
   */
  transaction<T>(fn: () => T): T;
};

type ItemRow = {
  id: string;
  feed_id: string;
  url: string | null;
  title: string;
  summary: string;
  language: string | null;
  published_at: number;
  published_estimated: number;
  fetched_at: number;
};

type FeedStateRow = {
  feed_id: string;
  etag: string | null;
  last_modified: string | null;
  last_attempt_at: number | null;
  last_success_at: number | null;
  consecutive_failures: number;
  last_error: string | null;
  next_attempt_at: number | null;
  first_fetch_done: number;
  repairs: string | null;
  url: string | null;
};

const ITEM_COLUMNS = 'id, feed_id, url, title, summary, language, published_at, published_estimated, fetched_at';

function toItem(row: ItemRow): NormalizedItem {
  return {
    id: row.id,
    feedId: row.feed_id,
    url: row.url,
    title: row.title,
    summary: row.summary,
    language: row.language,
    publishedAt: row.published_at,
    publishedAtEstimated: row.published_estimated !== 0,
    fetchedAt: row.fetched_at,
  };
}

function toFeedState(row: FeedStateRow): FeedState {
  return {
    feedId: row.feed_id,
    etag: row.etag,
    lastModified: row.last_modified,
    lastAttemptAt: row.last_attempt_at,
    lastSuccessAt: row.last_success_at,
    consecutiveFailures: row.consecutive_failures,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at,
    firstFetchDone: row.first_fetch_done !== 0,
    repairs: row.repairs === null ? [] : (JSON.parse(row.repairs) as string[]),
    url: row.url,
  };
}

/** Opens a database file (its folder is created) or ':memory:', configured and migrated. */
export function openDatabase(path: string): Database.Database {
  let db: Database.Database;
  try {
    if (path !== ':memory:' && path !== '' && !path.startsWith('file:')) {
      makeFolder(dirname(path));
    }
    db = new Database(path);
    // The first read of the file: a folder, or a file that is no SQLite database, fails here.
    db.pragma('journal_mode = WAL');
  } catch (error) {
    // SQLite's own words ("unable to open database file") do not say which file.
    throw new Error(`cannot open the database ${path}: ${errorText(error)}`);
  }
  db.pragma('synchronous = NORMAL');
  // Copy the WAL into the database file every 4,000 pages (16 MB) instead of SQLite's 1,000: a page written
  // again between two checkpoints is copied once, and each checkpoint holds the event loop for its copy and
  // fsync. Storing and classifying 20,000 items in polls of 100 (checkpoints included): 47.6 -> 43.0 µs an item.
  db.pragma('wal_autocheckpoint = 4000');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  applyMigrations(db);
  return db;
}

/** Opens (creating and migrating as needed) the SQLite store at `path`; ':memory:' for tests. */
export function createSqliteStore(path: string, clock: Clock): SqliteStore {
  const db = openDatabase(path);

  const touchSeen = db.prepare<[number, string, string]>(
    'UPDATE seen SET last_seen_at = ? WHERE feed_id = ? AND item_id = ?',
  );
  const addSeen = db.prepare<[string, string, number, number]>(
    'INSERT INTO seen (feed_id, item_id, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?)',
  );
  // Positional parameters: binding a named object costs a property lookup per column, per item.
  const addItem = db.prepare<[string, string, string | null, string, string, string | null, number, number, number]>(
    `INSERT OR IGNORE INTO items (${ITEM_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // Items rows from `seq` on into the full-text index: one statement for a whole batch (see migrations.ts).
  const indexFrom = db.prepare<[number | bigint]>(
    'INSERT INTO items_fts (rowid, title, summary) SELECT seq, title, summary FROM items WHERE seq >= ?',
  );
  const itemById = db.prepare<[string], ItemRow>(`SELECT ${ITEM_COLUMNS} FROM items WHERE id = ?`);
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM items');
  const pruneItems = db.prepare<[number]>('DELETE FROM items WHERE fetched_at < ?');
  // A seen row goes only once a later full fetch of its feed no longer showed the item: every 200 refreshes
  // last_seen_at of what the feed still shows, so its newest last_seen_at is the feed's latest full fetch. A
  // feed answering 304 for longer than the retention refreshes nothing, and its items must stay known.
  // Feed by feed: one correlated DELETE over 200k rows took seconds, these two statements 0.2 s.
  const latestFullFetch = db.prepare<[number], { feed_id: string; at: number }>(
    `SELECT feed_id, max(last_seen_at) AS at FROM seen
     WHERE feed_id IN (SELECT DISTINCT feed_id FROM seen WHERE last_seen_at < ?) GROUP BY feed_id`,
  );
  const pruneFeedSeen = db.prepare<[string, number]>('DELETE FROM seen WHERE feed_id = ? AND last_seen_at < ?');
  const pruneSeen = (cutoff: number): number =>
    latestFullFetch.all(cutoff).reduce((pruned, feed) => pruned + pruneFeedSeen.run(feed.feed_id, Math.min(cutoff, feed.at)).changes, 0);
  const stateById = db.prepare<[string], FeedStateRow>('SELECT * FROM feed_state WHERE feed_id = ?');
  const allStates = db.prepare<[], FeedStateRow>('SELECT * FROM feed_state ORDER BY feed_id');
  // @keepRepairs (a 304: nothing was parsed) leaves the repairs of the last full fetch as they were.
  const success = db.prepare<{ feed: string; etag: string | null; lastModified: string | null; at: number; repairs: string | null; keepRepairs: number; url: string | null }>(
    `INSERT INTO feed_state (feed_id, etag, last_modified, last_attempt_at, last_success_at,
                             consecutive_failures, last_error, next_attempt_at, first_fetch_done, repairs, url)
     VALUES (@feed, @etag, @lastModified, @at, @at, 0, NULL, NULL, 1, @repairs, @url)
     ON CONFLICT (feed_id) DO UPDATE SET
       etag = excluded.etag, last_modified = excluded.last_modified,
       last_attempt_at = excluded.last_attempt_at, last_success_at = excluded.last_success_at,
       consecutive_failures = 0, last_error = NULL, next_attempt_at = NULL, first_fetch_done = 1,
       repairs = CASE @keepRepairs WHEN 1 THEN feed_state.repairs ELSE excluded.repairs END,
       url = coalesce(excluded.url, feed_state.url)`,
  );
  const failure = db.prepare<{ feed: string; error: string; at: number; next: number; url: string | null }>(
    `INSERT INTO feed_state (feed_id, last_attempt_at, consecutive_failures, last_error, next_attempt_at, url)
     VALUES (@feed, @at, 1, @error, @next, @url)
     ON CONFLICT (feed_id) DO UPDATE SET
       last_attempt_at = excluded.last_attempt_at,
       consecutive_failures = feed_state.consecutive_failures + 1,
       last_error = excluded.last_error, next_attempt_at = excluded.next_attempt_at,
       url = coalesce(excluded.url, feed_state.url)`,
  );
  const forgetState = db.prepare<[string]>('DELETE FROM feed_state WHERE feed_id = ?');

  // Inside store.transaction: the first seq not yet in the full-text index (rows from it on are this
  // transaction's new items), or null when none are waiting; undefined outside it (index at once).
  let unindexedFrom: number | bigint | null | undefined;
  const deferIndexing = (firstSeq: number | bigint) => {
    if (unindexedFrom === undefined) indexFrom.run(firstSeq);
    // The lowest: a savepoint rolled back frees its seqs for later rows of the same transaction.
    else if (unindexedFrom === null || firstSeq < unindexedFrom) unindexedFrom = firstSeq;
  };
  const indexedTransaction = db.transaction(<T>(fn: () => T): T => {
    unindexedFrom = null;
    try {
      const result = fn();
      if (unindexedFrom !== null) indexFrom.run(unindexedFrom);
      return result;
    } finally {
      unindexedFrom = undefined;
    }
  });

  const insertItems = db.transaction((feedId: string, items: readonly NormalizedItem[], now: number) => {
    const fresh: NormalizedItem[] = [];
    const inBatch = new Set<string>();
    let firstSeq: number | bigint | null = null;
    for (const item of items) {
      if (inBatch.has(item.id)) continue;
      inBatch.add(item.id);
      if (touchSeen.run(now, feedId, item.id).changes > 0) continue;
      addSeen.run(feedId, item.id, now, now);
      const stored = addItem.run(
        item.id,
        feedId,
        item.url,
        item.title,
        item.summary,
        item.language,
        item.publishedAt,
        item.publishedAtEstimated ? 1 : 0,
        item.fetchedAt,
      );
      // An id already stored (under another feed, or seen row lost) is not news.
      if (stored.changes > 0) {
        firstSeq ??= stored.lastInsertRowid;
        fresh.push(item.feedId === feedId ? item : { ...item, feedId });
      }
    }
    // New rows get seq above every stored one, so they are exactly the rows from the first new seq on.
    if (firstSeq !== null) deferIndexing(firstSeq);
    return fresh;
  });

  const prune = db.transaction((now: number, retentionMs: number) => {
    const cutoff = now - retentionMs;
    return { items: pruneItems.run(cutoff).changes, seen: pruneSeen(cutoff) };
  });

  return {
    db,
    transaction: <T>(fn: () => T): T => (db.inTransaction ? db.transaction(fn)() : indexedTransaction(fn) as T),
    insertItems: (feedId, items, now = clock.now()) => insertItems.immediate(feedId, items, now),
    getItem: (id) => {
      const row = itemById.get(id);
      return row ? toItem(row) : null;
    },
    countItems: () => count.get()!.n,
    prune: (now, retentionMs) => prune.immediate(now, retentionMs),
    getFeedState: (feedId) => {
      const row = stateById.get(feedId);
      return row ? toFeedState(row) : null;
    },
    recordFetchSuccess: (feedId, { etag, lastModified, at, repairs, url }) => {
      const known = repairs !== undefined;
      success.run({
        feed: feedId,
        etag,
        lastModified,
        at,
        repairs: known && repairs.length > 0 ? JSON.stringify(repairs) : null,
        keepRepairs: known ? 0 : 1,
        url: url ?? null,
      });
    },
    recordFetchFailure: (feedId, { error, at, nextAttemptAt, url }) => {
      failure.run({ feed: feedId, error, at, next: nextAttemptAt, url: url ?? null });
    },
    forgetFeedState: (feedId) => {
      forgetState.run(feedId);
    },
    listFeedHealth: () => allStates.all().map(toFeedState),
    close: () => {
      if (db.open) db.close();
    },
  };
}
