/**
 * Turns what a user typed into an FTS5 MATCH expression that can never be a syntax error: only the
 * words are kept, each one quoted, so `AND`, `NEAR(`, `"` or `*` are searched as text or dropped.
 */

// Letters, digits and combining marks. unicode61 splits some words at a mark (Devanagari vowel signs): the
// quoted word is then a phrase of adjacent tokens, which the index (detail=full) still matches.
const WORD = /[\p{L}\p{N}\p{M}]+(\*)?/gu;
const MAX_TERMS = 16;

/** The FTS5 query for user text (all words must match; a trailing `*` keeps prefix search), or null when no word is left. */
export function toFtsQuery(text: string): string | null {
  const terms: string[] = [];
  for (const match of text.normalize('NFC').matchAll(WORD)) {
    const word = match[0].endsWith('*') ? match[0].slice(0, -1) : match[0];
    // A quoted string is always a phrase in FTS5; the word holds no quote, so nothing can escape it.
    terms.push(`"${word}"${match[1] ? '*' : ''}`);
    if (terms.length === MAX_TERMS) break;
  }
  return terms.length > 0 ? terms.join(' ') : null;
}
