import { describe, expect, it } from 'vitest';
import { foldField, termWords } from '../../src/topics/fold.js';
import { buildTermIndex } from '../../src/topics/term-index.js';
import { wordHash } from '../../src/topics/words.js';

function hits(terms: string[], text: string): [string, number][] {
  const index = buildTermIndex(terms.map(termWords));
  const found: [string, number][] = [];
  index.scan(foldField(text), (id, start) => found.push([terms[id]!, start]));
  return found;
}

describe('buildTermIndex', () => {
  it('finds every term, including overlapping phrases, with the index of the first word', () => {
    expect(hits(['M23', 'M23 rebels', 'rebels'], 'the M23 rebels')).toEqual([
      ['M23', 1],
      ['M23 rebels', 1],
      ['rebels', 2],
    ]);
  });

  it('tells apart words that share a hash', () => {
    // 99·31² + 48·31 + 122 = 97·31² + 110·31 + 122: the same hash, different words.
    expect(wordHash('c0z')).toBe(wordHash('anz'));
    expect(hits(['c0z', 'anz'], 'anz')).toEqual([['anz', 0]]);
    expect(hits(['c0z', 'anz'], 'c0z')).toEqual([['c0z', 0]]);
    expect(hits(['anz'], 'c0z')).toEqual([]);
  });

  it('finds each of thousands of one-word terms and no other', () => {
    // Enough words that lookups share slots of the hash table and must step past each other.
    const terms = Array.from({ length: 3000 }, (_, i) => `w${i}x`);
    const index = buildTermIndex(terms.map(termWords));
    const text = [...terms, 'wzzzz', 'x1'].join(' ');
    const found: number[] = [];
    index.scan(foldField(text), (id, start) => {
      expect(start).toBe(id);
      found.push(id);
    });
    expect(found).toEqual(terms.map((_, i) => i));
  });

  it('matches whole words only', () => {
    expect(hits(['M23', 'AFC'], 'M234 AFCON')).toEqual([]);
  });

  it('matches a prefix term against any word that starts with it', () => {
    expect(hits(['negoci*'], 'négociateurs négociation négoce')).toEqual([
      ['negoci*', 0],
      ['negoci*', 1],
    ]);
  });

  it('handles one-letter prefixes next to longer ones', () => {
    expect(hits(['g*', 'go*', 'goma'], 'Goma ok')).toEqual([
      ['goma', 0],
      ['g*', 0],
      ['go*', 0],
    ]);
  });

  it('lets a lone star stand for exactly one word', () => {
    expect(hits(['halt* * hostilit*'], 'a halt to hostilities; halting hostilities')).toEqual([['halt* * hostilit*', 1]]);
  });

  it('finds a term that opens with a lone star at every word, and a phrase only from its first word', () => {
    // "rebels" is a word of the index but starts no term: the scan must still reach it from "m23" and from "*".
    expect(hits(['* rebels', 'm23 rebels'], 'rebels of the rebels, M23 rebels')).toEqual([
      ['* rebels', 2],
      ['m23 rebels', 4],
      ['* rebels', 4],
    ]);
    expect(hits(['m23 rebels'], 'rebels m23')).toEqual([]);
  });

  it('matches plural text against a singular term and the other way round', () => {
    expect(hits(['rebel', 'talks'], 'rebels talk')).toEqual([
      ['rebel', 0],
      ['talks', 1],
    ]);
  });
});
