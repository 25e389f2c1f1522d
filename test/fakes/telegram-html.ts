/**
 * Telegram's reading of parse_mode HTML, for the fake Bot API: which tags it accepts, how it nests them,
 * which entities it decodes, and the errors it answers with otherwise.
 */

/** An entity as Telegram derives it from HTML (offsets and lengths in UTF-16 code units). */
export type ParsedEntity = { type: string; offset: number; length: number; url?: string; custom_emoji_id?: string };
/** Telegram's reading of a parse_mode HTML text: what the user sees, or the error it answers with. */
export type ParsedTelegramHtml = { ok: true; text: string; entities: ParsedEntity[] } | { ok: false; description: string };

const TAGS: Record<string, string> = {
  b: 'bold', strong: 'bold', i: 'italic', em: 'italic', u: 'underline', ins: 'underline',
  s: 'strikethrough', strike: 'strikethrough', del: 'strikethrough', span: 'spoiler', 'tg-spoiler': 'spoiler',
  a: 'text_link', code: 'code', pre: 'pre', blockquote: 'blockquote', 'tg-emoji': 'custom_emoji',
};
const ENTITY = /^&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|(lt|gt|amp|quot));/i;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

function decodeEntities(value: string): string {
  return value.replace(/&(?:#\d{1,7}|#x[0-9a-f]{1,6}|lt|gt|amp|quot);/gi, (m) => decodeEntity(ENTITY.exec(m)) ?? m);
}

function decodeEntity(m: RegExpExecArray | null): string | null {
  if (!m) return null;
  if (m[3]) return NAMED[m[3].toLowerCase()] ?? null;
  const code = m[1] ? Number(m[1]) : parseInt(m[2] ?? '', 16);
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : null;
}

/**
 * Parses text the way Telegram does for parse_mode HTML: supported tags only, properly nested, the four
 * named entities plus numeric ones (a stray `&` stays literal, a stray `<` is an error). Errors carry
 * Telegram's wording after "can't parse entities: ".
 */
export function parseTelegramHtml(html: string): ParsedTelegramHtml {
  let text = '';
  const entities: ParsedEntity[] = [];
  const stack: { tag: string; start: number; attrs: Record<string, string> }[] = [];
  const error = (what: string, i: number): ParsedTelegramHtml => ({
    ok: false,
    description: `${what} at byte offset ${Buffer.byteLength(html.slice(0, i))}`,
  });
  let i = 0;
  while (i < html.length) {
    const ch = html[i];
    if (ch === '&') {
      const m = ENTITY.exec(html.slice(i, i + 12));
      const decoded = decodeEntity(m);
      text += decoded ?? '&';
      i += decoded && m ? m[0].length : 1;
      continue;
    }
    if (ch !== '<') {
      let j = i + 1;
      while (j < html.length && html[j] !== '<' && html[j] !== '&') j += 1;
      text += html.slice(i, j);
      i = j;
      continue;
    }
    if (html[i + 1] === '/') {
      const end = html.indexOf('>', i);
      if (end < 0) return error('Unclosed end tag', i);
      const name = html.slice(i + 2, end).trim().toLowerCase();
      const top = stack.pop();
      if (!top) return error(`Unexpected end tag "</${name}>"`, i);
      if (top.tag !== name) return error(`Unmatched end tag, expected "</${top.tag}>", found "</${name}>"`, i);
      if (text.length > top.start) entities.push(entityFor(top.tag, top.attrs, top.start, text.length - top.start));
      i = end + 1;
      continue;
    }
    const name = (/^[a-z][a-z0-9-]*/i.exec(html.slice(i + 1, i + 40))?.[0] ?? '').toLowerCase();
    if (!(name in TAGS)) return error(`Unsupported start tag "${name}"`, i);
    const attrs: Record<string, string> = {};
    let j = i + 1 + name.length;
    for (;;) {
      while (/\s/.test(html[j] ?? '')) j += 1;
      if (j >= html.length) return error(`Unclosed start tag "${name}"`, i);
      if (html[j] === '>') break;
      const attr = /^[a-z][a-z0-9_-]*/i.exec(html.slice(j, j + 40))?.[0];
      if (!attr) return error(`Unexpected character in the start tag "${name}"`, j);
      j += attr.length;
      while (/\s/.test(html[j] ?? '')) j += 1;
      let value = '';
      if (html[j] === '=') {
        j += 1;
        while (/\s/.test(html[j] ?? '')) j += 1;
        const quote = html[j];
        if (quote === '"' || quote === "'") {
          const close = html.indexOf(quote, j + 1);
          if (close < 0) return error(`Unclosed start tag "${name}"`, i);
          value = html.slice(j + 1, close);
          j = close + 1;
        } else {
          const m = /^[^\s>]*/.exec(html.slice(j))?.[0] ?? '';
          value = m;
          j += m.length;
        }
      }
      attrs[attr.toLowerCase()] = decodeEntities(value);
    }
    if (name === 'span' && attrs.class !== 'tg-spoiler') return error('Tag "span" must have class "tg-spoiler"', i);
    stack.push({ tag: name, start: text.length, attrs });
    i = j + 1;
  }
  const open = stack.pop();
  if (open) return { ok: false, description: `Can't find end tag corresponding to start tag "${open.tag}"` };
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { ok: true, text, entities };
}

function entityFor(tag: string, attrs: Record<string, string>, offset: number, length: number): ParsedEntity {
  const type = TAGS[tag] as string;
  if (type === 'text_link') return { type, offset, length, url: attrs.href ?? '' };
  if (type === 'custom_emoji') return { type, offset, length, custom_emoji_id: attrs['emoji-id'] ?? '' };
  if (type === 'blockquote' && 'expandable' in attrs) return { type: 'expandable_blockquote', offset, length };
  return { type, offset, length };
}
