/**
 * Stories as Messages: the lists /latest and /search answer with, and the alerts the dispatcher sends.
 * Feed text (titles, outlet names) only ever goes into plain text fields; renderers escape it.
 */
import { span } from './message.js';
import type { Block, Message, Span } from './message.js';
import type { StoryView } from './views.js';
import { absoluteTime, relativeTime, storyTime } from '../time-labels.js';

/** "Reuters", or "Reuters +2 sources" when other outlets carry the same story. */
export function sourcesLabel(story: Pick<StoryView, 'source' | 'sources'>): string {
  const others = [...new Set(story.sources.filter((name) => name !== story.source))];
  if (others.length === 0) return story.source;
  // Who else carries it is what a reader weighs a report by: the first few outlets are named.
  const named = others.length <= SOURCES_NAMED ? others.join(', ') : `${others.slice(0, SOURCES_NAMED).join(', ')}…`;
  return `${story.source} +${others.length} ${others.length === 1 ? 'source' : 'sources'} (${named})`;
}
const SOURCES_NAMED = 3;

/** Why a story matched, in one short line: "m23: M23, Goma · ceasefire: truce". */
export function whyMatched(story: Pick<StoryView, 'topics' | 'evidence'>): string {
  const parts: string[] = [];
  for (const topic of story.topics) {
    const terms = [...new Set((story.evidence[topic] ?? []).map((e) => e.term))];
    const shown = terms.slice(0, 4);
    const extra = terms.length > shown.length ? ` +${terms.length - shown.length}` : '';
    parts.push(shown.length > 0 ? `${topic}: ${shown.join(', ')}${extra}` : topic);
  }
  return parts.join(' · ');
}

/** The story's title as the outlet wrote it, linked when the link is http(s) (renderers check again). */
export function titleSpan(story: Pick<StoryView, 'title' | 'url'>, style: Omit<Span, 'text' | 'url'> = {}): Span {
  // Normalize already gives an empty title ingest's '(untitled)'; this covers any other source of stories.
  const title = story.title.trim() === '' ? '(untitled)' : story.title;
  return story.url ? span(title, { ...style, url: story.url }) : span(title, style);
}

// A story updated this long after its first report says so in a list ordered by latest activity (/latest).
const UPDATED_NOTE_AFTER_MS = 10 * 60_000;

/**
 * One compact line for a list: title, then "— Reuters +2 sources · 3 h ago", and ", updated 5 min ago" when a
 * later report joined it: lists go by latest activity, and the first report's time alone would look out of order.
 */
export function storyLine(story: StoryView, options: { now?: number } = {}): Span[] {
  const at = (time: number) => (options.now === undefined ? absoluteTime(time) : relativeTime(time, options.now));
  const updated = story.updatedAt - story.publishedAt >= UPDATED_NOTE_AFTER_MS ? `, updated ${at(story.updatedAt)}` : '';
  return [titleSpan(story), span(` — ${sourcesLabel(story)} · ${at(story.publishedAt)}${updated}`)];
}

/** One dated line (digests, status card facts): title, then "— Reuters +2 sources · 3 h ago (27 Nov 08:00 UTC)". */
export function datedStoryLine(story: Pick<StoryView, 'title' | 'url' | 'source' | 'sources' | 'publishedAt'>, now: number): Span[] {
  return [titleSpan(story), span(` — ${sourcesLabel(story)} · ${storyTime(story.publishedAt, now)}`)];
}

/** A titled list of stories (/latest, /search), or the `empty` sentence when there are none. */
export function formatStories(
  stories: readonly StoryView[],
  options: { heading: string; empty: string; now?: number },
): Message {
  if (stories.length === 0) return { kind: 'answer', blocks: [{ type: 'text', spans: [span(options.empty)] }] };
  return {
    kind: 'answer',
    blocks: [
      { type: 'heading', text: options.heading },
      { type: 'list', items: stories.map((story) => storyLine(story, options)) },
    ],
  };
}

/** The blocks of one story in an alert: linked title heading, source and time, why it matched. */
export function alertStoryBlocks(story: StoryView, now?: number): Block[] {
  const title = titleSpan(story);
  const blocks: Block[] = [
    { type: 'heading', text: title.text, ...(title.url ? { url: title.url } : {}) },
    { type: 'note', spans: [span(`${sourcesLabel(story)} · ${storyTime(story.publishedAt, now)}`)] },
  ];
  const why = whyMatched(story);
  if (why !== '') blocks.push({ type: 'note', spans: [span(`Matched ${why}`, { italic: true })] });
  return blocks;
}

/**
 * One alert message for the stories of one poll (never one message per story). `folded` counts stories
 * the hourly limit kept out of this message, so the reader knows there is more than they see.
 */
export function formatAlert(stories: readonly StoryView[], options: { folded?: number; now?: number } = {}): Message {
  const blocks = stories.flatMap((story) => alertStoryBlocks(story, options.now));
  const folded = options.folded ?? 0;
  if (folded > 0) {
    const noun = folded === 1 ? 'story' : 'stories';
    blocks.push({
      type: 'note',
      spans: [span(`+${folded} more ${noun} in this update — /latest lists them.`)],
    });
  }
  return { kind: 'alert', blocks, linkPreviews: stories.length === 1 };
}
