/**
 * Turns what a user typed into an FTS5 MATCH expression that can never be a syntax error. The search
 * syntax people know from web search engines works: every word must match; `"several words"` is a
 * phrase; `-word` or `-"a phrase"` excludes; `OR` between two terms takes either; `négo*` is a prefix.
 * Nothing else is an operator: only words go into the expression, each quoted, so `AND`, `NEAR(`, `^` or
 * a stray `"` are searched as text or dropped.
 */

// Letters, digits and combining marks. unicode61 splits some words at a mark (Devanagari vowel signs): the
// quoted word is then a phrase of adjacent tokens, which the index (detail=full) still matches.
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
// A chunk of the query: an optional minus, then a quoted phrase (closed or running to the end) or a run
// of anything but spaces and quotes.
const CHUNK = /(-?)(?:"([^"]*)"?|([^\s"]+))/gu;
// Inside an unquoted chunk, hyphens, apostrophes and dots join words (`cease-fire`, `l'armée`, `U.N.`);
// any other punctuation separates them (`NEAR(goma,sake)` is two words).
const SEPARATOR = /[^\p{L}\p{N}\p{M}\-\u2010\u2011'\u2019.*]+/u;
// Typographic quotes count as quotes: phone keyboards (iOS smart punctuation) turn " into “ and ”, and French
// writes « ».
const TYPOGRAPHIC_QUOTES = /[\u201c\u201d\u201e\u201f\u00ab\u00bb]/gu;
const MAX_TERMS = 16;

/**
 * Words as one FTS5 phrase: `cease-fire` and `l'armée` become the adjacent tokens the index holds for them,
 * not two words anywhere in the item. A star right after the last word makes it a prefix.
 */
function phraseOf(text: string, prefixAllowed: boolean): string | null {
  const words = text.normalize('NFC').match(WORD);
  if (!words) return null;
  // A quoted string is always a phrase in FTS5; the words hold no quote, so nothing can escape it.
  const prefix = prefixAllowed && /[\p{L}\p{N}\p{M}]\*+$/u.test(text);
  return `"${words.join(' ')}"${prefix ? '*' : ''}`;
}

/** The query's FTS5 phrases: those to look for, each OR-group as one array, and those to exclude. */
function termGroups(text: string): { include: string[][]; exclude: string[] } {
  const include: string[][] = [];
  const exclude: string[] = [];
  let count = 0;
  let joinNext = false;
  for (const [, minus, quoted, bare] of text.replace(TYPOGRAPHIC_QUOTES, '"').matchAll(CHUNK)) {
    if (count === MAX_TERMS) break;
    if (!minus && quoted === undefined && bare === 'OR') {
      // Joins the terms on each side; leading, trailing or doubled ORs are ignored.
      joinNext = include.length > 0;
      continue;
    }
    const phrases = quoted !== undefined ? [phraseOf(quoted, false)] : (bare ?? '').split(SEPARATOR).map((part) => phraseOf(part, true));
    for (const phrase of phrases) {
      if (phrase === null || count === MAX_TERMS) continue;
      count++;
      if (minus === '-') exclude.push(phrase);
      else if (joinNext) include[include.length - 1]!.push(phrase);
      else include.push([phrase]);
      joinNext = false;
    }
  }
  return { include, exclude };
}

/**
 * The FTS5 query for user text, or null when no term to look for is left (an empty query, or one that
 * only excludes: FTS5 cannot search for "everything but").
 */
export function toFtsQuery(text: string): string | null {
  const { include, exclude } = termGroups(text);
  if (include.length === 0) return null;
  const wanted = include.map((group) => (group.length === 1 ? group[0]! : `(${group.join(' OR ')})`)).join(' AND ');
  return exclude.length === 0 ? wanted : `(${wanted}) NOT (${exclude.join(' OR ')})`;
}
