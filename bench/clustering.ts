/**
 * Workload 5, clustering: the cost of adding one item to the story clusterer with 100,000 items stored
 * versus 10,000, both spread over the same 30 days (the retention period), so the bigger store is also ten
 * times denser. Stores are seeded fast with prepared inserts in one transaction (items, stories, sketches,
 * LSH bands as the clusterer writes them); then the same few hundred items, half of them rewrites of
 * recent stored reports, are added to each in turn.
 */
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { openDatabase } from '../src/store/sqlite-store.js';
import { createClusterer, sketchBands, sketchItem, type ItemSketch } from '../src/topics/cluster.js';
import { tempDir } from './bench-store.js';
import { createRandom, generateTexts, type GeneratedText } from './news-generator.js';
import { atMost, interleave, ms, type Workload } from './table.js';

const SMALL = 10_000;
const LARGE = 100_000;
const ADDS = 300;
const DAY = 86_400_000;
const SPAN = 30 * DAY;
const NOW = Date.parse('2025-06-01T12:00:00Z');

type Sketched = { text: GeneratedText; sketch: ItemSketch; bands: { band: number; hash: number }[] };

/** Seeds the last `count` sketched texts as clustered items published evenly over the 30 days before NOW. */
function seed(db: Database.Database, sketched: readonly Sketched[], count: number): void {
  // Rows go straight into items without the full-text index, which clustering never reads.
  const item = db.prepare('INSERT INTO items (id, feed_id, url, title, summary, language, published_at, fetched_at) VALUES (?, ?, NULL, ?, ?, ?, ?, ?)');
  const cluster = db.prepare('INSERT INTO clusters (id, representative_id, first_published_at, updated_at, created_at) VALUES (?, ?, ?, ?, ?)');
  const member = db.prepare(
    'INSERT INTO cluster_items (item_id, cluster_id, feed_id, published_at, added_at, title_words, words, names, directions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const band = db.prepare('INSERT OR IGNORE INTO bands (band, hash, published_at, item_id) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      // The newest reports are the same texts in both stores, so rewrites of them meet the same originals.
      const { text, sketch, bands } = sketched[sketched.length - count + i]!;
      const id = `seed-${i}`;
      const at = NOW - SPAN + Math.floor((i * SPAN) / count);
      const feed = `outlet-${i % 40}`;
      item.run(id, feed, text.title, text.summary, 'en', at, at);
      cluster.run(id, id, at, at, at);
      member.run(id, id, feed, at, at, sketch.title.join(' '), sketch.all.join(' '), sketch.names.join(' '), sketch.directions);
      for (const { band: b, hash } of bands) band.run(b, hash, at, id);
    }
  })();
}

export const clustering: Workload = {
  name: 'clustering',
  async run(log) {
    const dir = tempDir('clustering');
    const texts = generateTexts(LARGE, 5, undefined, 1);
    const sketched: Sketched[] = texts.map((text) => {
      const sketch = sketchItem(text.title, text.summary);
      return { text, sketch, bands: sketchBands(sketch) };
    });
    // New arrivals: half rewrite a report of the last days (one headline word changed), half are fresh news.
    const random = createRandom(9);
    const fresh = generateTexts(ADDS, 6, undefined, 1);
    const arrivals = fresh.map((text, i) => {
      if (i % 2 === 1) return { id: `new-${i}`, text };
      const source = texts[LARGE - 1 - random.int(SMALL / 10)]!;
      const words = source.title.split(' ');
      words[random.int(words.length)] = 'reportedly';
      return { id: `new-${i}`, text: { title: words.join(' '), summary: source.summary } };
    });

    const stores = { small: openDatabase(join(dir.path, 'small.db')), large: openDatabase(join(dir.path, 'large.db')) };
    try {
      const seedStart = performance.now();
      seed(stores.small, sketched, SMALL);
      seed(stores.large, sketched, LARGE);
      log(`clustering: seeded ${SMALL} and ${LARGE} items in ${ms(performance.now() - seedStart)}`);

      const joined = { small: 0, large: 0 };
      const adders = Object.fromEntries(
        (['small', 'large'] as const).map((name) => {
          const db = stores[name];
          const clusterer = createClusterer(db);
          const insert = db.prepare('INSERT INTO items (id, feed_id, url, title, summary, language, published_at, fetched_at) VALUES (?, ?, NULL, ?, ?, ?, ?, ?)');
          db.transaction(() => {
            for (const [i, a] of arrivals.entries()) insert.run(a.id, `outlet-${i % 40}`, a.text.title, a.text.summary, 'en', NOW - i * 1000, NOW);
          })();
          // One transaction per add, as a poll of one feed with one new item would do.
          const add = db.transaction((a: (typeof arrivals)[number], i: number) =>
            clusterer.add({ id: a.id, feedId: `outlet-${i % 40}`, title: a.text.title, summary: a.text.summary, publishedAt: NOW - i * 1000 }, NOW),
          );
          let n = 0;
          return [name, (a: (typeof arrivals)[number]) => void (joined[name] += add.immediate(a, n++).isNewCluster ? 0 : 1)];
        }),
      ) as Record<'small' | 'large', (a: (typeof arrivals)[number]) => void>;

      const totals = interleave(arrivals, 25, adders);
      const small = totals.small!.cpu / ADDS;
      const large = totals.large!.cpu / ADDS;
      log(`  per add: ${ms(small)} with ${SMALL} stored, ${ms(large)} with ${LARGE} stored (joined a story: ${joined.small} / ${joined.large})`);
      return [
        atMost(
          {
            workload: '5 clustering',
            compared: `add one item, ${LARGE / 1000}k stored vs ${SMALL / 1000}k stored`,
            measured: `${ms(large)} vs ${ms(small)} per add`,
            ratio: large / small,
            note:
              `CPU time, mean over ${ADDS} adds each (one transaction per add), the two stores taking turns every 25 adds; both stores span 30 days, ` +
              `so the large one is 10x denser; ${joined.large} of ${ADDS} adds joined an existing story (${joined.small} with ${SMALL / 1000}k)`,
          },
          2,
        ),
      ];
    } finally {
      stores.small.close();
      stores.large.close();
      dir.remove();
    }
  },
};
