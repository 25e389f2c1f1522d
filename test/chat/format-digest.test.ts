import { describe, expect, it } from 'vitest';
import { formatDigest } from '../../src/chat/format-digest.js';
import type { Block, Span } from '../../src/chat/message.js';
import type { DigestSectionView, DigestView, StoryView } from '../../src/chat/views.js';
import { renderText } from '../../src/platforms/console/render-text.js';

const UNTIL = Date.parse('2025-11-27T08:00:00Z');
const SINCE = UNTIL - 24 * 3_600_000;
const HOUR = 3_600_000;

function makeStory(overrides: Partial<StoryView> = {}): StoryView {
  return {
    id: 'story-1',
    title: 'M23 rebels advance towards Uvira',
    url: 'https://news.example/uvira',
    source: 'Reuters',
    sources: ['Reuters', 'AFP', 'RFI'],
    publishedAt: UNTIL - 5 * HOUR,
    updatedAt: UNTIL - 4 * HOUR,
    topics: ['m23'],
    evidence: {},
    signals: [],
    ...overrides,
  };
}

function section(overrides: Partial<DigestSectionView> = {}): DigestSectionView {
  return { topicId: 'm23', topicName: 'M23 rebellion', statusLine: 'Escalating: 2 reports of rebel advances since Monday 24 Nov.', stories: [], more: 0, ...overrides };
}

const digest = (sections: DigestSectionView[]): DigestView => ({ since: SINCE, until: UNTIL, sections });

describe('formatDigest', () => {
  it('says an empty period plainly, in one line', () => {
    const one = formatDigest(digest([section()]));
    expect(one.blocks).toEqual([{ type: 'text', spans: [{ text: 'No new reports on M23 rebellion since 26 Nov 08:00 UTC.' }] }]);
    const all = formatDigest(digest([section(), section({ topicId: 'qatar-talks', topicName: 'Doha talks' }), section({ topicId: 'ceasefire', topicName: 'Ceasefire' })]));
    expect(renderText(all)).toBe('No new reports on M23 rebellion, Doha talks or Ceasefire since 26 Nov 08:00 UTC.');
    expect(all.kind).toBe('digest');
  });

  it('gives each section its status line first, then its stories with outlets, time and link, then "+N more"', () => {
    const message = formatDigest(digest([section({ stories: [makeStory()], more: 3 })]));
    expect(message.blocks.slice(0, 4)).toEqual([
      { type: 'heading', text: 'M23 rebellion' },
      { type: 'text', spans: [{ text: 'Escalating: 2 reports of rebel advances since Monday 24 Nov.' }] },
      {
        type: 'list',
        items: [[
          { text: 'M23 rebels advance towards Uvira', url: 'https://news.example/uvira' },
          { text: ' — Reuters +2 sources (AFP, RFI) · 5 h ago (27 Nov 03:00 UTC)' },
        ]],
      },
      { type: 'note', spans: [{ text: '+3 more stories — /latest m23 lists them.' }] },
    ]);
    expect(message.linkPreviews).toBe(false);
    expect(renderText(message)).toContain('Digest of 26 Nov 08:00 UTC to 27 Nov 08:00 UTC.');
  });

  it('says where a topic\'s stories went when they are shown under a more specific topic', () => {
    const message = formatDigest(
      digest([
        section(),
        section({ topicId: 'ceasefire', topicName: 'Ceasefire', stories: [makeStory({ topics: ['m23', 'ceasefire'] })] }),
        section({ topicId: 'qatar-talks', topicName: 'Doha talks' }),
      ]),
    );
    const text = renderText(message);
    expect(text).toContain('Reports on M23 rebellion are listed under Ceasefire.');
    expect(text).toContain('No new reports on Doha talks since 26 Nov 08:00 UTC.');
  });

  it('keeps feed text in plain text fields, never in links or headings', () => {
    const hostile = '<a href="javascript:x">@here</a> *bold*';
    const message = formatDigest(digest([section({ stories: [makeStory({ title: hostile, source: hostile, sources: [hostile], url: null })] })]));
    const spans: Span[] = message.blocks.flatMap((b: Block) => (b.type === 'list' ? b.items.flat() : b.type === 'heading' ? [] : b.spans));
    expect(spans.some((s) => s.text === hostile)).toBe(true);
    expect(spans.every((s) => s.url === undefined)).toBe(true);
    for (const block of message.blocks) if (block.type === 'heading') expect(block.text).toBe('M23 rebellion');
  });
});
