import { describe, expect, it } from 'vitest';
import { collapseWhitespace } from '../../src/ingest/feed-text.js';

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
    ];
    for (const [input, expected] of cases) expect(collapseWhitespace(input), JSON.stringify(input)).toBe(expected);
  });
});
