import { describe, it, expect } from 'vitest';
import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { charsetFromContentType, decodeFeedBytes as decodeOrTooLarge } from '../../src/ingest/decode.js';

/** decodeFeedBytes for bodies under the cap. */
function decodeFeedBytes(...args: Parameters<typeof decodeOrTooLarge>) {
  const decoded = decodeOrTooLarge(...args);
  if (decoded === 'too-large') throw new Error('unexpectedly too large');
  return decoded;
}

const rss = (body: string, decl = '') => `${decl}<rss version="2.0"><channel><title>${body}</title></channel></rss>`;
const latin1 = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

describe('decodeFeedBytes', () => {
  it('decodes plain UTF-8', () => {
    expect(decodeFeedBytes(utf8(rss('Goma – Bukavu')), null)).toEqual({ text: rss('Goma – Bukavu'), encoding: 'utf-8' });
  });

  it('honours an ISO-8859-1 XML declaration', () => {
    const doc = rss('Notícias', '<?xml version="1.0" encoding="ISO-8859-1"?>');
    const out = decodeFeedBytes(latin1(doc), null);
    expect(out.text).toContain('Notícias');
    expect(out.encoding).toBe('windows-1252');
  });

  it('lets the HTTP charset override the XML declaration', () => {
    const doc = rss('£“test.”', '<?xml version="1.0" encoding="iso-8859-1"?>');
    const bytes = new Uint8Array(iconv.encode(doc, 'windows-1252'));
    expect(decodeFeedBytes(bytes, 'text/xml; charset="windows-1252"').text).toContain('£“test.”');
    const cyrillic = new Uint8Array(iconv.encode(rss('Новости'), 'windows-1251'));
    expect(decodeFeedBytes(cyrillic, 'application/rss+xml;charset = windows-1251').text).toContain('Новости');
  });

  it('prefers UTF-8 when a Latin-1 label sits on valid multibyte UTF-8', () => {
    const doc = rss('© 2024', '<?xml version="1.0" encoding="ISO-8859-1"?>');
    const out = decodeFeedBytes(utf8(doc), null);
    expect(out.text).toContain('© 2024');
    expect(out.text).not.toContain('Â©');
    expect(out.encoding).toBe('utf-8');
  });

  it('falls back to windows-1252 for unlabelled bytes that are not UTF-8', () => {
    const out = decodeFeedBytes(new Uint8Array(iconv.encode(rss('Sécurité “Kivu”'), 'windows-1252')), null);
    expect(out).toEqual({ text: rss('Sécurité “Kivu”'), encoding: 'windows-1252' });
  });

  it.each([
    ['utf-16le', true],
    ['utf-16be', true],
    ['utf-16le', false],
    ['utf-16be', false],
    ['utf-32le', true],
    ['utf-32be', true],
    ['utf-32le', false],
    ['utf-32be', false],
  ])('detects %s (BOM: %s)', (encoding, bom) => {
    const doc = rss('Kinshasa ✓', '<?xml version="1.0" encoding="utf-16"?>');
    const codec = encoding.replace('-', '');
    const bytes = new Uint8Array(iconv.encode(doc, codec, { addBOM: bom }));
    const out = decodeFeedBytes(bytes, null);
    expect(out.text).toBe(doc);
    expect(out.encoding).toBe(encoding);
  });

  it('gunzips a body that starts with the gzip magic bytes', () => {
    const out = decodeFeedBytes(new Uint8Array(gzipSync(Buffer.from(rss('zipped')))), 'application/xml');
    expect(out.text).toBe(rss('zipped'));
  });

  it('refuses a gzip body that unpacks to more than the size cap (a server may send one unlabelled)', () => {
    const bomb = new Uint8Array(gzipSync(Buffer.from(rss('x'.repeat(200_000)))));
    expect(bomb.length).toBeLessThan(2_000);
    expect(decodeOrTooLarge(bomb, null, 100_000)).toBe('too-large');
    expect(decodeOrTooLarge(bomb, null, 300_000)).toMatchObject({ encoding: 'utf-8' });
  });

  it('strips a BOM and junk before the first tag', () => {
    expect(decodeFeedBytes(utf8(`\uFEFF\n\nWarning: notice in header.php\n${rss('x')}`), null).text).toBe(rss('x'));
  });

  it('ignores a charset label nobody knows', () => {
    expect(decodeFeedBytes(utf8(rss('é')), 'text/xml; charset=bogus-9').text).toBe(rss('é'));
  });
});

describe('charsetFromContentType', () => {
  it('reads quoted, spaced and bare charset parameters', () => {
    expect(charsetFromContentType('text/xml; charset=utf-8')).toBe('utf-8');
    expect(charsetFromContentType("text/xml;charset= 'us-ascii'")).toBe('us-ascii');
    expect(charsetFromContentType('text/xml;charset = "gb2312"')).toBe('gb2312');
    expect(charsetFromContentType('text/xml; charset:iso-8859-1')).toBeNull();
    expect(charsetFromContentType(null)).toBeNull();
  });
});
