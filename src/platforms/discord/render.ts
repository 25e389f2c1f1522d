/**
 * Message → Discord embeds. Each heading starts an embed; text, lists and notes fill its description,
 * fields its fields. Everything Discord limits (title 256, description 4,096, field 256/1,024, 25 fields,
 * 10 embeds and 6,000 characters per message) is respected by continuing into further embeds and messages,
 * so no text is ever dropped. Feed text is untrusted: markdown is escaped and mentions are broken.
 */
import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import { isSafeLink, type Block, type Message, type Span } from '../../chat/message.js';

/** One Discord message to send: its embeds (and, optionally, plain content). */
export type DiscordPayload = { embeds: APIEmbed[]; content?: string };

/** Discord's documented limits, in characters (UTF-16 length, which never undercounts). */
export const DISCORD_LIMITS = {
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  fields: 25,
  embedsPerMessage: 10,
  charactersPerMessage: 6000,
} as const;

/** Embed colour per message kind. */
export const KIND_COLOURS: Record<NonNullable<Message['kind']>, number> = {
  answer: 0x5865f2,
  alert: 0xe67e22,
  digest: 0x3498db,
  error: 0xed4245,
};

const ZWSP = '\u200b';
// A URL this long would eat a field on its own; the text keeps it visible but unlinked instead.
const MAX_LINK_URL = 512;

/** Escapes Discord markdown and breaks mentions, so feed text always shows as the literal text it is. */
export function escapeDiscordText(text: string): string {
  return neutraliseMentions(
    text.replace(/[\\*_~`|>#[\]()]/g, '\\$&').replace(/(^|\n)([ \t]*)([-+])(?=[ \t])/g, '$1$2\\$3'),
  );
}

/** Inserts a zero-width space so `@everyone`, `@here`, `<@id>`, `<#id>`, `<t:...>` never become live. */
function neutraliseMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, `@${ZWSP}$1`).replace(/<(?=[@#:/]|a:|t:)/gi, `<${ZWSP}`);
}

/** A URL fit for `[text](url)`: normalised, with parentheses percent-encoded so they cannot end the link. */
function linkTarget(url: string): string {
  return new URL(url).href.replace(/\(/g, '%28').replace(/\)/g, '%29');
}

/** Renders one span as Discord markdown; whitespace stays outside the markers so styling applies. */
function renderSpan(span: Span): string {
  const [, lead = '', core = '', trail = ''] = /^(\s*)([\s\S]*?)(\s*)$/.exec(span.text) ?? [];
  if (core === '') return span.text;
  // Inside backticks Discord shows backslashes literally, so code swaps the backtick for a look-alike.
  let body = span.code ? `\`${neutraliseMentions(core.replace(/`/g, 'ˋ'))}\`` : escapeDiscordText(core);
  if (span.italic) body = `*${body}*`;
  if (span.bold) body = `**${body}**`;
  if (isSafeLink(span.url)) body = `[${body}](${linkTarget(span.url)})`;
  return `${lead}${body}${trail}`;
}

/** Same-style neighbours merged (so `@` + `everyone` cannot meet unescaped), over-long links made plain. */
function normaliseSpans(spans: Span[]): Span[] {
  const out: Span[] = [];
  for (const raw of spans) {
    const span: Span = isSafeLink(raw.url) && linkTarget(raw.url).length > MAX_LINK_URL
      ? { ...raw, text: `${raw.text} ${raw.url}`, url: undefined }
      : { ...raw, url: isSafeLink(raw.url) ? raw.url : undefined };
    const last = out.at(-1);
    const same = last && !!last.bold === !!span.bold && !!last.italic === !!span.italic && !!last.code === !!span.code && last.url === span.url;
    if (last && same) last.text += span.text;
    else if (span.text !== '') out.push(span);
  }
  return out;
}

/** Cuts a span so its rendering fits `room`, preferring a whitespace boundary; head is null when nothing fits. */
function splitSpan(span: Span, room: number): [Span | null, Span | null] {
  const text = span.text;
  let low = 0;
  // Rendering never shortens text, so the head holds at most `room` raw characters.
  let high = Math.min(text.length, Math.max(room, 0));
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (renderSpan({ ...span, text: text.slice(0, mid) }).length <= room) low = mid;
    else high = mid - 1;
  }
  let cut = low;
  const space = Math.max(text.lastIndexOf(' ', cut - 1), text.lastIndexOf('\n', cut - 1));
  if (cut < text.length && space >= cut / 2) cut = space + 1;
  if (cut > 0 && cut < text.length && /[\ud800-\udbff]/.test(text[cut - 1] ?? '')) cut -= 1;
  if (cut <= 0) return [null, span];
  return [{ ...span, text: text.slice(0, cut) }, cut < text.length ? { ...span, text: text.slice(cut) } : null];
}

/** Renders spans into chunks of at most `limit` characters; together they hold all of the text. */
function fitSpans(spans: Span[], limit: number): string[] {
  const chunks: string[] = [];
  const queue = normaliseSpans(spans);
  let current = '';
  for (let span = queue.shift(); span; span = queue.shift()) {
    const rendered = renderSpan(span);
    if (current.length + rendered.length <= limit) {
      current += rendered;
      continue;
    }
    const [head, tail] = splitSpan(span, limit - current.length);
    if (!head && current === '') throw new Error(`a span cannot be rendered within ${limit} characters`);
    if (head) current += renderSpan(head);
    chunks.push(current);
    current = '';
    if (tail) queue.unshift(tail);
  }
  if (current !== '' || chunks.length === 0) chunks.push(current);
  return chunks;
}

const embedSize = (e: APIEmbed): number =>
  (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);

/** Builds embeds block by block, opening a continuation embed whenever a limit (or block order) requires it. */
function buildEmbeds(blocks: Block[], colour: number): APIEmbed[] {
  const embeds: APIEmbed[] = [];
  let current: APIEmbed | null = null;
  const open = (head: Partial<APIEmbed> = {}): APIEmbed => {
    current = { color: colour, ...head };
    embeds.push(current);
    return current;
  };
  const descriptionRoom = (e: APIEmbed, sep: string) =>
    e.fields?.length ? -1 : DISCORD_LIMITS.description - (e.description ? e.description.length + sep.length : 0);

  const addLine = (prefix: string, spans: Span[], sep: string) => {
    const whole = fitSpans(spans, Number.MAX_SAFE_INTEGER)[0] ?? '';
    if (whole.trim() === '' && prefix === '') return;
    let target: APIEmbed = current ?? open();
    if (prefix.length + whole.length <= descriptionRoom(target, sep)) {
      target.description = target.description ? `${target.description}${sep}${prefix}${whole}` : `${prefix}${whole}`;
      return;
    }
    const pieces = fitSpans(spans, DISCORD_LIMITS.description - prefix.length);
    for (const piece of pieces) {
      if (target.description || target.fields?.length) target = open();
      target.description = `${prefix}${piece}`;
    }
  };

  const addField = (label: string, spans: Span[], inline: boolean) => {
    // A label too long for a field name continues at the start of the value rather than vanishing.
    const [head, tail] = cutPlain(label, DISCORD_LIMITS.fieldName);
    let name = head;
    const valueSpans = tail ? [{ text: `…${tail}${spans.length ? ' ' : ''}` }, ...spans] : spans;
    for (const value of fitSpans(valueSpans, DISCORD_LIMITS.fieldValue)) {
      const field: APIEmbedField = { name: name.trim() || ZWSP, value: value.trim() || ZWSP, ...(inline ? { inline } : {}) };
      let target: APIEmbed = current ?? open();
      const full = (target.fields?.length ?? 0) >= DISCORD_LIMITS.fields;
      if (full || embedSize(target) + field.name.length + field.value.length > DISCORD_LIMITS.charactersPerMessage) target = open();
      target.fields = [...(target.fields ?? []), field];
      // Continuation fields get an invisible name: Discord requires one, and repeating the label would read as a new field.
      name = ZWSP;
    }
  };

  for (const block of blocks) {
    if (block.type === 'heading') {
      const [title, tail] = cutPlain(block.text, DISCORD_LIMITS.title);
      open({ ...(title.trim() ? { title } : {}), ...(isSafeLink(block.url) ? { url: new URL(block.url).href } : {}) });
      if (tail) addLine('', [{ text: `…${tail}` }], '\n\n');
    } else if (block.type === 'text') addLine('', block.spans, '\n\n');
    else if (block.type === 'note') addLine('-# ', block.spans, '\n\n');
    else if (block.type === 'list') block.items.forEach((item, i) => addLine('• ', item, i === 0 ? '\n\n' : '\n'));
    else addField(block.label, block.spans, block.inline ?? false);
  }
  return embeds.filter((e) => e.title || e.description || e.fields?.length);
}

/** Escapes plain text to at most `limit` characters: the rendered head (with … when cut) and the raw rest. */
function cutPlain(text: string, limit: number): [string, string] {
  const whole = renderSpan({ text });
  if (whole.length <= limit) return [whole, ''];
  const [head, tail] = splitSpan({ text }, limit - 1);
  return [`${head ? renderSpan(head) : ''}…`, tail?.text ?? text];
}

/** Renders a Message as one or more Discord messages of embeds, each within Discord's limits. */
export function renderDiscordMessages(message: Message): DiscordPayload[] {
  const embeds = buildEmbeds(message.blocks, KIND_COLOURS[message.kind ?? 'answer']);
  const out: DiscordPayload[] = [];
  let size = 0;
  for (const embed of embeds) {
    const last = out.at(-1);
    const n = embedSize(embed);
    if (last && last.embeds.length < DISCORD_LIMITS.embedsPerMessage && size + n <= DISCORD_LIMITS.charactersPerMessage) {
      last.embeds.push(embed);
      size += n;
    } else {
      out.push({ embeds: [embed] });
      size = n;
    }
  }
  return out;
}

/** The Discord messages to send for a Message; one that renders to nothing sends `fallbackText` instead of an empty post. */
export function discordParts(message: Message, fallbackText = 'Nothing to show.'): DiscordPayload[] {
  const rendered = renderDiscordMessages(message);
  return rendered.length > 0 ? rendered : [{ embeds: [], content: fallbackText }];
}
