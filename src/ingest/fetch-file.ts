/** Reads a feed from the local file system, with the same outcome shape and limits as HTTP. */
import { readFile, stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { FeedValidators, FetchOutcome } from './feed-result.js';
import { errorText } from '../error-text.js';

/** Content types guessed from the file extension, so `parse` output matches what a server would say. */
const typesByExtension: Record<string, string> = {
  '.xml': 'application/xml',
  '.rss': 'application/rss+xml',
  '.atom': 'application/atom+xml',
  '.rdf': 'application/rdf+xml',
};

/**
 * Reads `path` (absolute) as a feed body. The file's size and mtime form an ETag, so a caller that
 * remembers validators gets 304 while the file is unchanged (exact to the millisecond, unlike an HTTP date).
 */
export async function fetchFile(
  path: string,
  validators: FeedValidators,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<FetchOutcome> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { ok: false, reason: `not a regular file: ${path}` };
    const etag = `"${info.size.toString(16)}-${Math.trunc(info.mtimeMs).toString(16)}"`;
    const lastModified = info.mtime.toUTCString();
    if (validators.etag === etag) return { ok: true, status: 304, etag, lastModified };
    if (info.size > maxBytes) return { ok: false, reason: `body larger than ${maxBytes} bytes` };
    const buffer = await readFile(path, signal ? { signal } : {});
    // The file may have grown between stat and read.
    if (buffer.byteLength > maxBytes) return { ok: false, reason: `body larger than ${maxBytes} bytes` };
    const dot = path.lastIndexOf('.');
    const extension = dot >= 0 ? path.slice(dot).toLowerCase() : '';
    return {
      ok: true,
      status: 200,
      body: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength),
      contentType: typesByExtension[extension] ?? null,
      etag,
      lastModified,
      finalUrl: pathToFileURL(path).href,
    };
  } catch (error) {
    return { ok: false, reason: fileErrorReason(error, path) };
  }
}

function fileErrorReason(error: unknown, path: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return `not found: ${path}`;
    case 'ENOTDIR':
      return `not found: ${path}`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied: ${path}`;
    case 'EISDIR':
      return `not a regular file: ${path}`;
    case 'ABORT_ERR':
      return 'aborted';
    default:
      return `could not read ${path}: ${errorText(error)}`;
  }
}
