/**
 * A fast reader for plainly well-formed XML that builds exactly the object xml2js 0.5 builds with
 * rss-parser's options ("0.2" defaults: explicitArray, attributes in `$`, text in `_`, the root wrapped
 * as `{ name: element }`, every object made with Object.create(null)).
 *
 * Why it exists: inside rss-parser, xml2js on sax takes most of a feed's parse time (about 170 of
 * rss-parser's 200 ms over the rss-parser files of feeds-wild), while htmlparser2's Tokenizer, already
 * a dependency, splits the same text in about 25 ms. rss-parser still builds the feed from the object.
 *
 * It is deliberately narrow: it reads only what sax in strict mode reads without complaint and in the
 * same way, and returns null for anything else (a bare or unknown entity, a mismatched or unclosed tag,
 * text outside the root, an unquoted or valueless attribute, a DOCTYPE with an internal subset, ...).
 * The caller then hands the text to xml2js, so every error message, and every repair parse.ts makes
 * after an error, stays xml2js's own.
 */
import { QuoteType, Tokenizer } from 'htmlparser2';

/** What xml2js builds: strings, arrays and null-prototype objects. */
export type XmlValue = string | XmlObject | XmlValue[];
export type XmlObject = { [key: string]: XmlValue };

/** Thrown from the tokenizer's callbacks to stop at the first thing the reader does not vouch for. */
const GIVE_UP = new Error('not plainly well-formed XML');

// A subset of sax's name characters: ASCII only, so no Unicode range can differ.
const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*$/;
// sax's whitespace: the four XML spaces (the tokenizer also takes a form feed, sax does not).
const SAX_SPACES = /^[ \t\r\n]*$/;
const NUMERIC_ENTITY = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/;
const LT = 60;
const SLASH = 47;

/** Reads `text` into the object xml2js would build, or returns null when xml2js must read it instead. */
export function readXml(text: string): XmlObject | null {
  // xml2js answers blank text with no result and strips a byte order mark: leave both to it.
  if (text.trim() === '' || text.charCodeAt(0) === 0xfeff) return null;
  try {
    return read(text);
  } catch {
    // GIVE_UP, or a fault in the reader itself: either way xml2js reads the text instead.
    return null;
  }
}

/** An element being read: what xml2js keeps on its object until the close tag, kept aside instead. */
type Frame = { name: string; text: string; cdata: boolean; attributes: XmlObject | null; node: XmlObject | null };

// The document being read and the reader's state. Module state rather than a closure per document: reading is
// synchronous and never nested, and V8 keeps the optimized code of a closure only while some closure of it is
// alive, so callbacks made per document were compiled again after every full collection (bench/NOTES.md).
let text = '';
// frames[0..depth) are the open elements, reused from one element to the next (and one document to the next).
const frames: Frame[] = [];
const KEPT_FRAMES = 64;
let depth = 0;
let result: XmlObject | null = null;
let sawRoot = false;
let sawDoctype = false;
// Where the last complete construct ended: each one must start right there, so nothing the
// tokenizer skips silently (`</>`, a stray `<`, an unterminated construct at the end) goes unseen.
let consumed = 0;
// The open tag being read: its name, where its last part ended, its attributes so far.
let tagName = '';
let tagAt = 0;
let attributes: XmlObject | null = null;
let attributeName = '';
let attributeNameEnd = 0;
let valueStart = -1;
let valueEnd = -1;

function read(document: string): XmlObject {
  text = document;
  depth = 0;
  result = null;
  sawRoot = sawDoctype = false;
  consumed = tagAt = attributeNameEnd = 0;
  tagName = attributeName = '';
  attributes = null;
  valueStart = valueEnd = -1;
  try {
    const tokenizer = new Tokenizer(
      // Entities are decoded here with sax's rules, not by the tokenizer (whose decoder maps &#x80; to €).
      { xmlMode: true, decodeEntities: false },
      CALLBACKS,
    );
    tokenizer.write(text);
    tokenizer.end();
    // Only whitespace, comments and processing instructions may follow the root, all of them complete.
    if (result === null || depth > 0 || consumed !== text.length) throw GIVE_UP;
    return result;
  } finally {
    // Nothing of this document stays reachable from the module, nor the frames of a freak nesting depth (a
    // broken feed can open 100,000 elements before the reader gives up; feeds nest 37 deep at most).
    text = '';
    result = attributes = null;
    if (frames.length > KEPT_FRAMES) frames.length = KEPT_FRAMES;
    for (const frame of frames) {
      frame.text = '';
      frame.attributes = frame.node = null;
    }
  }
}

function spacesOnly(from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return false;
  }
  return true;
}

function open(): void {
  const frame = frames[depth];
  if (frame === undefined) {
    frames.push({ name: tagName, text: '', cdata: false, attributes, node: null });
  } else {
    frame.name = tagName;
    frame.text = '';
    frame.cdata = false;
    frame.attributes = attributes;
    frame.node = null;
  }
  depth++;
  sawRoot = true;
}

// xml2js's object for an element, made when it first needs one: `_` first and `$` next, as xml2js
// creates them in onopentag (its `#name` and `cdata` keys come and go without moving the others).
function nodeOf(frame: Frame): XmlObject {
  if (frame.node !== null) return frame.node;
  const node = Object.create(null) as XmlObject;
  node._ = '';
  if (frame.attributes !== null) node.$ = frame.attributes;
  return (frame.node = node);
}

// xml2js's onclosetag with explicitArray, emptyTag '' and explicitRoot, for the element on top.
function close(): void {
  const frame = frames[--depth] as Frame;
  let value: XmlValue;
  if (frame.node === null && frame.attributes === null) {
    // No attributes, no children: xml2js gives the text whether it keeps it (`{ _ }` becomes the
    // string) or drops it as whitespace (the empty object becomes the dropped text, emptyTag '').
    value = frame.text;
  } else {
    const node = nodeOf(frame);
    if (frame.cdata || !/^\s*$/.test(frame.text)) node._ = frame.text;
    else delete node._;
    value = node;
  }
  if (depth === 0) {
    result = Object.create(null) as XmlObject;
    result[frame.name] = value;
    return;
  }
  // assignOrPush: the name can be no key xml2js adds itself (`_`, `$`, `#name`, `cdata`), so an
  // existing entry is always this element's list.
  const parent = nodeOf(frames[depth - 1] as Frame);
  const list = parent[frame.name];
  if (list === undefined) parent[frame.name] = [value];
  else (list as XmlValue[]).push(value);
}

const CALLBACKS: ConstructorParameters<typeof Tokenizer>[1] = {
  ontext(start, end) {
    if (start !== consumed) throw GIVE_UP;
    consumed = end;
    const raw = text.slice(start, end);
    if (depth === 0) {
      if (!SAX_SPACES.test(raw)) throw GIVE_UP;
      return;
    }
    if (raw.includes('<')) throw GIVE_UP;
    (frames[depth - 1] as Frame).text += raw.includes('&') ? decodeEntities(raw) : raw;
  },
  oncdata(start, end, endOffset) {
    // `<![CDATA[` is 9 characters; an offset other than 2 means no `]]>` before the end.
    if (endOffset !== 2 || start - 9 !== consumed) throw GIVE_UP;
    consumed = end + 1;
    if (depth === 0) throw GIVE_UP;
    const body = text.slice(start, end - 2);
    // sax reports no empty CDATA section, so xml2js marks no element for one.
    if (body === '') return;
    const frame = frames[depth - 1] as Frame;
    frame.text += body;
    frame.cdata = true;
  },
  oncomment(start, end, endOffset) {
    // Only `-->` ends a comment for sax, and `--` inside one is an error in strict mode.
    if (endOffset !== 2 || start - 4 !== consumed) throw GIVE_UP;
    const body = text.slice(start, end - 2);
    if (body.includes('--') || body.endsWith('-')) throw GIVE_UP;
    consumed = end + 1;
  },
  onprocessinginstruction(start, end) {
    // sax does not end a processing instruction at `??>`, the tokenizer does: refuse any `?` inside.
    if (start - 2 !== consumed || text.slice(start, end).includes('?')) throw GIVE_UP;
    consumed = end + 2;
  },
  ondeclaration(start, end) {
    if (start - 2 !== consumed || sawRoot || sawDoctype) throw GIVE_UP;
    const body = text.slice(start, end);
    if (!/^DOCTYPE[ \t\r\n]/i.test(body) || body.includes('[') || !quotesClosed(body)) throw GIVE_UP;
    sawDoctype = true;
    consumed = end + 1;
  },
  onopentagname(start, end) {
    // A second root element: sax reads on without complaint but xml2js has already answered.
    if (start - 1 !== consumed || (sawRoot && depth === 0)) throw GIVE_UP;
    tagName = text.slice(start, end);
    // Elements named like xml2js's own keys mix with them (`<_>` turns the text into an array).
    if (!NAME.test(tagName) || tagName === '_' || tagName === 'cdata') throw GIVE_UP;
    tagAt = end;
    attributes = null;
  },
  onattribname(start, end) {
    // sax wants whitespace before each attribute (`<a b="1"c="2">` and `<a / b="1">` are errors).
    if (start === tagAt || !spacesOnly(tagAt, start)) throw GIVE_UP;
    attributeName = text.slice(start, end);
    // sax keeps attributes in a plain object: `__proto__` vanishes there, a duplicate is dropped.
    if (!NAME.test(attributeName) || attributeName in Object.prototype) throw GIVE_UP;
    if (attributes !== null && attributeName in attributes) throw GIVE_UP;
    attributeNameEnd = end;
    valueStart = -1;
  },
  onattribdata(start, end) {
    if (valueStart < 0) valueStart = start;
    else if (start !== valueEnd) throw GIVE_UP;
    valueEnd = end;
  },
  onattribend(quote, end) {
    if ((quote !== QuoteType.Double && quote !== QuoteType.Single) || valueStart < 0 || valueEnd !== end - 1) throw GIVE_UP;
    // Between name and value only spaces, one `=`, spaces and the opening quote.
    const equals = text.indexOf('=', attributeNameEnd);
    if (equals < 0 || equals >= valueStart || !spacesOnly(attributeNameEnd, equals) || !spacesOnly(equals + 1, valueStart - 1)) {
      throw GIVE_UP;
    }
    const raw = text.slice(valueStart, valueEnd);
    attributes ??= Object.create(null) as XmlObject;
    attributes[attributeName] = raw.includes('&') ? decodeEntities(raw) : raw;
    tagAt = end;
  },
  onopentagend(end) {
    if (!spacesOnly(tagAt, end)) throw GIVE_UP;
    open();
    consumed = end + 1;
  },
  onselfclosingtag(end) {
    // sax wants the `/` right before the `>`.
    if (text.charCodeAt(end - 1) !== SLASH || !spacesOnly(tagAt, end - 1)) throw GIVE_UP;
    open();
    close();
    consumed = end + 1;
  },
  onclosetag(start, end) {
    // `</`, spaces (sax allows them), the name, spaces, `>`.
    if (text.charCodeAt(consumed) !== LT || text.charCodeAt(consumed + 1) !== SLASH || !spacesOnly(consumed + 2, start)) {
      throw GIVE_UP;
    }
    const gt = text.indexOf('>', end);
    if (gt < 0 || !spacesOnly(end, gt) || depth === 0) throw GIVE_UP;
    const name = (frames[depth - 1] as Frame).name;
    if (end - start !== name.length || !text.startsWith(name, start)) throw GIVE_UP;
    close();
    consumed = gt + 1;
  },
  // Never called with decodeEntities off; were they, the text would be read differently.
  ontextentity() {
    throw GIVE_UP;
  },
  onattribentity() {
    throw GIVE_UP;
  },
  onend() {},
};

/** Decodes XML's five named entities and numeric ones the way sax does; anything else gives up. */
function decodeEntities(raw: string): string {
  let out = '';
  let from = 0;
  for (let amp = raw.indexOf('&'); amp >= 0; amp = raw.indexOf('&', from)) {
    const semicolon = raw.indexOf(';', amp + 1);
    if (semicolon < 0) throw GIVE_UP;
    out += raw.slice(from, amp) + entity(raw.slice(amp + 1, semicolon));
    from = semicolon + 1;
  }
  return out + raw.slice(from);
}

function entity(name: string): string {
  switch (name) {
    case 'amp':
      return '&';
    case 'lt':
      return '<';
    case 'gt':
      return '>';
    case 'quot':
      return '"';
    case 'apos':
      return "'";
  }
  // sax also decodes HTML's entities (&nbsp;), any case (&AMP;) and &#X41;: xml2js reads those.
  const numeric = NUMERIC_ENTITY.exec(name);
  if (numeric === null) throw GIVE_UP;
  const codePoint = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2] as string, 10);
  if (!isXmlChar(codePoint)) throw GIVE_UP;
  return String.fromCodePoint(codePoint);
}

/** XML's Char production, which sax checks a numeric entity against (no NUL, no surrogate, ≤ U+10FFFF). */
function isXmlChar(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/** Whether every quote in a DOCTYPE is closed: sax reads a `>` inside quotes as text, the tokenizer ends there. */
function quotesClosed(body: string): boolean {
  let quote = '';
  for (const c of body) {
    if (quote === '') {
      if (c === '"' || c === "'") quote = c;
    } else if (c === quote) {
      quote = '';
    }
  }
  return quote === '';
}
