/**
 * Polls feeds: each on its own interval, failing ones backed off, at most `concurrency` fetches at a
 * time and never two of one feed at once. A feed's failure is recorded in its health, never thrown.
 * Feeds that finish close together commit what they store in one transaction (group commit).
 */
import { setMaxListeners } from 'node:events';
import type { Clock } from '../clock.js';
import type { FeedState, Store } from '../store/store.js';
import { backoffDelay, DEFAULT_BACKOFF_MAX_MS } from './backoff.js';
import type { FeedValidators, FetchOutcome, ParseOutcome } from './feed-result.js';
import { fetchDefaults, type FetchOptions } from './fetch.js';
import type { NormalizedItem } from './item.js';
import { errorText } from '../error-text.js';
import { redactUrl } from '../redact-url.js';
import { createWriteBatch } from './write-batch.js';

/** One feed as the poller needs it (src/config's FeedConfig fits). */
export type FeedSource = {
  id: string;
  url: string;
  title?: string | null;
  language?: string | null;
  intervalMs: number;
  enabled: boolean;
  /** Per-feed fetch limits; override fetchOptions. */
  timeoutMs?: number;
  maxBytes?: number;
};

/** What happened to one feed in one poll. */
export type PollReport = {
  feedId: string;
  status: 'new' | 'unchanged' | 'failed';
  newItems: number;
  error?: string;
};

/** The part of the Store the poller uses. */
export type PollerStore = Pick<Store, 'getFeedState' | 'insertItems' | 'recordFetchSuccess' | 'recordFetchFailure' | 'forgetFeedState'>;

/** Fetching, with the signature of src/ingest/fetch.ts fetchFeed. */
export type FetchFeedFn = (target: string, validators: FeedValidators, options?: FetchOptions) => Promise<FetchOutcome>;

/** What parseFeed is told about the document it parses. */
export type ParseFeedContext = {
  feedId: string;
  contentType: string | null;
  language: string | null;
  fetchedAt: number;
  baseUrl: string;
  /** The fetch's size cap, for a gzip body the server did not label (unpacked while parsing). */
  maxBytes: number;
};

/** Parsing and normalizing, with the signature of src/ingest/parse-feed.ts parseFeed. */
export type ParseFeedFn = (bytes: Uint8Array, context: ParseFeedContext) => ParseOutcome | Promise<ParseOutcome>;

/** A pino-like logger. */
export type PollerLogger = {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

/** Called with the items a feed showed for the first time; firstFetch marks a new feed's backlog (store, don't alert). */
export type NewItemsHandler = (
  feedId: string,
  items: NormalizedItem[],
  info: { firstFetch: boolean },
) => void | Promise<void>;

/** Everything the poller is built from. */
export type PollerDeps = {
  feeds: readonly FeedSource[];
  store: PollerStore;
  clock: Clock;
  fetchFeed: FetchFeedFn;
  parseFeed: ParseFeedFn;
  /** Fetches in flight at once, over all feeds; at most twice as many feeds are fetched, parsed or stored at once. Default 8. */
  concurrency?: number;
  fetchOptions?: Omit<FetchOptions, 'signal'>;
  /** Longest backoff of a failing feed. Default 6 h. */
  backoffMaxMs?: number;
  logger?: PollerLogger;
  /**
   * Runs synchronously inside the transaction that stores the new items (with `transaction`), so what it
   * writes (matches, stories, outbox rows) commits together with the items or not at all: a crash can
   * never leave stored items unclassified or their alerts unqueued. If it throws, nothing is stored.
   */
  onNewItemsInTransaction?: (feedId: string, items: NormalizedItem[], info: { firstFetch: boolean }) => void;
  /**
   * Runs a function in one store transaction, and as a savepoint when called inside one (better-sqlite3's
   * db.transaction does both). Default: no transaction.
   */
  transaction?: <T>(fn: () => T) => T;
  /**
   * The stores of feeds that finish within this many ms of each other commit in one transaction, each feed's
   * in its own savepoint (write-batch.ts): with 30 items a feed, about a fifth less CPU per poll cycle. Default 20.
   */
  commitWindowMs?: number;
  /** Called after the new items are committed (notifications; may be async; its failure is only logged). */
  onNewItems?: NewItemsHandler;
  /** How often the scheduler looks for due feeds (real time). Default 1000 ms. */
  tickMs?: number;
  /** How long stop() lets fetches finish before aborting them. Default 10 s. */
  stopGraceMs?: number;
};

/** A running (or idle) poller. */
export type Poller = {
  /** Fetches every enabled feed once, whatever its schedule; reports in feed order. */
  pollOnce(): Promise<PollReport[]>;
  /** Starts polling each enabled feed on its interval (after failures, at its backoff time). */
  start(): void;
  /** Stops scheduling; resolves once fetches in flight end (aborted after the grace period). */
  stop(): Promise<void>;
};

const silent: PollerLogger = { info: () => {}, warn: () => {}, error: () => {} };
const DEFAULT_COMMIT_WINDOW_MS = 20;

/** Runs at most `max` tasks at once; the rest wait in arrival order. */
function createLimiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (active < max) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter so no newcomer can overtake it.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/** Builds a poller over the given feeds. */
export function createPoller(deps: PollerDeps): Poller {
  const { store, clock } = deps;
  const logger = deps.logger ?? silent;
  const concurrency = Math.max(1, Math.floor(deps.concurrency ?? 8));
  // Feeds waiting for their batch hold an attempt slot, so a batch of `concurrency` commits at once.
  const batched = createWriteBatch(deps.transaction ?? (<T>(fn: () => T): T => fn()), {
    windowMs: deps.commitWindowMs ?? DEFAULT_COMMIT_WINDOW_MS,
    maxWrites: concurrency,
  });
  const backoffMaxMs = deps.backoffMaxMs ?? DEFAULT_BACKOFF_MAX_MS;
  // Two bounds: `concurrency` fetches on the network at once, and twice that many attempts in all. A feed
  // whose body has arrived gives its fetch slot to the next feed while it is parsed and stored, so the
  // network wait of one feed overlaps the CPU work of another; the outer bound caps how many fetched bodies
  // and parsed documents are held in memory at once (1,000 feeds must not mean 1,000 bodies in RAM).
  const fetchSlots = createLimiter(concurrency);
  const attemptSlots = createLimiter(2 * concurrency);
  const enabled = deps.feeds.filter((feed) => feed.enabled);
  const inFlight = new Map<string, Promise<PollReport>>();
  /** When each feed is next due (scheduler only); filled from the store on first look. */
  const dueAt = new Map<string, number>();
  // One signal aborts every fetch at stop(); each fetch in flight listens to it, more than Node's default 10.
  const newController = () => {
    const created = new AbortController();
    setMaxListeners(0, created.signal);
    return created;
  };
  let controller = newController();
  let stopping = false;
  let timer: ReturnType<typeof setInterval> | null = null;

  const urlChanged = (feed: FeedSource, state: FeedState) => state.url !== null && state.url !== feed.url;
  /**
   * The feed's stored state, or null when there is none or it was another URL's: sources.yaml gave the id a
   * new URL, so the old validators would fetch nothing (the new URL answers 304 until it changes after the old
   * date), its health and backoff are not the new URL's, and its first fetch is a backlog to store silently.
   */
  const currentState = (feed: FeedSource): FeedState | null => {
    const state = store.getFeedState(feed.id);
    if (state === null || !urlChanged(feed, state)) return state;
    logger.info({ feedId: feed.id, url: redactUrl(feed.url), was: redactUrl(state.url ?? '') }, 'feed URL changed: fetching it as a new feed');
    store.forgetFeedState(feed.id);
    return null;
  };

  const fail = (feed: FeedSource, startedAt: number, failuresBefore: number, error: string, retryAfterMs?: number): PollReport => {
    const failures = failuresBefore + 1;
    const delay = backoffDelay({ intervalMs: feed.intervalMs, failures, maxMs: backoffMaxMs, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
    const nextAttemptAt = clock.now() + delay;
    dueAt.set(feed.id, nextAttemptAt);
    try {
      store.recordFetchFailure(feed.id, { error, at: startedAt, nextAttemptAt, url: feed.url });
    } catch (storeError) {
      logger.error({ feedId: feed.id, err: errorText(storeError) }, 'could not record feed failure');
    }
    logger.warn({ feedId: feed.id, error, failures, nextAttemptAt }, 'feed failed');
    return { feedId: feed.id, status: 'failed', newItems: 0, error };
  };

  async function attempt(feed: FeedSource, signal: AbortSignal): Promise<PollReport> {
    // Queued behind the limiter while stop() was called: do not start anything new.
    if (stopping || signal.aborted) return { feedId: feed.id, status: 'failed', newItems: 0, error: 'poller stopped' };
    const startedAt = clock.now();
    let failuresBefore = 0;
    try {
      const state = currentState(feed);
      failuresBefore = state?.consecutiveFailures ?? 0;
      const validators: FeedValidators = { etag: state?.etag ?? null, lastModified: state?.lastModified ?? null };
      const options: FetchOptions = { ...deps.fetchOptions, signal };
      if (feed.timeoutMs !== undefined) options.timeoutMs = feed.timeoutMs;
      if (feed.maxBytes !== undefined) options.maxBytes = feed.maxBytes;

      const outcome = await fetchSlots(async (): Promise<FetchOutcome | null> => {
        // Waited for a fetch slot while stop() was called: do not start anything new.
        if (stopping || signal.aborted) return null;
        try {
          return await deps.fetchFeed(feed.url, validators, options);
        } catch (error) {
          return { ok: false, reason: `fetch failed: ${errorText(error)}` };
        }
      });
      if (outcome === null) return { feedId: feed.id, status: 'failed', newItems: 0, error: 'poller stopped' };
      if (!outcome.ok) {
        // Cut short by stop(): not the feed's fault, so not recorded; the next start retries at once.
        if (signal.aborted) return { feedId: feed.id, status: 'failed', newItems: 0, error: 'aborted by stop' };
        return fail(feed, startedAt, failuresBefore, outcome.reason, outcome.retryAfterMs);
      }
      if (outcome.status === 304) {
        await batched(() => store.recordFetchSuccess(feed.id, { etag: outcome.etag, lastModified: outcome.lastModified, at: startedAt, url: feed.url }));
        dueAt.set(feed.id, startedAt + feed.intervalMs);
        return { feedId: feed.id, status: 'unchanged', newItems: 0 };
      }

      let parsed: ParseOutcome;
      try {
        parsed = await deps.parseFeed(outcome.body, {
          feedId: feed.id,
          contentType: outcome.contentType,
          language: feed.language ?? null,
          fetchedAt: startedAt,
          baseUrl: outcome.finalUrl,
          maxBytes: options.maxBytes ?? fetchDefaults.maxBytes,
        });
      } catch (error) {
        parsed = { ok: false, reason: errorText(error) };
      }
      if (!parsed.ok) return fail(feed, startedAt, failuresBefore, `parse error: ${parsed.reason}`);
      // The items are kept, but the feed's owner may want to know its XML is broken (and how).
      if (parsed.repairs.length > 0) logger.info({ feedId: feed.id, repairs: parsed.repairs }, 'feed XML repaired');

      const firstFetch = !state?.firstFetchDone;
      const items = parsed.items;
      const fresh = await batched(() => {
        const inserted = store.insertItems(feed.id, items, startedAt);
        store.recordFetchSuccess(feed.id, { etag: outcome.etag, lastModified: outcome.lastModified, at: startedAt, repairs: parsed.repairs, url: feed.url });
        if (inserted.length > 0) deps.onNewItemsInTransaction?.(feed.id, inserted, { firstFetch });
        return inserted;
      });
      dueAt.set(feed.id, startedAt + feed.intervalMs);
      if (fresh.length > 0) {
        logger.info({ feedId: feed.id, newItems: fresh.length, firstFetch }, 'new items');
        try {
          await deps.onNewItems?.(feed.id, fresh, { firstFetch });
        } catch (error) {
          // The items are stored; a failing consumer must not make the feed look broken.
          logger.error({ feedId: feed.id, err: errorText(error) }, 'onNewItems failed');
        }
      }
      return { feedId: feed.id, status: fresh.length > 0 ? 'new' : 'unchanged', newItems: fresh.length };
    } catch (error) {
      // Store trouble (disk full, locked): recorded as this feed's failure where possible.
      logger.error({ feedId: feed.id, err: errorText(error) }, 'poll failed unexpectedly');
      return fail(feed, startedAt, failuresBefore, `internal error: ${errorText(error)}`);
    }
  }

  function pollFeed(feed: FeedSource): Promise<PollReport> {
    const running = inFlight.get(feed.id);
    if (running) return running;
    const task = attemptSlots(() => attempt(feed, controller.signal)).finally(() => {
      if (inFlight.get(feed.id) === task) inFlight.delete(feed.id);
    });
    inFlight.set(feed.id, task);
    return task;
  }

  function dueTime(feed: FeedSource): number {
    let at = dueAt.get(feed.id);
    if (at === undefined) {
      const state = store.getFeedState(feed.id);
      at =
        state === null || state.lastAttemptAt === null || urlChanged(feed, state)
          ? Number.NEGATIVE_INFINITY
          : (state.nextAttemptAt ?? state.lastAttemptAt + feed.intervalMs);
      dueAt.set(feed.id, at);
    }
    return at;
  }

  function tick(): void {
    try {
      const now = clock.now();
      for (const feed of enabled) {
        if (!inFlight.has(feed.id) && dueTime(feed) <= now) void pollFeed(feed);
      }
    } catch (error) {
      logger.error({ err: errorText(error) }, 'scheduler tick failed');
    }
  }

  return {
    pollOnce: () => Promise.all(enabled.map(pollFeed)),
    start() {
      if (timer) return;
      stopping = false;
      if (controller.signal.aborted) controller = newController();
      timer = setInterval(tick, deps.tickMs ?? 1000);
      tick();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      stopping = true;
      const settled = () => Promise.allSettled([...inFlight.values()]);
      let grace: ReturnType<typeof setTimeout> | undefined;
      const expired = await Promise.race([
        settled().then(() => false),
        new Promise<boolean>((resolve) => {
          grace = setTimeout(() => resolve(true), deps.stopGraceMs ?? 10_000);
        }),
      ]);
      clearTimeout(grace);
      if (expired) {
        controller.abort();
        await settled();
      }
      // Ready to be started (or polled once) again.
      controller = newController();
      stopping = false;
    },
  };
}
