/**
 * Near-duplicate sketches for story clustering: the content words of an item (folded like the matcher
 * folds text), MinHash signatures over them and LSH band keys, so candidates are found by bucket lookup
 * instead of comparing an item with every stored one.
 */
import { foldText, htmlToText, isAsciiText, tokenizeField, type FoldedItem } from './fold.js';
import { foldPlural, tokensOf, type Token } from './words.js';

/**
 * The words an item is compared on: its title's content words, those of title + summary start, and the
 * title's names (capitalized words: places, people, bodies), which tell template headlines apart.
 */
export type ItemWords = { title: string[]; all: string[]; names: string[] };

/** How a signature is cut into bands: `bands` × `rows` hash functions. */
export type BandingPlan = { bands: number; rows: number };

// Words that say nothing about which event an item reports (English and French, already folded).
const STOPWORDS = new Set(
  `a an the of in on at to for from by with and or but as is are was were be been has have had it its this that
  these those after before over under into out up down about amid than then there their they he she his her we our
  you your will would could should may might can not no new said say says
  le la les un une des du de d l au aux et ou mais en dans sur sous par pour avec sans selon est sont a ete
  ce cet cette ces son sa ses leur leurs qui que quoi dont ou se ne pas plus apres avant entre vers chez
  il elle ils elles on nous vous y lors face update updated live breaking exclusive analysis video photos`.split(/\s+/),
);

/** How many summary words count with the title: the lead says what the item is about; the rest is context. */
const SUMMARY_WORDS = 30;

/**
 * The folded content words of an item, each listed once (title words first). `folded`: the item already
 * folded (foldItem), so its words are not folded again.
 */
export function itemWords(fullTitle: string, summary: string, folded?: FoldedItem): ItemWords {
  const title = withoutOutlet(fullTitle);
  // Tokens of the title without its outlet: the folded title is only reusable when nothing was cut.
  const titleTokens = folded && title === fullTitle ? tokensOf(folded.title) : tokenizeField(title);
  const content = (tokens: readonly Token[], cap: number) => {
    const words: string[] = [];
    for (const token of tokens) {
      if (words.length >= cap) break;
      // One-letter leftovers ("s", "l") and stopwords would make unrelated headlines look alike.
      if (token.word.length < 2 || STOPWORDS.has(token.word) || STOPWORDS.has(token.raw)) continue;
      words.push(token.word);
    }
    return words;
  };
  const titleWords = [...new Set(content(titleTokens, 64))];
  const all = [...new Set([...titleWords, ...content(folded ? tokensOf(folded.summary) : tokenizeField(summary), SUMMARY_WORDS)])];
  return { title: titleWords, all, names: titleNames(title, new Set(titleWords)) };
}

// " - Reuters", " | Al Jazeera" at the end of a headline. Neither regex has the g or y flag, so exec and
// split start from the beginning whatever an earlier call left in lastIndex.
const OUTLET_RE = /\s[-–—|]\s+([^-–—|]+)$/u;
const SPACES_RE = /\s+/;

/** The headline without a trailing outlet name ("… - Reuters", "… | Al Jazeera"), which differs between copies. */
function withoutOutlet(title: string): string {
  const m = OUTLET_RE.exec(title);
  return m && m[1]!.trim().split(SPACES_RE).length <= 4 && m.index > 0 ? title.slice(0, m.index) : title;
}

/**
 * Folded names in a headline: capitalized words after the first, plus acronyms and words with digits
 * anywhere ("EU", "M23"). In a Title Case headline every word is capitalized, so only acronyms count.
 */
function titleNames(title: string, content: ReadonlySet<string>): string[] {
  const text = htmlToText(title);
  // The same tests in two alphabets: plain classes for ASCII headlines (most), \p{…} for the rest.
  const re = isAsciiText(text) ? ASCII_NAME_RE : UNICODE_NAME_RE;
  const raw = text.match(re.word) ?? [];
  const long = raw.filter((w) => w.length > 3);
  const titleCase = long.length >= 3 && long.filter((w) => re.capital.test(w)).length / long.length >= 0.7;
  const names = new Set<string>();
  raw.forEach((w, i) => {
    const acronym = re.acronym.test(w) || (re.digit.test(w) && re.letter.test(w));
    const capital = !titleCase && i > 0 && re.capital.test(w);
    if (!acronym && !capital) return;
    const folded = foldPlural(foldText(w));
    if (content.has(folded)) names.add(folded);
  });
  return [...names];
}

const UNICODE_NAME_RE = { word: /[\p{L}\p{N}]+/gu, capital: /^\p{Lu}/u, acronym: /^[\p{Lu}\p{N}]{2,}$/u, digit: /\p{N}/u, letter: /\p{L}/u };
const ASCII_NAME_RE = { word: /[A-Za-z0-9]+/g, capital: /^[A-Z]/, acronym: /^[A-Z0-9]{2,}$/, digit: /[0-9]/, letter: /[A-Za-z]/ };

/** FNV-1a over the UTF-16 code units, then a final avalanche; 32-bit unsigned. */
function hashWord(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    h ^= word.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix(h);
}

/** murmur3's finalizer: spreads every input bit over the output. */
function mix(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// Fixed seeds: signatures are stored, so they must be the same in every process and every version.
const SEEDS = Array.from({ length: 256 }, (_, i) => mix(0x9e3779b9 * (i + 1)));

/** MinHash signature of a word set: `length` minima, one per seeded hash function. Empty set → null. */
export function minhash(words: readonly string[], length: number): Uint32Array | null {
  if (words.length === 0) return null;
  if (length > SEEDS.length) throw new Error(`minhash: at most ${SEEDS.length} hash functions`);
  const signature = new Uint32Array(length).fill(0xffffffff);
  for (const word of words) {
    const base = hashWord(word);
    for (let i = 0; i < length; i++) {
      const h = mix(base ^ SEEDS[i]!);
      if (h < signature[i]!) signature[i] = h;
    }
  }
  return signature;
}

/** One key per band (signed 32-bit, as SQLite stores it compactly): items sharing a key are candidates. */
export function bandKeys(signature: Uint32Array, plan: BandingPlan): number[] {
  const keys: number[] = [];
  for (let band = 0; band < plan.bands; band++) {
    let h = 0x811c9dc5 ^ band;
    for (let row = 0; row < plan.rows; row++) {
      h = Math.imul(h ^ signature[band * plan.rows + row]!, 0x01000193);
    }
    keys.push(mix(h) | 0);
  }
  return keys;
}

/** Probability that two sets of Jaccard similarity `s` share at least one band under `plan`. */
export function candidateProbability(s: number, plan: BandingPlan): number {
  return 1 - (1 - s ** plan.rows) ** plan.bands;
}
