import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { decodeFeedBytes } from '../../src/ingest/decode.js';
import { PARSE_FAILURE_FORMS, parseFeedText } from '../../src/ingest/parse.js';
import { parseFeed } from '../../src/ingest/parse-feed.js';
import type { ParseOutcome } from '../../src/ingest/feed-result.js';
import { FEEDS_WILD, listFiles } from './xml-corpus.js';

const FETCHED_AT = Date.parse('2025-06-01T12:00:00Z');

/** feedparser's http_* cases simulate the HTTP Content-Type in a `Header:` line of their leading comment. */
function simulatedContentType(path: string, bytes: Uint8Array): string | null {
  if (!/\/http_[^/]*$/.test(path)) return null;
  const head = Buffer.from(bytes.subarray(0, 800)).toString('latin1');
  return /^Header:\s*Content-type:\s*(.+?)\s*$/im.exec(head)?.[1] ?? null;
}

/** `parsedItems` counts what rss-parser returned (as BASELINE.md counts); the outcome holds the normalized items. */
type Result = { file: string; outcome: ParseOutcome; parsedItems: number };

describe('the feeds-wild corpus', () => {
  const results: Result[] = [];
  const escaped: Array<{ file: string; error: unknown }> = [];

  beforeAll(async () => {
    const strays: unknown[] = [];
    const onStray = (error: unknown) => strays.push(error);
    process.on('unhandledRejection', onStray);
    process.on('uncaughtException', onStray);
    try {
      const files = listFiles(FEEDS_WILD);
      // Parsing is CPU-bound, so a small bound is plenty; it only overlaps file reads with parsing.
      let next = 0;
      const worker = async () => {
        while (next < files.length) {
          const file = files[next++] as string;
          const bytes = new Uint8Array(readFileSync(file));
          try {
            const contentType = simulatedContentType(file, bytes);
            const outcome = await parseFeed(bytes, { feedId: relative(FEEDS_WILD, file), contentType, fetchedAt: FETCHED_AT });
            const decoded = decodeFeedBytes(bytes, contentType);
            const parsed = decoded === 'too-large' ? { ok: false as const } : await parseFeedText(decoded.text);
            results.push({ file: relative(FEEDS_WILD, file), outcome, parsedItems: parsed.ok ? parsed.feed.items.length : 0 });
          } catch (error) {
            escaped.push({ file, error });
          }
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', onStray);
      process.off('uncaughtException', onStray);
    }
    escaped.push(...strays.map((error) => ({ file: '(stray async error)', error })));
  }, 120_000);

  it('gives items for at least 1,530 files and lets no exception escape', () => {
    const withItems = results.filter((r) => r.outcome.ok && r.outcome.items.length > 0).length;
    const empty = results.filter((r) => r.outcome.ok && r.outcome.items.length === 0).length;
    const errors = results.filter((r) => !r.outcome.ok).length;
    const repaired = results.filter((r) => r.outcome.ok && r.outcome.repairs.length > 0).length;
    const parsed = results.reduce((n, r) => n + r.parsedItems, 0);
    const kept = results.reduce((n, r) => n + (r.outcome.ok ? r.outcome.items.length : 0), 0);
    console.log(
      `feeds-wild: ${results.length} files: ${withItems} gave items, ${empty} gave 0 items, ${errors} gave a clear error; ` +
        `${repaired} needed repairs. Items: ${parsed} parsed by rss-parser, ${kept} after normalizing`,
    );
    expect(escaped).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(2_700);
    expect(withItems).toBeGreaterThanOrEqual(1_530);
  });

  it('never normalizes more items out of a file than rss-parser found in it', () => {
    const invented = results.filter((r) => r.outcome.ok && r.outcome.items.length > r.parsedItems).map((r) => r.file);
    expect(invented).toEqual([]);
  });

  it('reports every failure with one of the clean reasons', () => {
    const unclean = results.flatMap((r) =>
      !r.outcome.ok && !PARSE_FAILURE_FORMS.some((form) => form.test((r.outcome as { reason: string }).reason))
        ? [`${r.file}: ${r.outcome.reason}`]
        : [],
    );
    expect(unclean).toEqual([]);
    // Only the hopeless documents of BASELINE.md (CDF, fragments, HTML, <note>, empty) may fail.
    expect(results.filter((r) => !r.outcome.ok).length).toBeLessThanOrEqual(27);
  });

  it('never hands out an item without a title, or with a non-http link', () => {
    const bad = results.flatMap((r) =>
      r.outcome.ok ? r.outcome.items.filter((i) => i.title === '' || (i.url !== null && !/^https?:\/\//.test(i.url))) : [],
    );
    expect(bad).toEqual([]);
  });

  const outcomeOf = (file: string) => {
    const found = results.find((r) => r.file === file);
    if (!found?.outcome.ok) throw new Error(`${file} did not parse`);
    return found.outcome;
  };
  const allText = (o: Extract<ParseOutcome, { ok: true }>) => [o.feedTitle ?? '', ...o.items.flatMap((i) => [i.title, i.summary])].join('\n');

  it('decodes the ISO-8859-1 rss-parser/encoding.rss without replacement characters', () => {
    const outcome = outcomeOf('rss-parser/encoding.rss');
    expect(outcome.items).toHaveLength(40);
    expect(allText(outcome)).not.toContain('\uFFFD');
    expect(outcome.feedTitle).toBe('Jornal de Notícias - Últimas Notícias');
  });

  it('decodes the windows-1251 node-feedparser/iconv.xml without replacement characters', () => {
    const text = allText(outcomeOf('node-feedparser/iconv.xml'));
    expect(text).not.toContain('\uFFFD');
    expect(text).toMatch(/[А-Яа-я]{4,}/);
  });

  it('reads the mislabelled node-feedparser/mediacontent-dupes.xml as UTF-8 (© not Â©)', () => {
    const bytes = new Uint8Array(readFileSync(join(FEEDS_WILD, 'node-feedparser/mediacontent-dupes.xml')));
    const decoded = decodeFeedBytes(bytes, null);
    if (decoded === 'too-large') throw new Error('mediacontent-dupes.xml is small');
    const { text, encoding } = decoded;
    expect(encoding).toBe('utf-8');
    expect(text).toContain('© Bettmann');
    expect(text).not.toContain('Â©');
    expect(outcomeOf('node-feedparser/mediacontent-dupes.xml').items.length).toBeGreaterThan(0);
  });

  it('applies the simulated HTTP charset of the http_* cases', () => {
    const outcome = outcomeOf('feedparser-encoding/http_text_xml_charset_2.xml');
    expect(outcome.items[0]?.summary).toBe('This is a £“test.”');
  });
});
