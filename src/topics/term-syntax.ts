/**
 * What a topic term may be written as, from what the matcher reads of it (fold.ts, words.ts): words are runs
 * of letters and digits, and only whitespace, dashes, apostrophes, "." and "/" may stand between them, since
 * text is split at those same characters ("U.N." and "AFC/M23" match as written). Anything else (a bracket,
 * "+", "|", "\") the matcher would silently drop, so "\d+" would look for the word "d": such terms are
 * refused instead. A `*` ends a word (a prefix, `negoci*`) or stands alone for any one word.
 */
import { DASH_CHARS, QUOTE_CHARS } from './fold.js';

const WORD_CHARS = '\\p{L}\\p{N}\\p{M}';
const BETWEEN_CHARS = `${DASH_CHARS}${QUOTE_CHARS}'./`;
const WORD = `[${WORD_CHARS}]`;
const IN_PIECE = `[${WORD_CHARS}${BETWEEN_CHARS}]`;
// One whitespace-separated piece: a lone `*`, or letters, digits and joining marks, optionally ending in `*` after a letter or digit.
const PIECE = `(?:\\*|${IN_PIECE}*${WORD}\\*|${IN_PIECE}+)`;
const REFERENCE = '[@#][a-z0-9][a-z0-9-_]*';

/** A well-formed term: `@vocab-name`, `#topic-id`, or words and phrases with at least one letter or digit. */
export const TERM_PATTERN = new RegExp(`^(?:${REFERENCE}|(?=[\\s\\S]*${WORD})\\s*${PIECE}(?:\\s+${PIECE})*\\s*)$`, 'u');

const ALLOWED_CHAR = new RegExp(`^(?:${IN_PIECE}|\\s|\\*)$`, 'u');
const LETTER_OR_DIGIT = new RegExp(WORD, 'u');
const SYNTAX = "a term is words of letters and digits joined by spaces, - ' . or /, with * only at the end of a word; not a regular expression";

/** Why `term` is not a well-formed term (one sentence naming it), or null when it is one. */
export function termSyntaxProblem(term: string): string | null {
  if (TERM_PATTERN.test(term)) return null;
  const shown = `"${term}"`;
  if (term.startsWith('@') || term.startsWith('#')) {
    const kind = term.startsWith('@') ? 'a vocab list name' : 'a topic id';
    return `${shown} is not a reference: ${term[0]} must be followed by ${kind} (lowercase letters, digits, - and _)`;
  }
  for (const char of term) {
    if (!ALLOWED_CHAR.test(char)) return `${shown} is not a word or phrase: "${char}" has no meaning in a term (${SYNTAX})`;
  }
  if (!LETTER_OR_DIGIT.test(term)) return `${shown} is not a word or phrase: it has no letter or digit (write a word or phrase, optionally ending in *, @vocab-name or #topic-id)`;
  return `${shown} is not a word or phrase: * goes only at the end of a word (negoci*) or alone for any one word`;
}
