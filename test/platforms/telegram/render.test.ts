import { describe, expect, it } from 'vitest';
import { Bot } from 'grammy';
import { renderTelegramHtml, telegramSendOptions, TELEGRAM_TEXT_LIMIT } from '../../../src/platforms/telegram/render.js';
import type { Block, Message, Span } from '../../../src/chat/message.js';
import { startFakeTelegram } from '../../fakes/telegram-api.js';
import { parseTelegramHtml } from '../../fakes/telegram-html.js';

const ALLOWED_TAGS = new Set(['b', 'i', 'u', 's', 'code', 'pre', 'a', 'blockquote']);
const ALLOWED_ENTITIES = new Set(['bold', 'italic', 'underline', 'strikethrough', 'code', 'pre', 'text_link', 'blockquote']);

/** Parses one chunk as Telegram would and fails on anything but allowed tags and http(s) links; returns the visible text. */
function check(chunk: string): string {
  expect(chunk.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
  for (const [, name] of chunk.matchAll(/<\/?([^\s>/]*)/g)) expect(ALLOWED_TAGS).toContain(name);
  const parsed = parseTelegramHtml(chunk);
  if (!parsed.ok) throw new Error(`Telegram would refuse the chunk: ${parsed.description}\n${chunk.slice(0, 300)}`);
  for (const entity of parsed.entities) {
    expect(ALLOWED_ENTITIES).toContain(entity.type);
    if (entity.type === 'text_link') expect(entity.url).toMatch(/^https?:\/\//);
  }
  expect(chunk).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  return parsed.text;
}

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
const message = (...blocks: Block[]): Message => ({ blocks });
const text = (...spans: Span[]): Block => ({ type: 'text', spans });

describe('renderTelegramHtml', () => {
  it('renders headings bold, list items with bullets, fields as "Label: value" and notes in italics', () => {
    const chunks = renderTelegramHtml(
      message(
        { type: 'heading', text: 'M23 & Doha', url: 'https://example.org/doha' },
        text({ text: 'Talks ' }, { text: 'resume', bold: true }, { text: ' in ' }, { text: 'Doha', italic: true, url: 'https://x.example/d' }),
        { type: 'list', items: [[{ text: 'Goma' }], [{ text: 'Bukavu', code: true }]] },
        { type: 'field', label: 'Trend', spans: [{ text: 'unchanged' }] },
        { type: 'note', spans: [{ text: 'Sources: ' }, { text: 'Reuters', italic: true }] },
      ),
    );
    expect(chunks).toEqual([
      '<b><a href="https://example.org/doha">M23 &amp; Doha</a></b>\n\n' +
        'Talks <b>resume</b> in <a href="https://x.example/d"><i>Doha</i></a>\n\n' +
        '• Goma\n• <code>Bukavu</code>\n\n' +
        '<b>Trend:</b> unchanged\n\n' +
        '<i>Sources: Reuters</i>',
    ]);
    expect(check(chunks[0] as string)).toBe('M23 & Doha\n\nTalks resume in Doha\n\n• Goma\n• Bukavu\n\nTrend: unchanged\n\nSources: Reuters');
  });

  it('renders hostile feed text harmlessly: escaped, no foreign tags, no javascript: links', () => {
    const hostile = message(
      { type: 'heading', text: '<script>alert(1)</script>', url: 'javascript:alert(1)' },
      text(
        { text: 'AT&T <b>not bold</b> @everyone &amp; ' },
        { text: 'click', url: 'javascript:alert(document.cookie)' },
        { text: ' ' },
        { text: 'quoted', url: 'https://evil.example/a"onmouseover="alert(1)&x=<y>' },
      ),
      { type: 'field', label: '<i>label</i>', spans: [{ text: '</b>"', bold: true }] },
      { type: 'list', items: [[{ text: '<a href="javascript:x">y</a>', url: 'data:text/html,hi' }]] },
    );
    const [chunk, ...rest] = renderTelegramHtml(hostile);
    expect(rest).toEqual([]);
    const visible = check(chunk as string);
    expect(visible).toBe(
      '<script>alert(1)</script>\n\nAT&T <b>not bold</b> @everyone &amp; click quoted\n\n<i>label</i>: </b>"\n\n• <a href="javascript:x">y</a>',
    );
    expect(chunk).not.toContain('javascript:alert');
    const parsed = parseTelegramHtml(chunk as string);
    const links = parsed.ok ? parsed.entities.filter((e) => e.type === 'text_link') : [];
    // Only the https link survives, whole, with its quote unable to end the attribute.
    expect(links.map((l) => l.url)).toEqual([new URL('https://evil.example/a"onmouseover="alert(1)&x=<y>').href]);
  });

  it('returns no chunk for a message with nothing to say', () => {
    expect(renderTelegramHtml(message(text({ text: '' }), { type: 'list', items: [] }))).toEqual([]);
  });

  it('splits a 20,000-character digest into valid chunks between list items without losing text', () => {
    const blocks: Block[] = [];
    for (let topic = 0; topic < 6; topic += 1) {
      blocks.push({ type: 'heading', text: `Topic ${topic}: M23 & the <ceasefire>` });
      blocks.push({
        type: 'list',
        items: Array.from({ length: 30 }, (_, i) => [
          { text: `Story ${topic}.${i} — fighting near Sake & Goma <update> ` },
          { text: 'Reuters', url: `https://news.example/${topic}/${i}?a=1&b="2"` },
          { text: ` ${'détail '.repeat(8)}`, italic: i % 2 === 0 },
        ]),
      });
      blocks.push({ type: 'note', spans: [{ text: `Why: matched "M23" in title (${topic})` }] });
    }
    const digest: Message = { kind: 'digest', blocks };
    const [whole] = renderTelegramHtml(digest, { limit: 1_000_000 });
    expect((whole as string).length).toBeGreaterThan(20_000);

    const chunks = renderTelegramHtml(digest);
    expect(chunks.length).toBeGreaterThanOrEqual(5);
    const visible = chunks.map(check);
    expect(squash(visible.join('\n'))).toBe(squash(check2(whole as string)));
    // Every list item is whole in exactly one chunk.
    const items = check2(whole as string).split('\n').filter((line) => line.startsWith('• '));
    for (const item of items) expect(visible.filter((v) => v.split('\n').includes(item))).toHaveLength(1);
    // A heading never ends a chunk: it travels with its list.
    for (const v of visible) expect(v.split('\n').at(-1)).not.toMatch(/^Topic \d/);
  });

  it('moves a heading that would end a chunk on with the block it heads', () => {
    const chunks = renderTelegramHtml(
      message(text({ text: 'a'.repeat(70) }), { type: 'heading', text: 'Next' }, text({ text: 'b'.repeat(60) })),
      { limit: 100 },
    );
    expect(chunks).toEqual(['a'.repeat(70), `<b>Next</b>\n\n${'b'.repeat(60)}`]);
  });

  it('splits one oversized paragraph at word boundaries and reopens its tags', () => {
    const words = Array.from({ length: 1500 }, (_, i) => `w${i}&<x>`);
    const paragraph = message(
      text({ text: 'Lead: ' }, { text: words.join(' '), bold: true, url: 'https://example.org/long' }, { text: ' end.' }),
    );
    const chunks = renderTelegramHtml(paragraph);
    expect(chunks.length).toBeGreaterThan(3);
    const visible = chunks.map(check);
    expect(squash(visible.join(' ')).split(' ')).toEqual(['Lead:', ...words, 'end.']);
    for (const chunk of chunks.slice(1, -1)) expect(chunk).toMatch(/^<a href="https:\/\/example.org\/long"><b>.*<\/b><\/a>$/s);
  });

  it('prefers line breaks inside a long block and hard-cuts a word longer than a message without splitting emoji', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n');
    const byLine = renderTelegramHtml(message({ type: 'note', spans: [{ text: lines }] }));
    const visible = byLine.map(check);
    for (const v of visible) expect(v).toMatch(/^line \d+ x{40}(\nline \d+ x{40})*$/);
    expect(visible.join('\n')).toBe(lines);

    const flags = '🇨🇩'.repeat(3000);
    const cut = renderTelegramHtml(message(text({ text: flags, italic: true })));
    expect(cut.length).toBe(3);
    expect(cut.map(check).join('')).toBe(flags);
  });

  it('keeps the text of a link whose href alone would not fit a message', () => {
    const url = `https://example.org/${'a'.repeat(5000)}`;
    const chunks = renderTelegramHtml(message(text({ text: 'huge link', url })));
    expect(chunks.map(check)).toEqual(['huge link']);
  });

  it('sends link previews only when the message asks for them', () => {
    expect(telegramSendOptions({ blocks: [] })).toEqual({ parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
    expect(telegramSendOptions({ blocks: [], linkPreviews: true }).link_preview_options.is_disabled).toBe(false);
  });

  it('produces chunks the fake Telegram accepts through the real grammY', async () => {
    const fake = await startFakeTelegram();
    try {
      const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
      const items = Array.from({ length: 400 }, (_, i) => [{ text: `<item> ${i} & ${'é'.repeat(30)}`, bold: i % 3 === 0 }]);
      const digest: Message = { blocks: [{ type: 'heading', text: 'Digest' }, { type: 'list', items }] };
      const chunks = renderTelegramHtml(digest);
      expect(chunks.length).toBeGreaterThan(1);
      for (const chunk of chunks) await bot.api.sendMessage(7, chunk, telegramSendOptions(digest));
      expect(fake.sentMessages(7).map((m) => m.text)).toEqual(chunks);
    } finally {
      await fake.close();
    }
  });
});

/** The visible text of a chunk that must parse. */
function check2(html: string): string {
  const parsed = parseTelegramHtml(html);
  if (!parsed.ok) throw new Error(parsed.description);
  return parsed.text;
}
