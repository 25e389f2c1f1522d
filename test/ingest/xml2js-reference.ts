/**
 * xml2js as rss-parser sets it up, for comparing the fast XML reader against: a fresh parser per
 * document (taken from a new rss-parser, so with rss-parser's options), and an exact tree comparison.
 */
import Parser from 'rss-parser';

/** What these tests use of an xml2js Parser: the call rss-parser makes, and the flags it leaves behind. */
type Xml2js = {
  parseString(text: string, callback: (error: unknown, result: unknown) => void): unknown;
  saxParser: { ended: boolean; errThrown: boolean };
};

/** A fresh xml2js parser with rss-parser's options. */
export function freshXml2js(): Xml2js {
  return (new Parser() as unknown as { xmlParser: Xml2js }).xmlParser;
}

/**
 * What a fresh xml2js parser makes of `text`. `clean` is true when it answered with a result and sax
 * reported no error at all, not even after the root element (which xml2js would swallow).
 */
export function readWithXml2js(text: string): { result: unknown; error: unknown; clean: boolean } {
  const parser = freshXml2js();
  let answer: { result: unknown; error: unknown } = { result: undefined, error: 'no answer' };
  try {
    parser.parseString(text, (error, result) => {
      answer = { result, error };
    });
  } catch (error) {
    return { result: undefined, error, clean: false };
  }
  const clean = answer.error === null && answer.result !== null && parser.saxParser.ended && !parser.saxParser.errThrown;
  return { ...answer, clean };
}

/**
 * Where two xml2js trees differ, or null when they are the same: same values, same prototypes (xml2js
 * makes its objects with Object.create(null)) and the same key order (rss-parser walks some in order).
 */
export function treeDifference(actual: unknown, expected: unknown, path = '$'): string | null {
  if (typeof actual !== 'object' || actual === null || typeof expected !== 'object' || expected === null) {
    return Object.is(actual, expected) ? null : `${path}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`;
  }
  if (Array.isArray(actual) !== Array.isArray(expected)) return `${path}: array vs object`;
  if (Object.getPrototypeOf(actual) !== Object.getPrototypeOf(expected)) return `${path}: another prototype`;
  const keys = Object.keys(actual);
  const expectedKeys = Object.keys(expected);
  if (keys.join('\u0000') !== expectedKeys.join('\u0000')) return `${path}: keys [${keys}] vs [${expectedKeys}]`;
  for (const key of keys) {
    const difference = treeDifference((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${path}.${key}`);
    if (difference !== null) return difference;
  }
  return null;
}
