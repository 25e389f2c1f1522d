/**
 * Digests as Messages: a section per topic (status line, then ranked stories with outlets, time and
 * link, "+N more"), or one plain sentence when the period brought nothing. Feed text only ever goes into
 * plain text fields; renderers escape it. Link previews stay off: a digest is a list, not one story.
 */
import { datedStoryLine } from './format-story.js';
import { absoluteTime } from '../time-labels.js';
import { span } from './message.js';
import type { Block, Message } from './message.js';
import type { DigestSectionView, DigestView } from './views.js';

/** "M23 rebellion", "M23 rebellion or Doha talks", "M23 rebellion, Doha talks or Ceasefire". */
function orList(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

function sectionBlocks(section: DigestSectionView, digest: DigestView, now: number): Block[] {
  const blocks: Block[] = [{ type: 'heading', text: section.topicName }];
  if (section.statusLine !== '') blocks.push({ type: 'text', spans: [span(section.statusLine)] });
  if (section.stories.length > 0) {
    blocks.push({ type: 'list', items: section.stories.map((story) => datedStoryLine(story, now)) });
    if (section.more > 0) {
      const noun = section.more === 1 ? 'story' : 'stories';
      blocks.push({ type: 'note', spans: [span(`+${section.more} more ${noun} — /latest ${section.topicId} lists them.`)] });
    }
    return blocks;
  }
  // Each story is shown once, under its most specific topic: say where this topic's stories went.
  const elsewhere = digest.sections.filter(
    (other) => other !== section && other.stories.some((story) => story.topics.includes(section.topicId)),
  );
  const text =
    elsewhere.length > 0
      ? `Reports on ${section.topicName} are listed under ${orList(elsewhere.map((s) => s.topicName))}.`
      : `No new reports on ${section.topicName} since ${absoluteTime(digest.since, now)}.`;
  blocks.push({ type: 'note', spans: [span(text)] });
  return blocks;
}

/** The digest as one message; `now` (default: the end of the period) is what "3 h ago" counts from. */
export function formatDigest(digest: DigestView, options: { now?: number } = {}): Message {
  const now = options.now ?? digest.until;
  const since = absoluteTime(digest.since, now);
  if (digest.sections.length === 0) {
    return { kind: 'digest', linkPreviews: false, blocks: [{ type: 'text', spans: [span('No topics to report on.')] }] };
  }
  if (digest.sections.every((section) => section.stories.length === 0)) {
    const names = orList(digest.sections.map((s) => s.topicName));
    return { kind: 'digest', linkPreviews: false, blocks: [{ type: 'text', spans: [span(`No new reports on ${names} since ${since}.`)] }] };
  }
  const blocks = digest.sections.flatMap((section) => sectionBlocks(section, digest, now));
  blocks.push({ type: 'note', spans: [span(`Digest of ${since} to ${absoluteTime(digest.until, now)}.`)] });
  return { kind: 'digest', linkPreviews: false, blocks };
}
