import { describe, expect, it } from 'vitest';
import { formatAlert, formatStories, sourcesLabel, whyMatched } from '../../src/chat/format-story.js';
import { absoluteTime, relativeTime } from '../../src/time-labels.js';
import { makeStory, NOW } from '../commands/fake-services.js';

const HOUR = 3_600_000;

describe('story formatting', () => {
  it('labels the source and how many other outlets carry the story', () => {
    expect(sourcesLabel(makeStory())).toBe('Reuters');
    expect(sourcesLabel(makeStory({ sources: ['Reuters', 'AFP'] }))).toBe('Reuters +1 source (AFP)');
    expect(sourcesLabel(makeStory({ sources: ['Reuters', 'AFP', 'Radio Okapi'] }))).toBe('Reuters +2 sources (AFP, Radio Okapi)');
    // Past three, the rest are counted, not named.
    expect(sourcesLabel(makeStory({ sources: ['Reuters', 'AFP', 'RFI', 'BBC', 'Radio Okapi'] }))).toBe('Reuters +4 sources (AFP, RFI, BBC…)');
  });

  it('explains a match in one line: topic and the terms that fired', () => {
    const story = makeStory({
      topics: ['m23', 'ceasefire'],
      evidence: {
        m23: [
          { term: 'M23', field: 'title' },
          { term: 'Goma', field: 'summary' },
          { term: 'M23', field: 'summary' },
        ],
        ceasefire: [{ term: 'truce', field: 'title' }],
      },
    });
    expect(whyMatched(story)).toBe('m23: M23, Goma · ceasefire: truce');
  });

  it('writes times relative and absolute in UTC', () => {
    expect(relativeTime(NOW - 30_000, NOW)).toBe('just now');
    expect(relativeTime(NOW - 25 * 60_000, NOW)).toBe('25 min ago');
    expect(relativeTime(NOW - 3 * HOUR, NOW)).toBe('3 h ago');
    expect(relativeTime(NOW - 72 * HOUR, NOW)).toBe('3 d ago');
    expect(relativeTime(NOW + HOUR, NOW)).toBe('just now');
    expect(absoluteTime(Date.parse('2025-11-27T08:05:00Z'), NOW)).toBe('27 Nov 08:05 UTC');
    expect(absoluteTime(Date.parse('2024-11-27T08:05:00Z'), NOW)).toBe('27 Nov 2024 08:05 UTC');
  });

  it('puts several stories of one poll into one alert, each linked with source, time and reason', () => {
    const alert = formatAlert(
      [makeStory(), makeStory({ id: 's2', title: 'Doha talks resume', url: null, source: 'Al Jazeera', sources: ['Al Jazeera'], topics: ['qatar-talks'], evidence: { 'qatar-talks': [{ term: 'Doha', field: 'title' }] } })],
      { now: NOW },
    );
    expect(alert.kind).toBe('alert');
    expect(alert.blocks).toEqual([
      { type: 'heading', text: 'M23 rebels advance towards Goma', url: 'https://news.example/m23-goma' },
      { type: 'note', spans: [{ text: 'Reuters · 3 h ago (1 Jun 09:00 UTC)' }] },
      { type: 'note', spans: [{ text: 'Matched m23: M23, Goma', italic: true }] },
      { type: 'heading', text: 'Doha talks resume' },
      { type: 'note', spans: [{ text: 'Al Jazeera · 3 h ago (1 Jun 09:00 UTC)' }] },
      { type: 'note', spans: [{ text: 'Matched qatar-talks: Doha', italic: true }] },
    ]);
  });

  it('says how many stories the hourly limit held back', () => {
    const alert = formatAlert([makeStory()], { folded: 4 });
    expect(alert.blocks.at(-1)).toEqual({
      type: 'note',
      spans: [{ text: '+4 more stories in this update — /latest lists them.' }],
    });
    expect(formatAlert([makeStory()]).blocks.some((b) => JSON.stringify(b).includes('held back'))).toBe(false);
  });

  it('re-renders an alert with the grown source count for an edit', () => {
    const update = formatAlert([makeStory({ sources: ['Reuters', 'AFP', 'BBC'] })], { now: NOW });
    expect(update.blocks[1]).toEqual({ type: 'note', spans: [{ text: 'Reuters +2 sources (AFP, BBC) · 3 h ago (1 Jun 09:00 UTC)' }] });
  });

  it('lists stories for /latest and /search, or says plainly that there are none', () => {
    const list = formatStories([makeStory()], { heading: 'Latest on M23', empty: 'none', now: NOW });
    expect(list.blocks[1]).toEqual({
      type: 'list',
      items: [[{ text: 'M23 rebels advance towards Goma', url: 'https://news.example/m23-goma' }, { text: ' — Reuters · 3 h ago' }]],
    });
    expect(formatStories([], { heading: 'x', empty: 'No reports on M23 yet.' }).blocks).toEqual([
      { type: 'text', spans: [{ text: 'No reports on M23 yet.' }] },
    ]);
  });

  it('says when a listed story was updated by a later report, since lists go by latest activity', () => {
    const grown = makeStory({ sources: ['Reuters', 'RFI'], publishedAt: NOW - 3 * HOUR, updatedAt: NOW - 5 * 60_000 });
    const line = formatStories([grown], { heading: 'Latest on M23', empty: 'none', now: NOW }).blocks[1];
    expect(line).toMatchObject({ items: [[{}, { text: ' — Reuters +1 source (RFI) · 3 h ago, updated 5 min ago' }]] });
    // A copy minutes after the first report changes nothing worth a note.
    const soon = makeStory({ publishedAt: NOW - 3 * HOUR, updatedAt: NOW - 3 * HOUR + 5 * 60_000 });
    expect(formatStories([soon], { heading: 'x', empty: 'none', now: NOW }).blocks[1]).toMatchObject({ items: [[{}, { text: ' — Reuters · 3 h ago' }]] });
  });
});
