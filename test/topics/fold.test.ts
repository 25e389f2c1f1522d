import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { foldText, htmlToText, termWords, tokenizeField } from '../../src/topics/fold.js';
import { foldPlural, tokensOf, wordSpans } from '../../src/topics/words.js';

const tokenize = (folded: string) => tokensOf(wordSpans(folded));

const words = (text: string) => tokenizeField(text).map((t) => t.word);

describe('foldText', () => {
  it('removes accents and lower-cases', () => {
    expect(foldText('Négociations à Doha, TRÊVE')).toBe('negociations a doha, treve');
  });

  it('folds every dash and hyphen to one form', () => {
    expect(foldText('cessez\u2010le\u2011feu cessez\u2013le\u2014feu cessez-le-feu M\u221223')).toBe(
      'cessez-le-feu cessez-le-feu cessez-le-feu m-23',
    );
  });

  it('folds curly quotes and backticks to an apostrophe', () => {
    expect(foldText('l’AFC l‘AFC l`AFC')).toBe("l'afc l'afc l'afc");
  });

  it('expands ligatures that NFKD keeps', () => {
    expect(foldText('Œuvre cœur Straße')).toBe('oeuvre coeur strasse');
  });

  it('folds character by character exactly as the whole text would fold (the definition, over the cases and tricky text)', () => {
    // foldText's definition, applied to the whole string at once.
    const whole = (s: string) =>
      s
        .normalize('NFKD')
        .replace(/\p{M}/gu, '')
        .toLowerCase()
        .replace(/[œæøłđßıðþ]/g, (c) => ({ œ: 'oe', æ: 'ae', ø: 'o', ł: 'l', đ: 'd', ß: 'ss', ı: 'i', ð: 'd', þ: 'th' })[c] ?? c)
        .replace(/[\p{Pd}\u2212\u00AD]/gu, '-')
        .replace(/[\u2018\u2019\u201B\u2032\u0060\u00B4\u02BC\u02B9\uFF07]/g, "'");
    const casesDir = join(import.meta.dirname, 'cases');
    const texts = readdirSync(casesDir)
      .flatMap((name) => readFileSync(join(casesDir, name), 'utf8').split('\n').filter(Boolean))
      .flatMap((line) => {
        const item = JSON.parse(line) as { title?: string; summary?: string };
        return [item.title ?? '', item.summary ?? ''];
      });
    const tricky = [
      'ΟΔΥΣΣΕΥΣ ΣΑΣ', // capital sigmas: final form at a word's end
      'aϹ AϹ b αϹ ϹϹ 𝚺𝚺 a𝛴', // letters that decompose to a capital sigma (lunate, mathematical)
      'e\u0301te\u0301 Ç\u0327a', // combining marks after ASCII and after a precomposed letter
      'İstanbul ǅemal ﬃ ﬆ', // letters whose lower case or decomposition is several characters
      '𝐌𝟐𝟑 rebels 🇨🇩 \uD83D', // astral letters and digits, an emoji flag, a lone surrogate
      '한국어 日本語 Ωmega ΆΈ `quote´',
    ];
    const all = [...texts, ...tricky];
    expect(all.filter((s) => /[^ -~\s]/.test(s)).length).toBeGreaterThan(100);
    for (const s of all) expect(foldText(s)).toBe(whole(s));
  });

  it('turns compatibility characters into plain ones', () => {
    expect(foldText('ＡＦＣ ﬁghters')).toBe('afc fighters');
  });
});

describe('htmlToText', () => {
  it('strips tags and decodes entities', () => {
    expect(htmlToText('<p>Power &amp; signal</p><a href="x">Read&#39;s more</a>')).toBe("Power & signal Read's more");
  });

  it('strips markup that was escaped twice', () => {
    expect(htmlToText('&lt;p&gt;Goma&lt;/p&gt;')).toBe('Goma');
  });
});

describe('words of folded text', () => {
  it('splits on dashes, so the three spellings of cessez-le-feu give the same words', () => {
    expect(words('Cessez-le-feu')).toEqual(['cessez', 'le', 'feu']);
    expect(words('cessez le feu')).toEqual(['cessez', 'le', 'feu']);
    expect(words('CESSEZ\u2010LE\u2010FEU')).toEqual(['cessez', 'le', 'feu']);
  });

  it('drops French elided articles so l’AFC and d’Doha give the bare name', () => {
    expect(words("l'AFC d’Doha qu’elle")).toEqual(['afc', 'doha', 'elle']);
  });

  it("drops the English possessive 's", () => {
    expect(words("Rwanda's support")).toEqual(['rwanda', 'support']);
  });

  it('keeps digits inside words, so M23 and M234 stay different words', () => {
    expect(words('M23 M234 AFC/M23')).toEqual(['m23', 'm234', 'afc', 'm23']);
  });

  it('splits plain ASCII text and accented text the same way', () => {
    // ASCII text takes a faster path than text with other letters; both must give the same words.
    const ascii = "L'AFC/M23 d'accord: the rebels' 3-day truce, Rwanda's role";
    expect(words(`${ascii} é`)).toEqual([...words(ascii), 'e']);
    expect(words(ascii)).toEqual(['afc', 'm23', 'accord', 'the', 'rebel', '3', 'day', 'truce', 'rwanda', 'role']);
  });

  it('finds the same words as /[\\p{L}\\p{N}]+/u in any script, astral letters and lone surrogates included', () => {
    const reference = (text: string) => [...text.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => m[0]);
    const pool = ['a', 'Z', '9', ' ', '-', '.', 'é', 'ß', '中', 'ك', '٣', '\u0301', '𝐀', '😀', '\ud835', '\udc00', '«', '’', '\u00a0'];
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let n = 0; n < 300; n++) {
      const text = Array.from({ length: 1 + (next() % 24) }, () => pool[next() % pool.length]).join('');
      expect(tokenize(text).map((t) => t.raw), JSON.stringify(text)).toEqual(reference(text));
    }
  });

  it('keeps the unfolded form for prefix matching', () => {
    expect(tokenize('negociations')).toEqual([{ word: 'negociation', raw: 'negociations' }]);
  });
});

describe('foldPlural', () => {
  it('maps English and French plurals to the singular', () => {
    expect(foldPlural('rebels')).toBe('rebel');
    expect(foldPlural('talks')).toBe('talk');
    expect(foldPlural('negociations')).toBe('negociation');
    expect(foldPlural('hostilities')).toBe('hostility');
  });

  it('leaves short words and -ss / -us endings alone', () => {
    expect(foldPlural('bus')).toBe('bus');
    expect(foldPlural('les')).toBe('les');
    expect(foldPlural('press')).toBe('press');
    expect(foldPlural('status')).toBe('status');
  });
});

describe('termWords', () => {
  it('reads a trailing star as a prefix and a lone star as any word', () => {
    expect(termWords('halt* * hostilit*')).toEqual([
      { word: 'halt', prefix: true },
      { word: '', prefix: true },
      { word: 'hostilit', prefix: true },
    ]);
  });

  it('folds terms the way text is folded', () => {
    expect(termWords('Cessez-le-feu')).toEqual(termWords('cessez le feu'));
    expect(termWords("l'AFC")).toEqual([{ word: 'afc', prefix: false }]);
    expect(termWords('Négociations')).toEqual([{ word: 'negociation', prefix: false }]);
  });
});
