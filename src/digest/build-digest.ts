/**
 * A digest over a period: a section per topic (topics.yaml order), its status line first, then its top
 * stories ranked by storyScore, each story shown once in the whole digest, each section bounded.
 * Read from the stored stories, never recomputed from items.
 */
import type { DigestSectionView, DigestView, StoryView } from '../chat/views.js';
import type { StatusCards } from '../status/status-card.js';
import { signalKey } from '../topics/signals.js';
import type { StoryQueries } from '../topics/story-store.js';

/** What the digest reads of the story store. */
export type DigestSource = Pick<StoryQueries, 'stories' | 'storiesSeen'>;

/** A topic as the digest needs it (a topics.yaml entry fits): `implies` and signal weights feed the rules below. */
export type DigestTopic = {
  id: string;
  name: string;
  implies?: readonly string[];
  signals?: readonly { id: string; weight: number }[];
};

/**
 * The period and topics of one digest; `until` is exclusive. `by`: which time of a report puts it in the
 * period. 'published' (the default) for "the last 24 hours" on request; 'seen' (when the bot first stored it)
 * for scheduled digests, which follow one another: a report published just before one and fetched just after
 * it comes in the next, where by publication it would fall between the two.
 */
export type DigestRequest = { since: number; until: number; topicIds?: readonly string[]; by?: 'published' | 'seen' };

/** Builds digests. */
export type DigestBuilder = {
  /** The digest of [since, until) for `topicIds` (every topic when absent; unknown ids are skipped). */
  buildDigest(request: DigestRequest): DigestView;
};

/** Everything the builder is made from. */
export type DigestDeps = {
  stories: DigestSource;
  status: Pick<StatusCards, 'statusLine'>;
  topics: readonly DigestTopic[];
  /** settings.digest.maxStoriesPerTopic. */
  maxStoriesPerTopic: number;
  /** settings.alerts.maxItemAge: by 'seen', a report older than this when first seen is no news (a new feed's backlog). */
  maxItemAgeMs: number;
  /** Most stories read per topic and period (default 1000): bounds the work of a very busy day. */
  readLimit?: number;
};

const HOUR = 60 * 60 * 1000;
const RECENCY_HALF_LIFE = 12 * HOUR;
const MAX_SIGNAL_BONUS = 3;

/**
 * How high a story ranks in its section:
 *   2 × 0.5^(age / 12 h)       recency of its latest report (age from the end of the period), 0..2
 * + log2(1 + outlets)          1 for one outlet, 2 for three, 3 for seven: corroboration, with diminishing returns
 * + min(3, Σ signal weights)   importance of what it reports (configured weights of its status signals)
 * so a fresh single-source item does not outrank a story carried by several outlets a few hours earlier,
 * and a reported clash or agreement outranks background pieces of the same age.
 */
export function storyScore(story: Pick<StoryView, 'updatedAt' | 'sources' | 'signals'>, until: number, weights: ReadonlyMap<string, number>): number {
  const age = Math.max(0, until - story.updatedAt);
  const recency = 2 * 0.5 ** (age / RECENCY_HALF_LIFE);
  const outlets = Math.log2(1 + Math.max(1, new Set(story.sources).size));
  const signal = story.signals.reduce((sum, key) => sum + (weights.get(key) ?? 0), 0);
  return recency + outlets + Math.min(MAX_SIGNAL_BONUS, signal);
}

/**
 * How specific each topic is: the number of topics it implies, directly or not. "qatar-talks implies m23"
 * makes the talks more specific than the M23 topic, so a talks story is shown under the talks.
 */
export function topicSpecificity(topics: readonly DigestTopic[]): Map<string, number> {
  const implies = new Map(topics.map((t) => [t.id, t.implies ?? []]));
  const reach = (id: string): Set<string> => {
    const seen = new Set<string>();
    const stack = [...(implies.get(id) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (next === id || seen.has(next)) continue;
      seen.add(next);
      stack.push(...(implies.get(next) ?? []));
    }
    return seen;
  };
  return new Map(topics.map((t) => [t.id, reach(t.id).size]));
}

/** Whether one ranking (compared key by key, the first difference decides) is higher than another. */
function outranks(a: readonly number[], b: readonly number[]): boolean {
  for (const [i, value] of a.entries()) if (value !== b[i]) return value > (b[i] ?? 0);
  return false;
}

/** Creates the digest builder. */
export function createDigestBuilder(deps: DigestDeps): DigestBuilder {
  const readLimit = deps.readLimit ?? 1000;
  const specificity = topicSpecificity(deps.topics);
  const weights = new Map<string, number>();
  for (const topic of deps.topics) {
    for (const s of topic.signals ?? []) weights.set(signalKey({ topicId: topic.id, signalId: s.id }), s.weight);
  }

  return {
    buildDigest({ since, until, topicIds, by = 'published' }) {
      const wanted = topicIds === undefined ? null : new Set(topicIds);
      const topics = deps.topics.filter((t) => wanted === null || wanted.has(t.id));

      // Every story of the period under every requested topic it belongs to, its topics in topics.yaml order.
      const stories = new Map<string, StoryView>();
      const topicsOf = new Map<string, string[]>();
      for (const topic of topics) {
        const found =
          by === 'seen'
            ? deps.stories.storiesSeen({ topicId: topic.id, since, until, maxAgeMs: deps.maxItemAgeMs, limit: readLimit })
            : deps.stories.stories({ topicId: topic.id, since, until, limit: readLimit });
        for (const story of found) {
          stories.set(story.id, story);
          const list = topicsOf.get(story.id);
          if (list) list.push(topic.id);
          else topicsOf.set(story.id, [topic.id]);
        }
      }

      // Each story once: under its most specific topic; between equally specific ones, under the topic its
      // news is about (the weight of its status signals there: a ceasefire violation that names Doha goes under
      // the ceasefire, not the talks), then the one its headline names (not only its summary), and then the
      // topic listed first in topics.yaml.
      const homed = new Map<string, StoryView[]>(topics.map((t) => [t.id, []]));
      for (const [id, story] of stories) {
        const signalWeight = (topicId: string) =>
          story.signals.filter((key) => key.startsWith(`${topicId}.`)).reduce((sum, key) => sum + (weights.get(key) ?? 0), 0);
        const inHeadline = (topicId: string) => ((story.evidence[topicId] ?? []).some((hit) => hit.field === 'title') ? 1 : 0);
        const rank = (topicId: string) => [specificity.get(topicId) ?? 0, signalWeight(topicId), inHeadline(topicId)];
        let home: string | undefined;
        for (const topicId of topicsOf.get(id) ?? []) {
          if (home === undefined || outranks(rank(topicId), rank(home))) home = topicId;
        }
        if (home !== undefined) homed.get(home)?.push(story);
      }

      const sections: DigestSectionView[] = topics.map((topic) => {
        const ranked = (homed.get(topic.id) ?? [])
          .map((story) => ({ story, score: storyScore(story, until, weights) }))
          .sort((a, b) => b.score - a.score || b.story.updatedAt - a.story.updatedAt || a.story.id.localeCompare(b.story.id))
          .map((r) => r.story);
        const shown = ranked.slice(0, deps.maxStoriesPerTopic);
        const statusLine = deps.status.statusLine(topic.id, { now: until, previousAt: since });
        return { topicId: topic.id, topicName: topic.name, statusLine, stories: shown, more: ranked.length - shown.length };
      });
      return { since, until, sections };
    },
  };
}
