/**
 * Message → plain text for a terminal. Feed text is untrusted here too: control characters (ANSI escape
 * sequences could recolour or rewrite the screen) and bidi overrides are removed, and links are shown as
 * `text <url>` only when they are http(s); any other link keeps its text and loses its target.
 */
import { isSafeLink } from '../../chat/message.js';
import type { Block, Message, Span } from '../../chat/message.js';

// C0 except tab/newline, DEL, C1 (which includes the 8-bit CSI), and Unicode bidi controls.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Removes characters a terminal would interpret; `multiline` keeps line breaks, else they become spaces. */
export function inertText(text: string, multiline = false): string {
  const flat = multiline ? text.replace(/\r\n?/g, '\n').replace(/\t/g, ' ') : text.replace(/[\t\r\n]+/g, ' ');
  return flat.replace(UNSAFE, '');
}

function renderSpans(spans: readonly Span[], multiline = false): string {
  return spans
    .map((s) => {
      const text = inertText(s.text, multiline);
      if (!isSafeLink(s.url)) return text;
      const url = inertText(s.url);
      if (text.trim() === '' || text === url) return `<${url}>`;
      return `${text} <${url}>`;
    })
    .join('');
}

function renderBlock(block: Block): string {
  switch (block.type) {
    case 'heading': {
      const url = isSafeLink(block.url) ? ` <${inertText(block.url)}>` : '';
      return `## ${inertText(block.text)}${url}`;
    }
    case 'text':
      return renderSpans(block.spans, true);
    case 'list':
      return block.items.map((item) => `• ${renderSpans(item)}`).join('\n');
    case 'field':
      return `${inertText(block.label)}: ${renderSpans(block.spans)}`;
    case 'note':
      return `  ${renderSpans(block.spans)}`;
  }
}

/** The whole message as terminal text: headings `## `, bullets `•`, notes indented, fields `Label: value`. */
export function renderText(message: Message): string {
  const lines: string[] = [];
  message.blocks.forEach((block, index) => {
    // A heading after other content starts a new section, so it gets a blank line before it.
    if (block.type === 'heading' && index > 0) lines.push('');
    lines.push(renderBlock(block));
  });
  return lines.join('\n');
}
