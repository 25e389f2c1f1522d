import { describe, expect, it } from 'vitest';
import type { NormalizedItem } from '../../src/ingest/item.js';
import { itemTitle, jsonItem, shortDate } from '../../src/cli/item-output.js';

const AT = Date.parse('2025-06-01T08:30:45.123Z');

function makeItem(overrides: Partial<NormalizedItem> = {}): NormalizedItem {
  return {
    id: 'i-1',
    feedId: 'wire',
    url: 'https://news.example/doha',
    title: 'Ceasefire signed in Doha',
    summary: '',
    language: 'en',
    publishedAt: AT,
    publishedAtEstimated: false,
    fetchedAt: AT + 60_000,
    ...overrides,
  };
}

describe('CLI item output', () => {
  it('gives the item as a record with ISO dates, fields in their usual order', () => {
    const record = jsonItem(makeItem());
    expect(record).toMatchObject({ publishedAt: '2025-06-01T08:30:45.123Z', fetchedAt: '2025-06-01T08:31:45.123Z' });
    expect(Object.keys(record)).toEqual(Object.keys(makeItem()));
  });

  it('shows a time as a short UTC date and minute', () => {
    expect(shortDate(AT)).toBe('2025-06-01 08:30 UTC');
  });

  it('prints a title with terminal escape codes and bidi controls inert', () => {
    expect(itemTitle(makeItem({ title: '\x1b[31mRed\x1b[0m alert\n\u202eevil' }))).toBe('[31mRed[0m alert evil');
  });
});
