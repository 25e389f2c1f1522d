/**
 * The trend of a topic from its status signals, in the spirit of monthly conflict trackers: compare how
 * much escalation and de-escalation was reported in the last days with the days before, and say why.
 *
 * The rule (stated once, here):
 * - A signal counts once per story, at the first time any of the story's items carried it: ten outlets
 *   syndicating one report of clashes are one report, not ten.
 * - For each window, net = (sum of escalating weights) − (sum of de-escalating weights); neutral signals
 *   do not move the trend.
 * - delta = net(recent window) − net(previous window of the same length).
 * - escalating when delta ≥ threshold, de-escalating when delta ≤ −threshold, unchanged otherwise, where
 *   threshold = max(1, a quarter of the larger window's total directional weight): one default-weight
 *   report decides a quiet period, a busy one needs a clear shift.
 * - no-data when the recent window has neither a story nor a signal of the topic.
 */
import { dayLabel } from '../time-labels.js';
import type { StatusCardView } from '../chat/views.js';

/** One occurrence of a signal, as the story store reports it. */
export type TrendEvent = {
  itemId: string;
  storyId: string | null;
  signalId: string;
  label: string;
  direction: 'escalating' | 'de-escalating' | 'neutral';
  weight: number;
  publishedAt: number;
  feedId: string;
};

/** One side (escalating or de-escalating) of a window: weight, reports (stories) and labels by count. */
export type TrendSide = { weight: number; reports: number; labels: { label: string; reports: number }[] };

/** What a window [from, to) holds. */
export type TrendWindow = { from: number; to: number; escalating: TrendSide; deEscalating: TrendSide };

/** The first occurrence of each signal of each story (an item outside any story is its own story), oldest first. */
export function firstOccurrences<T extends TrendEvent>(events: readonly T[]): T[] {
  const first = new Map<string, T>();
  for (const event of events) {
    const key = `${event.storyId ?? `item:${event.itemId}`}\0${event.signalId}`;
    const seen = first.get(key);
    if (!seen || event.publishedAt < seen.publishedAt) first.set(key, event);
  }
  return [...first.values()].sort((a, b) => a.publishedAt - b.publishedAt || a.itemId.localeCompare(b.itemId));
}

function side(events: readonly TrendEvent[]): TrendSide {
  const stories = new Set<string>();
  const labels = new Map<string, Set<string>>();
  let weight = 0;
  for (const event of events) {
    const story = event.storyId ?? `item:${event.itemId}`;
    weight += event.weight;
    stories.add(story);
    const set = labels.get(event.label) ?? new Set<string>();
    set.add(story);
    labels.set(event.label, set);
  }
  return {
    weight,
    reports: stories.size,
    labels: [...labels.entries()]
      .map(([label, set]) => ({ label, reports: set.size }))
      .sort((a, b) => b.reports - a.reports || a.label.localeCompare(b.label)),
  };
}

/** Tallies first occurrences (see firstOccurrences) published in [from, to). */
export function tallyWindow(occurrences: readonly TrendEvent[], from: number, to: number): TrendWindow {
  const inside = occurrences.filter((e) => e.publishedAt >= from && e.publishedAt < to);
  return {
    from,
    to,
    escalating: side(inside.filter((e) => e.direction === 'escalating')),
    deEscalating: side(inside.filter((e) => e.direction === 'de-escalating')),
  };
}

const net = (w: TrendWindow) => w.escalating.weight - w.deEscalating.weight;
const total = (w: TrendWindow) => w.escalating.weight + w.deEscalating.weight;

/** The verdict of the rule above; `recentStories` counts the topic's stories active in the recent window. */
export function trendVerdict(recent: TrendWindow, previous: TrendWindow, recentStories: number): StatusCardView['trend'] {
  if (recentStories === 0 && recent.escalating.reports === 0 && recent.deEscalating.reports === 0) return 'no-data';
  const delta = net(recent) - net(previous);
  const threshold = Math.max(1, Math.max(total(recent), total(previous)) / 4);
  if (delta >= threshold) return 'escalating';
  if (delta <= -threshold) return 'de-escalating';
  return 'unchanged';
}

const reports = (n: number) => `${n} ${n === 1 ? 'report' : 'reports'}`;

function labelList(s: TrendSide): string {
  const names = s.labels.map((l) => l.label);
  if (names.length <= 2) return names.join(' and ');
  return `${names.slice(0, 2).join(', ')} and ${names.length - 2} more`;
}

/**
 * The one-line reason behind the verdict: "3 reports of clashes since Tuesday 25 Nov, against 1 of the
 * truce holding (the 3 days before: 0 against 2)". `lastReportAt` is the newest story of the topic at all,
 * shown when the recent window is empty.
 */
export function trendReason(
  recent: TrendWindow,
  previous: TrendWindow,
  recentStories: number,
  options: { days: number; lastReportAt: number | null },
): string {
  const since = `since ${dayLabel(recent.from)}`;
  const e = recent.escalating;
  const d = recent.deEscalating;
  let line: string;
  if (recentStories === 0 && e.reports === 0 && d.reports === 0) {
    line = `No reports in the last ${options.days} days`;
    if (options.lastReportAt !== null) line += `; the latest is from ${dayLabel(options.lastReportAt)}`;
    return `${line}.`;
  }
  if (e.reports > 0 && d.reports > 0) line = `${reports(e.reports)} of ${labelList(e)} ${since}, against ${d.reports} of ${labelList(d)}`;
  else if (e.reports > 0) line = `${reports(e.reports)} of ${labelList(e)} ${since}, none of de-escalation`;
  else if (d.reports > 0) line = `${reports(d.reports)} of ${labelList(d)} ${since}, none of escalation`;
  else line = `${reports(recentStories)} ${since}, none signalling escalation or de-escalation`;
  const before = previous.escalating.reports + previous.deEscalating.reports;
  if (before > 0) line += ` (the ${options.days} days before: ${previous.escalating.reports} against ${previous.deEscalating.reports})`;
  return `${line}.`;
}
