import { describe, expect, it } from 'vitest';
import { toFtsQuery } from '../../src/store/fts-query.js';

describe('toFtsQuery', () => {
  it('quotes each word so FTS operators are searched as plain words', () => {
    expect(toFtsQuery('M23 AND Doha')).toBe('"M23" "AND" "Doha"');
    expect(toFtsQuery('NEAR(goma, sake)')).toBe('"NEAR" "goma" "sake"');
  });

  it('keeps a trailing star as a prefix search and drops a lone one', () => {
    expect(toFtsQuery('négo*')).toBe('"négo"*');
    expect(toFtsQuery('* "')).toBeNull();
  });

  it('gives null when nothing searchable is left', () => {
    expect(toFtsQuery('  -- ()"^: ')).toBeNull();
  });

  it('bounds the number of terms', () => {
    const query = toFtsQuery(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '));
    expect(query?.split(' ')).toHaveLength(16);
  });
});
