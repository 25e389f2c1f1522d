/**
 * The seam where xml-reader.ts stands in for xml2js inside rss-parser: rss-parser reads every document
 * through `this.xmlParser.parseString(text, callback)`, and withFastXmlReader returns an object that
 * answers that call from the fast reader when it can and passes the text to the real xml2js parser
 * when it cannot, so rss-parser's own feed building (buildRSS2, buildAtomFeed, ...) stays in use.
 */
import { readXml } from './xml-reader.js';

type Callback = (error: unknown, result?: unknown) => void;

/** The one call rss-parser makes of its xml2js 0.5 Parser. */
export type Xml2jsParser = { parseString(text: unknown, callback: Callback): unknown };

/**
 * An xml2js stand-in for the `xmlParser` of a fresh rss-parser: reads plainly well-formed text itself,
 * hands the rest to `original`. Fresh, because xml2js carries state from one document to the next (see
 * parse.ts), which the fast path does not reproduce.
 */
export function withFastXmlReader(original: Xml2jsParser): Xml2jsParser {
  return {
    parseString(text, callback) {
      const result = typeof text === 'string' ? readXml(text) : null;
      if (result === null) return original.parseString(text, callback);
      callback(null, result);
      return undefined;
    },
  };
}
