/**
 * Feed bytes → text. The encoding is chosen on every document (not only when parsing fails),
 * because a wrong guess never makes the XML parser fail: it silently turns every accented letter
 * into U+FFFD. Order: BOM, UTF-16/32 byte patterns, HTTP charset, `<?xml encoding?>`, then the bytes.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import iconv from 'iconv-lite';

/** A decoded feed document and the encoding that was used for it. */
export type DecodedFeed = { text: string; encoding: string };

// A gzip bomb must not eat the process: no real feed comes close to this once unpacked.
const MAX_GUNZIPPED_BYTES = 64 * 1024 * 1024;

/**
 * Turns raw feed bytes into text: gunzips a gzip body, picks the encoding, drops junk before the first `<`.
 * A gzip body the server did not label as such is only seen here, so the fetch's size cap (`maxBytes`) must be
 * applied to its unpacked size here too: 'too-large' when it unpacks to more.
 */
export function decodeFeedBytes(bytes: Uint8Array, contentType: string | null, maxBytes = MAX_GUNZIPPED_BYTES): DecodedFeed | 'too-large' {
  const body = maybeGunzip(bytes, maxBytes);
  if (body === 'too-large') return body;
  const encoding = chooseEncoding(body, contentType);
  const text = decodeWith(body, encoding);
  return { text: stripLeadingJunk(text), encoding };
}

function maybeGunzip(bytes: Uint8Array, maxBytes: number): Uint8Array | 'too-large' {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return new Uint8Array(gunzipSync(bytes, { maxOutputLength: maxBytes }));
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') return 'too-large';
    return bytes; // Not really gzip: decode what we were given.
  }
}

/** Picks the encoding name (WHATWG or iconv-lite label) for a body. */
function chooseEncoding(bytes: Uint8Array, contentType: string | null): string {
  const fromBytes = sniffUnicode(bytes);
  if (fromBytes) return fromBytes;

  const label = resolveLabel(charsetFromContentType(contentType)) ?? resolveLabel(xmlDeclaredEncoding(bytes));
  const utf8 = scanUtf8(bytes);
  if (label && label !== 'utf-8' && !label.startsWith('utf-16') && !label.startsWith('utf-32')) {
    // Servers and CMSs often claim Latin-1 while sending UTF-8; valid multibyte UTF-8 is no accident.
    if (utf8.invalid === 0 && utf8.multibyte > 0) return 'utf-8';
    return label;
  }
  if (utf8.invalid === 0) return 'utf-8';
  // Mostly-valid UTF-8 with a few bad bytes stays UTF-8; otherwise it is almost surely a Western legacy page.
  return utf8.multibyte > utf8.invalid ? 'utf-8' : 'windows-1252';
}

/** BOM first, then the `<?` / `<` patterns UTF-16 and UTF-32 make with zero bytes. */
function sniffUnicode(b: Uint8Array): string | null {
  const [b0, b1, b2, b3] = [b[0], b[1], b[2], b[3]];
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return 'utf-8';
  if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) return 'utf-32le';
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return 'utf-32be';
  if (b0 === 0xfe && b1 === 0xff) return 'utf-16be';
  if (b0 === 0xff && b1 === 0xfe) return 'utf-16le';
  if (b.length < 4) return null;
  if (b0 === 0 && b1 === 0 && b2 === 0 && b3 !== 0) return 'utf-32be';
  if (b0 !== 0 && b1 === 0 && b2 === 0 && b3 === 0) return 'utf-32le';
  if (b0 === 0 && b1 !== 0 && b2 === 0 && b3 !== 0) return 'utf-16be';
  if (b0 !== 0 && b1 === 0 && b2 !== 0 && b3 === 0) return 'utf-16le';
  return null;
}

/** The charset parameter of a Content-Type header, tolerating quotes and spaces around `=`. */
export function charsetFromContentType(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  const match = /;\s*charset\s*=\s*["']?([^"';\s]+)/i.exec(contentType);
  return match?.[1] ?? null;
}

function xmlDeclaredEncoding(bytes: Uint8Array): string | null {
  // The declaration is ASCII in every ASCII-compatible encoding, so Latin-1 reads it safely.
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024)).toString('latin1');
  const match = /<\?xml[^>]*?\bencoding\s*=\s*["']([^"']+)["']/i.exec(head);
  return match?.[1] ?? null;
}

/** Canonical name for a charset label, or null when neither TextDecoder nor iconv-lite knows it. */
function resolveLabel(label: string | null): string | null {
  if (!label) return null;
  const trimmed = label.trim().toLowerCase();
  try {
    return new TextDecoder(trimmed).encoding;
  } catch {
    return iconv.encodingExists(trimmed) ? trimmed : null;
  }
}

/** Well-formed multibyte sequences (at least 1 when there are any) and invalid bytes in a UTF-8 reading of the body. */
function scanUtf8(b: Uint8Array): { multibyte: number; invalid: number } {
  // Most bodies are valid UTF-8: Node's native checks answer that without a byte loop in JavaScript
  // (callers only ask whether there are multibyte sequences, not how many).
  if (isUtf8(b)) return { multibyte: isAscii(b) ? 0 : 1, invalid: 0 };
  let multibyte = 0;
  let invalid = 0;
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    if (c < 0x80) {
      i += 1;
      continue;
    }
    const need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    let ok = need > 0;
    for (let k = 1; ok && k <= need; k += 1) {
      const next = b[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) ok = false;
    }
    if (ok) {
      multibyte += 1;
      i += need + 1;
    } else {
      invalid += 1;
      i += 1;
    }
  }
  return { multibyte, invalid };
}

function decodeWith(bytes: Uint8Array, encoding: string): string {
  if (encoding === 'utf-8' || encoding.startsWith('utf-16')) return new TextDecoder(encoding).decode(bytes);
  // iconv-lite for the legacy ones: Node 20's TextDecoder reads windows-1252 as Latin-1 (0x93 → U+0093, not “).
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (iconv.encodingExists(encoding)) return iconv.decode(buffer, encoding);
  return new TextDecoder(encoding).decode(bytes);
}

/** Drops a BOM and anything (blank lines, PHP warnings, stray bytes) before the first `<`. */
function stripLeadingJunk(text: string): string {
  const start = text.indexOf('<');
  return start > 0 ? text.slice(start) : start === 0 ? text : text.replace(/^\uFEFF/, '');
}
