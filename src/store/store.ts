/**
 * The Store port: what the poller, commands, status and digest builders need from persistence.
 * Synchronous on purpose: the SQLite implementation is synchronous (better-sqlite3), and a plain call
 * inside one transaction is what makes "insert only the new items" exact.
 */
import type { NormalizedItem } from '../ingest/item.js';

/** What is remembered about one feed between polls: validators, schedule and health. */
export type FeedState = {
  feedId: string;
  /** Conditional-GET validators from the last successful response. */
  etag: string | null;
  lastModified: string | null;
  lastAttemptAt: number | null;
  lastSuccessAt: number | null;
  /** Failures since the last success (0 when the last attempt worked). */
  consecutiveFailures: number;
  lastError: string | null;
  /** Set after a failure: do not try again before this time (backoff). Null after a success. */
  nextAttemptAt: number | null;
  /** True once the feed has been fetched successfully at least once (its backlog is stored, not alerted). */
  firstFetchDone: boolean;
  /** What sitrep had to repair in the feed's XML at its last full fetch (parse.ts names them); empty when nothing. */
  repairs: string[];
  /** The URL this state was recorded for (null in a database older than the column). */
  url: string | null;
};

/** What prune removed. */
export type PruneResult = { items: number; seen: number };

/** Persistence for items, per-feed seen ids and feed state. */
export type Store = {
  /**
   * In one transaction: marks every id as seen now, stores the items this feed never showed before
   * and returns exactly those (in input order, duplicates within the batch dropped).
   */
  insertItems(feedId: string, items: readonly NormalizedItem[], now?: number): NormalizedItem[];
  getItem(id: string): NormalizedItem | null;
  countItems(): number;
  /**
   * Deletes items fetched before now - retentionMs and seen ids not shown by their feed since then.
   * Seen ids still shown by their feed stay, so pruning never makes such an item look new again.
   */
  prune(now: number, retentionMs: number): PruneResult;
  getFeedState(feedId: string): FeedState | null;
  /** Records a successful fetch (200 or 304): resets failures, clears the backoff, keeps the validators given. */
  /** `repairs`: what its XML needed, from a full fetch; left out (a 304), the last full fetch's stay. */
  recordFetchSuccess(
    feedId: string,
    success: { etag: string | null; lastModified: string | null; at: number; repairs?: readonly string[]; url?: string },
  ): void;
  /** Records a failed fetch: one more consecutive failure, its reason, and when to try again. */
  recordFetchFailure(feedId: string, failure: { error: string; at: number; nextAttemptAt: number; url?: string }): void;
  /** Forgets a feed's state (validators, health, first fetch): its URL changed, so none of it is the new URL's. */
  forgetFeedState(feedId: string): void;
  /** The state of every feed ever attempted, ordered by feed id. */
  listFeedHealth(): FeedState[];
  close(): void;
};
