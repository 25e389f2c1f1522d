/**
 * Text folding for topic matching: the same function runs over feed text and over topic terms, so
 * "Cessez‐le‐feu", "cessez le feu" and "CESSEZ-LE-FEU" all become the same words.
 */
import { decodeHTML } from 'entities';

/** One word of folded text: `word` is what exact terms compare with (plural folded), `raw` what prefixes do. */
export type Token = { word: string; raw: string };

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
// French elided articles and pronouns (l'AFC, d'Doha, qu'elle) and the English possessive ('s).
const ELISION = new Set(['l', 'd', 'j', 'm', 'n', 's', 't', 'c', 'qu', 'jusqu', 'lorsqu', 'puisqu', 'quoiqu']);
const LETTER_RE = /[\p{L}\p{N}]/u;
const APOSTROPHE = 0x27;
const TERM_WORD_RE = /[\p{L}\p{N}]+\*?|\*/gu;

/** Folds text for matching: NFKD, no accents, lower case, one form of dash and apostrophe. */
export function foldText(s: string): string {
  // Most feed text is plain ASCII: only case and the backtick need folding there.
  if (isAsciiText(s)) return s.includes('`') ? s.toLowerCase().replace(/`/g, "'") : s.toLowerCase();
  return s
    .normalize('NFKD')
    .replace(MARKS_RE, '')
    .toLowerCase()
    .replace(LIGATURE_RE, (c) => LIGATURES[c] ?? c)
    .replace(DASHES_RE, '-')
    .replace(QUOTES_RE, "'");
}

/** Plain text of a feed field: tags removed, entities decoded, whitespace collapsed. */
export function htmlToText(s: string): string {
  if (!s.includes('<') && !s.includes('&')) return s;
  // Tags go before and after decoding: "&lt;p&gt;" in a double-escaped feed is markup too.
  const once = decodeHTML(s.replace(/<[^>]*>/g, ' '));
  return once.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * Singular-ish form of a folded word, so "rebels" finds "rebel" and "negociations" finds "negociation".
 * Deliberately crude: it only has to treat terms and text the same way.
 */
export function foldPlural(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) return word.slice(0, -1);
  return word;
}

/** Splits folded text into words, dropping elided articles (l', d') and possessive 's. */
export function tokenize(folded: string): Token[] {
  // A hand-written scan for runs of letters and digits (what /[\p{L}\p{N}]+/gu finds): several times
  // faster than the regular expression on the mostly-ASCII text of feeds.
  const tokens: Token[] = [];
  const length = folded.length;
  let at = 0;
  while (at < length) {
    let width = wordCharWidth(folded, at);
    if (width === 0) {
      at += folded.codePointAt(at)! > 0xffff ? 2 : 1;
      continue;
    }
    const start = at;
    do {
      at += width;
      width = at < length ? wordCharWidth(folded, at) : 0;
    } while (width > 0);
    if (isDroppedWord(folded, start, at)) continue;
    const raw = folded.slice(start, at);
    tokens.push({ word: foldPlural(raw), raw });
  }
  return tokens;
}

/**
 * True when the word at folded[start, end) is an elided article or pronoun (l', qu' before a letter or digit)
 * or the s of a possessive ('s): text and topic terms drop the same words.
 */
function isDroppedWord(folded: string, start: number, end: number): boolean {
  if (folded.charCodeAt(end) === APOSTROPHE && ELISION.has(folded.slice(start, end)) && LETTER_RE.test(folded[end + 1] ?? '')) return true;
  return end - start === 1 && folded[start] === 's' && folded.charCodeAt(start - 1) === APOSTROPHE;
}

// Which ASCII codes are letters or digits; other characters are asked of \p{L}\p{N} once and remembered.
const ASCII_WORD = Uint8Array.from({ length: 128 }, (_, c) => (/[a-zA-Z0-9]/.test(String.fromCharCode(c)) ? 1 : 0));
const WORD_CODE_POINTS = new Map<number, boolean>();

/** UTF-16 units of the letter or digit at `at` (2 for an astral one), 0 when it is neither. */
function wordCharWidth(text: string, at: number): number {
  const code = text.charCodeAt(at);
  if (code < 128) return ASCII_WORD[code]!;
  const point = text.codePointAt(at)!;
  let isWord = WORD_CODE_POINTS.get(point);
  if (isWord === undefined) {
    isWord = LETTER_RE.test(String.fromCodePoint(point));
    if (WORD_CODE_POINTS.size < 65_536) WORD_CODE_POINTS.set(point, isWord);
  }
  return isWord ? (point > 0xffff ? 2 : 1) : 0;
}

/** Folds and tokenizes one feed field (HTML allowed). */
export function tokenizeField(text: string): Token[] {
  return tokenize(foldText(htmlToText(text)));
}

/** An item's title and summary as tokens: folded once, read by the matcher, the signals and the clusterer. */
export type FoldedItem = { title: readonly Token[]; summary: readonly Token[] };

/** Folds and tokenizes an item's title and summary. */
export function foldItem(title: string, summary: string | null | undefined): FoldedItem {
  return { title: tokenizeField(title), summary: tokenizeField(summary ?? '') };
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
