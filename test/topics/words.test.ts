import { describe, expect, it } from 'vitest';
import { foldField, termWords } from '../../src/topics/fold.js';
import { buildTermIndex } from '../../src/topics/term-index.js';
import { foldPlural, isDroppedWord, readWordSpans, reusedWordSpans, spanIsWord, tokensOf, wordHash, wordSpans } from '../../src/topics/words.js';

describe('wordSpans', () => {
  it('hashes each word in its plural-folded form, as wordHash does the string', () => {
    const spans = foldField('Rebels, casualties, ties, class, virus, bus, Goma’s mines, l’AFC, 𠀀𠀁 rockets');
    const tokens = tokensOf(spans);
    expect(tokens.map((t) => t.word)).toEqual(['rebel', 'casualty', 'tie', 'class', 'virus', 'bus', 'goma', 'mine', 'afc', '𠀀𠀁', 'rocket']);
    tokens.forEach((token, k) => {
      expect(token.word).toBe(foldPlural(token.raw));
      expect(spans.hash[k], token.raw).toBe(wordHash(token.word));
      expect(spanIsWord(spans, k, token.word)).toBe(true);
    });
  });

  it('drops exactly the words isDroppedWord names, wherever apostrophes and one-letter words fall', () => {
    const reference = (text: string) =>
      [...text.matchAll(/[\p{L}\p{N}]+/gu)].filter((m) => !isDroppedWord(text, m.index, m.index + m[0].length)).map((m) => m[0]);
    const pool = ['l', 's', 'qu', 'd', 'x', 'm23', "'", "'", ' ', 'é', '𝐀', '-'];
    let seed = 11;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let n = 0; n < 400; n++) {
      const text = Array.from({ length: 1 + (next() % 12) }, () => pool[next() % pool.length]).join('');
      expect(tokensOf(wordSpans(text)).map((t) => t.raw), JSON.stringify(text)).toEqual(reference(text));
    }
  });

  it('reads one text after another into the same spans as wordSpans reads each', () => {
    const reused = reusedWordSpans();
    const index = buildTermIndex(['rebel', 'goma', 'cessez le feu'].map(termWords));
    const hitsOf = (spans: ReturnType<typeof wordSpans>) => {
      const found: number[][] = [];
      index.scan(spans, (id, start) => found.push([id, start]));
      return found;
    };
    // Longer, then shorter: the second text's spans leave the first text's later words in the arrays, past count.
    for (const text of ['rebels near goma and cessez le feu in goma today', 'goma rebels', '', 'cessez le', 'feu']) {
      const fresh = wordSpans(text);
      const spans = readWordSpans(text, reused);
      expect(spans.count).toBe(fresh.count);
      expect(tokensOf(spans)).toEqual(tokensOf(fresh));
      expect(spans.hash.slice(0, spans.count)).toEqual(fresh.hash);
      expect(hitsOf(spans), text).toEqual(hitsOf(fresh));
    }
  });

  it('tells apart words whose hashes collide', () => {
    // "Aa" and "BB" have the same hash (65 × 31 + 97 = 66 × 31 + 66).
    expect(wordHash('Aa')).toBe(wordHash('BB'));
    const spans = wordSpans('Aa BB');
    expect(spanIsWord(spans, 0, 'BB')).toBe(false);
    expect(spanIsWord(spans, 1, 'BB')).toBe(true);
    const index = buildTermIndex([[{ word: 'BB', prefix: false }]]);
    const starts: number[] = [];
    index.scan(spans, (_, start) => starts.push(start));
    expect(starts).toEqual([1]);
  });

  it('compares a plural "ies" word with its "y" form only', () => {
    const spans = foldField('casualties');
    expect(spanIsWord(spans, 0, 'casualty')).toBe(true);
    expect(spanIsWord(spans, 0, 'casualtx')).toBe(false);
    expect(spanIsWord(spans, 0, 'casualties')).toBe(false);
  });

  it('scans the same hits whether the text is read once or word by word', () => {
    const terms = ['rebel*', 'casualty', 'M23', 'halt* * hostilit*', 'cessez le feu'];
    const index = buildTermIndex(terms.map(termWords));
    const text = 'M23 rebels: casualties rise, a halt to hostilities, cessez-le-feu';
    const whole: [number, number][] = [];
    index.scan(foldField(text), (id, start) => whole.push([id, start]));
    expect(whole.map(([id]) => terms[id])).toEqual(['M23', 'rebel*', 'casualty', 'halt* * hostilit*', 'cessez le feu']);
    // Each word on its own finds exactly the one-word terms of the whole text, at word 0.
    const single = foldField(text);
    const oneWord = tokensOf(single).flatMap((token) => {
      const found: number[] = [];
      index.scan(foldField(token.raw), (id) => found.push(id));
      return found;
    });
    expect(oneWord.map((id) => terms[id])).toEqual(['M23', 'rebel*', 'casualty']);
  });
});
