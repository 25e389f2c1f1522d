import { describe, expect, it } from 'vitest';
import { toFtsQuery } from '../../src/store/fts-query.js';

describe('toFtsQuery', () => {
  it('quotes each word so FTS operators are searched as plain words', () => {
    expect(toFtsQuery('M23 AND Doha')).toBe('"M23" AND "AND" AND "Doha"');
    expect(toFtsQuery('NEAR(goma, sake)')).toBe('"NEAR" AND "goma" AND "sake"');
    expect(toFtsQuery('title:goma ^sake')).toBe('"title" AND "goma" AND "sake"');
  });

  it('makes a quoted phrase, and a hyphenated, elided or dotted word, one FTS5 phrase', () => {
    expect(toFtsQuery('"prise de Goma" M23')).toBe('"prise de Goma" AND "M23"');
    expect(toFtsQuery('"unclosed phrase')).toBe('"unclosed phrase"');
    // As phone keyboards and French typography write them.
    expect(toFtsQuery('“prise de Goma” -„west bank“ « accord de Doha »')).toBe('("prise de Goma" AND "accord de Doha") NOT ("west bank")');
    expect(toFtsQuery("cease-fire l'armée U.N.")).toBe('"cease fire" AND "l armée" AND "U N"');
    expect(toFtsQuery('"no* prefix in quotes"')).toBe('"no prefix in quotes"');
  });

  it('excludes terms after a minus, but never searches for exclusions alone', () => {
    expect(toFtsQuery('ceasefire -gaza -"west bank"')).toBe('("ceasefire") NOT ("gaza" OR "west bank")');
    expect(toFtsQuery('-gaza -"west bank"')).toBeNull();
  });

  it('joins the terms on both sides of an upper-case OR; a stray OR is ignored', () => {
    expect(toFtsQuery('m23 OR doha ceasefire')).toBe('("m23" OR "doha") AND "ceasefire"');
    expect(toFtsQuery('OR goma OR OR bukavu OR')).toBe('("goma" OR "bukavu")');
    expect(toFtsQuery('goma or bukavu')).toBe('"goma" AND "or" AND "bukavu"');
    expect(toFtsQuery('goma OR -bukavu sake')).toBe('("goma" AND "sake") NOT ("bukavu")');
  });

  it('keeps a trailing star as a prefix search and drops a lone one', () => {
    expect(toFtsQuery('négo*')).toBe('"négo"*');
    expect(toFtsQuery('cease-fi*')).toBe('"cease fi"*');
    expect(toFtsQuery('* "')).toBeNull();
  });

  it('gives null when nothing searchable is left', () => {
    expect(toFtsQuery('  -- ()"^: ')).toBeNull();
  });

  it('bounds the number of terms', () => {
    const query = toFtsQuery(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '));
    expect(query?.split(' AND ')).toHaveLength(16);
  });
});
