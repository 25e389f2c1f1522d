/**
 * Classifies stored items when they arrive: topics (with evidence), status signals and story, all written
 * in one transaction, so status, digests and alerts are queries afterwards. When topics.yaml changes, a
 * re-match brings stored items up to date without making any of them look new.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.js';
import type { TopicsFile } from '../config/topics-schema.js';
import type { NormalizedItem } from '../ingest/item.js';
import { createKeyValue } from '../store/key-value.js';
import { foldItem, foldItemInto, reusedFoldedItem } from './fold.js';
import { createClusterer, directionCode, sketchSignals, type ClusterOptions } from './cluster.js';
import { compileTopics, type TopicMatcher } from './matcher.js';
import { compileSignals, mainSignalKeys, type SignalDetector } from './signals.js';
import { byTopicOrder } from './topic-order.js';

/** A story that received items in one call: the bot loop alerts new stories and edits alerts of grown ones. */
export type StoryChange = {
  storyId: string;
  isNewStory: boolean;
  /** The items of this call that joined the story, oldest publication first. */
  itemIds: string[];
  /** The story's topics after the change, in topics.yaml order. */
  topics: string[];
  /** Its topics before the change (none for a new story), in topics.yaml order. */
  topicsBefore: string[];
  /** Distinct feeds carrying the story before and after the call (0 before for a new story). */
  sourceCountBefore: number;
  sourceCountAfter: number;
};

/** What a re-match did. */
export type RematchResult = {
  /** False when the stored topics hash was current and nothing was done. */
  rematched: boolean;
  /** Items looked at. */
  items: number;
  /** Items that now match at least one topic. */
  matched: number;
  /** Items put into a story because they match now and did not before. */
  clustered: number;
  /** Items taken out of their story because they no longer match. */
  unclustered: number;
};

/** Everything the classifier is built from. */
export type ClassifierOptions = {
  /** The store's connection (createSqliteStore(...).db), migrated. */
  db: Database.Database;
  matcher: TopicMatcher;
  signals: SignalDetector;
  clock: Clock;
  /** topicsConfigHash(topics.yaml): when it differs from the stored one, rematchAll re-matches. */
  topicsHash: string;
  cluster?: ClusterOptions;
};

/** Classifies items into topics, signals and stories. */
export type Classifier = {
  /** Classifies items the store has just inserted, in one transaction; returns the stories they touched. */
  processNewItems(items: readonly NormalizedItem[]): StoryChange[];
  /** Re-matches every stored item when the topics hash changed (or `force`); call at start. Never yields changes to alert. */
  rematchAll(options?: { force?: boolean }): RematchResult;
  /** The topics a stored item was matched to, in topics.yaml order. */
  topicsOf(itemId: string): string[];
};

// Bump when matching, signal or clustering logic changes in a way stored results should follow.
const ALGORITHM = 'classify-v3';
const HASH_KEY = 'topics_hash';
const PAGE = 500;

/** A digest of the topics config (and of the classification logic's version) stored to detect changes. */
export function topicsConfigHash(file: TopicsFile): string {
  return createHash('sha256').update(ALGORITHM).update(JSON.stringify(file)).digest('hex');
}

type ItemRow = { seq: number; id: string; feed_id: string; title: string; summary: string; language: string | null; published_at: number };
/** A page row of a re-match: the item, its story and its stored topic ids (space-separated), as they were before it. */
type RematchRow = ItemRow & { cluster_id: string | null; topics: string | null };

/** The options for a topics file: its matcher, its signals and its hash, over the store's database. */
export function classifierOptions(db: Database.Database, topics: TopicsFile, clock: Clock): ClassifierOptions {
  return { db, matcher: compileTopics(topics), signals: compileSignals(topics), clock, topicsHash: topicsConfigHash(topics) };
}

/** Creates the classifier over the store's database. */
export function createClassifier(options: ClassifierOptions): Classifier {
  const { db, matcher, signals, clock, topicsHash } = options;
  const clusterer = createClusterer(db, options.cluster);
  const byOrder = byTopicOrder(matcher.topics.map((t) => t.id));

  // Whether a matched item is stored and not yet in a story (a matched item is clustered in the same transaction
  // it is matched in). Asked only of the items that match: one that matches nothing writes nothing anyway.
  const unclassified = db
    .prepare<[string], number>(
      'SELECT 1 FROM items i WHERE i.id = ? AND NOT EXISTS (SELECT 1 FROM cluster_items c WHERE c.item_id = i.id)',
    )
    .pluck();
  const clearTopics = db.prepare<[string]>('DELETE FROM item_topics WHERE item_id = ?');
  const clearSignals = db.prepare<[string]>('DELETE FROM item_signals WHERE item_id = ?');
  const addTopic = db.prepare<[string, string, string]>('INSERT INTO item_topics (item_id, topic_id, evidence) VALUES (?, ?, ?)');
  const addSignal = db.prepare<[string, string, string, string, string, number, number]>(
    `INSERT OR IGNORE INTO item_signals (item_id, topic_id, signal_id, label, direction, weight, published_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const topicsOfItem = db.prepare<[string], { topic_id: string }>('SELECT topic_id FROM item_topics WHERE item_id = ?');
  const setSignals = db.prepare<[string, string, string]>('UPDATE cluster_items SET directions = ?, signals = ? WHERE item_id = ?');
  const sourcesExcept = db.prepare<[string, string], { n: number }>(
    'SELECT count(DISTINCT feed_id) AS n FROM cluster_items WHERE cluster_id = ? AND item_id <> ?',
  );
  const sources = db.prepare<[string], { n: number }>('SELECT count(DISTINCT feed_id) AS n FROM cluster_items WHERE cluster_id = ?');
  const clusterTopics = db.prepare<[string], { topic_id: string }>('SELECT topic_id FROM cluster_topics WHERE cluster_id = ?');
  // A story's topics from its items other than the given ones: what it matched before they joined.
  const topicsExcept = db
    .prepare<[string, string], string>(
      `SELECT DISTINCT t.topic_id FROM cluster_items c JOIN item_topics t ON t.item_id = c.item_id
       WHERE c.cluster_id = ? AND c.item_id NOT IN (SELECT value FROM json_each(?))`,
    )
    .pluck();
  // Each row's story and topics come with the page: re-matching an item writes only its own topics, signals
  // and membership, so what was read for the rest of the page is still what they hold when their turn comes.
  const page = db.prepare<[number, number], RematchRow>(
    `SELECT i.seq, i.id, i.feed_id, i.title, i.summary, i.language, i.published_at, c.cluster_id,
            (SELECT group_concat(topic_id, ' ') FROM item_topics t WHERE t.item_id = i.id) AS topics
     FROM items i LEFT JOIN cluster_items c ON c.item_id = i.id WHERE i.seq > ? ORDER BY i.seq LIMIT ?`,
  );
  const meta = createKeyValue(db);

  const inTopicOrder = (ids: Iterable<string>) => [...ids].sort(byOrder);

  // Every item is folded into these arrays to be matched: most match nothing, and their words are not kept.
  const matchWords = reusedFoldedItem();

  /** An item's topic matches and, when it has any, its folded words (null otherwise): no writes. */
  const matchItem = (item: { title: string; summary: string }) => {
    const matches = matcher.matchFolded(foldItemInto(item.title, item.summary, matchWords));
    // An item that matched gets words of its own for its signals and its story.
    return { folded: matches.length === 0 ? null : foldItem(item.title, item.summary), matches };
  };

  /**
   * Stores a matched item's topics and signals; returns its topic ids, its signals' directions and the keys of
   * its main signals (for the clusterer). `replace`: drop what an earlier classification stored (a re-match).
   */
  const record = (
    item: { id: string; title: string; summary: string; language: string | null; publishedAt: number },
    { folded, matches }: ReturnType<typeof matchItem>,
    replace: boolean,
  ) => {
    const topicIds = matches.map((m) => m.topicId);
    const found = signals.detectSignals(item, topicIds, folded?.title);
    if (replace) {
      clearTopics.run(item.id);
      clearSignals.run(item.id);
    }
    for (const m of matches) addTopic.run(item.id, m.topicId, JSON.stringify(m.evidence));
    for (const s of found) addSignal.run(item.id, s.topicId, s.signalId, s.label, s.direction, s.weight, item.publishedAt);
    return { topicIds, directions: found.map((s) => s.direction), signalKeys: mainSignalKeys(found) };
  };

  const processNewItems = db.transaction((items: readonly NormalizedItem[]): StoryChange[] => {
    const now = clock.now();
    const changes = new Map<string, StoryChange>();
    // Oldest first, so a story's founding item (its id and representative) is its earliest report.
    const ordered = [...items].sort((a, b) => a.publishedAt - b.publishedAt);
    for (const item of ordered) {
      const matched = matchItem(item);
      // A second copy of an item in the batch is in a story by then.
      if (matched.matches.length === 0 || unclassified.get(item.id) === undefined) continue;
      const { directions, signalKeys } = record(item, matched, false);
      const { clusterId, isNewCluster } = clusterer.add({ ...item, directions, signals: signalKeys, folded: matched.folded ?? undefined }, now);
      let change = changes.get(clusterId);
      if (!change) {
        const before = isNewCluster ? 0 : sourcesExcept.get(clusterId, item.id)!.n;
        change = { storyId: clusterId, isNewStory: isNewCluster, itemIds: [], topics: [], topicsBefore: [], sourceCountBefore: before, sourceCountAfter: 0 };
        changes.set(clusterId, change);
      }
      change.itemIds.push(item.id);
    }
    for (const change of changes.values()) {
      change.topics = inTopicOrder(clusterTopics.all(change.storyId).map((r) => r.topic_id));
      if (!change.isNewStory) change.topicsBefore = inTopicOrder(topicsExcept.all(change.storyId, JSON.stringify(change.itemIds)));
      change.sourceCountAfter = sources.get(change.storyId)!.n;
    }
    return [...changes.values()];
  });

  const rematch = db.transaction((force: boolean): RematchResult => {
    const stored = meta.get(HASH_KEY);
    if (stored === topicsHash && !force) return { rematched: false, items: 0, matched: 0, clustered: 0, unclustered: 0 };
    const now = clock.now();
    const result: RematchResult = { rematched: true, items: 0, matched: 0, clustered: 0, unclustered: 0 };
    const toCluster: (ItemRow & Pick<ReturnType<typeof record>, 'directions' | 'signalKeys'>)[] = [];
    const touched = new Set<string>();
    // Pages by seq: better-sqlite3 cannot write while a read statement is still iterating.
    for (let after = 0; ; ) {
      const rows = page.all(after, PAGE);
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.seq;
      for (const row of rows) {
        result.items++;
        const before = (row.topics ?? '').split(' ').filter(Boolean).sort().join(' ');
        const { topicIds, directions, signalKeys } = record({ ...row, publishedAt: row.published_at }, matchItem(row), true);
        const clusterId = row.cluster_id;
        if (topicIds.length > 0) result.matched++;
        if (topicIds.length === 0) {
          if (clusterId !== null) {
            clusterer.remove(row.id);
            result.unclustered++;
          }
        } else if (clusterId === null) {
          toCluster.push({ ...row, directions, signalKeys });
        } else {
          setSignals.run(directionCode(directions), sketchSignals(signalKeys), row.id);
          if ([...topicIds].sort().join(' ') !== before) touched.add(clusterId);
        }
      }
    }
    for (const clusterId of touched) clusterer.refreshTopics(clusterId);
    toCluster.sort((a, b) => a.published_at - b.published_at || a.seq - b.seq);
    for (const row of toCluster) {
      clusterer.add(
        { id: row.id, feedId: row.feed_id, title: row.title, summary: row.summary, publishedAt: row.published_at, directions: row.directions, signals: row.signalKeys },
        now,
      );
      result.clustered++;
    }
    meta.set(HASH_KEY, topicsHash);
    return result;
  });

  return {
    processNewItems: (items) => processNewItems.immediate(items),
    rematchAll: ({ force = false } = {}) => rematch.immediate(force),
    topicsOf: (itemId) => inTopicOrder(topicsOfItem.all(itemId).map((r) => r.topic_id)),
  };
}
