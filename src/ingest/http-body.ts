/**
 * An HTTP response body, from the wire to the bytes the parser gets: read with a size cap, decompressed
 * with a cap on what it expands to, or dropped (drained when small, so its connection is reused).
 */
import type { IncomingMessage } from 'node:http';
import { finished } from 'node:stream/promises';
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';

// A body up to this size is cheaper to drain than the new connection that destroying it would cost,
// unless it has not ended after this long (a server that declared a small body and stalled).
const DRAIN_MAX_BYTES = 64 * 1024;
const DRAIN_MAX_MS = 1_000;

/**
 * Drops a body we do not read. One that has fully arrived (a 304's empty body) or says it is small is
 * drained, and the promise settles once it has ended, when its kept-alive connection is free for the next
 * request; any other, or a small one still unfinished after DRAIN_MAX_MS, is destroyed, which closes its
 * socket, so a server that keeps sending stops. Errors on the dropped stream are nobody's concern.
 */
export async function discard(response: IncomingMessage): Promise<void> {
  response.on('error', () => {});
  const declared = Number(response.headers['content-length']);
  if (response.complete || (Number.isFinite(declared) && declared <= DRAIN_MAX_BYTES)) {
    response.resume();
    let timer: NodeJS.Timeout | undefined;
    const tooSlow = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, DRAIN_MAX_MS);
    });
    await Promise.race([finished(response).catch(() => {}), tooSlow]);
    clearTimeout(timer);
  }
  if (!response.complete) response.destroy();
}

/**
 * Reads the body as it came over the wire, chunk by chunk, and stops as soon as it passes maxBytes
 * (and then closes its socket, so the server stops sending instead of us draining it).
 */
export async function readCapped(stream: IncomingMessage, maxBytes: number): Promise<Uint8Array | 'too-large' | Error> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.byteLength;
      if (total > maxBytes) {
        stream.destroy();
        return 'too-large';
      }
      chunks.push(chunk);
    }
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

/**
 * Undoes the Content-Encoding (gzip, deflate, br, in the order they were applied), letting the decoded
 * body grow to maxBytes at most: a small compressed body can expand a thousandfold. Unknown codings are
 * left as they are (the parser sniffs a gzip body the server did not label).
 */
export function decodeContent(raw: Uint8Array, contentEncoding: string | null, maxBytes: number): Uint8Array | 'too-large' | Error {
  if (!contentEncoding) return raw;
  const codings = contentEncoding.toLowerCase().split(',').map((coding) => coding.trim()).reverse();
  let body = raw;
  try {
    for (const coding of codings) {
      const limit = { maxOutputLength: maxBytes + 1 };
      if (coding === 'gzip' || coding === 'x-gzip') body = gunzipSync(body, limit);
      else if (coding === 'br') body = brotliDecompressSync(body, limit);
      // "deflate" should be zlib-wrapped, but servers also send raw deflate: the zlib header tells them apart.
      else if (coding === 'deflate') body = isZlibHeader(body) ? inflateSync(body, limit) : inflateRawSync(body, limit);
      if (body.byteLength > maxBytes) return 'too-large';
    }
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') return 'too-large';
    // A server (or a proxy that already unpacked it) labelling a plain document as compressed.
    if (looksUncompressed(raw)) return raw;
    return error instanceof Error ? error : new Error(String(error));
  }
  return body;
}

/** True when the bytes start like a text document (`<`, after a BOM or whitespace), not like compressed data. */
function looksUncompressed(bytes: Uint8Array): boolean {
  const text = Buffer.from(bytes.subarray(0, 64)).toString('latin1').replace(/^(\xEF\xBB\xBF|\xFF\xFE|\xFE\xFF)/, '');
  return /^\s*</.test(text.replace(/\0/g, ''));
}

/** True when the bytes start with a zlib header (RFC 1950): deflate method and a valid check value. */
function isZlibHeader(bytes: Uint8Array): boolean {
  const cmf = bytes[0];
  const flg = bytes[1];
  return cmf !== undefined && flg !== undefined && (cmf & 0x0f) === 8 && (cmf * 256 + flg) % 31 === 0;
}
