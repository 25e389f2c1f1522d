/**
 * The poll-cycle workload's feed server, run as its own process (poll-cycle.ts starts it)
 * as a real feed server would be, so its CPU is not counted against sitrep's single event loop.
 * Prints `ready <origin>` once listening; answers each `counts` line on stdin with a JSON line of
 * 200s, 304s and body bytes served so far.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createInterface } from 'node:readline';
import { rssFeed, startFeedServer } from '../test/fakes/feed-server.js';
import { generateTexts } from './news-generator.js';

export const FEEDS = 500;
export const DELAY_MS = 100;
/** Items in each feed: 10, or SITREP_BENCH_POLL_ITEMS (`SITREP_BENCH_POLL_ITEMS=30 npm run bench -- poll`). */
export const ITEMS_PER_FEED = Number(process.env.SITREP_BENCH_POLL_ITEMS ?? 10);
if (!Number.isInteger(ITEMS_PER_FEED) || ITEMS_PER_FEED < 1) {
  throw new Error(`bench: SITREP_BENCH_POLL_ITEMS must be a positive integer, not "${process.env.SITREP_BENCH_POLL_ITEMS}"`);
}

/** Starts the server and serves until stdin closes. */
async function main(): Promise<void> {
  const server = await startFeedServer();
  const counts = { ok: 0, notModified: 0, bodyBytes: 0 };
  const texts = generateTexts(FEEDS * ITEMS_PER_FEED, 3);
  const lastModified = new Date(Date.now() - 3_600_000).toUTCString();
  for (let f = 0; f < FEEDS; f++) {
    const etag = `"feed-${f}-v1"`;
    const body = Buffer.from(
      rssFeed({
        title: `Outlet ${f}`,
        items: texts.slice(f * ITEMS_PER_FEED, (f + 1) * ITEMS_PER_FEED).map((text, i) => ({
          title: text.title,
          description: text.summary,
          link: `https://outlet${f}.example/news/${i}`,
          pubDate: new Date(Date.now() - i * 600_000),
        })),
      }),
    );
    // Answered by hand (after the server's delay) so every 200 and 304 is counted here.
    const respond = (req: IncomingMessage, res: ServerResponse) => {
      const validators = { etag, 'last-modified': lastModified };
      if (req.headers['if-none-match'] === etag) {
        counts.notModified++;
        res.writeHead(304, validators).end();
        return;
      }
      counts.ok++;
      counts.bodyBytes += body.length;
      res.writeHead(200, { ...validators, 'content-type': 'application/rss+xml; charset=utf-8', 'content-length': body.length }).end(body);
    };
    server.route(`/feed/${f}.xml`, { delayMs: DELAY_MS, respond });
  }
  process.stdout.write(`ready ${server.origin}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === 'counts') process.stdout.write(`${JSON.stringify(counts)}\n`);
  }
  await server.close();
}

if (/poll-feed-server\.[jt]s$/.test(process.argv[1] ?? '')) await main();
