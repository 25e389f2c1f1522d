/**
 * Story clustering: the same event from several outlets (or one outlet updating its story) is one story.
 * A new item is sketched (minhash.ts), its LSH band keys are looked up in SQLite within a publication
 * window, and only those candidates are verified with exact word-set similarity. The cost of adding an
 * item depends on how many items share its buckets in the window, not on the size of the store.
 */
import type Database from 'better-sqlite3';
import { bandKeys, itemWords, minhash, type BandingPlan, type ItemWords } from './minhash.js';
import type { FoldedItem } from './fold.js';
import type { SignalDirection } from './signals.js';

/** What the clusterer reads of an item. The item must already be stored (items.id). */
export type ClusterItem = {
  id: string;
  feedId: string;
  title: string;
  summary: string;
  publishedAt: number;
  /** Directions of the signals the item carries: opposite moves (seized vs withdrew) are different events. */
  directions?: readonly SignalDirection[];
  /** Keys of the item's main signals (mainSignalKeys, `m23.advance`): another kind of event of one topic is another event. */
  signals?: readonly string[];
  /** The title and summary already folded (foldItem), when the caller has them. */
  folded?: FoldedItem;
};

/** Where an item went. */
export type ClusterAssignment = { clusterId: string; isNewCluster: boolean };

/** The part of an item candidates are compared on: words, signal directions and signal keys (space-separated). */
export type ItemSketch = ItemWords & { directions: string; signals: string };

/** Tuning; the defaults are what the tests hold. */
export type ClusterOptions = {
  /** Candidates are items published within this distance of the new one (default 4 days). */
  windowMs?: number;
  /** Bands over title words: short headlines need few rows per band to meet at all. */
  titlePlan?: BandingPlan;
  /** Bands over title + summary-start words. */
  allPlan?: BandingPlan;
  /** At most this many items read per bucket, so one crowded bucket cannot make an insert slow. */
  bucketLimit?: number;
  /** At most this many candidates verified, those sharing the most bands first. */
  verifyLimit?: number;
};

/** Groups items into stories, in the tables of migrations-topics.ts. */
export type Clusterer = {
  /** Puts a stored, not yet clustered item into the best matching story, or a new one. */
  add(item: ClusterItem, now: number): ClusterAssignment;
  /** Takes an item out of its story (an emptied story disappears); no-op when it is in none. */
  remove(itemId: string): void;
  /** Re-reads a story's topics from its items' matches (after a re-match). */
  refreshTopics(clusterId: string): void;
};

const DAY = 24 * 60 * 60 * 1000;
const DEFAULTS = {
  windowMs: 4 * DAY,
  titlePlan: { bands: 10, rows: 2 },
  allPlan: { bands: 10, rows: 3 },
  bucketLimit: 32,
  verifyLimit: 24,
};

/** The LSH keys of a sketch as (band, hash) rows: title bands first, then title + summary bands. */
export function sketchBands(sketch: ItemSketch, options: ClusterOptions = {}): { band: number; hash: number }[] {
  const { titlePlan, allPlan } = { ...DEFAULTS, ...options };
  return bandsOf(sketch, titlePlan, allPlan);
}

/** sketchBands with the plans already resolved: the clusterer resolves them once, not per item. */
function bandsOf(sketch: ItemSketch, titlePlan: BandingPlan, allPlan: BandingPlan): { band: number; hash: number }[] {
  // One array built by one loop: spreading a mapped array or an empty literal gave two array kinds to iterate,
  // and the optimized code fell back to the interpreter in every bench round ("wrong map").
  const bands: { band: number; hash: number }[] = [];
  const titleSig = minhash(sketch.title, titlePlan.bands * titlePlan.rows);
  if (titleSig) pushBands(bands, bandKeys(titleSig, titlePlan), 0);
  const allSig = minhash(sketch.all, allPlan.bands * allPlan.rows);
  if (allSig) pushBands(bands, bandKeys(allSig, allPlan), titlePlan.bands);
  return bands;
}

function pushBands(bands: { band: number; hash: number }[], keys: readonly number[], firstBand: number): void {
  for (let i = 0; i < keys.length; i++) bands.push({ band: firstBand + i, hash: keys[i]! });
}

/** The stored form of an item's signal directions: 'e' escalating, 'd' de-escalating, both, or ''. */
export function directionCode(directions: readonly SignalDirection[]): string {
  return `${directions.includes('escalating') ? 'e' : ''}${directions.includes('de-escalating') ? 'd' : ''}`;
}

/** Sketches an item for comparison: word sets plus its signal directions and keys. */
export function sketchItem(
  title: string,
  summary: string,
  directions: readonly SignalDirection[] = [],
  folded?: FoldedItem,
  signals: readonly string[] = [],
): ItemSketch {
  return { ...itemWords(title, summary, folded), directions: directionCode(directions), signals: sketchSignals(signals) };
}

/** The stored form of an item's signal keys: each once, sorted, space-separated ('' for none). */
export function sketchSignals(keys: readonly string[]): string {
  return [...new Set(keys)].sort().join(' ');
}

/**
 * Whether another item (its sketched signal keys) reports a different kind of event of one topic than `a`: both
 * carry main signals of a topic and share none of them ("M23 rebels shell Goma airport", then "M23 rebels
 * capture Goma airport" after attacking; talks scheduled, then a deal signed). Merged, the second would only
 * add a source to the first one's alert. `a`'s keys are split once for all its candidates.
 */
function eventsDifferFrom(a: string): (b: string) => boolean {
  if (a === '') return () => false;
  const topicOf = (key: string) => key.slice(0, key.indexOf('.'));
  const aKeys = a.split(' ');
  return (b) => {
    if (b === '') return false;
    const bKeys = new Set(b.split(' '));
    const bTopics = new Set([...bKeys].map(topicOf));
    // The topics where the two share a main signal.
    const agreeing = new Set(aKeys.filter((key) => bKeys.has(key)).map(topicOf));
    return aKeys.some((key) => bTopics.has(topicOf(key)) && !agreeing.has(topicOf(key)));
  };
}

/**
 * How alike two items are as reports of one event, 0 when they are not the same story. Syndicated copies
 * and light rewording share most title words; an update extends its headline; a rewritten headline over
 * the same lead shares the summary. Items pointing in opposite directions (one only escalating, the
 * other only de-escalating) are different events even when their words overlap.
 */
export function storySimilarity(a: ItemSketch, b: ItemSketch): number {
  return similarityTo(a)(b);
}

/** storySimilarity with `a` fixed: its word Sets are built once for all the candidates it is compared with. */
function similarityTo(a: ItemSketch): (b: ItemSketch) => number {
  // Word lists hold each word once (itemWords), so overlaps are counted against one Set per list.
  const aAll = new Set(a.all);
  const aTitle = new Set(a.title);
  const opposite = (x: string, y: string) => (x === 'e' && y === 'd') || (x === 'd' && y === 'e');
  const differentEvent = eventsDifferFrom(a.signals);
  return (b) => {
    if (opposite(a.directions, b.directions) || differentEvent(b.signals)) return 0;
    // "Clashes in Walikale" and "Clashes in Masisi": each names something the other never mentions.
    if (a.names.some((n) => !b.all.includes(n)) && b.names.some((n) => !aAll.has(n))) return 0;
    const titleShared = countIn(b.title, aTitle);
    const title = overlap(titleShared, a.title.length, b.title.length);
    if (title >= 0.6) return title;
    const shorter = Math.min(a.title.length, b.title.length);
    const contained = shorter === 0 ? 0 : titleShared / shorter;
    if (shorter >= 4 && contained >= 0.8) return contained * 0.9;
    const all = overlap(countIn(b.all, aAll), a.all.length, b.all.length);
    // A rewritten headline over the same lead: the lead carries the identity, if each headline is told in the
    // other report too. Two events in one town in one wire style ("M23 rebels seize Sake airport" / "… bomb
    // Sake market", each lead repeating its own headline), or over one boilerplate summary, share the lead's
    // words but not each other's headline.
    if ((all >= 0.6 || (title >= 0.25 && all >= 0.45)) && toldIn(a.title, b.all) && toldIn(b.title, a.all)) return all;
    return 0;
  };
}

/**
 * Whether two reports of one outlet are the same report: one headline keeps every word of the other (an
 * update that adds to its headline, or trims it). A report under a new link whose headline swaps a word
 * ("rebels shell the airport", then "rebels capture the airport") is news of its own, however alike.
 */
export function sameReport(titleA: readonly string[], titleB: readonly string[]): boolean {
  const [shorter, longer] = titleA.length <= titleB.length ? [titleA, titleB] : [titleB, titleA];
  if (shorter.length === 0) return true;
  const longerSet = new Set(longer);
  return shorter.every((word) => longerSet.has(word));
}

/** The share of a headline's words the other report must contain for a join on the lead (see similarityTo). */
const HEADLINE_TOLD = 0.75;

/**
 * Whether most of a headline's words are in another report's words. Words are compared as far as their
 * shorter one goes, from four letters on (capture / captured, push / pushing): the word lists are not stemmed.
 */
function toldIn(headline: readonly string[], words: readonly string[]): boolean {
  if (headline.length === 0) return true;
  const sameWord = (x: string, y: string) => x === y || (Math.min(x.length, y.length) >= 4 && (x.startsWith(y) || y.startsWith(x)));
  const told = headline.filter((word) => words.some((other) => sameWord(word, other))).length;
  return told / headline.length >= HEADLINE_TOLD;
}

/** How many of `words` are in `set`. */
function countIn(words: readonly string[], set: ReadonlySet<string>): number {
  let n = 0;
  for (const w of words) if (set.has(w)) n++;
  return n;
}

/** Jaccard similarity from the shared count and the sizes of two sets (0 when both are empty). */
function overlap(shared: number, sizeA: number, sizeB: number): number {
  const union = sizeA + sizeB - shared;
  return union === 0 ? 0 : shared / union;
}

/** Band keys as the positional parameters of the bucket lookup and the band insert (createClusterer): band, hash, band, hash, … */
function bandHashes(bands: readonly { band: number; hash: number }[]): number[] {
  const values = new Array<number>(bands.length * 2);
  for (let k = 0; k < bands.length; k++) {
    values[2 * k] = bands[k]!.band;
    values[2 * k + 1] = bands[k]!.hash;
  }
  return values;
}

/** A statement for each count of band keys, prepared on first use (an item has up to twenty keys). */
function byKeyCount<S>(prepare: (count: number) => S): (count: number) => S {
  const prepared = new Map<number, S>();
  return (count) => {
    let statement = prepared.get(count);
    if (statement === undefined) prepared.set(count, (statement = prepare(count)));
    return statement;
  };
}

type SketchRow = { item_id: string; cluster_id: string; title_words: string; words: string; names: string; directions: string; signals: string };
const split = (s: string): string[] => (s ? s.split(' ') : []);

/** A clusterer over an open, migrated database (shares the store's connection). */
export function createClusterer(db: Database.Database, options: ClusterOptions = {}): Clusterer {
  const { windowMs, bucketLimit, verifyLimit, titlePlan, allPlan } = { ...DEFAULTS, ...options };

  if (!Number.isSafeInteger(bucketLimit) || bucketLimit < 1) throw new Error(`cluster: bucketLimit must be a positive integer, not ${bucketLimit}`);
  // The items in all of an item's buckets in one statement: twenty lookups cost about twice as much one by one.
  // Each bucket keeps its own limit, newest first: when a bucket is crowded, the reports closest to a fresh item
  // are the recent ones. The limit is written into the SQL: bound as a parameter it made each lookup about 5x
  // slower. The window is bound once, by name.
  const bucketsStatement = byKeyCount((count) => {
    const oneBucket = `SELECT * FROM (SELECT item_id FROM bands WHERE band = ? AND hash = ? AND published_at BETWEEN @from AND @to ORDER BY published_at DESC LIMIT ${bucketLimit})`;
    return db.prepare<unknown[], string>(Array.from({ length: count }, () => oneBucket).join(' UNION ALL ')).pluck();
  });
  const bucketMembers = (bands: readonly { band: number; hash: number }[], from: number, to: number): string[] =>
    bands.length === 0 ? [] : bucketsStatement(bands.length).all(...bandHashes(bands), { from, to });
  const sketchOf = db.prepare<[string], SketchRow>(
    'SELECT item_id, cluster_id, title_words, words, names, directions, signals FROM cluster_items WHERE item_id = ?',
  );
  const clusterExists = db.prepare<[string], { id: string }>('SELECT id FROM clusters WHERE id = ?');
  const feedTitlesInCluster = db
    .prepare<[string, string], string>('SELECT title_words FROM cluster_items WHERE cluster_id = ? AND feed_id = ?')
    .pluck();
  const addCluster = db.prepare<[string, string, number, number, number]>(
    'INSERT INTO clusters (id, representative_id, first_published_at, updated_at, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const growCluster = db.prepare<[number, number, string]>(
    'UPDATE clusters SET first_published_at = min(first_published_at, ?), updated_at = max(updated_at, ?) WHERE id = ?',
  );
  // `bands`: the item's (band, hash) pairs, by which the delete trigger removes its band keys.
  const addMember = db.prepare<[string, string, string, number, number, string, string, string, string, string, string]>(
    `INSERT INTO cluster_items (item_id, cluster_id, feed_id, published_at, added_at, title_words, words, names, directions, signals, bands)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // All band keys of an item in one statement: twenty single-row inserts cost more in statement overhead than in
  // index work. Time and item are bound once, by name.
  const addBandsStatement = byKeyCount((count) =>
    db.prepare<unknown[]>(`INSERT OR IGNORE INTO bands (band, hash, published_at, item_id) VALUES ${Array.from({ length: count }, () => '(?, ?, @at, @item)').join(', ')}`),
  );
  const addBands = (itemId: string, publishedAt: number, bands: readonly { band: number; hash: number }[]) => {
    if (bands.length > 0) addBandsStatement(bands.length).run(...bandHashes(bands), { at: publishedAt, item: itemId });
  };
  const addTopics = db.prepare<[string, string]>(
    'INSERT OR IGNORE INTO cluster_topics (cluster_id, topic_id) SELECT ?, topic_id FROM item_topics WHERE item_id = ?',
  );
  const dropMember = db.prepare<[string]>('DELETE FROM cluster_items WHERE item_id = ?');
  const dropTopics = db.prepare<[string]>('DELETE FROM cluster_topics WHERE cluster_id = ?');
  const memberTopics = db.prepare<[string, string]>(
    `INSERT OR IGNORE INTO cluster_topics (cluster_id, topic_id)
     SELECT DISTINCT ?, t.topic_id FROM cluster_items c JOIN item_topics t ON t.item_id = c.item_id WHERE c.cluster_id = ?`,
  );
  const retime = db.prepare<{ id: string }>(
    `UPDATE clusters SET
       first_published_at = (SELECT min(published_at) FROM cluster_items WHERE cluster_id = @id),
       updated_at = (SELECT max(published_at) FROM cluster_items WHERE cluster_id = @id)
     WHERE id = @id`,
  );

  const refreshTopics = (clusterId: string) => {
    dropTopics.run(clusterId);
    memberTopics.run(clusterId, clusterId);
  };

  // A cluster id must never be reused: an item that left a story and matches again founds a fresh one.
  const newClusterId = (itemId: string): string => {
    let id = itemId;
    for (let n = 2; clusterExists.get(id); n++) id = `${itemId}~${n}`;
    return id;
  };

  return {
    add(item, now) {
      const sketch = sketchItem(item.title, item.summary, item.directions, item.folded, item.signals);
      const bands = bandsOf(sketch, titlePlan, allPlan);

      // Shared bands per candidate: the more bands two items share, the more alike their signatures.
      const shared = new Map<string, number>();
      // An item is listed once per bucket it shares.
      for (const id of bucketMembers(bands, item.publishedAt - windowMs, item.publishedAt + windowMs)) {
        shared.set(id, (shared.get(id) ?? 0) + 1);
      }
      shared.delete(item.id);
      const ranked = [...shared].sort((a, b) => b[1] - a[1]).slice(0, verifyLimit);
      let similarity: ((b: ItemSketch) => number) | null = null;
      const scores = new Map<string, number>();
      for (const [id] of ranked) {
        const row = sketchOf.get(id);
        if (!row) continue;
        similarity ??= similarityTo(sketch);
        const score = similarity({
          title: split(row.title_words),
          all: split(row.words),
          names: split(row.names),
          directions: row.directions,
          signals: row.signals,
        });
        if (score > (scores.get(row.cluster_id) ?? 0)) scores.set(row.cluster_id, score);
      }
      // The most alike story this outlet has not reported yet, or has reported in this same report: a second
      // report of one outlet is a development (shelled, then captured), and its readers should hear of it.
      const mayJoin = (clusterId: string) => {
        const own = feedTitlesInCluster.all(clusterId, item.feedId);
        return own.length === 0 || own.some((titleWords) => sameReport(split(titleWords), sketch.title));
      };
      const joined = [...scores].sort((a, b) => b[1] - a[1]).find(([clusterId]) => mayJoin(clusterId))?.[0];

      const isNewCluster = joined === undefined;
      const clusterId = joined ?? newClusterId(item.id);
      if (isNewCluster) addCluster.run(clusterId, item.id, item.publishedAt, item.publishedAt, now);
      else growCluster.run(item.publishedAt, item.publishedAt, clusterId);
      const bandPairs = JSON.stringify(bands.map(({ band, hash }) => [band, hash]));
      addMember.run(item.id, clusterId, item.feedId, item.publishedAt, now, sketch.title.join(' '), sketch.all.join(' '), sketch.names.join(' '), sketch.directions, sketch.signals, bandPairs);
      addBands(item.id, item.publishedAt, bands);
      addTopics.run(clusterId, item.id);
      return { clusterId, isNewCluster };
    },
    remove(itemId) {
      const row = sketchOf.get(itemId);
      if (!row) return;
      // The delete triggers drop the item's band keys and an emptied cluster, and re-elect a representative.
      dropMember.run(itemId);
      if (clusterExists.get(row.cluster_id)) {
        retime.run({ id: row.cluster_id });
        refreshTopics(row.cluster_id);
      }
    },
    refreshTopics,
  };
}
