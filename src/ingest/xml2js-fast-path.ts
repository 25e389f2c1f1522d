/**
 * The seam where xml-reader.ts stands in for xml2js inside rss-parser: rss-parser reads every document
 * through `this.xmlParser.parseString(text, callback)`, and withFastXmlReader returns an object that
 * answers that call from the fast reader when it can and passes the text to the real xml2js parser
 * when it cannot, so rss-parser's own feed building (buildRSS2, buildAtomFeed, ...) stays in use.
 */
import { readXml } from './xml-reader.js';

type Callback = (error: unknown, result?: unknown) => void;

/** The parts of an xml2js 0.5 Parser that rss-parser calls or that carry over from one document to the next. */
export type Xml2jsParser = {
  parseString(text: unknown, callback: Callback): unknown;
  on(event: 'end' | 'error', listener: (value: unknown) => void): unknown;
  emit(event: 'end' | 'error', value: unknown): boolean;
  reset(): void;
  resultObject: unknown;
  saxParser: { ended: boolean; errThrown: boolean };
};

/** An xml2js stand-in for rss-parser's `xmlParser`: reads plainly well-formed text itself, hands the rest to `original`. */
export function withFastXmlReader(original: Xml2jsParser): Pick<Xml2jsParser, 'parseString'> {
  return {
    parseString(text, callback) {
      const result = typeof text === 'string' ? readXml(text) : null;
      if (result === null) return original.parseString(text, callback);
      answerAsXml2js(original, result, callback);
      return undefined;
    },
  };
}

/**
 * Hands `result` to `callback` exactly as xml2js's parseString does for a well-formed document,
 * leaving the parser in the same state. That state matters because one parser serves every document:
 * after a document sax reported two errors in, its fresh sax parser keeps `errThrown` set and ignores
 * the next document's errors; after a success it keeps `ended` set; a callback never called stays
 * registered and answers the next document. Leaving the parser untouched on the fast path would change
 * which later documents fail. The steps below are xml2js's (lib/parser.js, `parseString` and the
 * `onclosetag` and `onend` handlers of `reset`) with sax's reading taken out.
 */
function answerAsXml2js(parser: Xml2jsParser, result: unknown, callback: Callback): void {
  parser.on('end', (value) => {
    parser.reset();
    callback(null, value);
  });
  parser.on('error', (error) => {
    parser.reset();
    callback(error);
  });
  try {
    // The root element closed: xml2js keeps the result, marks its sax parser ended and answers.
    parser.resultObject = result;
    parser.saxParser.ended = true;
    parser.emit('end', parser.resultObject);
    // sax's close() then calls xml2js's onend, which sees the sax parser reset() left behind.
    if (!parser.saxParser.ended) {
      parser.saxParser.ended = true;
      parser.emit('end', parser.resultObject);
    }
  } catch (error) {
    // A callback that threw: xml2js's parseString catch, which rethrows through an 'error' nobody hears.
    if (!(parser.saxParser.errThrown || parser.saxParser.ended)) {
      parser.emit('error', error);
      parser.saxParser.errThrown = true;
    } else if (parser.saxParser.ended) {
      throw error;
    }
  }
}
