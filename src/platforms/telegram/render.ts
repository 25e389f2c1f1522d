/**
 * Message → Telegram HTML (parse_mode HTML). Every piece of text is escaped, only tags Telegram
 * accepts are produced, links appear only for http(s), and long messages are split into chunks
 * Telegram will take, at block or list-item boundaries (line/word boundaries inside a block that is
 * itself too long), with tags closed at the end of a chunk and reopened at the start of the next.
 */
import { isSafeLink } from '../../chat/message.js';
import type { Block, Message, Span } from '../../chat/message.js';

/** Telegram's limit for one text message, in UTF-16 code units after entity parsing. */
export const TELEGRAM_TEXT_LIMIT = 4096;

/** Escapes text for Telegram HTML: the three characters its parser treats specially. */
function escapeTelegramHtml(text: string): string {
  return text.replace(/[&<>]/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : '&gt;'));
}

/** Escapes an attribute value (href) that is written between double quotes. */
function escapeAttribute(text: string): string {
  return escapeTelegramHtml(text).replace(/"/g, '&quot;');
}

/** Send options that go with rendered chunks: HTML parsing, link previews only when the message asks. */
export function telegramSendOptions(message: Message): {
  parse_mode: 'HTML';
  link_preview_options: { is_disabled: boolean };
} {
  return { parse_mode: 'HTML', link_preview_options: { is_disabled: message.linkPreviews !== true } };
}

/** Renders a Message as Telegram HTML chunks of at most `limit` characters each (none for an empty message). */
export function renderTelegramHtml(message: Message, options: { limit?: number } = {}): string[] {
  // A floor keeps the longest tag pair plus one escaped character inside any chunk.
  const limit = Math.max(64, options.limit ?? TELEGRAM_TEXT_LIMIT);
  return pack(message.blocks.flatMap(blockUnits), limit);
}

/** Plain text with the tags around it: the unit a long block is split on. */
type Run = { text: string; open: string; close: string };
/** One block, or one list item: the places between units are where chunks may break. */
type Unit = { runs: Run[]; wrapOpen: string; wrapClose: string; sep: string; heading: boolean };

const BLOCK_SEP = '\n\n';

function plain(text: string): Run {
  return { text, open: '', close: '' };
}

function linkTags(url: string | undefined): { open: string; close: string } {
  // The URL parser's serialisation percent-encodes quotes and spaces; escaping is kept as a second guard.
  return isSafeLink(url) ? { open: `<a href="${escapeAttribute(new URL(url).href)}">`, close: '</a>' } : { open: '', close: '' };
}

function spanRun(span: Span, insideItalic: boolean): Run {
  const link = linkTags(span.url);
  let open = link.open;
  let close = link.close;
  if (span.bold) [open, close] = [`${open}<b>`, `</b>${close}`];
  if (span.italic && !insideItalic) [open, close] = [`${open}<i>`, `</i>${close}`];
  // Telegram lets neither a link contain code nor code contain anything; a linked span loses its code style.
  if (span.code && !link.open) [open, close] = [`${open}<code>`, `</code>${close}`];
  return { text: span.text, open, close };
}

function spanRuns(spans: Span[], insideItalic = false): Run[] {
  return spans.filter((s) => s.text.length > 0).map((s) => spanRun(s, insideItalic));
}

function unit(runs: Run[], extra: Partial<Unit> = {}): Unit {
  return { runs, wrapOpen: '', wrapClose: '', sep: BLOCK_SEP, heading: false, ...extra };
}

function blockUnits(block: Block): Unit[] {
  switch (block.type) {
    case 'heading': {
      if (!block.text) return [];
      const link = linkTags(block.url);
      return [unit([{ text: block.text, ...link }], { wrapOpen: '<b>', wrapClose: '</b>', heading: true })];
    }
    case 'text': {
      const runs = spanRuns(block.spans);
      return runs.length > 0 ? [unit(runs)] : [];
    }
    case 'list':
      return block.items.map((item, i) => unit([plain('• '), ...spanRuns(item)], { sep: i === 0 ? BLOCK_SEP : '\n' }));
    case 'field': {
      const label: Run[] = block.label ? [{ text: `${block.label}:`, open: '<b>', close: '</b>' }, plain(' ')] : [];
      const runs = [...label, ...spanRuns(block.spans)];
      return runs.length > 0 ? [unit(runs)] : [];
    }
    case 'note': {
      const runs = spanRuns(block.spans, true);
      return runs.length > 0 ? [unit(runs, { wrapOpen: '<i>', wrapClose: '</i>' })] : [];
    }
  }
}

function runHtml(run: Run): string {
  return run.text ? run.open + escapeTelegramHtml(run.text) + run.close : '';
}

function unitHtml(u: Unit): string {
  return u.wrapOpen + u.runs.map(runHtml).join('') + u.wrapClose;
}

/** Below this much room, an oversized block starts on a fresh chunk instead of filling the current one. */
const MIN_FILL = 200;

/** Greedy packing of units into chunks; a heading left last in a chunk moves on with the block it heads. */
function pack(units: Unit[], limit: number): string[] {
  const chunks: string[] = [];
  let current: { html: string; heading: boolean }[] = [];
  const currentLength = () => current.reduce((n, part) => n + part.html.length, 0);
  const joined = () => current.map((p) => p.html).join('');
  const flush = (carryHeading: boolean) => {
    const last = current[current.length - 1];
    const carried = carryHeading && current.length > 1 && last?.heading ? current.pop() : undefined;
    if (current.length > 0) chunks.push(joined());
    current = carried ? [{ html: carried.html.replace(/^\n+/, ''), heading: true }] : [];
  };
  for (const u of units) {
    const html = unitHtml(u);
    const sep = current.length > 0 ? u.sep : '';
    if (currentLength() + sep.length + html.length <= limit) {
      current.push({ html: sep + html, heading: u.heading });
      continue;
    }
    if (html.length <= limit) {
      flush(true);
      const sep2 = current.length > 0 ? u.sep : '';
      if (currentLength() + sep2.length + html.length > limit) flush(false);
      current.push({ html: (current.length > 0 ? u.sep : '') + html, heading: u.heading });
      continue;
    }
    // The block alone is too long: fill what is left of the current chunk if that is worth it, then go on.
    let room = limit - currentLength() - sep.length;
    if (current.length > 0 && room < MIN_FILL) {
      flush(true);
      room = limit - currentLength() - (current.length > 0 ? u.sep.length : 0);
    }
    const pieces = splitUnit(u, room, limit);
    pieces.forEach((piece, i) => {
      if (i > 0) flush(false);
      if (piece) current.push({ html: (current.length > 0 ? u.sep : '') + piece, heading: false });
    });
  }
  flush(false);
  return chunks;
}

/** Splits one unit's runs into HTML pieces: the first fits `firstRoom` (or is '' when nothing does), the others `limit`. */
function splitUnit(u: Unit, firstRoom: number, limit: number): string[] {
  const pieces: string[] = [];
  const fixed = u.wrapOpen.length + u.wrapClose.length;
  let room = firstRoom;
  let body = '';
  const push = () => {
    pieces.push(body ? u.wrapOpen + body + u.wrapClose : '');
    body = '';
    room = limit;
  };
  const queue = [...u.runs];
  for (let run = queue.shift(); run; run = queue.shift()) {
    const html = runHtml(run);
    if (fixed + body.length + html.length <= room) {
      body += html;
      continue;
    }
    const textRoom = room - fixed - body.length - run.open.length - run.close.length;
    const cut = textRoom > 0 ? findCut(run.text, textRoom, body === '') : null;
    if (cut) {
      body += runHtml({ ...run, text: cut.head });
      push();
      if (cut.tail) queue.unshift({ ...run, text: cut.tail });
    } else if (body !== '' || room < limit) {
      push();
      queue.unshift(run);
    } else {
      // Even a fresh chunk cannot hold the tags (a huge href): keep the text, drop its formatting.
      queue.unshift(plain(run.text));
    }
  }
  if (body) push();
  return pieces;
}

/**
 * Where to cut `text` so its escaped head fits `room`: the last line break in the second half of the
 * room, else the last whitespace, else (only when nothing else is in the chunk) a hard cut that never
 * separates a surrogate pair. The whitespace cut at is dropped; null means "start a new chunk first".
 */
function findCut(text: string, room: number, mustCut: boolean): { head: string; tail: string } | null {
  let fit = 0;
  let used = 0;
  while (fit < text.length) {
    const ch = text[fit];
    const cost = ch === '&' ? 5 : ch === '<' || ch === '>' ? 4 : 1;
    if (used + cost > room) break;
    used += cost;
    fit += 1;
  }
  // The boundary character itself is dropped, so it may sit just past what fits.
  let at = -1;
  for (let i = Math.min(fit, text.length - 1); i > 0 && at < 0; i -= 1) {
    if (text[i] === '\n') at = i;
  }
  if (at < fit / 2) {
    at = -1;
    for (let i = Math.min(fit, text.length - 1); i > 0 && at < 0; i -= 1) {
      if (/\s/.test(text[i] as string)) at = i;
    }
  }
  if (at > 0) return { head: text.slice(0, at).trimEnd(), tail: text.slice(at + 1) };
  if (!mustCut || fit === 0) return null;
  const code = text.charCodeAt(fit - 1);
  const end = code >= 0xd800 && code <= 0xdbff && fit > 1 ? fit - 1 : fit;
  return { head: text.slice(0, end), tail: text.slice(end) };
}
