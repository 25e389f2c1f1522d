/**
 * The latest known status of a topic as a card: a trend verdict with its one-line reason (trend.ts holds
 * the rule), what changed since the previous status, the latest signals and the last few dated facts.
 * Everything is read from the stored stories and signals: a card is a query, not a recomputation.
 */
import { relativeTime } from '../time-labels.js';
import type { FactView, StatusCardView } from '../chat/views.js';
import type { StoryQueries } from '../topics/story-store.js';
import { firstOccurrences, tallyWindow, trendReason, trendVerdict, type TrendEvent } from './trend.js';

/** What a status card reads: the story store's queries. */
export type StatusSource = Pick<StoryQueries, 'stories' | 'story' | 'signalEvents' | 'topicStoryCount'>;

/** A topic as the card names it (a topics.yaml entry fits). */
export type StatusTopic = { id: string; name: string };

/** Tuning; the defaults are what the tests hold. */
export type StatusCardOptions = {
  /** Length of the trend windows, in days (default 3: the last 3 days against the 3 before). */
  windowDays?: number;
  /** Dated facts on a card (default 5). */
  factCount?: number;
};

/** When a card is computed for, and which earlier status "what changed" compares with. */
export type StatusAt = {
  now: number;
  /** The previous status's time (e.g. the last digest sent); default 24 hours before `now`. */
  previousAt?: number;
};

/** Builds status cards. */
export type StatusCards = {
  /** The card of one topic as of `now`; an unknown topic gets a no-data card that says so. */
  buildStatusCard(topicId: string, at: StatusAt): StatusCardView;
  /** The card's verdict and reason as one line for a digest section ("Escalating: <reason>"), without the rest of the card. */
  statusLine(topicId: string, at: StatusAt): string;
};

const DAY = 24 * 60 * 60 * 1000;
const MAX_LATEST_SIGNALS = 5;
const MAX_NEW_SIGNALS = 3;

const TREND_WORD: Record<StatusCardView['trend'], string> = {
  escalating: 'escalating',
  'de-escalating': 'de-escalating',
  unchanged: 'unchanged',
  'no-data': 'no recent reports',
};

/** The trend as a reader says it ("no recent reports" for no-data). */
export function trendWord(trend: StatusCardView['trend']): string {
  return TREND_WORD[trend];
}

/** "Escalating: <reason>" (the reason alone when there is no data). */
function lineOf(trend: StatusCardView['trend'], reason: string): string {
  if (trend === 'no-data') return reason;
  const word = trendWord(trend);
  return `${word.charAt(0).toUpperCase()}${word.slice(1)}: ${reason}`;
}

const notTracked = (topicId: string) => `"${topicId}" is not a tracked topic.`;

/** Status cards over the stored stories and signals of `topics`. */
export function createStatusCards(
  source: StatusSource,
  topics: readonly StatusTopic[],
  options: StatusCardOptions = {},
): StatusCards {
  const windowMs = (options.windowDays ?? 3) * DAY;
  const days = options.windowDays ?? 3;
  const factCount = options.factCount ?? 5;
  const names = new Map(topics.map((t) => [t.id, t.name]));

  /**
   * First occurrences of the topic's signals up to `now`, read from 2 windows before the earlier of `now` and
   * `previousAt`. The card and its line read from the same start: how far back events are read decides which
   * occurrence of a story's signal is its first.
   */
  const occurrencesOf = (topicId: string, now: number, previousAt: number): TrendEvent[] => {
    const earliest = Math.min(now, previousAt) - 2 * windowMs;
    // A story's signal counts once, when it first appeared (see trend.ts); nothing after `now` counts.
    return firstOccurrences(source.signalEvents(topicId, earliest, now + 1)).filter((e) => e.publishedAt <= now);
  };

  /** Verdict and reason at time `t` from first occurrences (covering at least [t - 2 windows, t)). */
  const trendAt = (topicId: string, occurrences: readonly TrendEvent[], t: number, lastReportAt: number | null) => {
    const recent = tallyWindow(occurrences, t - windowMs, t);
    const previous = tallyWindow(occurrences, t - 2 * windowMs, t - windowMs);
    const stories = source.topicStoryCount(topicId, t - windowMs, t);
    return {
      trend: trendVerdict(recent, previous, stories),
      reason: trendReason(recent, previous, stories, { days, lastReportAt }),
    };
  };

  const outletOf = (event: TrendEvent): string => {
    const story = event.storyId === null ? null : source.story(event.storyId);
    return story?.source ?? event.feedId;
  };

  /** New kinds of signal since `previousAt` and a trend that moved, or null when neither. */
  const changedSince = (
    occurrences: readonly TrendEvent[],
    now: number,
    previousAt: number,
    trend: StatusCardView['trend'],
    previousTrend: StatusCardView['trend'],
  ): string | null => {
    const before = new Set(
      occurrences.filter((e) => e.publishedAt >= previousAt - windowMs && e.publishedAt < previousAt).map((e) => e.signalId),
    );
    const fresh = new Map<string, TrendEvent>();
    for (const e of occurrences) {
      if (e.publishedAt < previousAt || before.has(e.signalId) || fresh.has(e.signalId)) continue;
      fresh.set(e.signalId, e);
    }
    // Newest first: the reader wants the latest development at the front.
    const news = [...fresh.values()].sort((a, b) => b.publishedAt - a.publishedAt);
    const parts = news
      .slice(0, MAX_NEW_SIGNALS)
      .map((e) => `new: ${e.label} (${outletOf(e)}, ${relativeTime(e.publishedAt, now)})`);
    if (news.length > MAX_NEW_SIGNALS) parts.push(`${news.length - MAX_NEW_SIGNALS} more new signals`);
    if (trend !== previousTrend) parts.push(`trend was ${trendWord(previousTrend)}`);
    return parts.length > 0 ? parts.join('; ') : null;
  };

  return {
    buildStatusCard(topicId, { now, previousAt = now - DAY }) {
      const name = names.get(topicId);
      if (name === undefined) {
        return {
          topicId,
          topicName: topicId,
          trend: 'no-data',
          reason: notTracked(topicId),
          changed: null,
          latestSignals: [],
          facts: [],
          asOf: now,
        };
      }
      const occurrences = occurrencesOf(topicId, now, previousAt);

      const facts: FactView[] = source
        .stories({ topicId, until: now + 1, limit: factCount })
        .map((story) => ({ ...story, singleSource: story.sources.length <= 1 }));
      const lastReportAt = facts[0]?.updatedAt ?? null;

      const current = trendAt(topicId, occurrences, now + 1, lastReportAt);
      let changed: string | null = null;
      if (previousAt < now) {
        const earlier = source.stories({ topicId, until: previousAt, limit: 1 })[0]?.updatedAt ?? null;
        const previous = trendAt(topicId, occurrences, previousAt, earlier);
        changed = changedSince(occurrences, now, previousAt, current.trend, previous.trend);
      }

      const latestSignals: string[] = [];
      for (const e of [...occurrences].reverse()) {
        if (e.publishedAt < now - 2 * windowMs) break;
        if (!latestSignals.includes(e.label)) latestSignals.push(e.label);
        if (latestSignals.length === MAX_LATEST_SIGNALS) break;
      }

      return { topicId, topicName: name, trend: current.trend, reason: current.reason, changed, latestSignals, facts, asOf: now };
    },

    statusLine(topicId, { now, previousAt = now - DAY }) {
      if (!names.has(topicId)) return notTracked(topicId);
      const occurrences = occurrencesOf(topicId, now, previousAt);
      // The card's newest fact, and none when the card shows no facts.
      const lastReportAt = source.stories({ topicId, until: now + 1, limit: Math.min(1, factCount) })[0]?.updatedAt ?? null;
      const current = trendAt(topicId, occurrences, now + 1, lastReportAt);
      return lineOf(current.trend, current.reason);
    },
  };
}
