/**
 * Fetches one feed over HTTP(S) or from a file: conditional GET, redirects followed by hand, a time
 * limit over the whole exchange, and a size cap enforced while streaming and again while decompressing.
 * Never throws.
 */
import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock, type Clock } from '../clock.js';
import type { FeedValidators, FetchOutcome } from './feed-result.js';
import { fetchFile } from './fetch-file.js';
import { decodeContent, discard, readCapped } from './http-body.js';
import { httpGet, type HttpResponse } from './http-get.js';
import { parseRetryAfter } from './retry-after.js';
import { errorText } from '../error-text.js';
import { ownPackage } from '../package-root.js';
import { redactUrl } from '../redact-url.js';

/** Limits and identity for one fetch; every field has a default. */
export type FetchOptions = {
  /** Limit for the whole exchange (connect, headers, body, redirects). Default 15000. */
  timeoutMs?: number;
  /** Largest body accepted, counted after content decoding. Default 5_000_000. */
  maxBytes?: number;
  /** Redirects followed before giving up. Default 5. */
  maxRedirects?: number;
  /** Default `sitrep/<version> (+https://github.com/sitrep-bot/sitrep)`. */
  userAgent?: string;
  /** Turns a Retry-After HTTP-date into a delay. Default the system clock. */
  clock?: Clock;
  /** Cancels the fetch; the outcome is then `{ ok: false, reason: 'aborted' }`. */
  signal?: AbortSignal;
};

/** The defaults applied by fetchFeed. */
export const fetchDefaults = { timeoutMs: 15_000, maxBytes: 5_000_000, maxRedirects: 5 } as const;

const ACCEPT =
  'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5';

let cachedUserAgent: string | undefined;

/** The User-Agent sitrep sends, with the version from package.json (read once). */
export function defaultUserAgent(): string {
  cachedUserAgent ??= `sitrep/${ownPackage().version} (+https://github.com/sitrep-bot/sitrep)`;
  return cachedUserAgent;
}


/**
 * Fetches a feed from an http(s) URL, a file: URL or a local path, sending the remembered validators.
 * Every failure comes back as `{ ok: false, reason }`.
 */
export async function fetchFeed(
  target: string,
  validators: FeedValidators,
  options: FetchOptions = {},
): Promise<FetchOutcome> {
  const maxBytes = options.maxBytes ?? fetchDefaults.maxBytes;
  if (options.signal?.aborted) return { ok: false, reason: 'aborted' };
  const kind = classifyTarget(target);
  if (kind.type === 'error') return { ok: false, reason: kind.reason };
  if (kind.type === 'file') return fetchFile(kind.path, validators, maxBytes, options.signal);
  try {
    return await fetchHttp(kind.url, validators, options, maxBytes);
  } catch (error) {
    // fetchHttp maps every expected failure itself; this is the last guard of "never throws".
    return { ok: false, reason: `unexpected error: ${errorText(error)}` };
  }
}

type Target = { type: 'http'; url: URL } | { type: 'file'; path: string } | { type: 'error'; reason: string };

function classifyTarget(target: string): Target {
  // A scheme is at least two letters, so a Windows drive letter ("C:\feeds") counts as a path.
  if (!/^[a-z][a-z0-9+.-]+:/i.test(target)) return { type: 'file', path: isAbsolute(target) ? target : resolve(target) };
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return { type: 'error', reason: `invalid URL: ${redactUrl(target)}` };
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return { type: 'http', url };
  if (url.protocol === 'file:') {
    try {
      return { type: 'file', path: fileURLToPath(url) };
    } catch {
      return { type: 'error', reason: `invalid file URL: ${redactUrl(target)}` };
    }
  }
  return { type: 'error', reason: `unsupported URL scheme ${url.protocol}` };
}

async function fetchHttp(
  start: URL,
  validators: FeedValidators,
  options: FetchOptions,
  maxBytes: number,
): Promise<FetchOutcome> {
  const timeoutMs = options.timeoutMs ?? fetchDefaults.timeoutMs;
  const maxRedirects = options.maxRedirects ?? fetchDefaults.maxRedirects;
  const clock = options.clock ?? systemClock;

  // One controller for the whole exchange, so the time limit spans redirects and the body too.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onOuterAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const failure = (error: unknown, during: string): FetchOutcome => ({
    ok: false,
    reason: timedOut
      ? `timed out after ${timeoutMs} ms`
      : options.signal?.aborted
        ? 'aborted'
        : networkReason(error, during),
  });

  const headers: Record<string, string> = {
    accept: ACCEPT,
    'accept-encoding': 'gzip, deflate, br',
    'user-agent': options.userAgent ?? defaultUserAgent(),
  };
  if (validators.etag) headers['if-none-match'] = validators.etag;
  if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;

  try {
    let url = start;
    const visited = new Set<string>();
    for (let redirects = 0; ; redirects++) {
      visited.add(url.href);
      let response: HttpResponse;
      try {
        response = await httpGet(url, headers, controller.signal);
      } catch (error) {
        return failure(error, 'connecting');
      }
      const { status, body: stream } = response;
      const header = (name: string) => headerValue(response.headers, name);

      if (status >= 300 && status < 400 && status !== 304) {
        await discard(stream);
        const location = header('location');
        if (!location) return { ok: false, status, reason: `${statusLine(status)} without a Location header` };
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          return { ok: false, status, reason: `bad redirect Location: ${redactUrl(location)}` };
        }
        if (next.protocol !== 'http:' && next.protocol !== 'https:') {
          return { ok: false, status, reason: `redirect to unsupported URL scheme ${next.protocol}` };
        }
        if (visited.has(next.href)) return { ok: false, status, reason: `redirect loop back to ${redactUrl(next.href)}` };
        if (redirects >= maxRedirects) return { ok: false, status, reason: `too many redirects (more than ${maxRedirects})` };
        url = next;
        continue;
      }

      const etag = header('etag');
      const lastModified = header('last-modified');
      if (status === 304) {
        await discard(stream);
        // A 304 may omit validators; the ones we sent are still the current ones then.
        return {
          ok: true,
          status: 304,
          etag: etag ?? validators.etag,
          lastModified: lastModified ?? validators.lastModified,
        };
      }
      if (status < 200 || status >= 300) {
        await discard(stream);
        const outcome: FetchOutcome = { ok: false, status, reason: statusLine(status) };
        if (status === 429 || status === 503) {
          const wait = parseRetryAfter(header('retry-after'), clock.now());
          if (wait !== null) {
            outcome.retryAfterMs = wait;
            // Said in the reason too: `poll --once` and /sources show it, and a cron job's owner learns to wait.
            outcome.reason += `, retry after ${waitText(wait)}`;
          }
        }
        return outcome;
      }

      const declared = Number(header('content-length'));
      if (Number.isFinite(declared) && declared > maxBytes) {
        await discard(stream);
        return { ok: false, status, reason: `body larger than ${maxBytes} bytes` };
      }
      const raw = await readCapped(stream, maxBytes);
      if (raw === 'too-large') return { ok: false, status, reason: `body larger than ${maxBytes} bytes` };
      if (raw instanceof Error) return failure(raw, 'reading the body');
      const body = decodeContent(raw, header('content-encoding'), maxBytes);
      if (body === 'too-large') return { ok: false, status, reason: `body larger than ${maxBytes} bytes` };
      if (body instanceof Error) return { ok: false, status, reason: `could not decode the body as ${header('content-encoding')} (its Content-Encoding): ${body.message}` };
      return {
        ok: true,
        status: 200,
        body,
        contentType: header('content-type'),
        etag,
        lastModified,
        finalUrl: url.href,
      };
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/** One response header as a string (the first, when the server repeated it), null when absent. */
function headerValue(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/** A Retry-After wait in words: "45 s", "5 min", "2 h". */
function waitText(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 2 * 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds <= 7 * 86_400) return `${Math.round(seconds / 3600)} h`;
  return 'more than a week';
}

function statusLine(status: number): string {
  const text = STATUS_CODES[status] ?? '';
  return text ? `HTTP ${status} ${text}` : `HTTP ${status}`;
}

/** Turns a network error (Node's, or one nested as its cause) into a short plain reason. */
function networkReason(error: unknown, during: string): string {
  const cause = (error as { cause?: unknown } | null)?.cause ?? error;
  const code = String((cause as { code?: unknown } | null)?.code ?? '');
  const message = errorText(cause);
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found: ${(cause as { hostname?: string }).hostname ?? message}`;
    case 'ECONNRESET':
    case 'EPIPE':
      // "socket hang up": the server accepted the connection and closed it without a word.
      if (during === 'connecting' && /hang up/i.test(message)) return 'the server closed the connection without answering';
      return `connection reset while ${during}`;
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
  }
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code)) return `TLS error: ${message}`;
  // llhttp's codes (HPE_INVALID_CONSTANT…): the answer came, but it is not HTTP.
  if (code.startsWith('HPE_')) return `the server's answer is not valid HTTP (${(cause as { reason?: string }).reason ?? message})`;
  return `network error while ${during}: ${message}`;
}
