import { describe, it, expect, beforeAll } from 'vitest';
import Parser from 'rss-parser';
import { PARSER_OPTIONS } from '../../src/ingest/parse.js';
import { withFastXmlReader, type Xml2jsParser } from '../../src/ingest/xml2js-fast-path.js';
import { corpusTexts } from './xml-corpus.js';

// The options parse.ts gives rss-parser.
const OPTIONS = PARSER_OPTIONS as unknown as Parser.ParserOptions<Record<string, unknown>, Record<string, unknown>>;

type RssParser = Parser<Record<string, unknown>, Record<string, unknown>>;

/** A fresh rss-parser, reading through xml2js alone or through the fast reader in front of it, as parse.ts builds it. */
function freshParser(fast: boolean, onDelegate: () => void = () => {}): RssParser {
  const parser = new Parser(OPTIONS);
  if (!fast) return parser;
  const internals = parser as unknown as { xmlParser: Xml2jsParser };
  const behind = internals.xmlParser;
  internals.xmlParser = withFastXmlReader({
    parseString(text, callback) {
      onDelegate();
      return behind.parseString(text, callback);
    },
  });
  return parser;
}

/** The feed or the error a parser gives for `text`, as a string; a document never answered shows as such. */
async function outcome(parser: RssParser, text: string): Promise<string> {
  const never = new Promise<string>((resolve) => setTimeout(() => resolve('never answered'), 1000));
  const answer = parser.parseString(text).then(
    (feed) => `feed ${JSON.stringify(feed)}`,
    (error: unknown) => `rejected ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
  );
  return Promise.race([answer, never]);
}

describe('withFastXmlReader in front of rss-parser’s xml2js', () => {
  const run = { texts: 0, delegated: 0, differences: [] as string[], unanswered: [] as string[] };

  beforeAll(async () => {
    const texts = corpusTexts();
    run.texts = texts.length;
    for (const { name, text } of texts) {
      const plain = await outcome(freshParser(false), text);
      const fast = await outcome(freshParser(true, () => run.delegated++), text);
      if (fast !== plain) run.differences.push(`${name}: ${plain.slice(0, 200)} vs ${fast.slice(0, 200)}`);
      if (plain === 'never answered' || fast === 'never answered') run.unanswered.push(name);
    }
  }, 120_000);

  it('answers every corpus document, and every repair of it, as xml2js alone does', () => {
    expect(run.texts).toBeGreaterThan(3000);
    expect(run.differences).toEqual([]);
  });

  it('answers every document (a fresh parser never leaves one waiting)', () => {
    expect(run.unanswered).toEqual([]);
  });

  it('hands most documents to the fast reader', () => {
    expect(run.delegated).toBeLessThan(run.texts / 3);
  });

  it('rejects like xml2js when rss-parser fails building a feed it read on the fast path', async () => {
    const text = '<rss version="2.0"></rss>';
    const plain = await outcome(freshParser(false), text);
    expect(plain).toMatch(/^rejected TypeError/);
    expect(await outcome(freshParser(true), text)).toBe(plain);
  });
});
