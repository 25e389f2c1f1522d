import { describe, it, expect, beforeAll } from 'vitest';
import Parser from 'rss-parser';
import { withFastXmlReader, type Xml2jsParser } from '../../src/ingest/xml2js-fast-path.js';
import { corpusTexts } from './xml-corpus.js';

// The options parse.ts gives rss-parser.
const OPTIONS = {
  defaultRSS: 2,
  customFields: {
    feed: ['language', 'dc:language'],
    item: ['dc:language', 'updated', 'published', 'dc:date', ['$', 'attributes', { keepArray: true }]],
  },
} as unknown as Parser.ParserOptions<Record<string, unknown>, Record<string, unknown>>;

type RssParser = Parser<Record<string, unknown>, Record<string, unknown>>;

/** Two rss-parsers, one reading through xml2js alone and one through the fast reader in front of it. */
function parserPair() {
  const plain = new Parser(OPTIONS);
  const fast = new Parser(OPTIONS);
  const internals = fast as unknown as { xmlParser: unknown };
  const behind = internals.xmlParser as Xml2jsParser;
  let delegated = 0;
  const parseString = behind.parseString.bind(behind);
  behind.parseString = (text, callback) => {
    delegated++;
    return parseString(text, callback);
  };
  internals.xmlParser = withFastXmlReader(behind);
  return { plain, fast, behind, plainXml2js: (plain as unknown as { xmlParser: Xml2jsParser }).xmlParser, delegated: () => delegated };
}

/** What xml2js carries from one document to the next. */
function carried(parser: Xml2jsParser) {
  return {
    ended: parser.saxParser.ended,
    errThrown: parser.saxParser.errThrown,
    listeners: (parser as unknown as NodeJS.EventEmitter).listenerCount('end') + (parser as unknown as NodeJS.EventEmitter).listenerCount('error'),
  };
}

/**
 * Feeds `texts` one after another to `parser` and logs every answer as it comes: which document, and
 * the feed or the error. A document xml2js never answers, or answers late, shows in the log too.
 */
function parseInTurn(parser: RssParser, texts: string[], afterEach: (index: number) => void = () => {}) {
  const log: string[] = [];
  for (const [i, text] of texts.entries()) {
    try {
      parser.parseString(text).then(
        (feed) => log.push(`${i} feed ${JSON.stringify(feed)}`),
        (error: unknown) => log.push(`${i} rejected ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`),
      );
    } catch (error) {
      log.push(`${i} threw ${String(error)}`);
    }
    afterEach(i);
  }
  return log;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('withFastXmlReader in front of rss-parser’s xml2js', () => {
  // Every corpus document and every repair of it, fed in turn to both parsers of a pair.
  const run = { texts: 0, delegated: 0, plainLog: [] as string[], fastLog: [] as string[], stateDifferences: [] as string[] };

  beforeAll(async () => {
    const texts = corpusTexts().map((doc) => doc.text);
    const pair = parserPair();
    run.texts = texts.length;
    const answer = (log: string[], i: number) => [
      (feed: unknown) => log.push(`${i} feed ${JSON.stringify(feed)}`),
      (error: unknown) => log.push(`${i} rejected ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`),
    ] as const;
    for (const [i, text] of texts.entries()) {
      pair.plain.parseString(text).then(...answer(run.plainLog, i));
      pair.fast.parseString(text).then(...answer(run.fastLog, i));
      const plain = JSON.stringify(carried(pair.plainXml2js));
      const fast = JSON.stringify(carried(pair.behind));
      if (plain !== fast) run.stateDifferences.push(`${i}: ${plain} vs ${fast}`);
    }
    await settle();
    run.delegated = pair.delegated();
  }, 120_000);

  it('answers every corpus document, and every repair of it, as xml2js alone does, in the same order', () => {
    expect(run.fastLog.length).toBe(run.texts);
    expect(run.fastLog).toEqual(run.plainLog);
  });

  it('leaves xml2js in the state xml2js itself leaves after each document', () => {
    expect(run.stateDifferences).toEqual([]);
  });

  it('hands most documents to the fast reader', () => {
    expect(run.delegated).toBeLessThan(run.texts / 3);
  });

  it('keeps xml2js’s carry-over: a document it never answers gets the next document’s feed', async () => {
    const texts = [
      '<rss version="2.0"><channel><title>A</title></channel></rss>',
      '<!-- no root element -->',
      '<rss version="2.0"><channel><title>B</title></channel></rss>',
    ];
    const pair = parserPair();
    const plainLog = parseInTurn(pair.plain, texts);
    const fastLog = parseInTurn(pair.fast, texts);
    await settle();
    expect(plainLog.map((line) => line.replace(/ feed .*"title":"(\w)".*/, ' feed $1'))).toEqual(['0 feed A', '1 feed B', '2 feed B']);
    expect(fastLog).toEqual(plainLog);
  });

  it('rejects like xml2js when rss-parser fails building a feed it read on the fast path', async () => {
    const texts = ['<rss version="2.0"></rss>', 'x & y', '<rss version="2.0"><channel><title>C</title></channel></rss>'];
    const pair = parserPair();
    const plainLog = parseInTurn(pair.plain, texts);
    const fastLog = parseInTurn(pair.fast, texts);
    await settle();
    expect(plainLog[0]).toMatch(/^0 rejected TypeError/);
    expect(fastLog).toEqual(plainLog);
    expect(carried(pair.behind)).toEqual(carried(pair.plainXml2js));
  });
});
