/**
 * Text folding for topic matching: the same function runs over feed text and over topic terms, so
 * "Cessez‐le‐feu", "cessez le feu" and "CESSEZ-LE-FEU" all become the same words.
 */
import { decodeHTML } from 'entities';
import { foldPlural, isDroppedWord, readWordSpans, reusedWordSpans, tokensOf, wordSpans, type ReusedWordSpans, type Token, type WordSpans } from './words.js';

// Letters with no NFKD decomposition that readers still treat as plain Latin letters.
const LIGATURES: Record<string, string> = { œ: 'oe', æ: 'ae', ø: 'o', ł: 'l', đ: 'd', ß: 'ss', ı: 'i', ð: 'd', þ: 'th' };
const LIGATURE_RE = /[œæøłđßıðþ]/g;
// Every dash and hyphen Unicode knows, plus the minus sign.
const DASHES_RE = /[\p{Pd}\u2212\u00AD]/gu;
const QUOTES_RE = /[\u2018\u2019\u201B\u2032\u0060\u00B4\u02BC\u02B9\uFF07]/g;
const MARKS_RE = /\p{M}/gu;
// A plain character class without the u flag: much faster than \p{ASCII}.
const NON_ASCII_RE = /[\u0080-\uFFFF]/;

/** True when `s` is plain ASCII, the common case of feed text, which needs no Unicode handling. */
export function isAsciiText(s: string): boolean {
  return !NON_ASCII_RE.test(s);
}
const TERM_WORD_RE = /[\p{L}\p{N}]+\*?|\*/gu;

/** Folds text for matching: NFKD, no accents, lower case, one form of dash and apostrophe. */
export function foldText(s: string): string {
  // Most feed text is plain ASCII: only case and the backtick need folding there.
  if (isAsciiText(s)) return s.includes('`') ? s.toLowerCase().replace(/`/g, "'") : s.toLowerCase();
  // Text folds character by character (the marks that NFKD would reorder are all dropped), so the ASCII runs
  // are only lowered and each other character is folded once and remembered: several times faster than five
  // passes of Unicode normalization and replacement over the whole text.
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x80) continue;
    const width = code >= 0xd800 && code <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
    const folded = foldCharacter(s.slice(i, i + width));
    // Lower case depends on the neighbours for one letter only: the Greek capital sigma, ς at the end of a
    // word and σ elsewhere. Text with a character that decomposes to it is folded whole.
    if (folded === null) return foldWhole(s);
    out += s.slice(from, i).toLowerCase() + folded;
    i += width - 1;
    from = i + 1;
  }
  out += s.slice(from).toLowerCase();
  return out.includes('`') ? out.replace(/`/g, "'") : out;
}

/** foldText's definition, over a whole string at once. */
function foldWhole(s: string): string {
  return s
    .normalize('NFKD')
    .replace(MARKS_RE, '')
    .toLowerCase()
    .replace(LIGATURE_RE, (c) => LIGATURES[c] ?? c)
    .replace(DASHES_RE, '-')
    .replace(QUOTES_RE, "'");
}

// Folded forms of the non-ASCII characters met so far; bounded, since a text in a large script (CJK) brings
// thousands, and an unremembered character is only slower.
const FOLDED_CHARACTERS = new Map<string, string | null>();
const REMEMBERED_CHARACTERS = 8192;
const CAPITAL_SIGMA = '\u03A3';

/** A character folded alone, or null when its fold depends on the characters around it (see foldText). */
function foldCharacter(c: string): string | null {
  let folded = FOLDED_CHARACTERS.get(c);
  if (folded === undefined) {
    folded = c.normalize('NFKD').includes(CAPITAL_SIGMA) ? null : foldWhole(c);
    if (FOLDED_CHARACTERS.size < REMEMBERED_CHARACTERS) FOLDED_CHARACTERS.set(c, folded);
  }
  return folded;
}

/** Plain text of a feed field: tags removed, entities decoded, whitespace collapsed. */
export function htmlToText(s: string): string {
  if (!s.includes('<') && !s.includes('&')) return s;
  // Tags go before and after decoding: "&lt;p&gt;" in a double-escaped feed is markup too.
  const once = decodeHTML(s.replace(/<[^>]*>/g, ' '));
  return once.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
}

/** The words of one feed field (HTML allowed), folded. */
export function foldField(text: string): WordSpans {
  return wordSpans(foldText(htmlToText(text)));
}

/** Folds and tokenizes one feed field (HTML allowed). */
export function tokenizeField(text: string): Token[] {
  return tokensOf(foldField(text));
}

/** An item's title and summary as words: folded once, read by the matcher, the signals and the clusterer. */
export type FoldedItem = { title: WordSpans; summary: WordSpans };

/** Folds an item's title and summary into words. */
export function foldItem(title: string, summary: string | null | undefined): FoldedItem {
  return { title: foldField(title), summary: foldField(summary ?? '') };
}

/** Spans to fold one item after another into (foldItemInto). */
export type ReusedFoldedItem = { title: ReusedWordSpans; summary: ReusedWordSpans };

export function reusedFoldedItem(): ReusedFoldedItem {
  return { title: reusedWordSpans(), summary: reusedWordSpans() };
}

/** foldItem into `into`'s arrays (see readWordSpans): the words are valid until the next call with `into`. */
export function foldItemInto(title: string, summary: string | null | undefined, into: ReusedFoldedItem): FoldedItem {
  readWordSpans(foldText(htmlToText(title)), into.title);
  readWordSpans(foldText(htmlToText(summary ?? '')), into.summary);
  return into;
}

/**
 * Words of a topic term, folded like text. A word ending in `*` is a prefix (kept unfolded for plurals),
 * a lone `*` stands for any one word.
 */
export function termWords(term: string): { word: string; prefix: boolean }[] {
  const folded = foldText(term);
  const words: { word: string; prefix: boolean }[] = [];
  for (const m of folded.matchAll(TERM_WORD_RE)) {
    const raw = m[0];
    if (isDroppedWord(folded, m.index, m.index + raw.length)) continue;
    if (raw === '*') words.push({ word: '', prefix: true });
    else if (raw.endsWith('*')) words.push({ word: raw.slice(0, -1), prefix: true });
    else words.push({ word: foldPlural(raw), prefix: false });
  }
  return words;
}
