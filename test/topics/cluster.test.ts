import { describe, it, expect } from 'vitest';
import { createManualClock } from '../../src/clock.js';
import type { NormalizedItem } from '../../src/ingest/item.js';
import { createSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import { createClusterer, sketchBands, sketchItem, storySimilarity, type Clusterer } from '../../src/topics/cluster.js';
import { candidateProbability, itemWords } from '../../src/topics/minhash.js';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse('2025-03-01T08:00:00Z');
let counter = 0;

function makeItem(fields: Partial<NormalizedItem> & { title: string }): NormalizedItem {
  counter++;
  return {
    id: `item-${counter}`,
    feedId: 'wire',
    url: `https://news.example/${counter}`,
    summary: '',
    language: 'en',
    publishedAt: T0,
    publishedAtEstimated: false,
    fetchedAt: T0,
    ...fields,
  };
}

function same(a: [string, string], b: [string, string]): boolean {
  return storySimilarity(sketchItem(...a), sketchItem(...b)) > 0;
}

const WALIKALE_LEAD = 'The M23 rebels captured the town of Walikale on Wednesday, pushing west toward Kisangani.';

describe('storySimilarity', () => {
  it('joins syndicated copies that differ only by the outlet suffix', () => {
    expect(same(['M23 rebels seize Walikale town - Reuters', WALIKALE_LEAD], ['M23 rebels seize Walikale town | Al Jazeera', WALIKALE_LEAD])).toBe(true);
  });

  it('joins a lightly reworded headline', () => {
    expect(
      same(
        ['M23 rebels seize Walikale town', WALIKALE_LEAD],
        ['DR Congo: M23 rebels seize Walikale', 'Rwanda-backed M23 fighters took control of Walikale, a tin-mining hub, on Wednesday.'],
      ),
    ).toBe(true);
  });

  it('joins a rewritten headline over the same lead', () => {
    expect(
      same(['M23 rebels seize Walikale town', WALIKALE_LEAD], ['Rebels capture Walikale in push toward Kisangani', `${WALIKALE_LEAD} Residents said.`]),
    ).toBe(true);
  });

  it('joins French copies with accents and elisions written differently', () => {
    expect(
      same(
        ["Kinshasa et l'AFC/M23 signent une déclaration de principes à Doha", 'Les deux parties ont signé samedi à Doha une déclaration de principes.'],
        ['Doha : Kinshasa et le M23 signent une declaration de principes', "Le gouvernement congolais et l'AFC/M23 ont signé samedi une déclaration."],
      ),
    ).toBe(true);
  });

  it('keeps apart a capture and a withdrawal of the same town', () => {
    expect(
      same(
        ['M23 seizes Walikale', 'The M23 rebels captured the town of Walikale on Wednesday.'],
        ['M23 withdraws from Walikale', 'The rebels said they would pull out of Walikale as a goodwill gesture ahead of talks.'],
      ),
    ).toBe(false);
  });

  it('keeps apart the same kind of event in two places', () => {
    expect(
      same(
        ['Clashes erupt in Walikale despite truce', 'Fighting broke out between the army and M23 near Walikale.'],
        ['Clashes erupt in Masisi despite truce', 'Fighting broke out between militias and M23 near Masisi.'],
      ),
    ).toBe(false);
  });

  it('keeps apart items whose signals point in opposite directions', () => {
    const a = sketchItem('Fighting near Sake as truce frays', 'Shelling near Sake on Monday.', ['escalating']);
    const b = sketchItem('Fighting near Sake as truce frays', 'Shelling near Sake on Monday.', ['de-escalating']);
    expect(storySimilarity(a, a)).toBeGreaterThan(0);
    expect(storySimilarity(a, b)).toBe(0);
  });

  it('ignores stopwords and outlet names when listing words', () => {
    expect(itemWords('The rebels are in Goma - Reuters', '')).toEqual({ title: ['rebel', 'goma'], all: ['rebel', 'goma'], names: ['goma'] });
  });

  it('uses a banding plan that finds near copies almost surely and strangers rarely', () => {
    expect(candidateProbability(0.6, { bands: 10, rows: 2 })).toBeGreaterThan(0.97);
    expect(candidateProbability(0.1, { bands: 10, rows: 3 })).toBeLessThan(0.02);
  });
});

function setup(): { store: SqliteStore; clusterer: Clusterer; add: (item: NormalizedItem) => string } {
  const clock = createManualClock('2025-03-01T12:00:00Z');
  const store = createSqliteStore(':memory:', clock);
  const clusterer = createClusterer(store.db);
  return {
    store,
    clusterer,
    add: (item) => {
      store.insertItems(item.feedId, [item]);
      return clusterer.add(item, clock.now()).clusterId;
    },
  };
}

describe('createClusterer', () => {
  it('puts copies from several outlets into one story and a different event into another', () => {
    const { store, add } = setup();
    const first = add(makeItem({ feedId: 'reuters', title: 'M23 rebels seize Walikale town - Reuters', summary: WALIKALE_LEAD }));
    const copy = add(makeItem({ feedId: 'aljazeera', title: 'M23 rebels seize Walikale town', summary: WALIKALE_LEAD, publishedAt: T0 + 3600_000 }));
    const reworded = add(makeItem({ feedId: 'rfi', title: 'DR Congo: M23 rebels seize Walikale', summary: 'Fighters took Walikale on Wednesday.', publishedAt: T0 + 7200_000 }));
    const other = add(makeItem({ feedId: 'rfi', title: 'EU sanctions M23 commanders', summary: 'The EU imposed sanctions on five M23 commanders.' }));
    expect(copy).toBe(first);
    expect(reworded).toBe(first);
    expect(other).not.toBe(first);
    const row = store.db.prepare('SELECT first_published_at AS f, updated_at AS u FROM clusters WHERE id = ?').get(first);
    expect(row).toEqual({ f: T0, u: T0 + 7200_000 });
    store.close();
  });

  it('does not join copies published outside the time window', () => {
    const { store, add } = setup();
    const first = add(makeItem({ title: 'M23 rebels seize Walikale town', summary: WALIKALE_LEAD }));
    const late = add(makeItem({ title: 'M23 rebels seize Walikale town', summary: WALIKALE_LEAD, publishedAt: T0 + 10 * DAY }));
    expect(late).not.toBe(first);
    store.close();
  });

  it('drops a story and its band keys when pruning removes its items', () => {
    const { store, add } = setup();
    add(makeItem({ title: 'M23 rebels seize Walikale town', summary: WALIKALE_LEAD, fetchedAt: T0 - 40 * DAY }));
    add(makeItem({ feedId: 'other', title: 'M23 rebels seize Walikale town', summary: WALIKALE_LEAD, fetchedAt: T0 - 40 * DAY }));
    const count = (table: string) => store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
    expect(count('clusters')).toBe(1);
    expect(count('bands')).toBeGreaterThan(0);
    store.prune(T0, 30 * DAY);
    expect([count('clusters'), count('cluster_items'), count('bands')]).toEqual([0, 0, 0]);
    store.close();
  });

  it("drops an item's band keys when it is taken out of its story, and only its own", () => {
    const { store, clusterer, add } = setup();
    add(makeItem({ id: 'first', title: 'M23 rebels seize Walikale town', summary: WALIKALE_LEAD }));
    add(makeItem({ id: 'copy', feedId: 'other', title: 'M23 rebels seize Walikale town', summary: WALIKALE_LEAD }));
    const bandsOf = (id: string) => store.db.prepare('SELECT count(*) FROM bands WHERE item_id = ?').pluck().get(id);
    expect(bandsOf('copy')).toBeGreaterThan(0);
    clusterer.remove('copy');
    expect(bandsOf('copy')).toBe(0);
    expect(bandsOf('first')).toBeGreaterThan(0);
    clusterer.remove('first');
    expect(store.db.prepare('SELECT count(*) FROM bands').pluck().get()).toBe(0);
    store.close();
  });

  it('elects a new representative when the first item of a story is pruned', () => {
    const { store, add } = setup();
    const id = add(makeItem({ id: 'old', title: 'M23 rebels seize Walikale town', summary: WALIKALE_LEAD, fetchedAt: T0 - 40 * DAY }));
    add(makeItem({ id: 'new', feedId: 'other', title: 'M23 rebels seize Walikale town', summary: WALIKALE_LEAD, publishedAt: T0 + 1 }));
    store.prune(T0, 30 * DAY);
    expect(store.db.prepare('SELECT representative_id FROM clusters WHERE id = ?').pluck().get(id)).toBe('new');
    store.close();
  });
});

// Synthetic headlines from a conflict vocabulary: many share words, as real coverage does.
const SYLLABLES = ['ka', 'mo', 'ri', 'tu', 'le', 'sa', 'no', 'bi', 'ze', 'ga'];
const word = (n: number) => `${SYLLABLES[n % 10]}${SYLLABLES[Math.floor(n / 10) % 10]}${SYLLABLES[Math.floor(n / 100) % 10]}`;
function syntheticItems(count: number, startAt: number, perDay: number, seed: number): NormalizedItem[] {
  let state = seed;
  const rand = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % n;
  };
  const actors = ['M23', 'AFC/M23 rebels', 'Congolese army', 'Wazalendo militias', 'Rwanda-backed fighters', 'Burundian troops', 'UN peacekeepers'];
  const verbs = ['seize', 'clash near', 'withdraw from', 'shell', 'advance on', 'reinforce', 'patrol', 'lose ground near'];
  const places = ['Goma', 'Bukavu', 'Uvira', 'Walikale', 'Masisi', 'Sake', 'Minova', 'Kalehe', 'Lubero', 'Rutshuru', 'Kavumu', 'Nyangezi'];
  return Array.from({ length: count }, (_, i) => {
    const title = `${actors[rand(actors.length)]} ${verbs[rand(verbs.length)]} ${places[rand(places.length)]} ${word(rand(400))} ${word(rand(400))}`;
    return makeItem({ title, summary: `${word(rand(400))} ${word(rand(400))} ${word(rand(400))} ${word(rand(400))} near ${places[rand(places.length)]}.`, publishedAt: startAt + Math.floor((i * DAY) / perDay) });
  });
}

function timeAdding(stored: number): number {
  const clock = createManualClock(T0);
  const store = createSqliteStore(':memory:', clock);
  const clusterer = createClusterer(store.db);
  // The store grows with time at the same pace: a bigger store is a longer history, not a busier window.
  // History rows are written in bulk from 1,000 sketched templates, so that seeding 20,000 stays quick.
  const templates = syntheticItems(1_000, 0, 200, 99).map((item) => {
    const sketch = sketchItem(item.title, item.summary);
    return { item, sketch, bands: sketchBands(sketch) };
  });
  const history = Array.from({ length: stored }, (_, i) => {
    const { item } = templates[i % templates.length]!;
    return { ...item, id: `history-${i}`, publishedAt: T0 - DAY - Math.floor(((stored - i) * DAY) / 200) };
  });
  store.insertItems('wire', history);
  const addCluster = store.db.prepare('INSERT INTO clusters (id, representative_id, first_published_at, updated_at, created_at) VALUES (?, ?, ?, ?, ?)');
  const addMember = store.db.prepare(
    "INSERT INTO cluster_items (item_id, cluster_id, feed_id, published_at, added_at, title_words, words, names) VALUES (?, ?, 'wire', ?, 0, ?, ?, ?)",
  );
  const addBand = store.db.prepare('INSERT OR IGNORE INTO bands (band, hash, published_at, item_id) VALUES (?, ?, ?, ?)');
  store.db.transaction(() => {
    history.forEach((item, i) => {
      const { sketch, bands } = templates[i % templates.length]!;
      addCluster.run(item.id, item.id, item.publishedAt, item.publishedAt, 0);
      addMember.run(item.id, item.id, item.publishedAt, sketch.title.join(' '), sketch.all.join(' '), sketch.names.join(' '));
      for (const { band, hash } of bands) addBand.run(band, hash, item.publishedAt, item.id);
    });
  })();
  const fresh = syntheticItems(200, T0, 200, 7);
  store.insertItems('wire', fresh);
  const started = performance.now();
  store.db.transaction(() => fresh.forEach((item) => clusterer.add(item, T0)))();
  const elapsed = performance.now() - started;
  store.close();
  return elapsed;
}

describe('clustering cost', () => {
  it('stays about the same whether the store holds 1,000 or 20,000 items', () => {
    timeAdding(1_000); // warm-up: JIT and statement caches
    const small = timeAdding(1_000);
    const large = timeAdding(20_000);
    console.log(`adding 200 items: ${small.toFixed(1)} ms with 1,000 stored, ${large.toFixed(1)} ms with 20,000 stored`);
    expect(large / small).toBeLessThan(3);
  }, 60_000);
});
