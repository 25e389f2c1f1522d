/**
 * A fast reader for plainly well-formed XML that builds exactly the object xml2js 0.5 builds with
 * rss-parser's options ("0.2" defaults: explicitArray, attributes in `$`, text in `_`, the root wrapped
 * as `{ name: element }`, every object made with Object.create(null)).
 *
 * Why it exists: inside rss-parser, xml2js on sax takes most of a feed's parse time (about 170 of
 * rss-parser's 200 ms over the rss-parser files of feeds-wild). rss-parser still builds the feed from the object.
 * The reader scans the text itself: text runs and quoted values are found with indexOf, names and spaces are read
 * by character code. It first drove htmlparser2's Tokenizer, which reads every character through a state machine
 * and took over half of the reader's time (bench/NOTES.md).
 *
 * It is deliberately narrow: it reads only what sax in strict mode reads without complaint and in the
 * same way, and returns null for anything else (a bare or unknown entity, a mismatched or unclosed tag,
 * text outside the root, an unquoted or valueless attribute, a DOCTYPE with an internal subset, ...).
 * The caller then hands the text to xml2js, so every error message, and every repair parse.ts makes
 * after an error, stays xml2js's own.
 */
/** What xml2js builds: strings, arrays and null-prototype objects. */
export type XmlValue = string | XmlObject | XmlValue[];
export type XmlObject = { [key: string]: XmlValue };

/** Thrown by the scan to stop at the first thing the reader does not vouch for. */
const GIVE_UP = new Error('not plainly well-formed XML');

// A subset of sax's name characters, ASCII only, so no Unicode range can differ: 2 may start a name ([A-Za-z_:]),
// 1 may only follow ([-0-9.]).
const NAME_CHARACTER = Uint8Array.from({ length: 128 }, (_, code) => {
  const c = String.fromCharCode(code);
  if (/[A-Za-z_:]/.test(c)) return 2;
  return /[-0-9.]/.test(c) ? 1 : 0;
});
const NUMERIC_ENTITY = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/;
const DOCTYPE = /^DOCTYPE[ \t\r\n]/i;
const GT = 62;
const SLASH = 47;
const BANG = 33;
const QUESTION = 63;
const EQUALS = 61;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;

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
// alive, so functions made per document were compiled again after every full collection (bench/NOTES.md).
let text = '';
// frames[0..depth) are the open elements, reused from one element to the next (and one document to the next).
const frames: Frame[] = [];
const KEPT_FRAMES = 64;
let depth = 0;
let result: XmlObject | null = null;
let sawRoot = false;
let sawDoctype = false;
// The open tag being read: its name and its attributes so far.
let tagName = '';
let attributes: XmlObject | null = null;

function read(document: string): XmlObject {
  text = document;
  depth = 0;
  result = null;
  sawRoot = sawDoctype = false;
  tagName = '';
  attributes = null;
  try {
    const length = text.length;
    for (let at = 0; at < length; ) {
      const lt = text.indexOf('<', at);
      const textEnd = lt < 0 ? length : lt;
      if (textEnd > at) addText(at, textEnd);
      if (lt < 0) break;
      at = readMarkup(lt);
    }
    // Only whitespace, comments and processing instructions may follow the root, all of them complete.
    if (result === null || depth > 0) throw GIVE_UP;
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

/** The index after the spaces (sax's four: space, tab, CR, LF; not the form feed) from `at` on. */
function skipSpaces(at: number): number {
  for (;;) {
    const c = text.charCodeAt(at);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return at;
    at++;
  }
}

/** The index after the name that starts at `at` (see NAME_CHARACTER), or `at` when no name starts there. */
function nameEnd(at: number): number {
  let code = text.charCodeAt(at);
  if (!(code < 128 && NAME_CHARACTER[code] === 2)) return at;
  for (;;) {
    code = text.charCodeAt(++at);
    if (!(code < 128 && NAME_CHARACTER[code]! > 0)) return at;
  }
}

/** Text between markup: whitespace only outside the root (sax's spaces), inside an element added to its text. */
function addText(start: number, end: number): void {
  if (depth === 0) {
    // The text ends at a `<` or at the end of the document, so the spaces reach `end` exactly when they are all of it.
    if (skipSpaces(start) !== end) throw GIVE_UP;
    return;
  }
  const raw = text.slice(start, end);
  (frames[depth - 1] as Frame).text += raw.includes('&') ? decodeEntities(raw) : raw;
}

/** Reads the markup that starts with the `<` at `lt`; returns the index after it. */
function readMarkup(lt: number): number {
  const next = text.charCodeAt(lt + 1);
  if (next === SLASH) return readCloseTag(lt + 2);
  if (next === BANG) return readDeclaration(lt + 2);
  if (next === QUESTION) {
    // sax ends a processing instruction at the first `?>`; one with another `?` inside is left to it.
    const question = text.indexOf('?', lt + 2);
    if (question < 0 || text.charCodeAt(question + 1) !== GT) throw GIVE_UP;
    return question + 2;
  }
  return readOpenTag(lt + 1);
}

/** `<name attributes>` or `<name attributes/>`, from the name at `start` on. */
function readOpenTag(start: number): number {
  // A second root element: sax reads on without complaint but xml2js has already answered.
  if (sawRoot && depth === 0) throw GIVE_UP;
  const end = nameEnd(start);
  if (end === start) throw GIVE_UP;
  tagName = text.slice(start, end);
  // Elements named like xml2js's own keys mix with them (`<_>` turns the text into an array).
  if (tagName === '_' || tagName === 'cdata') throw GIVE_UP;
  attributes = null;
  for (let at = end; ; ) {
    const next = skipSpaces(at);
    const c = text.charCodeAt(next);
    if (c === GT) {
      open();
      return next + 1;
    }
    if (c === SLASH) {
      // sax wants the `/` right before the `>`.
      if (text.charCodeAt(next + 1) !== GT) throw GIVE_UP;
      open();
      close();
      return next + 2;
    }
    // sax wants whitespace before each attribute (`<a b="1"c="2">` is an error).
    if (next === at) throw GIVE_UP;
    at = readAttribute(next);
  }
}

/** `name = "value"` (spaces around `=` allowed, either quote); returns the index after the closing quote. */
function readAttribute(start: number): number {
  const end = nameEnd(start);
  if (end === start) throw GIVE_UP;
  const name = text.slice(start, end);
  // sax keeps attributes in a plain object: `__proto__` vanishes there, a duplicate is dropped.
  if (name in Object.prototype || (attributes !== null && name in attributes)) throw GIVE_UP;
  const equals = skipSpaces(end);
  if (text.charCodeAt(equals) !== EQUALS) throw GIVE_UP;
  const openingQuote = skipSpaces(equals + 1);
  const quote = text.charCodeAt(openingQuote);
  if (quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE) throw GIVE_UP;
  const closingQuote = text.indexOf(quote === DOUBLE_QUOTE ? '"' : "'", openingQuote + 1);
  if (closingQuote < 0) throw GIVE_UP;
  const raw = text.slice(openingQuote + 1, closingQuote);
  attributes ??= Object.create(null) as XmlObject;
  attributes[name] = raw.includes('&') ? decodeEntities(raw) : raw;
  return closingQuote + 1;
}

/** `</name>`, from after the `</`: spaces (sax allows them), the open element's name, spaces, `>`. */
function readCloseTag(start: number): number {
  if (depth === 0) throw GIVE_UP;
  const name = (frames[depth - 1] as Frame).name;
  const at = skipSpaces(start);
  if (!text.startsWith(name, at)) throw GIVE_UP;
  const gt = skipSpaces(at + name.length);
  if (text.charCodeAt(gt) !== GT) throw GIVE_UP;
  close();
  return gt + 1;
}

/** A comment, a CDATA section or a DOCTYPE, from after the `<!`. */
function readDeclaration(start: number): number {
  if (text.startsWith('--', start)) {
    // Only `-->` ends a comment for sax, and `--` inside one is an error in strict mode.
    const end = text.indexOf('-->', start + 2);
    if (end < 0) throw GIVE_UP;
    const body = text.slice(start + 2, end);
    if (body.includes('--') || body.endsWith('-')) throw GIVE_UP;
    return end + 3;
  }
  if (text.startsWith('[CDATA[', start)) {
    const from = start + 7;
    const end = text.indexOf(']]>', from);
    if (end < 0 || depth === 0) throw GIVE_UP;
    // sax reports no empty CDATA section, so xml2js marks no element for one.
    if (end > from) {
      const frame = frames[depth - 1] as Frame;
      frame.text += text.slice(from, end);
      frame.cdata = true;
    }
    return end + 3;
  }
  // Any other declaration but one DOCTYPE before the root, without an internal subset, is left to xml2js.
  if (sawRoot || sawDoctype) throw GIVE_UP;
  const gt = text.indexOf('>', start);
  if (gt < 0) throw GIVE_UP;
  const body = text.slice(start, gt);
  if (!DOCTYPE.test(body) || body.includes('[') || !quotesClosed(body)) throw GIVE_UP;
  sawDoctype = true;
  return gt + 1;
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

/** Whether every quote in a DOCTYPE is closed: sax reads a `>` inside quotes as text, the reader ends there. */
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
