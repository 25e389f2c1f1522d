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

type Node = {
  exact: Map<string, Node> | null;
  prefix: Map<string, Node> | null;
  // Prefix lengths in use, keyed by the prefix's first two letters (or its only one): a word is cut only
  // at lengths some prefix starting like it can use, so many prefix terms do not slow every word down.
  prefixLengths: Map<string, number[]> | null;
  any: Node | null;
  ends: number[];
};

const newNode = (): Node => ({ exact: null, prefix: null, prefixLengths: null, any: null, ends: [] });
const NO_LENGTHS: number[] = [];

/** Builds the index; term i of `terms` reports as termId i. */
export function buildTermIndex(terms: readonly (readonly TermWord[])[]): TermIndex {
  const root = newNode();
  terms.forEach((words, termId) => {
    let node = root;
    for (const { word, prefix } of words) node = child(node, word, prefix);
    if (node !== root) node.ends.push(termId);
  });

  const walk = (node: Node, tokens: readonly Token[], at: number, start: number, onHit: (termId: number, start: number) => void) => {
    for (const termId of node.ends) onHit(termId, start);
    const token = tokens[at];
    if (!token) return;
    const exact = node.exact?.get(token.word);
    if (exact) walk(exact, tokens, at + 1, start, onHit);
    if (node.prefix && node.prefixLengths) {
      const raw = token.raw;
      const one = node.prefixLengths.get(raw.slice(0, 1)) ?? NO_LENGTHS;
      const two = raw.length > 1 ? (node.prefixLengths.get(raw.slice(0, 2)) ?? NO_LENGTHS) : NO_LENGTHS;
      for (const lengths of [one, two]) {
        for (const length of lengths) {
          if (length > raw.length) break;
          const next = node.prefix.get(raw.slice(0, length));
          if (next) walk(next, tokens, at + 1, start, onHit);
        }
      }
    }
    if (node.any) walk(node.any, tokens, at + 1, start, onHit);
  };

  return {
    scan(tokens, onHit) {
      for (let start = 0; start < tokens.length; start++) walk(root, tokens, start, start, onHit);
    },
  };
}

function child(node: Node, word: string, prefix: boolean): Node {
  if (prefix && word === '') return (node.any ??= newNode());
  if (!prefix) {
    node.exact ??= new Map();
    let next = node.exact.get(word);
    if (!next) node.exact.set(word, (next = newNode()));
    return next;
  }
  node.prefix ??= new Map();
  let next = node.prefix.get(word);
  if (!next) {
    node.prefix.set(word, (next = newNode()));
    node.prefixLengths ??= new Map();
    const key = word.slice(0, 2);
    const lengths = node.prefixLengths.get(key) ?? [];
    if (!lengths.includes(word.length)) {
      lengths.push(word.length);
      lengths.sort((a, b) => a - b);
    }
    node.prefixLengths.set(key, lengths);
  }
  return next;
}
