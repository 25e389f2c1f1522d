/**
 * Workload 3, poll cycle: 500 feeds on a local feed server, each answering after 100 ms, polled by the real
 * poller (fetch with conditional GET, parse, store, classify) at concurrency 16. The first cycle is compared
 * with the ideal 500 / 16 × 100 ms; the second must get 304 for every feed and no body at all.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { systemClock } from '../src/clock.js';
import { fetchFeed } from '../src/ingest/fetch.js';
import { parseFeed } from '../src/ingest/parse-feed.js';
import { createPoller } from '../src/ingest/poller.js';
import { rssFeed, startFeedServer } from '../test/fakes/feed-server.js';
import { openBenchStore, tempDir } from './bench-store.js';
import { loadDefaultTopics } from './generated-topics.js';
import { generateTexts } from './news-generator.js';
import { atMost, cpuMs, exactly, ms, type Workload } from './table.js';

const FEEDS = 500;
const CONCURRENCY = 16;
const DELAY_MS = 100;
const ITEMS_PER_FEED = 10;
const IDEAL_MS = (FEEDS / CONCURRENCY) * DELAY_MS;

export const pollCycle: Workload = {
  name: 'poll',
  async run(log) {
    const server = await startFeedServer();
    const dir = tempDir('poll');
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
    const bench = openBenchStore(join(dir.path, 'poll.db'), loadDefaultTopics(), systemClock);
    try {
      const poller = createPoller({
        feeds: Array.from({ length: FEEDS }, (_, f) => ({ id: `outlet-${f}`, url: server.url(`/feed/${f}.xml`), intervalMs: 600_000, enabled: true })),
        store: bench.store,
        clock: systemClock,
        fetchFeed,
        parseFeed,
        concurrency: CONCURRENCY,
        onNewItems: (_feedId, items) => void bench.classifier.processNewItems(items),
      });
      const cycle = async () => {
        const start = performance.now();
        const cpu = cpuMs();
        const reports = await poller.pollOnce();
        return { ms: performance.now() - start, cpu: cpuMs() - cpu, failed: reports.filter((r) => r.status === 'failed') };
      };
      const first = await cycle();
      const afterFirst = { ...counts };
      const second = await cycle();
      const secondOk = counts.ok - afterFirst.ok;
      const secondNotModified = counts.notModified - afterFirst.notModified;
      const secondBytes = counts.bodyBytes - afterFirst.bodyBytes;
      log(`poll: cycle 1 ${ms(first.ms)} (${afterFirst.ok}×200, ${first.failed.length} failed), cycle 2 ${ms(second.ms)} (${secondOk}×200, ${secondNotModified}×304)`);
      if (first.failed.length > 0) log(`  first failure: ${first.failed[0]!.feedId}: ${first.failed[0]!.error}`);
      return [
        atMost(
          {
            workload: '3 poll cycle',
            compared: `${FEEDS} feeds × ${DELAY_MS} ms at concurrency ${CONCURRENCY} vs ideal`,
            measured: `${ms(first.ms)} vs ${ms(IDEAL_MS)}`,
            ratio: first.ms / IDEAL_MS,
            note: `wall time of pollOnce() with fetch, parse, store and classification (this process used ${ms(first.cpu)} of CPU meanwhile); ${afterFirst.ok} answered 200, ${first.failed.length} failed, ${bench.store.countItems()} items stored`,
          },
          1.3,
        ),
        exactly(
          {
            workload: '3 poll cycle',
            compared: 'second cycle (conditional GET): 200 vs 304 at the server',
            measured: `${secondOk} × 200, ${secondNotModified} × 304, ${secondBytes} body bytes`,
            ratio: second.ms / IDEAL_MS,
            note: `second cycle took ${ms(second.ms)} (${(second.ms / IDEAL_MS).toFixed(2)}x the ideal, ${ms(second.cpu)} CPU)`,
          },
          secondOk === 0 && secondNotModified === FEEDS && secondBytes === 0,
          `0 bodies, ${FEEDS} × 304`,
        ),
      ];
    } finally {
      bench.close();
      await server.close();
      dir.remove();
    }
  },
};
