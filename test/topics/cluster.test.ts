import { describe, it, expect } from 'vitest';
import { createManualClock } from '../../src/clock.js';
import type { NormalizedItem } from '../../src/ingest/item.js';
import { createSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import { createClusterer, sameReport, sketchItem, storySimilarity, type Clusterer } from '../../src/topics/cluster.js';
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

  it('keeps apart two events in one town whose leads are told in one wire style, or share a boilerplate summary', () => {
    expect(
      same(
        ['M23 rebels seize Sake airport', 'The M23 rebels seized the airport of Sake on Tuesday, residents said.'],
        ['M23 rebels bomb Sake market', 'The M23 rebels bombed the market of Sake on Tuesday, residents said.'],
      ),
    ).toBe(false);
    expect(same(['M23 rebels seize Sake airport', 'Read the full story on our website.'], ['M23 rebels bomb Sake market', 'Read the full story on our website.'])).toBe(false);
  });

  it('keeps apart items that carry signals of one topic and share none of them', () => {
    const words: [string, string] = ['M23 rebels at Goma airport', 'M23 fighters at the airport in Goma on Monday, witnesses said.'];
    const shelled = sketchItem(...words, ['escalating'], undefined, ['m23.fighting']);
    const captured = sketchItem(...words, ['escalating'], undefined, ['m23.advance']);
    const capturedAfterFighting = sketchItem(...words, ['escalating'], undefined, ['m23.fighting', 'm23.advance']);
    const truceBroken = sketchItem(...words, ['escalating'], undefined, ['ceasefire.violated']);
    const noSignal = sketchItem(...words);
    expect(storySimilarity(shelled, captured)).toBe(0);
    expect(storySimilarity(captured, shelled)).toBe(0);
    // A shared signal of the topic, signals of different topics only, or no signals at all: the words decide.
    expect(storySimilarity(captured, capturedAfterFighting)).toBeGreaterThan(0);
    expect(storySimilarity(shelled, truceBroken)).toBeGreaterThan(0);
    expect(storySimilarity(captured, noSignal)).toBeGreaterThan(0);
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

  it("makes one outlet's second report a story of its own unless it only adds to or trims its headline", () => {
    const { store, add } = setup();
    const at = (hours: number) => T0 + hours * 3600_000;
    const shelled = add(makeItem({ id: 'w1', feedId: 'wire', title: 'M23 rebels shell Bukavu airport', summary: 'Shells hit the runway at Kavumu on Friday.' }));
    const copy = add(makeItem({ id: 'm1', feedId: 'mirror', title: 'M23 rebels shell Bukavu airport', summary: 'Shells hit the runway on Friday.', publishedAt: at(1) }));
    const update = add(makeItem({ id: 'w2', feedId: 'wire', title: 'M23 rebels shell Bukavu airport, three killed', summary: 'Shells hit the runway at Kavumu.', publishedAt: at(2) }));
    // Alike enough for another outlet's copy, but the wire's own headline swapped its verb: a development.
    const captured = add(makeItem({ id: 'w3', feedId: 'wire', title: 'M23 rebels capture Bukavu airport', summary: 'Rebels took the runway at Kavumu on Saturday.', publishedAt: at(20) }));
    const capturedCopy = add(makeItem({ id: 'm2', feedId: 'mirror', title: 'M23 rebels capture Bukavu airport', summary: 'Rebels took the runway on Saturday.', publishedAt: at(21) }));
    expect(copy).toBe(shelled);
    expect(update).toBe(shelled);
    expect(captured).not.toBe(shelled);
    expect(capturedCopy).toBe(captured);
    store.close();
  });

  it('tells one report of an outlet from a new one by its headline words', () => {
    expect(sameReport(['m23', 'shell', 'airport'], ['m23', 'shell', 'airport', 'three', 'kill'])).toBe(true);
    expect(sameReport(['m23', 'shell', 'airport', 'three', 'kill'], ['m23', 'shell', 'airport'])).toBe(true);
    expect(sameReport(['m23', 'shell', 'airport'], ['m23', 'captur', 'airport'])).toBe(false);
    expect(sameReport([], ['m23'])).toBe(true);
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
