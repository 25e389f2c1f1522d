/**
 * The platform-neutral message model. Commands, alerts and digests build a Message; each platform
 * renders it (console → plain text, Telegram → HTML, Discord → embeds) and escapes every piece of text.
 * Text fields hold plain text only, never markup: feed text is untrusted.
 */

/** A run of inline text. `url` makes it a link (renderers drop links that are not http(s)). */
export type Span = {
  text: string;
  bold?: boolean;
  italic?: boolean;
  code?: boolean;
  url?: string;
};

/** A block of a message. Renderers may split long messages only between blocks (or list items). */
export type Block =
  /** A section heading; on Discord it starts a new embed. */
  | { type: 'heading'; text: string; url?: string }
  /** A paragraph of inline spans. */
  | { type: 'text'; spans: Span[] }
  /** A bulleted list; each item is a line of spans. */
  | { type: 'list'; items: Span[][] }
  /** A labelled value (Discord field, "Label: value" elsewhere). */
  | { type: 'field'; label: string; spans: Span[]; inline?: boolean }
  /** Small print: sources, times, why an item matched. */
  | { type: 'note'; spans: Span[] };

/** A message to send, edit or answer with. */
export type Message = {
  blocks: Block[];
  /** What the message is, so renderers can pick colours, previews and icons. */
  kind?: 'answer' | 'alert' | 'digest' | 'error';
  /** Answer only the person who asked, where the platform can (Discord ephemeral replies). */
  ephemeral?: boolean;
  /** Show link previews (Telegram) / embeds of links; off for digests. Default false. */
  linkPreviews?: boolean;
};

/** Shorthand for a plain span. */
export function span(text: string, style: Omit<Span, 'text'> = {}): Span {
  return { text, ...style };
}

/** Shorthand for a one-paragraph message, e.g. a one-line error. */
export function textMessage(text: string, kind: Message['kind'] = 'answer'): Message {
  return { kind, blocks: [{ type: 'text', spans: [{ text }] }], ephemeral: kind === 'error' };
}

/** True when a link may be rendered: only absolute http(s) URLs. */
export function isSafeLink(url: string | undefined): url is string {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}
