/**
 * A forgiving scanner over XML-ish text: splits it into text, tags, comments, CDATA, processing
 * instructions and DOCTYPE spans without ever failing, so the repairs in xml-repair.ts can edit
 * only the parts they mean to (never the inside of CDATA or comments).
 */

/** One span of the document. `complete` is false when the text ended inside it. */
export type XmlToken =
  | { kind: 'text'; start: number; end: number }
  | { kind: 'comment' | 'cdata' | 'pi' | 'doctype'; start: number; end: number; complete: boolean }
  | { kind: 'tag'; start: number; end: number; complete: boolean; name: string; closing: boolean; selfClosing: boolean };

const NAME_START = /[A-Za-z_:\u00C0-\uFFFF]/;
const NAME_AT = /^[^\s/>"'=<]+/;

/** Splits text into tokens; a `<` that cannot start markup stays part of the text. */
export function scanXml(text: string): XmlToken[] {
  return [...iterateXml(text)];
}

/** The tokens of scanXml one by one, so a caller can stop early. */
export function* iterateXml(text: string): Generator<XmlToken> {
  let textStart = 0;
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    const special = scanSpecial(text, lt);
    if (special) {
      if (lt > textStart) yield { kind: 'text', start: textStart, end: lt };
      yield special;
      i = textStart = special.end;
      continue;
    }
    const next = text[lt + 1] ?? '';
    const closing = next === '/';
    const nameFrom = closing ? lt + 2 : lt + 1;
    if (!NAME_START.test(text[nameFrom] ?? '')) {
      i = lt + 1; // a bare `<` in text
      continue;
    }
    const name = NAME_AT.exec(text.slice(nameFrom, nameFrom + 200))?.[0] ?? '';
    const { end: tagEnd, complete } = findTagEnd(text, nameFrom + name.length);
    if (lt > textStart) yield { kind: 'text', start: textStart, end: lt };
    yield {
      kind: 'tag',
      start: lt,
      end: tagEnd,
      complete,
      name,
      closing,
      selfClosing: complete && text[tagEnd - 2] === '/',
    };
    i = textStart = tagEnd;
  }
  if (text.length > textStart) yield { kind: 'text', start: textStart, end: text.length };
}

const SPECIAL_SPANS: ReadonlyArray<readonly [string, string, 'comment' | 'cdata' | 'pi']> = [
  ['<!--', '-->', 'comment'],
  ['<![CDATA[', ']]>', 'cdata'],
  ['<?', '?>', 'pi'],
];

function scanSpecial(text: string, lt: number): XmlToken | null {
  for (const [open, close, kind] of SPECIAL_SPANS) {
    if (!text.startsWith(open, lt)) continue;
    const at = text.indexOf(close, lt + open.length);
    return at < 0
      ? { kind, start: lt, end: text.length, complete: false }
      : { kind, start: lt, end: at + close.length, complete: true };
  }
  if (text.startsWith('<!', lt)) {
    // DOCTYPE (or another declaration): skip a bracketed internal subset as one piece.
    let depth = 0;
    for (let j = lt + 2; j < text.length; j += 1) {
      const c = text[j];
      if (c === '[') depth += 1;
      else if (c === ']') depth = Math.max(0, depth - 1);
      else if (c === '>' && depth === 0) return { kind: 'doctype', start: lt, end: j + 1, complete: true };
    }
    return { kind: 'doctype', start: lt, end: text.length, complete: false };
  }
  return null;
}

/** Where a tag ends: just past its `>` (quotes respected), or where it was cut off. */
function findTagEnd(text: string, from: number): { end: number; complete: boolean } {
  let quote: string | null = null;
  for (let j = from; j < text.length; j += 1) {
    const c = text[j];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return { end: j + 1, complete: true };
    } else if (c === '<') {
      return { end: j, complete: false }; // a new tag starts: this one was cut off
    }
  }
  return { end: text.length, complete: false };
}

/** The document's first element (its name and the text of its start tag), skipping declarations, comments and PIs. */
export function rootElement(text: string): { name: string; startTag: string } | null {
  for (const token of iterateXml(text)) {
    if (token.kind === 'tag' && !token.closing) return { name: token.name, startTag: text.slice(token.start, token.end) };
    if (token.kind === 'text' && text.slice(token.start, token.end).trim() !== '') return null;
  }
  return null;
}

const XML_LANG_RE = /\sxml:lang\s*=\s*(?:"([^"]*)"|'([^']*)')/;

/** The `xml:lang` attribute of a start tag (Atom declares a feed's language this way), or null. */
export function xmlLangOf(startTag: string): string | null {
  const match = XML_LANG_RE.exec(startTag);
  const value = (match?.[1] ?? match?.[2] ?? '').trim();
  return value === '' ? null : value;
}

/**
 * Whether elements nest more than `limit` deep anywhere in the text (a close tag closes the innermost open
 * element, whatever its name): stops scanning as soon as they do.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  for (const token of iterateXml(text)) {
    if (token.kind !== 'tag' || !token.complete || token.selfClosing) continue;
    if (token.closing) depth = Math.max(0, depth - 1);
    else if (++depth > limit) return true;
  }
  return false;
}
