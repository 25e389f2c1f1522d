/**
 * Opens the parts every command shares, in flow order: environment and config (with every problem listed),
 * the SQLite store, the topic matcher and classifier (re-matching stored items when topics.yaml changed),
 * and the poller that feeds new items through the classifier. `sitrep poll`, `status`, `digest`, `start`
 * and `demo` all begin here; src/app.ts adds delivery and the chat platforms on top.
 */
import type { Clock } from './clock.js';
import { resolveDbPath, type Env } from './config/env.js';
import { formatProblem, type ConfigProblem, type SitrepConfig } from './config/load-config.js';
import { loadEnvAndConfig, type LoadedSetup } from './config/setup.js';
import { fetchFeed } from './ingest/fetch.js';
import { createPoller, type NewItemsHandler, type Poller } from './ingest/poller.js';
import type { Logger } from './logger.js';
import { createKeyValue, type KeyValue } from './store/key-value.js';
import { createSqliteStore, type SqliteStore } from './store/sqlite-store.js';
import { classifierOptions, createClassifier, type Classifier } from './topics/classify.js';
import type { TopicMatcher } from './topics/matcher.js';
import { createStoryQueries, type StoryQueries } from './topics/story-store.js';

/** Where the config and database come from (CLI flags; the environment fills the gaps). */
export type CoreOptions = {
  globals: { config?: string; db?: string };
  clock: Clock;
  logger: Logger;
  /** Replaces the database path (the demo uses a temporary one). */
  dbPath?: string;
  /** The environment and config already loaded (loadEnvAndConfig), used instead of reading them again. */
  loaded?: LoadedSetup;
};

/** The shared parts, open. */
export type Core = {
  env: Env;
  config: SitrepConfig;
  store: SqliteStore;
  matcher: TopicMatcher;
  classifier: Classifier;
  stories: StoryQueries;
  /** Small persistent settings kept in the database. */
  kv: KeyValue;
  /**
   * Builds a poller whose new items are classified in the transaction that stores them; `handlers.stored`
   * runs in that same transaction (e.g. queueing alerts), `handlers.committed` after it commits.
   */
  createPoller(handlers?: PollHandlers): Poller;
  close(): void;
};

/** What happened in one feed's poll: its new items and the stories they touched. */
export type NewItemsContext = Parameters<NewItemsHandler>[2] & { feedId: string; items: Parameters<NewItemsHandler>[1] };

/** Hooks of the poller built by the core. */
export type PollHandlers = {
  /** Synchronous, inside the transaction that stores and classifies the items. */
  stored?: (changes: ReturnType<Classifier['processNewItems']>, context: NewItemsContext) => void;
  /** After the commit (printing, waking the dispatcher). */
  committed?: (context: NewItemsContext) => void | Promise<void>;
};

/** Opens everything, or returns every config/environment problem found (nothing is opened then). */
export async function openCore(options: CoreOptions): Promise<{ ok: true; core: Core } | { ok: false; problems: ConfigProblem[] }> {
  const loaded = options.loaded ? { ok: true as const, ...options.loaded } : await loadEnvAndConfig(options.globals);
  if (!loaded.ok) return loaded;
  const { env, config } = loaded;
  for (const note of config.notes) options.logger.warn({ note: formatProblem(note) }, 'config: allowed, but probably a mistake');
  const dbPath = options.dbPath ?? resolveDbPath(options.globals);
  const store = createSqliteStore(dbPath, options.clock);
  const classification = classifierOptions(store.db, config.topics, options.clock);
  const { matcher } = classification;
  const classifier = createClassifier(classification);
  const rematch = classifier.rematchAll();
  if (rematch.rematched) options.logger.info(rematch, 'topics changed: stored items re-matched');
  const feedTitles = new Map(config.feeds.map((feed) => [feed.id, feed.title ?? feed.id]));
  const stories = createStoryQueries(store.db, feedTitles, matcher.topics.map((topic) => topic.id));

  const core: Core = {
    env,
    config,
    store,
    matcher,
    classifier,
    stories,
    kv: createKeyValue(store.db),
    createPoller(handlers = {}) {
      // Parsing brings rss-parser, htmlparser2 and iconv-lite, about 0.1 s of loading that only polling needs:
      // it starts here and finishes while the first requests are on the network, not before every command.
      const parsing = import('./ingest/parse-feed.js');
      return createPoller({
        feeds: config.feeds,
        store,
        clock: options.clock,
        fetchFeed,
        parseFeed: async (bytes, context) => (await parsing).parseFeed(bytes, context),
        concurrency: config.concurrency,
        backoffMaxMs: config.settings.poll.backoffMaxMs,
        logger: options.logger,
        // Shutdown must finish within seconds (SIGTERM); a fetch still running then is abandoned.
        stopGraceMs: 2_000,
        transaction: store.transaction,
        onNewItemsInTransaction: (feedId, items, context) => {
          const changes = classifier.processNewItems(items);
          handlers.stored?.(changes, { ...context, feedId, items });
        },
        onNewItems: (feedId, items, context) => handlers.committed?.({ ...context, feedId, items }),
      });
    },
    close() {
      store.close();
    },
  };
  return { ok: true, core };
}

/** Prints config problems the way check-config does and gives the exit code. */
export function reportProblems(problems: readonly ConfigProblem[], write: (text: string) => void): number {
  for (const problem of problems) write(`${formatProblem(problem)}\n`);
  write(`sitrep: ${problems.length} configuration problem${problems.length === 1 ? '' : 's'}; nothing was started\n`);
  return 1;
}
