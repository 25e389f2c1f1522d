import { brotliCompressSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeContent } from '../../src/ingest/http-body.js';

const xml = Buffer.from('<rss version="2.0"><channel><title>Goma</title></channel></rss>');

describe('decodeContent', () => {
  it('undoes codings in the reverse of the order the header lists them', () => {
    const twice = brotliCompressSync(gzipSync(xml));
    expect(Buffer.from(decodeContent(twice, 'gzip, br', 1_000) as Uint8Array).equals(xml)).toBe(true);
  });

  it('leaves identity and codings it does not know as they are', () => {
    expect(decodeContent(xml, 'identity', 1_000)).toBe(xml);
    expect(decodeContent(xml, 'compress', 1_000)).toBe(xml);
    expect(decodeContent(xml, null, 1_000)).toBe(xml);
  });

  it('stops a body that expands past the cap, and names a broken one', () => {
    expect(decodeContent(gzipSync(Buffer.alloc(100_000)), 'GZIP', 50_000)).toBe('too-large');
    const cut = gzipSync(xml).subarray(0, 20);
    expect(decodeContent(cut, 'gzip', 1_000)).toBeInstanceOf(Error);
  });

  it('takes a plain document labelled as compressed as it is', () => {
    expect(decodeContent(xml, 'br', 1_000)).toBe(xml);
    expect(decodeContent(xml, 'gzip', 1_000)).toBe(xml);
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('\n'), xml]);
    expect(decodeContent(withBom, 'deflate', 1_000)).toBe(withBom);
  });
});
