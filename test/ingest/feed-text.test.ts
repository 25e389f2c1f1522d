import { describe, expect, it } from 'vitest';
import { collapseWhitespace, compactText, htmlToText } from '../../src/ingest/feed-text.js';

describe('collapseWhitespace', () => {
  it('collapses every kind of whitespace run into one space and trims', () => {
    const cases: [string, string][] = [
      ['already clean text', 'already clean text'],
      ['two  spaces', 'two spaces'],
      [' leading', 'leading'],
      ['trailing ', 'trailing'],
      ['tab\tand\nnewline', 'tab and newline'],
      ['no\u00A0break', 'no break'],
      ['zero\u200Bwidth\uFEFF', 'zerowidth'],
      ['\u2003em space', 'em space'],
      ['', ''],
      ['   ', ''],
      // Control characters (BEL, ESC, backspace, DEL) would ring or recolour a terminal: dropped.
      ['M23 bell\u0007 esc\u001b[31mred\u001b[0m Goma', 'M23 bell esc[31mred[0m Goma'],
      ['ab\bcd\u007f', 'abcd'],
      // C1 characters are Windows-1252 punctuation read as Latin-1; its five unused ones are dropped.
      ['don\u0092t \u0093quoted\u0094 \u0080 5 \u0085', 'don’t “quoted” € 5 …'],
      ['a\u0081b', 'ab'],
    ];
    for (const [input, expected] of cases) expect(collapseWhitespace(input), JSON.stringify(input)).toBe(expected);
  });

  it('leaves text as it is only when rewriting it would change nothing, for every character', () => {
    // Two trailing spaces always take the rewrite, and the rewrite trims them: text returned unchanged by the
    // quick check must come out of the rewrite the same.
    const missed: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const c = String.fromCharCode(code);
      for (const text of [`a${c}b`, `${c}b`, `a${c}`, `a ${c}b`]) {
        if (collapseWhitespace(text) !== collapseWhitespace(`${text}  `)) missed.push(`U+${code.toString(16).padStart(4, '0')} in ${JSON.stringify(text)}`);
      }
    }
    expect(missed).toEqual([]);
  });
});

describe('htmlToText', () => {
  it('reads each fragment afresh after one left an element open (one parser serves every call)', () => {
    expect(htmlToText('<p>Goma <script>track(')).toBe('Goma');
    expect(htmlToText('<b>M23</b> &amp; <i>AFC</i>')).toBe('M23 & AFC');
    expect(htmlToText('<style>p { color: red }')).toBe('');
    expect(htmlToText('talks in <em>Doha</em>')).toBe('talks in Doha');
  });

  it('removes tags but keeps a < that opens none, as the outlet wrote it', () => {
    const cases: [string, string][] = [
      ['M23 toll <100 dead, "x<y" & Co; <a href="javascript:alert(1)">M23 Goma</a>', 'M23 toll <100 dead, "x<y" & Co; M23 Goma'],
      ['<p>Hello <b>world</b></p><br/>again', 'Hello world again'],
      ['I <3 Goma', 'I <3 Goma'],
      ['Word <o:p></o:p>doc', 'Word doc'],
      ['<SCRIPT>x</SCRIPT>kept <!-- note -->', 'kept'],
      ['x < y', 'x < y'],
    ];
    for (const [input, expected] of cases) expect(htmlToText(input), JSON.stringify(input)).toBe(expected);
  });
});

describe('compactText', () => {
  // Cut from a string holding a character beyond Latin-1, as item text is cut from such a document.
  const cutFromTwoByteDocument = (text: string) => `\u20AC${text}`.slice(1);

  it('keeps every Latin-1 character of text cut from a two-byte document', () => {
    const latin1 = Array.from({ length: 256 }, (_, code) => String.fromCharCode(code)).join('');
    expect(compactText(cutFromTwoByteDocument(latin1))).toBe(latin1);
    expect(compactText(cutFromTwoByteDocument('Les rebelles du M23 à Goma, « cessez-le-feu » rompu'))).toBe(
      'Les rebelles du M23 à Goma, « cessez-le-feu » rompu',
    );
  });

  it('returns text holding a character beyond Latin-1 as it is', () => {
    for (const text of ['Goma’s airport', 'Cessez\u2010le\u2010feu', 'œuvre', 'M23 \u{1F4F0}', 'Киншаса', '\uD800 lone surrogate']) {
      expect(compactText(text)).toBe(text);
    }
  });
});
