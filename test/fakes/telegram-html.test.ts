import { describe, expect, it } from 'vitest';
import { parseTelegramHtml } from './telegram-html.js';

describe('parseTelegramHtml', () => {
  it('decodes entities, keeps a stray ampersand and measures offsets in UTF-16', () => {
    expect(parseTelegramHtml('AT&T &lt;b&gt; <b>🇨🇩 x</b> <a href="https://a.example/?q=1&amp;r=&quot;">l</a>')).toEqual({
      ok: true,
      text: 'AT&T <b> 🇨🇩 x l',
      entities: [
        { type: 'bold', offset: 9, length: 6 },
        { type: 'text_link', offset: 16, length: 1, url: 'https://a.example/?q=1&r="' },
      ],
    });
  });

  it('rejects a stray <, unknown tags and crossed tags as Telegram does', () => {
    expect(parseTelegramHtml('a < b')).toMatchObject({ ok: false, description: 'Unsupported start tag "" at byte offset 2' });
    expect(parseTelegramHtml('é<img src=x>')).toMatchObject({ description: 'Unsupported start tag "img" at byte offset 2' });
    expect(parseTelegramHtml('<b><i>x</b></i>').ok).toBe(false);
    expect(parseTelegramHtml('<b>x')).toMatchObject({ description: 'Can\'t find end tag corresponding to start tag "b"' });
  });
});
