/**
 * Turns the term lists of topics.yaml into numbered terms for one TermIndex: `@name` lists from `vocab`
 * are expanded, and the same term written twice (or in two lists) gets one id, so a text is scanned
 * once for it. Shared by the topic matcher and the signal detector.
 */
import { termWords } from './fold.js';
import type { TermWord } from './term-index.js';

/** Numbered terms: `patterns[id]` for buildTermIndex, `texts[id]` as first written (for evidence). */
export type TermTable = {
  /** The ids of a list's terms (duplicates and empty terms dropped). Throws on an unknown or cyclic `@vocab`. */
  ids(list: readonly string[]): number[];
  readonly patterns: readonly TermWord[][];
  readonly texts: readonly string[];
};

/** Creates an empty table over the file's `vocab` lists; `context` names the caller in errors. */
export function createTermTable(vocab: Readonly<Record<string, readonly string[]>>, context = 'topics'): TermTable {
  const idsByKey = new Map<string, number>();
  const patterns: TermWord[][] = [];
  const texts: string[] = [];

  const termId = (term: string): number | null => {
    const words = termWords(term);
    if (words.length === 0) return null;
    const key = words.map((w) => (w.prefix ? `${w.word}*` : w.word)).join(' ');
    let id = idsByKey.get(key);
    if (id === undefined) {
      id = patterns.length;
      idsByKey.set(key, id);
      texts.push(term);
      patterns.push(words);
    }
    return id;
  };
  const expand = (list: readonly string[], seen: ReadonlySet<string> = new Set()): string[] =>
    list.flatMap((term) => {
      if (!term.startsWith('@')) return [term];
      const name = term.slice(1);
      const terms = vocab[name];
      if (!terms) throw new Error(`${context}: unknown vocab list "${term}"`);
      if (seen.has(name)) throw new Error(`${context}: vocab list "${term}" includes itself`);
      return expand(terms, new Set([...seen, name]));
    });

  return {
    ids: (list) => [...new Set(expand(list).map(termId).filter((id): id is number => id !== null))],
    patterns,
    texts,
  };
}
