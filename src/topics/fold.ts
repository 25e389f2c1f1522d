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
// Plain ASCII text needs no Unicode folding (the common case: skip the slow path).
const ASCII_RE = /^[\p{ASCII}]*$/u;
// French elided articles and pronouns (l'AFC, d'Doha, qu'elle) and the English possessive ('s).
const ELISION = new Set(['l', 'd', 'j', 'm', 'n', 's', 't', 'c', 'qu', 'jusqu', 'lorsqu', 'puisqu', 'quoiqu']);
const WORD_RE = /[\p{L}\p{N}]+/gu;
const ASCII_WORD_RE = /[a-zA-Z0-9]+/g;
const LETTER_RE = /[\p{L}\p{N}]/u;
const APOSTROPHE = 0x27;
const TERM_WORD_RE = /[\p{L}\p{N}]+\*?|\*/gu;

/** Folds text for matching: NFKD, no accents, lower case, one form of dash and apostrophe. */
export function foldText(s: string): string {
  // Most feed text is plain ASCII: only case and the backtick need folding there.
  if (ASCII_RE.test(s)) return s.toLowerCase().replace(/`/g, "'");
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
  const tokens: Token[] = [];
  // In ASCII text the letters and digits are [a-zA-Z0-9]: a plain character class is several times faster than \p{…}.
  const words = ASCII_RE.test(folded) ? ASCII_WORD_RE : WORD_RE;
  words.lastIndex = 0;
  for (let m = words.exec(folded); m !== null; m = words.exec(folded)) {
    const raw = m[0];
    const end = m.index + raw.length;
    if (folded.charCodeAt(end) === APOSTROPHE && ELISION.has(raw) && LETTER_RE.test(folded[end + 1] ?? '')) continue;
    if (raw === 's' && folded.charCodeAt(m.index - 1) === APOSTROPHE) continue;
    tokens.push({ word: foldPlural(raw), raw });
  }
  return tokens;
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
    const next = folded[m.index + raw.length];
    if (next === "'" && ELISION.has(raw) && /[\p{L}\p{N}]/u.test(folded[m.index + raw.length + 1] ?? '')) continue;
    if (raw === 's' && folded[m.index - 1] === "'") continue;
    if (raw === '*') words.push({ word: '', prefix: true });
    else if (raw.endsWith('*')) words.push({ word: raw.slice(0, -1), prefix: true });
    else words.push({ word: foldPlural(raw), prefix: false });
  }
  return words;
}
