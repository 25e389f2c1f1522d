/**
 * Read side of stories: StoryView queries over the tables classify.ts fills. Status cards, digests,
 * /latest and /search are built from these, so nothing is recomputed at question time.
 */
import type Database from 'better-sqlite3';
import type { EvidenceView, StoryView } from '../chat/views.js';
import { toFtsQuery } from '../store/fts-query.js';
import type { SignalDirection } from './signals.js';
import { byTopicOrder } from './topic-order.js';

/** Filters for stories(); newest activity first. */
export type StoriesQuery = {
  topicId?: string;
  /** Only stories with an item published at or after this time (ms since epoch). */
  since?: number;
  /** Only stories whose latest item was published before this time. */
  until?: number;
  limit: number;
};

/** One signal occurrence, for status trends. */
export type SignalEvent = {
  itemId: string;
  storyId: string | null;
  topicId: string;
  signalId: string;
  label: string;
  direction: SignalDirection;
  weight: number;
  publishedAt: number;
  feedId: string;
};

/**
 * Filters for storiesSeen(): stories with an item the bot first saw in [since, until), newest activity first.
 * An item counts when it was at most `maxAgeMs` old when seen, so a new feed's backlog of old news stays out.
 */
export type SeenStoriesQuery = { topicId?: string; since: number; until: number; maxAgeMs: number; limit: number };

/** Per-topic counts over a period. */
export type TopicStats = { topicId: string; stories: number; items: number; sources: number };

/** Queries over stored stories. */
export type StoryQueries = {
  /** Stories by latest activity, newest first. */
  stories(query: StoriesQuery): StoryView[];
  /**
   * Stories by when their reports were first seen: consecutive periods share out every report once, even one
   * published just before a period's start and fetched just after it.
   */
  storiesSeen(query: SeenStoriesQuery): StoryView[];
  story(id: string): StoryView | null;
  /** Full-text search over items, answered as their stories (an item in no story is a story of its own); best first. */
  searchStories(query: string, limit: number): StoryView[];
  /** Signals of a topic published in [since, until), newest first. */
  signalEvents(topicId: string, since: number, until?: number): SignalEvent[];
  /** Stories, items and outlets per topic over [since, until). */
  topicStats(since: number, until?: number): TopicStats[];
  /** One topic's stories over [since, until), counted as topicStats counts them. */
  topicStoryCount(topicId: string, since: number, until: number): number;
};

type ClusterRow = { id: string; representative_id: string; first_published_at: number; updated_at: number };
type MemberRow = { id: string; feed_id: string; url: string | null; title: string; published_at: number };
type EvidenceRow = { topic_id: string; evidence: string };

const FAR_FUTURE = Number.MAX_SAFE_INTEGER;

/**
 * Story queries over the store's connection; `feedTitles` names outlets (feed id → title) and
 * `topicOrder` is the topics.yaml order in which a story's topics are listed.
 */
export function createStoryQueries(
  db: Database.Database,
  feedTitles: ReadonlyMap<string, string>,
  topicOrder: readonly string[],
): StoryQueries {
  const byOrder = byTopicOrder(topicOrder);
  const outlet = (feedId: string) => feedTitles.get(feedId) ?? feedId;

  const listAll = db.prepare<{ since: number; until: number; limit: number }, ClusterRow>(
    `SELECT id, representative_id, first_published_at, updated_at FROM clusters
     WHERE updated_at >= @since AND updated_at < @until ORDER BY updated_at DESC, id LIMIT @limit`,
  );
  const listTopic = db.prepare<{ topic: string; since: number; until: number; limit: number }, ClusterRow>(
    `SELECT c.id, c.representative_id, c.first_published_at, c.updated_at
     FROM cluster_topics t JOIN clusters c ON c.id = t.cluster_id
     WHERE t.topic_id = @topic AND c.updated_at >= @since AND c.updated_at < @until
     ORDER BY c.updated_at DESC, c.id LIMIT @limit`,
  );
  // Items first stored (items.fetched_at) in the period, at most maxAge old then.
  const seenIn = `SELECT c.cluster_id FROM items i JOIN cluster_items c ON c.item_id = i.id
     WHERE i.fetched_at >= @since AND i.fetched_at < @until AND i.published_at >= i.fetched_at - @maxAge`;
  type SeenParams = { since: number; until: number; maxAge: number; limit: number };
  const seenAll = db.prepare<SeenParams, ClusterRow>(
    `SELECT id, representative_id, first_published_at, updated_at FROM clusters
     WHERE id IN (${seenIn}) ORDER BY updated_at DESC, id LIMIT @limit`,
  );
  const seenTopic = db.prepare<SeenParams & { topic: string }, ClusterRow>(
    `SELECT c.id, c.representative_id, c.first_published_at, c.updated_at
     FROM cluster_topics t JOIN clusters c ON c.id = t.cluster_id
     WHERE t.topic_id = @topic AND c.id IN (${seenIn})
     ORDER BY c.updated_at DESC, c.id LIMIT @limit`,
  );
  const one = db.prepare<[string], ClusterRow>('SELECT id, representative_id, first_published_at, updated_at FROM clusters WHERE id = ?');
  const members = db.prepare<[string], MemberRow>(
    `SELECT i.id, i.feed_id, i.url, i.title, i.published_at FROM cluster_items c JOIN items i ON i.id = c.item_id
     WHERE c.cluster_id = ? ORDER BY c.published_at, i.seq`,
  );
  const topics = db.prepare<[string], { topic_id: string }>('SELECT topic_id FROM cluster_topics WHERE cluster_id = ?');
  const evidence = db.prepare<[string], EvidenceRow>(
    `SELECT t.topic_id, t.evidence FROM cluster_items c JOIN item_topics t ON t.item_id = c.item_id
     WHERE c.cluster_id = ? ORDER BY c.published_at`,
  );
  const signals = db.prepare<[string], { key: string }>(
    `SELECT s.topic_id || '.' || s.signal_id AS key FROM cluster_items c JOIN item_signals s ON s.item_id = c.item_id
     WHERE c.cluster_id = ? GROUP BY key ORDER BY max(s.weight) DESC, min(s.published_at), key`,
  );
  const item = db.prepare<[string], MemberRow>('SELECT id, feed_id, url, title, published_at FROM items WHERE id = ?');
  const itemTopics = db.prepare<[string], EvidenceRow>('SELECT topic_id, evidence FROM item_topics WHERE item_id = ?');
  const itemSignals = db.prepare<[string], { key: string }>(
    "SELECT topic_id || '.' || signal_id AS key FROM item_signals WHERE item_id = ? ORDER BY weight DESC, key",
  );
  // An item in no story stands for itself; its id is its story id (a story is named after its founding item).
  const search = db.prepare<[string, number], { story: string | null; item_id: string }>(
    `SELECT c.cluster_id AS story, i.id AS item_id
     FROM items_fts JOIN items i ON i.seq = items_fts.rowid LEFT JOIN cluster_items c ON c.item_id = i.id
     WHERE items_fts MATCH ? ORDER BY bm25(items_fts, 2.0, 1.0), i.published_at DESC LIMIT ?`,
  );
  const events = db.prepare<[string, number, number], {
    item_id: string; story: string | null; topic_id: string; signal_id: string; label: string;
    direction: SignalDirection; weight: number; published_at: number; feed_id: string;
  }>(
    `SELECT s.item_id, c.cluster_id AS story, s.topic_id, s.signal_id, s.label, s.direction, s.weight, s.published_at, i.feed_id
     FROM item_signals s JOIN items i ON i.id = s.item_id LEFT JOIN cluster_items c ON c.item_id = s.item_id
     WHERE s.topic_id = ? AND s.published_at >= ? AND s.published_at < ?
     ORDER BY s.published_at DESC, s.item_id`,
  );
  const stats = db.prepare<[number, number], { topic_id: string; stories: number; items: number; sources: number }>(
    `SELECT t.topic_id, count(DISTINCT c.cluster_id) AS stories, count(*) AS items, count(DISTINCT c.feed_id) AS sources
     FROM item_topics t JOIN cluster_items c ON c.item_id = t.item_id
     WHERE c.published_at >= ? AND c.published_at < ? GROUP BY t.topic_id`,
  );
  const storyCount = db.prepare<[string, number, number], { stories: number }>(
    `SELECT count(DISTINCT c.cluster_id) AS stories
     FROM item_topics t JOIN cluster_items c ON c.item_id = t.item_id
     WHERE t.topic_id = ? AND c.published_at >= ? AND c.published_at < ?`,
  );

  const mergeEvidence = (rows: readonly EvidenceRow[]): Record<string, EvidenceView[]> => {
    const out: Record<string, EvidenceView[]> = {};
    const seen = new Set<string>();
    for (const row of rows) {
      const list = (out[row.topic_id] ??= []);
      for (const e of JSON.parse(row.evidence) as EvidenceView[]) {
        const key = `${row.topic_id}\0${e.field}\0${e.term}`;
        if (seen.has(key)) continue;
        seen.add(key);
        list.push({ term: e.term, field: e.field });
      }
    }
    return out;
  };

  /** A story as its representative item tells it; `items` are all of its items, oldest first. */
  const view = (
    head: { id: string; rep: MemberRow; items: readonly MemberRow[]; publishedAt: number; updatedAt: number },
    topicIds: string[],
    evidenceRows: readonly EvidenceRow[],
    signalKeys: string[],
  ): StoryView => ({
    id: head.id,
    title: head.rep.title,
    url: head.rep.url,
    source: outlet(head.rep.feed_id),
    sources: [...new Set([head.rep, ...head.items].map((m) => outlet(m.feed_id)))],
    publishedAt: head.publishedAt,
    updatedAt: head.updatedAt,
    topics: topicIds.sort(byOrder),
    evidence: mergeEvidence(evidenceRows),
    signals: signalKeys,
  });

  const toView = (cluster: ClusterRow): StoryView | null => {
    const items = members.all(cluster.id);
    const rep = items.find((m) => m.id === cluster.representative_id) ?? items[0];
    if (!rep) return null;
    const head = { id: cluster.id, rep, items, publishedAt: cluster.first_published_at, updatedAt: cluster.updated_at };
    return view(head, topics.all(cluster.id).map((r) => r.topic_id), evidence.all(cluster.id), signals.all(cluster.id).map((r) => r.key));
  };

  const singleton = (itemId: string): StoryView | null => {
    const row = item.get(itemId);
    if (!row) return null;
    const matched = itemTopics.all(itemId);
    const head = { id: row.id, rep: row, items: [row], publishedAt: row.published_at, updatedAt: row.published_at };
    return view(head, matched.map((r) => r.topic_id), matched, itemSignals.all(itemId).map((r) => r.key));
  };

  const story = (id: string): StoryView | null => {
    const cluster = one.get(id);
    return cluster ? toView(cluster) : null;
  };

  return {
    stories({ topicId, since, until, limit }) {
      if (limit <= 0) return [];
      const range = { since: since ?? 0, until: until ?? FAR_FUTURE, limit };
      const rows = topicId === undefined ? listAll.all(range) : listTopic.all({ ...range, topic: topicId });
      return rows.map(toView).filter((v): v is StoryView => v !== null);
    },
    storiesSeen({ topicId, since, until, maxAgeMs, limit }) {
      if (limit <= 0) return [];
      const params = { since, until, maxAge: maxAgeMs, limit };
      const rows = topicId === undefined ? seenAll.all(params) : seenTopic.all({ ...params, topic: topicId });
      return rows.map(toView).filter((v): v is StoryView => v !== null);
    },
    story,
    searchStories(query, limit) {
      const match = toFtsQuery(query);
      if (match === null || limit <= 0) return [];
      const views: StoryView[] = [];
      const seen = new Set<string>();
      // Several hits may belong to one story: read a few more rows than asked for.
      for (const hit of search.all(match, limit * 4)) {
        const key = hit.story ?? `item:${hit.item_id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const view = hit.story ? story(hit.story) : singleton(hit.item_id);
        if (view) views.push(view);
        if (views.length === limit) break;
      }
      return views;
    },
    signalEvents(topicId, since, until = FAR_FUTURE) {
      return events.all(topicId, since, until).map((r) => ({
        itemId: r.item_id,
        storyId: r.story,
        topicId: r.topic_id,
        signalId: r.signal_id,
        label: r.label,
        direction: r.direction,
        weight: r.weight,
        publishedAt: r.published_at,
        feedId: r.feed_id,
      }));
    },
    topicStats(since, until = FAR_FUTURE) {
      return stats
        .all(since, until)
        .map((r) => ({ topicId: r.topic_id, stories: r.stories, items: r.items, sources: r.sources }))
        .sort((a, b) => byOrder(a.topicId, b.topicId));
    },
    topicStoryCount(topicId, since, until) {
      return storyCount.get(topicId, since, until)?.stories ?? 0;
    },
  };
}
