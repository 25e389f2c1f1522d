import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createManualClock } from '../../src/clock.js';
import type { FeedValidators, FetchOutcome } from '../../src/ingest/feed-result.js';
import { defaultUserAgent, fetchFeed } from '../../src/ingest/fetch.js';
import { parseRetryAfter } from '../../src/ingest/retry-after.js';
import { rssFeed, startFeedServer, type FeedServer } from '../fakes/feed-server.js';

const none: FeedValidators = { etag: null, lastModified: null };
const feedXml = rssFeed({
  title: 'Actualité RDC',
  items: [{ title: 'M23 et Kinshasa à Doha', link: 'https://example.org/a', guid: 'a1', pubDate: 'Sun, 01 Jun 2025 10:00:00 GMT' }],
});

function text(outcome: FetchOutcome): string {
  if (!outcome.ok || outcome.status !== 200) throw new Error(`expected a 200 outcome, got ${JSON.stringify(outcome)}`);
  return Buffer.from(outcome.body).toString('utf8');
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

let server: FeedServer;
let dir: string;
beforeAll(async () => {
  server = await startFeedServer();
  dir = await mkdtemp(join(tmpdir(), 'sitrep-fetch-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('fetchFeed over HTTP', () => {
  it('gets 200 with validators, then 304 after sending If-None-Match and If-Modified-Since', async () => {
    const lastModified = 'Sun, 01 Jun 2025 09:00:00 GMT';
    server.route('/cond.xml', { body: feedXml, etag: '"v1"', lastModified });

    const first = await fetchFeed(server.url('/cond.xml'), none);
    expect(first).toMatchObject({ ok: true, status: 200, etag: '"v1"', lastModified, finalUrl: server.url('/cond.xml') });
    expect(first.ok && first.status === 200 && first.contentType).toBe('application/rss+xml; charset=utf-8');
    expect(text(first)).toBe(feedXml);

    const second = await fetchFeed(server.url('/cond.xml'), { etag: '"v1"', lastModified });
    expect(second).toEqual({ ok: true, status: 304, etag: '"v1"', lastModified });

    const [req1, req2] = server.requestsFor('/cond.xml');
    expect(req1?.headers['if-none-match']).toBeUndefined();
    expect(req1?.headers['if-modified-since']).toBeUndefined();
    expect(req2?.headers['if-none-match']).toBe('"v1"');
    expect(req2?.headers['if-modified-since']).toBe(lastModified);
  });

  it('gets 304 from If-Modified-Since alone and keeps the validators the server left out', async () => {
    const lastModified = 'Sun, 01 Jun 2025 09:00:00 GMT';
    server.route('/lm.xml', { body: feedXml, lastModified });
    const outcome = await fetchFeed(server.url('/lm.xml'), { etag: null, lastModified });
    expect(outcome).toEqual({ ok: true, status: 304, etag: null, lastModified });
  });

  it.each(['gzip', 'br', 'deflate'] as const)('decodes a %s body', async (encoding) => {
    server.route(`/enc-${encoding}.xml`, { body: feedXml, encoding });
    const outcome = await fetchFeed(server.url(`/enc-${encoding}.xml`), none);
    expect(text(outcome)).toBe(feedXml);
    expect(server.requestsFor(`/enc-${encoding}.xml`)[0]?.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('keeps raw bytes when the server sends gzip without saying so (the parser gunzips those)', async () => {
    const { gzipSync } = await import('node:zlib');
    const gz = gzipSync(feedXml);
    server.route('/sneaky-gzip.xml', { body: gz });
    const outcome = await fetchFeed(server.url('/sneaky-gzip.xml'), none);
    expect(outcome.ok && outcome.status === 200 && Buffer.from(outcome.body).equals(gz)).toBe(true);
  });

  it('decodes gzip, br and deflate bodies, and raw deflate sent as "deflate"', async () => {
    for (const encoding of ['gzip', 'br', 'deflate'] as const) {
      server.route(`/coded-${encoding}.xml`, { body: feedXml, encoding });
      expect(text(await fetchFeed(server.url(`/coded-${encoding}.xml`), none)), encoding).toBe(feedXml);
    }
    const { deflateRawSync } = await import('node:zlib');
    server.route('/raw-deflate.xml', { body: deflateRawSync(feedXml), headers: { 'content-encoding': 'deflate' } });
    expect(text(await fetchFeed(server.url('/raw-deflate.xml'), none))).toBe(feedXml);
  });

  it('takes a plain feed labelled gzip as it is, reports a broken gzip body, and caps what a small compressed body expands to', async () => {
    server.route('/plain-said-gzip.xml', { body: feedXml, headers: { 'content-encoding': 'gzip' } });
    expect(text(await fetchFeed(server.url('/plain-said-gzip.xml'), none))).toBe(feedXml);
    const { gzipSync: zip } = await import('node:zlib');
    server.route('/bad-gzip.xml', { body: zip(Buffer.from(feedXml)).subarray(0, 30), headers: { 'content-encoding': 'gzip' } });
    const bad = await fetchFeed(server.url('/bad-gzip.xml'), none);
    expect(bad).toMatchObject({ ok: false, status: 200 });
    expect(!bad.ok && bad.reason).toMatch(/^could not decode the body as gzip \(its Content-Encoding\): .+$/);

    const { gzipSync } = await import('node:zlib');
    const bomb = gzipSync(Buffer.alloc(20_000_000, 0x20));
    expect(bomb.byteLength).toBeLessThan(100_000);
    server.route('/bomb.xml', { body: bomb, headers: { 'content-encoding': 'gzip' } });
    expect(await fetchFeed(server.url('/bomb.xml'), none)).toEqual({ ok: false, status: 200, reason: 'body larger than 5000000 bytes' });
  });

  it('times out within the limit when the server is slow to answer', async () => {
    server.route('/slow.xml', { body: feedXml, delayMs: 3000 });
    const { value, ms } = await timed(() => fetchFeed(server.url('/slow.xml'), none, { timeoutMs: 200 }));
    expect(value).toEqual({ ok: false, reason: 'timed out after 200 ms' });
    expect(ms).toBeGreaterThanOrEqual(190);
    expect(ms).toBeLessThan(1000);
  });

  it('times out when the body starts and then stalls', async () => {
    server.route('/stall.xml', { hang: 'body' });
    const { value, ms } = await timed(() => fetchFeed(server.url('/stall.xml'), none, { timeoutMs: 200 }));
    expect(value).toEqual({ ok: false, reason: 'timed out after 200 ms' });
    expect(ms).toBeLessThan(1000);
  });

  it('stops reading a 50 MB streamed body as soon as it passes the cap', async () => {
    server.route('/huge.xml', { hugeBytes: 50_000_000 });
    const before = server.bytesWritten();
    const { value, ms } = await timed(() => fetchFeed(server.url('/huge.xml'), none, { timeoutMs: 5000 }));
    expect(value).toMatchObject({ ok: false, status: 200, reason: 'body larger than 5000000 bytes' });
    expect(ms).toBeLessThan(3000);
    // Give the server a moment to notice the closed socket, then check it did not keep sending.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sent = server.bytesWritten() - before;
    expect(sent).toBeGreaterThan(5_000_000);
    expect(sent).toBeLessThan(15_000_000);
  });

  it('rejects a body whose Content-Length is over the cap before reading it', async () => {
    // The server declares 50 MB and then sends nothing: only the early check can fail fast here.
    server.route('/declared.xml', { hang: 'headers', headers: { 'content-length': '50000000' } });
    const { value, ms } = await timed(() => fetchFeed(server.url('/declared.xml'), none, { timeoutMs: 2000 }));
    expect(value).toEqual({ ok: false, status: 200, reason: 'body larger than 5000000 bytes' });
    expect(ms).toBeLessThan(1000);
  });

  it('follows a chain of three redirects, resolving relative Locations', async () => {
    server.route('/r1', { redirectTo: '/r2', status: 301 });
    server.route('/r2', { redirectTo: server.url('/dir/r3') });
    server.route('/dir/r3', { redirectTo: 'final.xml', status: 307 });
    server.route('/dir/final.xml', { body: feedXml });
    const outcome = await fetchFeed(server.url('/r1'), none);
    expect(text(outcome)).toBe(feedXml);
    expect(outcome).toMatchObject({ finalUrl: server.url('/dir/final.xml') });
  });

  it('fails cleanly on a redirect loop', async () => {
    server.route('/loop-a', { redirectTo: '/loop-b' });
    server.route('/loop-b', { redirectTo: '/loop-a' });
    const outcome = await fetchFeed(server.url('/loop-a'), none);
    expect(outcome).toEqual({ ok: false, status: 302, reason: `redirect loop back to ${server.url('/loop-a')}` });
    expect(server.requestsFor('/loop-a')).toHaveLength(1);
  });

  it('never puts the login of a feed URL in its errors', async () => {
    server.route('/loop-a', { redirectTo: '/loop-b' });
    server.route('/loop-b', { redirectTo: '/loop-a' });
    const withLogin = server.url('/loop-a').replace('http://', 'http://alice:s3cret@');
    const loop = await fetchFeed(withLogin, none);
    expect(loop).toEqual({ ok: false, status: 302, reason: `redirect loop back to ${withLogin.replace('alice:s3cret@', '***@')}` });
    expect(await fetchFeed('http://alice:s3cret@[bad/feed', none)).toEqual({ ok: false, reason: 'invalid URL: http://***@[bad/feed' });
    expect(await fetchFeed('http://carol:p@ss@[bad/feed', none)).toEqual({ ok: false, reason: 'invalid URL: http://***@[bad/feed' });
  });

  it('gives up after maxRedirects redirects', async () => {
    for (let i = 0; i < 7; i++) server.route(`/hop${i}`, { redirectTo: `/hop${i + 1}` });
    server.route('/hop7', { body: feedXml });
    expect(await fetchFeed(server.url('/hop0'), none)).toEqual({
      ok: false,
      status: 302,
      reason: 'too many redirects (more than 5)',
    });
    expect(text(await fetchFeed(server.url('/hop0'), none, { maxRedirects: 7 }))).toBe(feedXml);
  });

  it('refuses to follow a redirect to a file: URL', async () => {
    server.route('/to-file', { redirectTo: 'file:///etc/passwd' });
    expect(await fetchFeed(server.url('/to-file'), none)).toMatchObject({
      ok: false,
      reason: 'redirect to unsupported URL scheme file:',
    });
  });

  it('reports an HTTP 500 with its status line', async () => {
    server.route('/boom.xml', { status: 500, body: 'oops' });
    expect(await fetchFeed(server.url('/boom.xml'), none)).toEqual({
      ok: false,
      status: 500,
      reason: 'HTTP 500 Internal Server Error',
    });
    expect(await fetchFeed(server.url('/nowhere.xml'), none)).toEqual({
      ok: false,
      status: 404,
      reason: 'HTTP 404 Not Found',
    });
  });

  it('reads Retry-After in seconds on 429', async () => {
    server.route('/limited.xml', { status: 429, headers: { 'retry-after': '120' } });
    expect(await fetchFeed(server.url('/limited.xml'), none)).toEqual({
      ok: false,
      status: 429,
      reason: 'HTTP 429 Too Many Requests, retry after 2 min',
      retryAfterMs: 120_000,
    });
  });

  it('says a Retry-After of more than a week in words', async () => {
    server.route('/away.xml', { status: 503, headers: { 'retry-after': '99999999999' } });
    expect(await fetchFeed(server.url('/away.xml'), none)).toMatchObject({ ok: false, reason: 'HTTP 503 Service Unavailable, retry after more than a week' });
  });

  it('reads Retry-After as an HTTP-date relative to the injected clock on 503', async () => {
    const clock = createManualClock('2025-06-01T12:00:00Z');
    server.route('/down.xml', { status: 503, headers: { 'retry-after': 'Sun, 01 Jun 2025 12:05:00 GMT' } });
    expect(await fetchFeed(server.url('/down.xml'), none, { clock })).toEqual({
      ok: false,
      status: 503,
      reason: 'HTTP 503 Service Unavailable, retry after 5 min',
      retryAfterMs: 300_000,
    });
  });

  it('reports connection refused on a closed port', async () => {
    const gone = await startFeedServer();
    const url = gone.url('/feed.xml');
    await gone.close();
    const { value, ms } = await timed(() => fetchFeed(url, none));
    expect(value).toEqual({ ok: false, reason: 'connection refused' });
    expect(ms).toBeLessThan(1000);
  });

  it('names sitrep and its version in the User-Agent and asks for feed types', async () => {
    server.route('/ua.xml', { body: feedXml });
    await fetchFeed(server.url('/ua.xml'), none);
    const headers = server.requestsFor('/ua.xml')[0]?.headers;
    const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
      .version;
    expect(headers?.['user-agent']).toBe(`sitrep/${version} (+https://github.com/sitrep-bot/sitrep)`);
    expect(defaultUserAgent()).toContain('sitrep');
    expect(headers?.accept).toContain('application/rss+xml');
    expect(headers?.accept).toContain('application/atom+xml');
  });

  it('returns "aborted" when the caller cancels', async () => {
    server.route('/abort.xml', { body: feedXml, delayMs: 2000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const { value, ms } = await timed(() => fetchFeed(server.url('/abort.xml'), none, { signal: controller.signal }));
    expect(value).toEqual({ ok: false, reason: 'aborted' });
    expect(ms).toBeLessThan(1000);
  });

  it('turns bad targets into reasons instead of throwing', async () => {
    expect(await fetchFeed('ftp://example.org/feed.xml', none)).toEqual({ ok: false, reason: 'unsupported URL scheme ftp:' });
    expect(await fetchFeed('http://', none)).toEqual({ ok: false, reason: 'invalid URL: http://' });
  });
});

describe('fetchFeed from files', () => {
  it('reads a file path and a file: URL', async () => {
    const path = join(dir, 'feed.xml');
    await writeFile(path, feedXml);
    const byPath = await fetchFeed(path, none);
    expect(text(byPath)).toBe(feedXml);
    expect(byPath).toMatchObject({ contentType: 'application/xml', finalUrl: pathToFileURL(path).href });
    expect(text(await fetchFeed(pathToFileURL(path).href, none))).toBe(feedXml);
  });

  it('answers 304 while the file is unchanged and 200 once it changes', async () => {
    const path = join(dir, 'changing.xml');
    await writeFile(path, feedXml);
    const first = await fetchFeed(path, none);
    if (!first.ok) throw new Error(first.reason);
    const validators = { etag: first.etag, lastModified: first.lastModified };
    expect(await fetchFeed(path, validators)).toMatchObject({ ok: true, status: 304 });

    await writeFile(path, `${feedXml}\n`);
    await utimes(path, new Date('2025-06-02T00:00:00Z'), new Date('2025-06-02T00:00:00Z'));
    expect(text(await fetchFeed(path, validators))).toBe(`${feedXml}\n`);
  });

  it('fails cleanly on a missing file', async () => {
    const path = join(dir, 'missing', 'file.xml');
    expect(await fetchFeed(path, none)).toEqual({ ok: false, reason: `not found: ${path}` });
    expect(await fetchFeed(pathToFileURL(path).href, none)).toEqual({ ok: false, reason: `not found: ${path}` });
  });

  it('applies the size cap to files too', async () => {
    const path = join(dir, 'big.xml');
    await writeFile(path, Buffer.alloc(2000, 0x20));
    expect(await fetchFeed(path, none, { maxBytes: 1000 })).toEqual({ ok: false, reason: 'body larger than 1000 bytes' });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');
  it('reads delta-seconds and HTTP-dates, and treats a past date as now', () => {
    expect(parseRetryAfter(' 30 ', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 01 Jun 2025 12:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Sun, 01 Jun 2025 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores missing, negative and unreadable values', () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });
});
