/**
 * What a topic term may be written as. The matcher reads a term as words (runs of letters and digits) and
 * treats every other character as a gap between words, as it does in feed text ("U.N." and "AFC/M23" match
 * as written, "Doha, Qatar" is the phrase "doha qatar"). So a regular expression is silently misread:
 * "\d+" looks for the word "d" and "c++" for the word "c", and would alert on anything. Terms holding a
 * character that only means something in a regular expression are refused. A `*` ends a word (a prefix,
 * `negoci*`) or stands alone for any one word.
 */

const WORD_CHARS = '\\p{L}\\p{N}\\p{M}';
const WORD = `[${WORD_CHARS}]`;
// Characters with a meaning in regular expressions and none in a term; `#` after the start (C#, #2) too.
// Parentheses are left to plain writing ("Mouvement du 23 mars (M23)"): a gap between words like a comma.
const REGEX_CHARS = '[\\]{}|\\\\^$+?#';
const PLAIN = `[^\\s*${REGEX_CHARS}]`;
// One whitespace-separated piece: a lone `*`, a word ending in `*`, or plain characters.
const PIECE = `(?:\\*|${PLAIN}*${WORD}\\*|${PLAIN}+)`;
const REFERENCE = '[@#][a-z0-9][a-z0-9-_]*';

/** A well-formed term: `@vocab-name`, `#topic-id`, or words and phrases with at least one letter or digit. */
// A term starting with @ or # is a reference, never words.
export const TERM_PATTERN = new RegExp(`^(?:${REFERENCE}|(?![@#])(?=[\\s\\S]*${WORD})\\s*${PIECE}(?:\\s+${PIECE})*\\s*)$`, 'u');

const REGEX_CHAR = new RegExp(`[${REGEX_CHARS}]`, 'u');
const LETTER_OR_DIGIT = new RegExp(WORD, 'u');
const SYNTAX = 'a term is words and phrases, with * only at the end of a word; not a regular expression';

/** Why `term` is not a well-formed term (one sentence naming it), or null when it is one. */
export function termSyntaxProblem(term: string): string | null {
  if (TERM_PATTERN.test(term)) return null;
  const shown = `"${term}"`;
  if (term.startsWith('@') || term.startsWith('#')) {
    const kind = term.startsWith('@') ? 'a vocab list name' : 'a topic id';
    return `${shown} is not a reference: ${term[0]} must be followed by ${kind} (lowercase letters, digits, - and _)`;
  }
  const regexChar = REGEX_CHAR.exec(term)?.[0];
  if (regexChar !== undefined) return `${shown} is not a word or phrase: "${regexChar}" has no meaning in a term (${SYNTAX})`;
  if (!LETTER_OR_DIGIT.test(term)) return `${shown} is not a word or phrase: it has no letter or digit (write a word or phrase, optionally ending in *, @vocab-name or #topic-id)`;
  return `${shown} is not a word or phrase: * goes only at the end of a word (negoci*) or alone for any one word`;
}
