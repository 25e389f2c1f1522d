/**
 * A local feed server for tests: node:http on 127.0.0.1, port 0. Each route is a small spec (body,
 * validators, status, delay, encoding, redirect, huge or hanging bodies); every request is recorded.
 * Lean on purpose: a benchmark serves 500 routes, each answering after 100 ms, all at once.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';

/** How one path answers. Everything is optional: an empty spec serves an empty RSS feed with 200. */
export type RouteSpec = {
  /** Body, or a function called per request (to change what a feed says between polls). */
  body?: string | Buffer | (() => string | Buffer);
  /** Default `application/rss+xml; charset=utf-8`. */
  contentType?: string;
  /** Sent as ETag; a request whose If-None-Match matches gets 304. */
  etag?: string;
  /** Sent as Last-Modified; a request whose If-Modified-Since equals it (and no ETag mismatch) gets 304. */
  lastModified?: string;
  /** Default 200 (or 302 with redirectTo). */
  status?: number;
  /** Extra response headers, e.g. `{ 'retry-after': '120' }`. */
  headers?: Record<string, string>;
  /** Wait this long before answering at all. */
  delayMs?: number;
  /** Compress the body and say so in Content-Encoding. */
  encoding?: 'gzip' | 'br' | 'deflate';
  /** Redirect to this path or absolute URL. */
  redirectTo?: string;
  /** Stream this many bytes of filler XML in 64 KiB chunks, honouring backpressure (never allocated at once). */
  hugeBytes?: number;
  /** With hugeBytes: also send Content-Length (lets clients reject early). Default false (chunked). */
  declareLength?: boolean;
  /** Send headers (and the first bytes of the body when `hang: 'body'`), then never finish. */
  hang?: 'headers' | 'body';
  /** Full control for odd cases; the other fields are then ignored (the request is still recorded). */
  respond?: (req: IncomingMessage, res: ServerResponse) => void;
};

/** One request as the server saw it. */
export type RecordedRequest = { path: string; method: string; headers: IncomingHttpHeaders; at: number };

/** A running feed server. */
export type FeedServer = {
  /** Origin, e.g. `http://127.0.0.1:41234`. */
  origin: string;
  /** Absolute URL of a path on this server. */
  url(path: string): string;
  /** Sets (or replaces) how a path answers. Unknown paths answer 404. */
  route(path: string, spec?: RouteSpec): FeedServer;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Requests received for one path. */
  requestsFor(path: string): RecordedRequest[];
  /** Body bytes actually written to sockets (to prove a client stopped a huge body early). */
  bytesWritten(): number;
  /** Closes the server and drops open (even hanging) connections. */
  close(): Promise<void>;
};

const CHUNK = 64 * 1024;

/** Starts a feed server on 127.0.0.1 on a free port. */
export async function startFeedServer(): Promise<FeedServer> {
  const routes = new Map<string, RouteSpec>();
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let written = 0;

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push({ path, method: req.method ?? 'GET', headers: req.headers, at: Date.now() });
    const spec = routes.get(path);
    if (!spec) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (spec.delayMs) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer(spec, req, res);
      }, spec.delayMs);
      timers.add(timer);
    } else {
      answer(spec, req, res);
    }
  });
  // backlog: a benchmark opens hundreds of connections at once.
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 2048 }, resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function answer(spec: RouteSpec, req: IncomingMessage, res: ServerResponse): void {
    if (res.destroyed) return;
    if (spec.respond) return spec.respond(req, res);
    const headers: Record<string, string | number> = { ...spec.headers };
    if (spec.redirectTo !== undefined) {
      res.writeHead(spec.status ?? 302, { ...headers, location: spec.redirectTo }).end();
      return;
    }
    if (spec.etag) headers.etag = spec.etag;
    if (spec.lastModified) headers['last-modified'] = spec.lastModified;
    if (isNotModified(spec, req.headers)) {
      res.writeHead(304, headers).end();
      return;
    }
    headers['content-type'] = spec.contentType ?? 'application/rss+xml; charset=utf-8';
    const status = spec.status ?? 200;

    if (spec.hang) {
      res.writeHead(status, headers);
      if (spec.hang === 'body') write(res, '<?xml version="1.0"?><rss version="2.0"><channel>');
      else res.flushHeaders();
      return;
    }
    if (spec.hugeBytes !== undefined) {
      if (spec.declareLength) headers['content-length'] = spec.hugeBytes;
      res.writeHead(status, headers);
      streamFiller(res, spec.hugeBytes);
      return;
    }

    const raw = typeof spec.body === 'function' ? spec.body() : (spec.body ?? rssFeed({ title: 'empty', items: [] }));
    let body = typeof raw === 'string' ? Buffer.from(raw) : raw;
    if (spec.encoding) {
      body = spec.encoding === 'gzip' ? gzipSync(body) : spec.encoding === 'br' ? brotliCompressSync(body) : deflateSync(body);
      headers['content-encoding'] = spec.encoding;
    }
    headers['content-length'] = body.byteLength;
    res.writeHead(status, headers);
    written += body.byteLength;
    res.end(body);
  }

  function write(res: ServerResponse, chunk: string | Buffer): boolean {
    written += Buffer.byteLength(chunk);
    return res.write(chunk);
  }

  /** Writes `total` bytes in chunks, waiting for 'drain' so a client that stops reading stops us too. */
  function streamFiller(res: ServerResponse, total: number): void {
    const filler = Buffer.alloc(CHUNK, 0x20);
    let left = total;
    const pump = (): void => {
      while (left > 0 && !res.destroyed) {
        const size = Math.min(CHUNK, left);
        left -= size;
        if (!write(res, size === CHUNK ? filler : filler.subarray(0, size))) {
          res.once('drain', pump);
          return;
        }
      }
      if (left === 0 && !res.destroyed) res.end();
    };
    res.on('close', () => {
      left = 0;
    });
    pump();
  }

  const api: FeedServer = {
    origin,
    url: (path) => new URL(path, origin).href,
    route(path, spec = {}) {
      routes.set(path, spec);
      return api;
    },
    requests,
    requestsFor: (path) => requests.filter((r) => r.path === path),
    bytesWritten: () => written,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return api;
}

/** RFC 9110 §13.1: If-None-Match wins over If-Modified-Since when both are sent. */
function isNotModified(spec: RouteSpec, headers: IncomingHttpHeaders): boolean {
  const inm = headers['if-none-match'];
  if (inm !== undefined && spec.etag) {
    const tags = inm.split(',').map((t) => t.trim().replace(/^W\//, ''));
    return tags.includes('*') || tags.includes(spec.etag.replace(/^W\//, ''));
  }
  if (inm !== undefined) return false;
  const ims = headers['if-modified-since'];
  if (ims !== undefined && spec.lastModified) {
    const since = Date.parse(ims);
    const modified = Date.parse(spec.lastModified);
    return !Number.isNaN(since) && !Number.isNaN(modified) && modified <= since;
  }
  return false;
}

/** An item for rssFeed/atomFeed; only title is required. */
export type FeedItemSpec = {
  title: string;
  link?: string;
  guid?: string;
  description?: string;
  /** Any date string, or a Date (written as RFC 822 in RSS, ISO 8601 in Atom). */
  pubDate?: string | Date;
  /** Atom only (xml:lang on the entry); RSS has no per-item language. */
  language?: string;
};

/** A feed for rssFeed/atomFeed. */
export type FeedSpec = { title: string; link?: string; language?: string; items: FeedItemSpec[] };

/** Escapes text for XML element content and attribute values. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' })[c]};`);
}

function element(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<${name}>${xmlEscape(value)}</${name}>`;
}

/** Builds a valid RSS 2.0 document, e.g. `rssFeed({ title: 'RFI', items: [{ title: 'M23 ...' }] })`. */
export function rssFeed(feed: FeedSpec): string {
  const items = feed.items
    .map((item) => {
      const date = item.pubDate instanceof Date ? item.pubDate.toUTCString() : item.pubDate;
      const guid = item.guid === undefined ? '' : `<guid isPermaLink="false">${xmlEscape(item.guid)}</guid>`;
      return `<item>${element('title', item.title)}${element('link', item.link)}${guid}${element('description', item.description)}${element('pubDate', date)}</item>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>${element('title', feed.title)}${element('link', feed.link ?? 'https://example.org/')}<description>${xmlEscape(feed.title)}</description>${element('language', feed.language)}
${items}
</channel></rss>
`;
}

/** Builds a valid Atom 1.0 document from the same spec as rssFeed. */
export function atomFeed(feed: FeedSpec): string {
  const link = feed.link ?? 'https://example.org/';
  const updated = new Date(0).toISOString();
  const entries = feed.items
    .map((item, index) => {
      const date = item.pubDate instanceof Date ? item.pubDate.toISOString() : (item.pubDate ?? updated);
      const id = item.guid ?? item.link ?? `urn:sitrep-test:${index}`;
      const href = item.link === undefined ? '' : `<link href="${xmlEscape(item.link)}"/>`;
      const lang = item.language === undefined ? '' : ` xml:lang="${xmlEscape(item.language)}"`;
      return `<entry${lang}>${element('title', item.title)}${href}${element('id', id)}${element('updated', date)}${element('published', date)}${element('summary', item.description)}</entry>`;
    })
    .join('\n');
  const lang = feed.language === undefined ? '' : ` xml:lang="${xmlEscape(feed.language)}"`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"${lang}>${element('title', feed.title)}<link href="${xmlEscape(link)}"/>${element('id', link)}${element('updated', updated)}
${entries}
</feed>
`;
}
