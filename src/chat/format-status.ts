/**
 * Status cards as Messages: the trend verdict and its reason, what changed, the latest signals, and the
 * dated facts with outlet, source count, absolute UTC and relative time, and link. Feed text (titles,
 * outlet names, signal labels) only ever goes into plain text fields; renderers escape it.
 */
import { trendWord } from '../status/status-card.js';
import { datedStoryLine } from './format-story.js';
import { absoluteTime } from '../time-labels.js';
import { span } from './message.js';
import type { Block, Message, Span } from './message.js';
import type { FactView, StatusCardView } from './views.js';

/** One dated fact: linked title, then "— Reuters +2 sources · 3 h ago (27 Nov 08:00 UTC)", "· single source" when so. */
export function factLine(fact: FactView, now: number): Span[] {
  const spans = datedStoryLine(fact, now);
  if (fact.singleSource) spans.push(span(' · single source', { italic: true }));
  return spans;
}

/** The blocks of one card (no closing "as of" note), so several cards can share one message. */
export function statusCardBlocks(card: StatusCardView, now: number): Block[] {
  const blocks: Block[] = [
    { type: 'heading', text: `${card.topicName}: ${trendWord(card.trend)}` },
    { type: 'text', spans: [span(card.reason)] },
  ];
  if (card.changed !== null) blocks.push({ type: 'field', label: 'Changed', spans: [span(card.changed)] });
  if (card.latestSignals.length > 0) {
    blocks.push({ type: 'field', label: 'Latest signals', spans: [span(card.latestSignals.join(', '))] });
  }
  if (card.facts.length === 0) {
    blocks.push({ type: 'note', spans: [span('No reports on this topic are stored yet.')] });
  } else {
    blocks.push({ type: 'text', spans: [span('Latest facts', { bold: true })] });
    blocks.push({ type: 'list', items: card.facts.map((fact) => factLine(fact, now)) });
  }
  return blocks;
}

/** One topic's full card as an answer. */
export function formatStatusCard(card: StatusCardView, options: { now?: number } = {}): Message {
  return formatStatusCards([card], options);
}

/** Several cards (all topics) as one answer, closed by the time they were computed for. */
export function formatStatusCards(cards: readonly StatusCardView[], options: { now?: number } = {}): Message {
  if (cards.length === 0) return { kind: 'answer', blocks: [{ type: 'text', spans: [span('No topics are configured.')] }] };
  const now = options.now ?? cards[0]?.asOf ?? 0;
  const blocks = cards.flatMap((card) => statusCardBlocks(card, now));
  blocks.push({ type: 'note', spans: [span(`As of ${absoluteTime(now, now)}.`)] });
  return { kind: 'answer', blocks };
}
