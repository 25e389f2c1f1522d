/**
 * Where the words of folded text are, without cutting them out: a word is a run of letters and digits, an
 * elided article (l', qu') or possessive 's is no word, and each word carries the hash of its plural-folded
 * form. The matcher and the signals look words up by that hash, so a text is scanned without creating a
 * string per word; strings (tokensOf) are only made for the few items that match and get clustered.
 */

/** One word as a string: `word` is what exact terms compare with (plural folded), `raw` what prefixes do. */
export type Token = { word: string; raw: string };

/**
 * The words of one folded text, in order: word k (k < count) is `text.slice(start[k], end[k])`. Its
 * plural-folded form drops `cut[k]` characters from the end: 0, 1 (the s of "rebels") or 3 (the "ies" of
 * "casualties", which becomes "y"); `hash[k]` is wordHash of that form. The arrays may hold more entries than
 * `count` (words of an earlier text, when the spans are reused: readWordSpans); those are not words of this text.
 */
export type WordSpans = {
  readonly text: string;
  readonly count: number;
  readonly start: readonly number[];
  readonly end: readonly number[];
  readonly cut: readonly number[];
  readonly hash: readonly number[];
};

/** Spans whose arrays are written again for each text (readWordSpans): for a pass over many texts, one at a time. */
export type ReusedWordSpans = WordSpans & { text: string; count: number; start: number[]; end: number[]; cut: number[]; hash: number[] };

/** Empty spans to read texts into with readWordSpans. */
export function reusedWordSpans(): ReusedWordSpans {
  return { text: '', count: 0, start: [], end: [], cut: [], hash: [] };
}

// French elided articles and pronouns (l'AFC, d'Doha, qu'elle) and the English possessive ('s).
const ELISION = new Set(['l', 'd', 'j', 'm', 'n', 's', 't', 'c', 'qu', 'jusqu', 'lorsqu', 'puisqu', 'quoiqu']);
const LETTER_RE = /[\p{L}\p{N}]/u;
/** The folded apostrophe (foldText turns every other form into it). */
export const APOSTROPHE = 0x27;
const S = 0x73;
const U = 0x75;
const I = 0x69;
const E = 0x65;
const Y = 0x79;
/** The plural-folding cut that turns "ies" into "y". */
const IES = 3;

/**
 * Singular-ish form of a folded word, so "rebels" finds "rebel" and "negociations" finds "negociation".
 * Deliberately crude: it only has to treat terms and text the same way.
 */
export function foldPlural(word: string): string {
  return withoutCut(word, pluralCut(word, 0, word.length));
}

/** `word` with its plural cut applied: unchanged (0), without its final s (1), or "ies" turned into "y". */
function withoutCut(word: string, cut: number): string {
  return cut === 0 ? word : cut === IES ? `${word.slice(0, -3)}y` : word.slice(0, -cut);
}

/** How many characters plural folding drops from text[start, end): 0, 1 (a final s) or IES. */
function pluralCut(text: string, start: number, end: number): number {
  const length = end - start;
  if (length <= 3 || text.charCodeAt(end - 1) !== S) return 0;
  if (length > 4 && text.charCodeAt(end - 2) === E && text.charCodeAt(end - 3) === I) return IES;
  const before = text.charCodeAt(end - 2);
  return before === S || before === U ? 0 : 1;
}

/** The hash words are looked up by: the same numbers whether computed from a string or from text spans. */
export function wordHash(word: string): number {
  let hash = 0;
  for (let i = 0; i < word.length; i++) hash = (Math.imul(hash, 31) + word.charCodeAt(i)) | 0;
  return hash;
}

/** True when word k of `spans`, plural-folded, is exactly `word`. */
export function spanIsWord(spans: WordSpans, k: number, word: string): boolean {
  const start = spans.start[k]!;
  const cut = spans.cut[k]!;
  const kept = spans.end[k]! - start - cut;
  if (word.length !== kept + (cut === IES ? 1 : 0)) return false;
  if (cut === IES && word.charCodeAt(kept) !== Y) return false;
  for (let i = 0; i < kept; i++) if (spans.text.charCodeAt(start + i) !== word.charCodeAt(i)) return false;
  return true;
}

/** The words of folded text (foldText's output), with elided articles and possessive 's left out. */
export function wordSpans(text: string): WordSpans {
  return readWordSpans(text, reusedWordSpans());
}

/**
 * wordSpans into `spans`, overwriting what they held: a pass that reads texts one at a time (the matcher's,
 * over every new item) writes into the same arrays instead of growing four new ones per text, which was about
 * a tenth of folding and matching an item. The spans are valid until the next call with them.
 */
export function readWordSpans(text: string, spans: ReusedWordSpans): WordSpans {
  // A hand-written scan for runs of letters and digits (what /[\p{L}\p{N}]+/gu finds), hashing as it goes:
  // several times faster than the regular expression on the mostly-ASCII text of feeds.
  const { start, end, cut, hash } = spans;
  let count = 0;
  const length = text.length;
  let at = 0;
  while (at < length) {
    let code = text.charCodeAt(at);
    let width = code < 128 ? ASCII_WORD[code]! : wordCharWidth(text, at);
    if (width === 0) {
      at += text.codePointAt(at)! > 0xffff ? 2 : 1;
      continue;
    }
    const from = at;
    // The hash of the word so far and of the word without its last one and three characters: plural
    // folding keeps one of those.
    let h = 0;
    let h1 = 0;
    let h2 = 0;
    let h3 = 0;
    for (;;) {
      for (const stop = at + width; at < stop; at++) {
        h3 = h2;
        h2 = h1;
        h1 = h;
        h = (Math.imul(h, 31) + text.charCodeAt(at)) | 0;
      }
      if (at >= length) break;
      code = text.charCodeAt(at);
      // ASCII, most of feed text, without a call.
      width = code < 128 ? ASCII_WORD[code]! : wordCharWidth(text, at);
      if (width === 0) break;
    }
    // Only a word followed by an apostrophe, or one letter long, can be a dropped one.
    if ((code === APOSTROPHE || at - from === 1) && isDroppedWord(text, from, at)) continue;
    const c = pluralCut(text, from, at);
    // Index writes: within the arrays' length they overwrite, at its end they append (as push would).
    start[count] = from;
    end[count] = at;
    cut[count] = c;
    hash[count] = c === 0 ? h : c === 1 ? h1 : (Math.imul(h3, 31) + Y) | 0;
    count++;
  }
  spans.text = text;
  spans.count = count;
  return spans;
}

/** The words of `spans` as strings. */
export function tokensOf(spans: WordSpans): Token[] {
  const tokens: Token[] = [];
  for (let k = 0; k < spans.count; k++) {
    const raw = spans.text.slice(spans.start[k], spans.end[k]);
    tokens.push({ word: withoutCut(raw, spans.cut[k]!), raw });
  }
  return tokens;
}

/**
 * True when the word at folded[start, end) is an elided article or pronoun (l', qu' before a letter or digit)
 * or the s of a possessive ('s): text and topic terms drop the same words.
 */
export function isDroppedWord(folded: string, start: number, end: number): boolean {
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
