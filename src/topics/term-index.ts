/**
 * Every term of every topic in one word trie, so a text is scanned once whatever the number of topics:
 * the cost of a scan grows with the text, and with the length of the longest phrase, not with the term count.
 */
import type { Token } from './fold.js';

/** One word of a compiled term: exact (plural-folded) or a prefix; an empty prefix is any word. */
export type TermWord = { word: string; prefix: boolean };

/** Scans tokens for all terms at once. */
export type TermIndex = {
  /** Calls `onHit(termId, start)` for every term occurrence, `start` being the index of its first word. */
  scan(tokens: readonly Token[], onHit: (termId: number, start: number) => void): void;
};

// Words of the trie are numbered: exact words and prefixes each get an id when the index is built, and a
// token is looked up once per scan (its exact word id, the ids of the prefixes it starts with), so walking
// the trie compares numbers instead of cutting and hashing strings at every step.
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
const NO_PREFIXES: readonly number[] = [];

/** Builds the index; term i of `terms` reports as termId i. */
export function buildTermIndex(terms: readonly (readonly TermWord[])[]): TermIndex {
  const wordIds = new Map<string, number>();
  const letters = newLetterNode();
  let prefixCount = 0;

  const wordId = (word: string) => {
    let id = wordIds.get(word);
    if (id === undefined) wordIds.set(word, (id = wordIds.size));
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
  terms.forEach((words, termId) => {
    let node = root;
    for (const { word, prefix } of words) {
      if (prefix && word === '') node = node.any ??= newNode();
      else node = child((prefix ? (node.prefix ??= new Map()) : (node.exact ??= new Map())), prefix ? prefixId(word) : wordId(word));
    }
    if (node !== root) node.ends.push(termId);
  });

  /** Ids of the prefix words `raw` starts with, shortest first. */
  const prefixesOf = (raw: string): readonly number[] => {
    let found: number[] | null = null;
    let node: LetterNode | undefined = letters;
    for (let i = 0; i < raw.length; i++) {
      node = letterChild(node, raw.charCodeAt(i));
      if (!node) break;
      if (node.prefixId >= 0) (found ??= []).push(node.prefixId);
    }
    return found ?? NO_PREFIXES;
  };

  return {
    scan(tokens, onHit) {
      const count = tokens.length;
      const exactIds = new Int32Array(count);
      const prefixIds: (readonly number[])[] = new Array<readonly number[]>(count);
      for (let i = 0; i < count; i++) {
        const token = tokens[i]!;
        exactIds[i] = wordIds.get(token.word) ?? -1;
        prefixIds[i] = prefixCount === 0 ? NO_PREFIXES : prefixesOf(token.raw);
      }
      const walk = (node: Node, at: number, start: number) => {
        for (const termId of node.ends) onHit(termId, start);
        if (at >= count) return;
        if (node.exact) {
          const next = node.exact.get(exactIds[at]!);
          if (next) walk(next, at + 1, start);
        }
        if (node.prefix) {
          for (const id of prefixIds[at]!) {
            const next = node.prefix.get(id);
            if (next) walk(next, at + 1, start);
          }
        }
        if (node.any) walk(node.any, at + 1, start);
      };
      for (let start = 0; start < count; start++) walk(root, start, start);
    },
  };
}

function child(children: Map<number, Node>, id: number): Node {
  let next = children.get(id);
  if (!next) children.set(id, (next = newNode()));
  return next;
}
