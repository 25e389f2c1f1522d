/**
 * The demo's news wire: serves the bundled sample feeds from a loopback HTTP server and releases their
 * items one by one, dated as they are released, so an offline demo shows news arriving as it would live
 * (alerts, a story growing "+N sources") instead of a backlog. Conditional GET works as with a real feed.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../clock.js';
import type { FeedConfig } from '../config/sources-schema.js';
import type { NormalizedItem } from '../ingest/item.js';
import { parseFeed } from '../ingest/parse-feed.js';

/** One sample item and the feed it belongs to, in release order. */
type Release = { feedId: string; item: NormalizedItem };

/** A running drip server. */
export type DripFeedServer = {
  /** The feeds, pointed at this server and polled every second. */
  feeds: FeedConfig[];
  /** How many items there are in all. */
  total: number;
  /** Releases the next item; false when every item is out. */
  releaseNext(): boolean;
  close(): Promise<void>;
};

/** Loads the file feeds of `feeds`, and serves them with nothing released yet. */
export async function startDripFeedServer(feeds: readonly FeedConfig[], clock: Clock): Promise<DripFeedServer> {
  const queue: Release[] = [];
  for (const feed of feeds.filter((f) => f.enabled && f.url.startsWith('file:'))) {
    const bytes = new Uint8Array(await readFile(fileURLToPath(feed.url)));
    const parsed = await parseFeed(bytes, { feedId: feed.id, language: feed.language, fetchedAt: clock.now() });
    if (parsed.ok) queue.push(...parsed.items.map((item) => ({ feedId: feed.id, item })));
  }
  // Oldest first, as the news happened; syndicated copies of a story follow the original.
  queue.sort((a, b) => a.item.publishedAt - b.item.publishedAt);
  const out = new Map<string, { item: NormalizedItem; at: number }[]>();
  let next = 0;

  const server: Server = createServer((request, response) => {
    const feedId = /^\/feeds\/([^/]+)\.xml$/.exec(request.url ?? '')?.[1];
    const feed = feeds.find((f) => f.id === feedId);
    if (!feed) {
      response.writeHead(404).end();
      return;
    }
    const items = out.get(feed.id) ?? [];
    const etag = `"${feed.id}-${items.length}"`;
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, { etag }).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag });
    response.end(rss(feed, items));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    feeds: feeds.map((feed) => ({ ...feed, url: `${origin}/feeds/${feed.id}.xml`, intervalMs: 1_000 })),
    total: queue.length,
    releaseNext() {
      const release = queue[next];
      if (!release) return false;
      next += 1;
      const list = out.get(release.feedId) ?? [];
      list.unshift({ item: release.item, at: clock.now() });
      out.set(release.feedId, list);
      return true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function rss(feed: FeedConfig, items: readonly { item: NormalizedItem; at: number }[]): string {
  const entries = items.map(
    ({ item, at }) => `<item><title>${xml(item.title)}</title>${item.url ? `<link>${xml(item.url)}</link>` : ''}` +
      `<guid isPermaLink="false">${xml(item.id)}</guid><description>${xml(item.summary)}</description>` +
      `<pubDate>${new Date(at).toUTCString()}</pubDate></item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${xml(feed.title ?? feed.id)}</title>` +
    `<link>http://127.0.0.1/</link><description>sitrep demo sample feed (fictional items)</description>` +
    `${feed.language ? `<language>${xml(feed.language)}</language>` : ''}${entries.join('')}</channel></rss>`;
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
