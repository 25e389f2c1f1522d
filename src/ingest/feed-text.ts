/**
 * Small text helpers for normalizing feed fields: flattening the xml2js objects rss-parser sometimes
 * returns instead of strings, HTML → plain text, and bounded snippets.
 */
import { Parser as HtmlParser } from 'htmlparser2';

/** Text of a field that may be a string, a number, an array or an xml2js object (`{_: text, $: attrs}`). */
export function flattenText(value: unknown, depth = 0): string {
  if (value === null || value === undefined || depth > 20) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((v) => flattenText(v, depth + 1)).filter((s) => s !== '').join(' ');
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    // Naked markup (Atom type="xhtml" and the like): xml2js keeps the element's own text in `_` and
    // groups child elements by name, so word order is lost but no word is.
    return Object.entries(record)
      .filter(([key]) => key !== '$')
      .sort(([a], [b]) => (a === '_' ? -1 : b === '_' ? 1 : 0))
      .map(([, v]) => flattenText(v, depth + 1))
      .filter((s) => s !== '')
      .join(' ');
  }
  return '';
}

/** A link-ish field: a string, or an element carrying the URL in `href` / `url` / its text. */
export function flattenLink(value: unknown): string {
  if (Array.isArray(value)) {
    for (const v of value) {
      const link = flattenLink(v);
      if (link) return link;
    }
    return '';
  }
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const attrs = (record.$ ?? {}) as Record<string, unknown>;
    const fromAttr = typeof attrs.href === 'string' ? attrs.href : typeof attrs.url === 'string' ? attrs.url : '';
    return (fromAttr || flattenText(record)).trim();
  }
  return flattenText(value).trim();
}

const DROPPED_ELEMENTS = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'svg', 'head']);
const BLOCK_ELEMENTS = new Set([
  'p', 'br', 'div', 'li', 'ul', 'ol', 'tr', 'td', 'th', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'blockquote', 'pre', 'hr', 'section', 'article', 'figure', 'figcaption', 'table', 'dd', 'dt',
]);

// A `<` opens a tag only as HTML's tokenizer would take it: before `/`, `!`, `?` or a name that ends at a space,
// `/` or `>`. Any other ("x<y\" & Co", "<3", "<100 dead") is the text's own and is kept.
const LITERAL_LT_RE = /<(?![/!?]|[A-Za-z][\w:.-]*(?:[\s/>]|$))/g;

// htmlToText's output so far and how many dropped elements are open. Module state and one parser for every call
// rather than a parser with closures per call: htmlToText is synchronous and never nested, and callbacks made per
// call lost their optimized code at every full collection (bench/NOTES.md).
let textOut = '';
let dropping = 0;
const htmlTextParser = new HtmlParser(
  {
    onopentag(name) {
      if (DROPPED_ELEMENTS.has(name)) dropping += 1;
      else if (BLOCK_ELEMENTS.has(name)) textOut += ' ';
    },
    onclosetag(name) {
      if (DROPPED_ELEMENTS.has(name)) dropping = Math.max(0, dropping - 1);
      else if (BLOCK_ELEMENTS.has(name)) textOut += ' ';
    },
    ontext(text) {
      if (dropping === 0) textOut += text;
    },
  },
  { decodeEntities: true, lowerCaseTags: true },
);

/** Plain text from an HTML fragment: tags removed, script/style contents dropped, entities decoded, whitespace collapsed. */
export function htmlToText(input: string): string {
  if (!/[<&]/.test(input)) return collapseWhitespace(input);
  const html = input.includes('<') ? input.replace(LITERAL_LT_RE, '&lt;') : input;
  textOut = '';
  dropping = 0;
  try {
    // Resets the parser, then reads the whole fragment.
    htmlTextParser.parseComplete(html);
    return collapseWhitespace(textOut);
  } finally {
    textOut = '';
  }
}

// Control characters other than whitespace (BEL, ESC, backspace, DEL): in a title they would ring the
// terminal or recolour it in `sitrep poll`, and they mean nothing in a chat message. Dropped, as other feed
// readers do ("ab\bcd" → "abcd").
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_RE = /[\u0000-\u0008\u000E-\u001F\u007F]/g;
// C1 "controls" (U+0080–U+009F) in feed text are almost always Windows-1252 punctuation read as Latin-1
// ("don\u0092t"): each becomes the character Windows-1252 has there ("don’t"); the five it leaves unused go.
const C1_RE = /[\u0080-\u009F]/g;
const WINDOWS_1252_C1 = '€\u0000‚ƒ„…†‡ˆ‰Š‹Œ\u0000Ž\u0000\u0000‘’“”•–—˜™š›œ\u0000žŸ';
const fromWindows1252 = (c: string): string => {
  const mapped = WINDOWS_1252_C1[c.charCodeAt(0) - 0x80]!;
  return mapped === '\u0000' ? '' : mapped;
};
// A character collapseWhitespace would change: a control or C1 character, a zero-width one, or whitespace other
// than the plain space (JavaScript's \s: tab to carriage return, NBSP, U+1680, U+2000–U+200A, the line and
// paragraph separators, U+202F, U+205F, U+3000 and U+FEFF).
// eslint-disable-next-line no-control-regex -- as CONTROL_RE
const CHANGED_CHARACTER_RE = /[\u0000-\u001F\u007F-\u00A0\u1680\u2000-\u200D\u2028\u2029\u202F\u205F\u3000\uFEFF]/;
const SPACE = 0x20;

/**
 * Collapses runs of whitespace (incl. NBSP and zero-width characters) into single spaces and trims; drops
 * control characters and reads C1 ones as Windows-1252.
 */
export function collapseWhitespace(text: string): string {
  // Most fields are already clean (single plain spaces, nothing at the ends): a few tests instead of the rewrites.
  // One character class and a search for two spaces cost about half of one expression with their alternatives.
  const clean =
    !CHANGED_CHARACTER_RE.test(text) && !text.includes('  ') && text.charCodeAt(0) !== SPACE && text.charCodeAt(text.length - 1) !== SPACE;
  if (clean) return text;
  return text
    .replace(/[\u200B-\u200D\uFEFF]/g, '')
    .replace(CONTROL_RE, '')
    .replace(C1_RE, fromWindows1252)
    .replace(/[\s\u00A0]+/g, ' ')
    .trim();
}

// A character beyond Latin-1 (a plain class without the u flag; for one-byte text V8 answers without reading it).
const BEYOND_LATIN1_RE = /[\u0100-\uFFFF]/;

/**
 * The same text in V8's one-byte form when it holds nothing beyond Latin-1 (the latin1 round trip is then
 * lossless), else the text itself. A document with one character beyond Latin-1 anywhere is two-byte, and so is
 * every string cut from it, however plain; after the word scan has read such text, its optimized code read every
 * text about 2.4x slower (bench/NOTES.md, 2026-11-30). Normalize makes item text one-byte once.
 */
export function compactText(text: string): string {
  return BEYOND_LATIN1_RE.test(text) ? text : Buffer.from(text, 'latin1').toString('latin1');
}

/** Cuts text to at most `max` characters at a word boundary, adding an ellipsis when it cut. */
export function truncateAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const slice = text.slice(0, max - 1);
  const lastSpace = slice.lastIndexOf(' ');
  const cut = lastSpace > max * 0.6 ? slice.slice(0, lastSpace) : slice;
  return `${cut.replace(/[\s,.;:!?\-–—]+$/, '')}…`;
}
