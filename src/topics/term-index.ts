/**
 * Every term of every topic in one word trie, so a text is scanned once whatever the number of topics:
 * the cost of a scan grows with the text, and with the length of the longest phrase, not with the term count.
 */
import { spanIsWord, wordHash, type WordSpans } from './words.js';

/** One word of a compiled term: exact (plural-folded) or a prefix; an empty prefix is any word. */
export type TermWord = { word: string; prefix: boolean };

/** Scans the words of a text for all terms at once. */
export type TermIndex = {
  /** Calls `onHit(termId, start)` for every term occurrence in `words`, `start` being the index of its first word. */
  scan(words: WordSpans, onHit: (termId: number, start: number) => void): void;
};

// Words of the trie are numbered: exact words and prefixes each get an id when the index is built, and a
// text word is looked up once per scan (its exact word id by its hash, the ids of the prefixes it starts
// with), so walking the trie compares numbers, and no string is cut out of the text.
type Node = {
  exact: Map<number, Node> | null;
  prefix: Map<number, Node> | null;
  any: Node | null;
  ends: number[];
};

/**
 * A letter trie of the prefix words: a token's matching prefixes are found in one pass over its letters.
 * Children are an array indexed by UTF-16 unit for ASCII (the common case) and a Map beyond.
 */
type LetterNode = { ascii: (LetterNode | undefined)[]; other: Map<number, LetterNode> | null; prefixId: number };
const newLetterNode = (): LetterNode => ({ ascii: [], other: null, prefixId: -1 });
const letterChild = (node: LetterNode, code: number): LetterNode | undefined =>
  code < 128 ? node.ascii[code] : (node.other?.get(code) ?? undefined);

const newNode = (): Node => ({ exact: null, prefix: null, any: null, ends: [] });

/** Builds the index; term i of `terms` reports as termId i. */
export function buildTermIndex(terms: readonly (readonly TermWord[])[]): TermIndex {
  const words: string[] = [];
  const wordIds = new Map<string, number>();
  // Exact words by hash; words sharing a hash are chained through sameHash (-1 ends a chain).
  const firstByHash = new Map<number, number>();
  const sameHash: number[] = [];
  const letters = newLetterNode();
  let prefixCount = 0;

  const wordId = (word: string) => {
    let id = wordIds.get(word);
    if (id === undefined) {
      id = words.length;
      wordIds.set(word, id);
      words.push(word);
      const hash = wordHash(word);
      sameHash.push(firstByHash.get(hash) ?? -1);
      firstByHash.set(hash, id);
    }
    return id;
  };
  const prefixId = (word: string) => {
    let node = letters;
    for (let i = 0; i < word.length; i++) {
      const code = word.charCodeAt(i);
      let next = letterChild(node, code);
      if (!next) {
        next = newLetterNode();
        if (code < 128) node.ascii[code] = next;
        else (node.other ??= new Map()).set(code, next);
      }
      node = next;
    }
    if (node.prefixId < 0) node.prefixId = prefixCount++;
    return node.prefixId;
  };

  const root = newNode();
  terms.forEach((termWords, termId) => {
    let node = root;
    for (const { word, prefix } of termWords) {
      if (prefix && word === '') node = node.any ??= newNode();
      else node = child((prefix ? (node.prefix ??= new Map()) : (node.exact ??= new Map())), prefix ? prefixId(word) : wordId(word));
    }
    if (node !== root) node.ends.push(termId);
  });

  // Which exact words start a term: a text word that starts none, and no prefix of which does, starts no
  // walk (most words of most texts), so the scan does not call into the trie for it; a term that opens with
  // any word (`* rebels`) makes every word a start.
  const startsTerm = new Uint8Array(words.length);
  if (root.exact) for (const id of root.exact.keys()) startsTerm[id] = 1;
  const walkEveryWord = root.any !== null;

  // Exact words by hash in an open-addressing table of typed arrays: most text words are in no term, and
  // a Map keyed by 32-bit hashes (half of them beyond V8's small integers) cost more than the rest of the scan.
  const slots = hashSlots(words.length);
  const slotHash = new Int32Array(slots);
  const slotWord = new Int32Array(slots).fill(-1);
  const mask = slots - 1;
  for (const [hash, first] of firstByHash) {
    let slot = hash & mask;
    while (slotWord[slot]! >= 0) slot = (slot + 1) & mask;
    slotHash[slot] = hash;
    slotWord[slot] = first;
  }

  /** The exact word id of text word k, or -1. */
  const exactIdOf = (spans: WordSpans, k: number): number => {
    const hash = spans.hash[k]!;
    let slot = hash & mask;
    let first = slotWord[slot]!;
    while (first >= 0 && slotHash[slot] !== hash) {
      slot = (slot + 1) & mask;
      first = slotWord[slot]!;
    }
    for (let id = first; id >= 0; id = sameHash[id]!) {
      if (spanIsWord(spans, k, words[id]!)) return id;
    }
    return -1;
  };

  // Scratch of one scan, reused (a scan runs to its end before the next starts): the exact word id of each
  // text word, and the prefix ids each word starts with (word k's are prefixList[prefixFrom[k] … prefixFrom[k + 1]]).
  const scratch: ScanScratch = { count: 0, exactIds: new Int32Array(64), prefixFrom: new Int32Array(65), prefixList: [], onHit: noHit };

  return {
    scan(spans, onHit) {
      const count = spans.count;
      if (scratch.exactIds.length < count) {
        scratch.exactIds = new Int32Array(count * 2);
        scratch.prefixFrom = new Int32Array(count * 2 + 1);
      }
      const { exactIds, prefixFrom, prefixList } = scratch;
      prefixList.length = 0;
      const text = spans.text;
      for (let k = 0; k < count; k++) {
        exactIds[k] = exactIdOf(spans, k);
        prefixFrom[k] = prefixList.length;
        if (prefixCount === 0) continue;
        // The prefixes the raw word starts with, shortest first: one walk down the letter trie.
        let node: LetterNode | undefined = letters;
        for (let i = spans.start[k]!, end = spans.end[k]!; i < end; i++) {
          node = letterChild(node, text.charCodeAt(i));
          if (!node) break;
          if (node.prefixId >= 0) prefixList.push(node.prefixId);
        }
      }
      prefixFrom[count] = prefixList.length;
      scratch.count = count;
      scratch.onHit = onHit;
      try {
        for (let start = 0; start < count; start++) {
          const exactId = exactIds[start]!;
          // A word's prefix ids are those of prefixes some term starts with, or continues with: walk to find out.
          if (walkEveryWord || (exactId >= 0 && startsTerm[exactId] === 1) || prefixFrom[start + 1]! > prefixFrom[start]!) {
            walk(scratch, root, start, start);
          }
        }
      } finally {
        scratch.onHit = noHit;
      }
    },
  };
}

/**
 * One scan's words as `walk` reads them. `walk` is one function for the life of the process, not a closure
 * per scan: V8 keeps the optimized code of a closure only while some closure of it is alive, so a closure
 * made per scan was compiled again after every full collection (bench/NOTES.md).
 */
type ScanScratch = {
  count: number;
  exactIds: Int32Array;
  prefixFrom: Int32Array;
  prefixList: number[];
  onHit: (termId: number, start: number) => void;
};
const noHit = (): void => {};

/** Reports every term whose words run from text word `start` through the trie from `node`, at text word `at`. */
function walk(scan: ScanScratch, node: Node, at: number, start: number): void {
  for (const termId of node.ends) scan.onHit(termId, start);
  if (at >= scan.count) return;
  const exactId = scan.exactIds[at]!;
  if (node.exact && exactId >= 0) {
    const next = node.exact.get(exactId);
    if (next) walk(scan, next, at + 1, start);
  }
  if (node.prefix) {
    for (let p = scan.prefixFrom[at]!, end = scan.prefixFrom[at + 1]!; p < end; p++) {
      const next = node.prefix.get(scan.prefixList[p]!);
      if (next) walk(scan, next, at + 1, start);
    }
  }
  if (node.any) walk(scan, node.any, at + 1, start);
}

/** A power of two at least twice `count`: the table stays at most half full, so probes stay short. */
function hashSlots(count: number): number {
  let slots = 8;
  while (slots < count * 2) slots *= 2;
  return slots;
}

function child(children: Map<number, Node>, id: number): Node {
  let next = children.get(id);
  if (!next) children.set(id, (next = newNode()));
  return next;
}
