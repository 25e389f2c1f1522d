/**
 * Workload 6, memory: `sitrep start` (console: no platform token, stdin kept open) spawned as a child with a
 * generated config of 1,000 feeds on a local feed server and a database pre-filled with 200,000 items; its
 * peak RSS (VmHWM) is read from /proc once it is ready and has polled every feed once. The same start with
 * an empty database and one feed is measured as the baseline. A second start stores its 200,000 items itself:
 * an empty database and 1,000 feeds of 200 items, all new in its first poll. Also reports database bytes per
 * 10,000 items.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../src/store/sqlite-store.js';
import { topicsConfigHash } from '../src/topics/classify.js';
import { sketchBands, sketchItem } from '../src/topics/cluster.js';
import { rssFeed, startFeedServer, type FeedServer } from '../test/fakes/feed-server.js';
import { tempDir } from './bench-store.js';
import { loadDefaultTopics } from './generated-topics.js';
import { DEFAULT_TOPICS_PATH, SITREP_BIN } from './paths.js';
import { generateTexts, type GeneratedText } from './news-generator.js';
import { atMost, bytes, exactly, ms, type Workload } from './table.js';

const FEEDS = 1_000;
const ITEMS_PER_FEED = 20;
const STORED = 200_000;
/** Items per feed when the start stores all STORED items itself. */
const ITEMS_PER_LARGE_FEED = STORED / FEEDS;
const LIMIT_BYTES = 200 * 1024 * 1024;
const DAY = 86_400_000;

/** Writes a config folder polling `feeds` feeds of the server. */
function writeConfig(dir: string, server: FeedServer, feeds: number, folder = 'feed'): void {
  const lines = ['defaults:', '  interval: 10m', 'feeds:'];
  for (let f = 0; f < feeds; f++) lines.push(`  - id: outlet-${f}`, `    url: ${server.url(`/${folder}/${f}.xml`)}`, '    language: en');
  writeFileSync(join(dir, 'sources.yaml'), `${lines.join('\n')}\n`);
  copyFileSync(DEFAULT_TOPICS_PATH, join(dir, 'topics.yaml'));
}

/**
 * Serves `texts` as FEEDS feeds of equal length at /<folder>/<f>.xml, each with an ETag; item i of feed f
 * was published `ageMs(f, i)` before now.
 */
function serveFeeds(server: FeedServer, folder: string, texts: readonly GeneratedText[], ageMs: (feed: number, index: number) => number): void {
  const perFeed = texts.length / FEEDS;
  for (let f = 0; f < FEEDS; f++) {
    const items = texts.slice(f * perFeed, (f + 1) * perFeed).map((text, i) => ({
      title: text.title,
      description: text.summary,
      link: `https://outlet${f}.example/${folder}/${i}`,
      pubDate: new Date(Date.now() - ageMs(f, i)),
    }));
    server.route(`/${folder}/${f}.xml`, { body: rssFeed({ title: `Outlet ${f}`, items }), etag: `"${folder}-${f}"` });
  }
}

/** Fills a database the way months of polling would: items (with their full-text index) and seen ids; a tenth matched and clustered. */
function seedDatabase(path: string, count: number): void {
  const db = openDatabase(path);
  const now = Date.now();
  const texts = generateTexts(count, 11);
  const item = db.prepare('INSERT INTO items (id, feed_id, url, title, summary, language, published_at, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const seen = db.prepare('INSERT INTO seen (feed_id, item_id, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?)');
  const topic = db.prepare("INSERT INTO item_topics (item_id, topic_id, evidence) VALUES (?, 'm23', '[{\"term\":\"M23\",\"field\":\"title\"}]')");
  const cluster = db.prepare('INSERT INTO clusters (id, representative_id, first_published_at, updated_at, created_at) VALUES (?, ?, ?, ?, ?)');
  const clusterTopic = db.prepare("INSERT INTO cluster_topics (cluster_id, topic_id) VALUES (?, 'm23')");
  const member = db.prepare(
    'INSERT INTO cluster_items (item_id, cluster_id, feed_id, published_at, added_at, title_words, words, names, directions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const band = db.prepare('INSERT OR IGNORE INTO bands (band, hash, published_at, item_id) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const text = texts[i]!;
      const id = `stored-${i}`;
      const feed = `outlet-${i % FEEDS}`;
      // Within the 30-day retention, so the start-up prune keeps them all.
      const at = now - 25 * DAY + Math.floor((i * 25 * DAY) / count);
      item.run(id, feed, `https://outlet.example/${i}`, text.title, text.summary, 'en', at, at);
      seen.run(feed, id, at, at);
      if (i % 10 !== 0) continue;
      const sketch = sketchItem(text.title, text.summary);
      topic.run(id);
      cluster.run(id, id, at, at, at);
      clusterTopic.run(id);
      member.run(id, id, feed, at, at, sketch.title.join(' '), sketch.all.join(' '), sketch.names.join(' '), sketch.directions);
      for (const { band: b, hash } of sketchBands(sketch)) band.run(b, hash, at, id);
    }
    // The topics have not changed since these items were classified: no re-match at start.
    db.prepare("INSERT INTO meta (key, value) VALUES ('topics_hash', ?)").run(topicsConfigHash(loadDefaultTopics()));
    // The full-text index in one pass, as the store indexes each batch of new items.
    db.exec("INSERT INTO items_fts (items_fts) VALUES ('rebuild')");
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** Starts `sitrep start`, waits until every feed was polled once, and reads its peak RSS. */
async function measureStart(configDir: string, dbPath: string, feeds: number, log: (line: string) => void) {
  const env: NodeJS.ProcessEnv = { ...process.env, SITREP_LOG_LEVEL: 'warn' };
  for (const name of ['TELEGRAM_BOT_TOKEN', 'DISCORD_TOKEN', 'TELEGRAM_API_ROOT', 'DISCORD_API_BASE']) delete env[name];
  const started = performance.now();
  const child = spawn(process.execPath, [SITREP_BIN, '--config', configDir, '--db', dbPath, 'start'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const until = async (test: () => boolean, what: string, limitMs: number) => {
    const deadline = performance.now() + limitMs;
    while (!test()) {
      if (child.exitCode !== null) throw new Error(`sitrep start exited (${child.exitCode}) before ${what}: ${stderr.slice(-500)}`);
      if (performance.now() > deadline) throw new Error(`sitrep start: no ${what} after ${limitMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  try {
    await until(() => stdout.includes('sitrep ready'), 'ready line', 60_000);
    const ready = performance.now() - started;
    const reader = new Database(dbPath, { readonly: true });
    const polled = reader.prepare<[], { n: number }>('SELECT count(*) AS n FROM feed_state WHERE first_fetch_done = 1');
    try {
      await until(() => polled.get()!.n >= feeds, 'first poll of every feed', 240_000);
    } finally {
      reader.close();
    }
    // The last feed's items are classified right after its state is written; give it a moment.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    const result = { peak: field('VmHWM'), rss: field('VmRSS'), readyMs: ready, polledMs: performance.now() - started, rematched: stderr.includes('re-matched') };
    log(`  ${feeds} feeds: ready in ${ms(result.readyMs)}, polled once in ${ms(result.polledMs)}, VmHWM ${bytes(result.peak)}, VmRSS ${bytes(result.rss)}`);
    return result;
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

export const memory: Workload = {
  name: 'memory',
  async run(log) {
    const server = await startFeedServer();
    const dir = tempDir('memory');
    try {
      serveFeeds(server, 'feed', generateTexts(FEEDS * ITEMS_PER_FEED, 12), (_f, i) => i * 900_000);

      // Baseline: the same start with one feed and an empty database.
      const small = tempDir('memory-baseline');
      writeConfig(small.path, server, 1);
      const baseline = await measureStart(small.path, join(small.path, 'empty.db'), 1, log).finally(() => small.remove());

      const configDir = join(dir.path, 'config');
      const dbPath = join(dir.path, 'sitrep.db');
      mkdirSync(configDir);
      writeConfig(configDir, server, FEEDS);
      const seedStart = performance.now();
      seedDatabase(dbPath, STORED);
      const dbBytes = statSync(dbPath).size;
      log(`memory: seeded ${STORED} items in ${ms(performance.now() - seedStart)}, ${bytes(dbBytes)}`);
      const full = await measureStart(configDir, dbPath, FEEDS, log);
      const perTenThousand = dbBytes / (STORED / 10_000);

      // The same 200,000 items stored by sitrep itself, all in its first poll after start.
      // Ten seconds apart over all feeds: 200,000 items span 23 days, inside the 30-day retention.
      serveFeeds(server, 'large', generateTexts(STORED, 13), (f, i) => (f * ITEMS_PER_LARGE_FEED + i) * 10_000);
      const ingestDir = join(dir.path, 'ingest');
      mkdirSync(ingestDir);
      writeConfig(ingestDir, server, FEEDS, 'large');
      const ingestDb = join(ingestDir, 'sitrep.db');
      const ingest = await measureStart(ingestDir, ingestDb, FEEDS, log);
      const ingested = new Database(ingestDb, { readonly: true });
      const storedByStart = ingested.prepare<[], { n: number }>('SELECT count(*) AS n FROM items').get()!.n;
      ingested.close();
      return [
        atMost(
          {
            workload: '6 memory',
            compared: `peak RSS of sitrep start, ${FEEDS} feeds + ${STORED / 1000}k items vs 200 MB`,
            measured: `${bytes(full.peak)} vs 200 MB`,
            ratio: full.peak / LIMIT_BYTES,
            note:
              `VmHWM after ready (${ms(full.readyMs)}) and one poll of every feed (${FEEDS * ITEMS_PER_FEED} new items) at ${ms(full.polledMs)}; ` +
              `baseline, 1 feed and an empty database: ${bytes(baseline.peak)}${full.rematched ? '; WARNING: stored items were re-matched at start' : ''}`,
          },
          1,
        ),
        atMost(
          {
            workload: '6 memory',
            compared: `peak RSS of sitrep start storing ${STORED / 1000}k items in its first poll vs 200 MB`,
            measured: `${bytes(ingest.peak)} vs 200 MB`,
            ratio: ingest.peak / LIMIT_BYTES,
            note: `an empty database and ${FEEDS} feeds of ${ITEMS_PER_LARGE_FEED} items; VmHWM after ready (${ms(ingest.readyMs)}) and one poll of every feed at ${ms(ingest.polledMs)}, ${storedByStart} items stored`,
          },
          1,
        ),
        exactly(
          {
            workload: '6 memory',
            compared: 'database bytes per 10,000 stored items',
            measured: `${bytes(perTenThousand)} per 10k items`,
            note: `${bytes(dbBytes)} for ${STORED} items with full-text index and seen ids, a tenth of them matched and clustered (LSH bands), after a WAL checkpoint`,
          },
          true,
          'reported',
        ),
      ];
    } finally {
      await server.close();
      dir.remove();
    }
  },
};
