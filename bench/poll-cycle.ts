/**
 * Workload 3, poll cycle: 500 feeds on a local feed server, each answering after 100 ms, polled by the real
 * poller (fetch with conditional GET, parse, store, classify) at concurrency 16. The first cycle is compared
 * with the ideal 500 / 16 × 100 ms; the second must get 304 for every feed and no body at all.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../src/clock.js';
import { fetchFeed } from '../src/ingest/fetch.js';
import { parseFeed } from '../src/ingest/parse-feed.js';
import { createPoller } from '../src/ingest/poller.js';
import { openBenchStore, tempDir } from './bench-store.js';
import { loadDefaultTopics } from './generated-topics.js';
import { DELAY_MS, FEEDS, ITEMS_PER_FEED } from './poll-feed-server.js';
import { atMost, cpuMs, exactly, ms, type Workload } from './table.js';

const CONCURRENCY = 16;
const IDEAL_MS = (FEEDS / CONCURRENCY) * DELAY_MS;

type Counts = { ok: number; notModified: number; bodyBytes: number };

/** Starts poll-feed-server in its own process (compiled, or through tsx when this module runs that way); resolves once it listens. */
async function startServerProcess() {
  const throughTsx = import.meta.url.endsWith('.ts');
  const server = fileURLToPath(new URL(`./poll-feed-server.${throughTsx ? 'ts' : 'js'}`, import.meta.url));
  const child = spawn(process.execPath, [...(throughTsx ? ['--import', 'tsx'] : []), server], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error('poll feed server exited');
    return line.value;
  };
  const origin = (await next()).replace(/^ready /, '');
  return {
    url: (f: number) => `${origin}/feed/${f}.xml`,
    counts: async (): Promise<Counts> => {
      child.stdin.write('counts\n');
      return JSON.parse(await next()) as Counts;
    },
    close: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.stdin.end();
    }),
  };
}

export const pollCycle: Workload = {
  name: 'poll',
  async run(log) {
    const server = await startServerProcess();
    const dir = tempDir('poll');
    const bench = openBenchStore(join(dir.path, 'poll.db'), loadDefaultTopics(), systemClock);
    try {
      const poller = createPoller({
        feeds: Array.from({ length: FEEDS }, (_, f) => ({ id: `outlet-${f}`, url: server.url(f), intervalMs: 600_000, enabled: true })),
        store: bench.store,
        clock: systemClock,
        fetchFeed,
        parseFeed,
        concurrency: CONCURRENCY,
        // As in the app: items are stored and classified in one transaction.
        transaction: bench.store.transaction,
        onNewItemsInTransaction: (_feedId, items) => void bench.classifier.processNewItems(items),
      });
      const cycle = async () => {
        const start = performance.now();
        const cpu = cpuMs();
        const reports = await poller.pollOnce();
        return { ms: performance.now() - start, cpu: cpuMs() - cpu, failed: reports.filter((r) => r.status === 'failed') };
      };
      const first = await cycle();
      const afterFirst = await server.counts();
      const second = await cycle();
      const counts = await server.counts();
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
            note: `${ITEMS_PER_FEED} items per feed; wall time of pollOnce() with fetch, parse, store and classification (this process used ${ms(first.cpu)} of CPU meanwhile); ${afterFirst.ok} answered 200, ${first.failed.length} failed, ${bench.store.countItems()} items stored`,
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
