import { describe, expect, it } from 'vitest';
import { formatStatusCard, formatStatusCards } from '../../src/chat/format-status.js';
import type { Block, Message, Span } from '../../src/chat/message.js';
import type { FactView, StatusCardView } from '../../src/chat/views.js';
import { renderText } from '../../src/platforms/console/render-text.js';

const NOW = Date.parse('2025-11-27T12:00:00Z');
const HOUR = 3_600_000;

function makeFact(overrides: Partial<FactView> = {}): FactView {
  return {
    id: 'story-1',
    title: 'Clashes near Sake despite the truce',
    url: 'https://news.example/sake',
    source: 'Reuters',
    sources: ['Reuters', 'AFP', 'RFI'],
    publishedAt: NOW - 3 * HOUR,
    updatedAt: NOW - 2 * HOUR,
    topics: ['m23', 'ceasefire'],
    evidence: {},
    signals: ['ceasefire.violated'],
    singleSource: false,
    ...overrides,
  };
}

function makeCard(overrides: Partial<StatusCardView> = {}): StatusCardView {
  return {
    topicId: 'ceasefire',
    topicName: 'Ceasefire',
    trend: 'escalating',
    reason: '3 reports of clashes despite the truce since Monday 24 Nov, against 1 of the truce holding.',
    changed: 'new: talks stalled (Al Jazeera, 2 h ago)',
    latestSignals: ['clashes despite the truce', 'the truce holding'],
    facts: [makeFact(), makeFact({ id: 's2', title: 'Truce holds in Goma', sources: ['BBC'], source: 'BBC', singleSource: true, url: null })],
    asOf: NOW,
    ...overrides,
  };
}

function spansOf(message: Message): Span[] {
  return message.blocks.flatMap((block: Block) => {
    if (block.type === 'heading') return [];
    if (block.type === 'list') return block.items.flat();
    return block.spans;
  });
}

describe('formatStatusCard', () => {
  it('opens with the topic and trend, then the reason, what changed and the latest signals', () => {
    const message = formatStatusCard(makeCard(), { now: NOW });
    expect(message.kind).toBe('answer');
    expect(message.blocks.slice(0, 4)).toEqual([
      { type: 'heading', text: 'Ceasefire: escalating' },
      { type: 'text', spans: [{ text: '3 reports of clashes despite the truce since Monday 24 Nov, against 1 of the truce holding.' }] },
      { type: 'field', label: 'Changed', spans: [{ text: 'new: talks stalled (Al Jazeera, 2 h ago)' }] },
      { type: 'field', label: 'Latest signals', spans: [{ text: 'clashes despite the truce, the truce holding' }] },
    ]);
  });

  it('lists each fact with its link, outlets, relative and absolute UTC time, and a single-source label', () => {
    const list = formatStatusCard(makeCard(), { now: NOW }).blocks.find((b) => b.type === 'list');
    expect(list).toEqual({
      type: 'list',
      items: [
        [
          { text: 'Clashes near Sake despite the truce', url: 'https://news.example/sake' },
          { text: ' — Reuters +2 sources (AFP, RFI) · 3 h ago (27 Nov 09:00 UTC)' },
        ],
        [
          { text: 'Truce holds in Goma' },
          { text: ' — BBC · 3 h ago (27 Nov 09:00 UTC)' },
          { text: ' · single source', italic: true },
        ],
      ],
    });
  });

  it('leaves out what did not change and says when no report is stored', () => {
    const message = formatStatusCard(
      makeCard({ trend: 'no-data', reason: 'No reports in the last 3 days.', changed: null, latestSignals: [], facts: [] }),
      { now: NOW },
    );
    expect(renderText(message)).toBe(
      ['## Ceasefire: no recent reports', 'No reports in the last 3 days.', '  No reports on this topic are stored yet.', '  As of 27 Nov 12:00 UTC.'].join('\n'),
    );
  });

  it('keeps feed text in plain text fields, never in links or headings', () => {
    const hostile = '<b>**@everyone**</b> [x](javascript:alert(1))';
    const message = formatStatusCard(makeCard({ facts: [makeFact({ title: hostile, source: hostile, sources: [hostile] })] }), { now: NOW });
    const spans = spansOf(message);
    expect(spans.some((s) => s.text === hostile)).toBe(true);
    expect(spans.filter((s) => s.url !== undefined).map((s) => s.url)).toEqual(['https://news.example/sake']);
    for (const block of message.blocks) if (block.type === 'heading') expect(block.text).not.toContain(hostile);
  });
});

describe('formatStatusCards', () => {
  it('puts every topic in one answer with a single closing time', () => {
    const message = formatStatusCards([makeCard(), makeCard({ topicId: 'm23', topicName: 'M23 rebellion', trend: 'unchanged' })], { now: NOW });
    const headings = message.blocks.filter((b) => b.type === 'heading').map((b) => (b.type === 'heading' ? b.text : ''));
    expect(headings).toEqual(['Ceasefire: escalating', 'M23 rebellion: unchanged']);
    expect(message.blocks.at(-1)).toEqual({ type: 'note', spans: [{ text: 'As of 27 Nov 12:00 UTC.' }] });
    expect(renderText(message).match(/As of/g)).toHaveLength(1);
  });
});
