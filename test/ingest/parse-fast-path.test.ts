import { describe, it, expect, vi, beforeEach } from 'vitest';
import { parseFeedText } from '../../src/ingest/parse.js';
import { readXml } from '../../src/ingest/xml-reader.js';
import type * as XmlReader from '../../src/ingest/xml-reader.js';
import { corpusTexts } from './xml-corpus.js';

// Watch the reader parse.ts reaches through rss-parser, without changing what it does.
vi.mock('../../src/ingest/xml-reader.js', async (importOriginal) => {
  const original = await importOriginal<typeof XmlReader>();
  return { ...original, readXml: vi.fn(original.readXml) };
});

const reader = vi.mocked(readXml);
const feed = (title: string) => `<rss version="2.0"><channel><title>Feed</title><item><title>${title}</title></item></channel></rss>`;

describe('parseFeedText and the fast XML reader', () => {
  beforeEach(() => {
    reader.mockClear();
  });

  it('reads a well-formed feed on the fast path', async () => {
    const result = await parseFeedText(feed('Doha talks resume'));
    expect(result.ok && result.feed.items.map((i) => i.title)).toEqual(['Doha talks resume']);
    expect(reader.mock.results.map((r) => r.value === null)).toEqual([false]);
  });

  it('leaves a broken feed to xml2js, whose error still brings the repair, and reads the repaired text fast', async () => {
    const result = await parseFeedText(feed('Fish & Chips'));
    expect(result.ok && result.repairs).toEqual(['escaped bare & and unknown entities']);
    expect(result.ok && result.feed.items[0]?.title).toBe('Fish & Chips');
    expect(reader.mock.results.map((r) => r.value === null)).toEqual([true, false]);
  });
});

describe('parseFeedText on one document after another', () => {
  it('gives each feeds-wild document the same outcome whatever was parsed before it', async () => {
    const docs = corpusTexts().filter((doc) => !doc.repaired);
    const outcomes = async (order: typeof docs) => {
      const byName = new Map<string, string>();
      for (const doc of order) {
        const result = await parseFeedText(doc.text);
        byName.set(doc.name, result.ok ? `${result.repairs.join('+')} ${JSON.stringify(result.feed.items)}` : result.reason);
      }
      return byName;
    };
    const forward = await outcomes(docs);
    const backward = await outcomes([...docs].reverse());
    expect(docs.length).toBeGreaterThan(2000);
    const differing = docs.filter((doc) => forward.get(doc.name) !== backward.get(doc.name)).map((doc) => doc.name);
    expect(differing).toEqual([]);
  }, 120_000);
});
