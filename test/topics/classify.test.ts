import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it, expect } from 'vitest';
import YAML from 'yaml';
import { createManualClock } from '../../src/clock.js';
import { topicsFileSchema } from '../../src/config/topics-schema.js';
import type { NormalizedItem } from '../../src/ingest/item.js';
import { createSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import { classifierOptions, createClassifier } from '../../src/topics/classify.js';
import { createStoryQueries } from '../../src/topics/story-store.js';

const T0 = Date.parse('2025-03-05T08:00:00Z');
const TOPICS = `
topics:
  - id: m23
    name: M23 rebellion
    terms: [M23, AFC/M23]
    signals:
      - { id: advance, label: M23 advance, direction: escalating, weight: 2, terms: ['seiz*', 'captur*'] }
  - id: ceasefire
    name: Ceasefire
    terms: [ceasefire, truce]
    implies: [m23]
    signals:
      - { id: violated, label: Ceasefire violated, direction: escalating, weight: 2, terms: ['violat*', 'clash* despite'] }
`;
// The same topics plus a word for the rebels that the first version did not know.
const TOPICS_V2 = TOPICS.replace('terms: [M23, AFC/M23]', 'terms: [M23, AFC/M23, Rwanda-backed rebels]');

function build(store: SqliteStore, yaml: string, clock = createManualClock(T0)) {
  const file = topicsFileSchema.parse(YAML.parse(yaml));
  const options = classifierOptions(store.db, file, clock);
  const classifier = createClassifier(options);
  const { matcher } = options;
  const titles = new Map([['reuters', 'Reuters'], ['rfi', 'RFI']]);
  return { classifier, stories: createStoryQueries(store.db, titles, matcher.topics.map((t) => t.id)) };
}

let n = 0;
function makeItem(fields: Partial<NormalizedItem> & { title: string }): NormalizedItem {
  n++;
  return { id: `item-${n}`, feedId: 'reuters', url: `https://news.example/${n}`, summary: '', language: 'en', publishedAt: T0, publishedAtEstimated: false, fetchedAt: T0, ...fields };
}

/** What the poller does: store, then classify what was new. */
function arrive(store: SqliteStore, classifier: ReturnType<typeof build>['classifier'], items: NormalizedItem[]) {
  const fresh = items.flatMap((item) => store.insertItems(item.feedId, [item]));
  return classifier.processNewItems(fresh);
}

const CLASH = 'Walikale clashes despite M23 truce';
const CLASH_LEAD = 'Fighting broke out between the army and the M23 near Walikale on Tuesday, residents said.';
const count = (store: SqliteStore, table: string) => store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('createClassifier', () => {
  it('stores topics with evidence, signals and a story for new items, and reports the story as new', () => {
    const store = createSqliteStore(':memory:', createManualClock(T0));
    const { classifier } = build(store, TOPICS);
    const first = makeItem({ title: CLASH, summary: CLASH_LEAD });
    const changes = arrive(store, classifier, [first, makeItem({ title: 'Qatar Airways adds flights to Kigali' })]);

    expect(changes).toEqual([
      { storyId: first.id, isNewStory: true, itemIds: [first.id], topics: ['m23', 'ceasefire'], topicsBefore: [], sourceCountBefore: 0, sourceCountAfter: 1 },
    ]);
    const evidence = store.db.prepare("SELECT evidence FROM item_topics WHERE topic_id = 'ceasefire'").pluck().get() as string;
    expect(JSON.parse(evidence)).toEqual([{ term: 'truce', field: 'title' }]);
    expect(store.db.prepare('SELECT topic_id || \'.\' || signal_id FROM item_signals').pluck().all()).toEqual(['ceasefire.violated']);
    expect(count(store, 'cluster_items')).toBe(1);
    store.close();
  });

  it('reports a copy from another outlet as growth of the same story', () => {
    const store = createSqliteStore(':memory:', createManualClock(T0));
    const { classifier } = build(store, TOPICS);
    const first = makeItem({ title: CLASH, summary: CLASH_LEAD });
    arrive(store, classifier, [first]);
    const copy = makeItem({ feedId: 'rfi', title: `${CLASH} - RFI`, summary: CLASH_LEAD, publishedAt: T0 + 600_000 });
    const again = makeItem({ title: `${CLASH} (update)`, summary: CLASH_LEAD, publishedAt: T0 + 900_000 });
    expect(arrive(store, classifier, [copy, again])).toEqual([
      { storyId: first.id, isNewStory: false, itemIds: [copy.id, again.id], topics: ['m23', 'ceasefire'], topicsBefore: ['m23', 'ceasefire'], sourceCountBefore: 1, sourceCountAfter: 2 },
    ]);
    // Handing the same items over twice changes nothing.
    expect(classifier.processNewItems([copy])).toEqual([]);
    expect(count(store, 'cluster_items')).toBe(3);
    store.close();
  });

  it('skips an item the store does not hold, and a second copy of one in the same batch', () => {
    const store = createSqliteStore(':memory:', createManualClock(T0));
    const { classifier } = build(store, TOPICS);
    const unstored = makeItem({ title: CLASH, summary: CLASH_LEAD });
    expect(classifier.processNewItems([unstored])).toEqual([]);
    expect([count(store, 'item_topics'), count(store, 'cluster_items')]).toEqual([0, 0]);
    const stored = makeItem({ feedId: 'rfi', title: CLASH, summary: CLASH_LEAD });
    const [fresh] = store.insertItems(stored.feedId, [stored]);
    expect(classifier.processNewItems([fresh!, fresh!])).toEqual([
      { storyId: stored.id, isNewStory: true, itemIds: [stored.id], topics: ['m23', 'ceasefire'], topicsBefore: [], sourceCountBefore: 0, sourceCountAfter: 1 },
    ]);
    expect(count(store, 'cluster_items')).toBe(1);
    store.close();
  });

  it('reports the topics a story had before a joining report added one', () => {
    const store = createSqliteStore(':memory:', createManualClock(T0));
    const { classifier } = build(store, TOPICS);
    const lead = 'The M23 rebels seized the town of Walikale on Tuesday, residents said.';
    const first = makeItem({ title: 'M23 rebels seize Walikale', summary: lead });
    expect(arrive(store, classifier, [first])).toMatchObject([{ topics: ['m23'], topicsBefore: [] }]);
    const copy = makeItem({ feedId: 'rfi', title: 'M23 rebels seize Walikale despite truce', summary: lead, publishedAt: T0 + 600_000 });
    expect(arrive(store, classifier, [copy])).toEqual([
      { storyId: first.id, isNewStory: false, itemIds: [copy.id], topics: ['m23', 'ceasefire'], topicsBefore: ['m23'], sourceCountBefore: 1, sourceCountAfter: 2 },
    ]);
    store.close();
  });

  it('answers story queries with sources, signals and evidence, and finds stories by text', () => {
    const store = createSqliteStore(':memory:', createManualClock(T0));
    const { classifier, stories } = build(store, TOPICS);
    const first = makeItem({ title: CLASH, summary: CLASH_LEAD });
    const copy = makeItem({ feedId: 'rfi', title: CLASH, summary: CLASH_LEAD, publishedAt: T0 + 60_000 });
    const seized = makeItem({ feedId: 'rfi', title: 'M23 seizes Nyangezi south of Bukavu', publishedAt: T0 + 3_600_000 });
    arrive(store, classifier, [first, copy, seized]);

    const all = stories.stories({ limit: 10 });
    expect(all.map((s) => s.id)).toEqual([seized.id, first.id]);
    expect(all[1]).toMatchObject({
      title: CLASH,
      source: 'Reuters',
      sources: ['Reuters', 'RFI'],
      publishedAt: T0,
      updatedAt: T0 + 60_000,
      topics: ['m23', 'ceasefire'],
      signals: ['ceasefire.violated'],
    });
    expect(all[1]!.evidence.ceasefire).toEqual([{ term: 'truce', field: 'title' }]);
    expect(stories.stories({ topicId: 'ceasefire', limit: 10 }).map((s) => s.id)).toEqual([first.id]);
    expect(stories.stories({ since: T0 + 120_000, limit: 10 }).map((s) => s.id)).toEqual([seized.id]);
    expect(stories.searchStories('Walikale clashes', 5).map((s) => s.id)).toEqual([first.id]);
    expect(stories.story(seized.id)?.signals).toEqual(['m23.advance']);
    expect(stories.signalEvents('m23', T0).map((e) => e.signalId)).toEqual(['advance']);
    expect(stories.topicStats(T0)).toEqual([
      { topicId: 'm23', stories: 2, items: 3, sources: 2 },
      { topicId: 'ceasefire', stories: 1, items: 2, sources: 2 },
    ]);
    store.close();
  });

  it('re-matches stored items after a topic change without reporting them as new', () => {
    const store = createSqliteStore(':memory:', createManualClock(T0));
    const v1 = build(store, TOPICS);
    expect(v1.classifier.rematchAll().rematched).toBe(true);
    const unknown = makeItem({ title: 'Rwanda-backed rebels enter Uvira', summary: 'The rebels entered Uvira on Tuesday.' });
    arrive(store, v1.classifier, [unknown]);
    expect(count(store, 'item_topics')).toBe(0);

    const v2 = build(store, TOPICS_V2);
    expect(v2.classifier.rematchAll()).toEqual({ rematched: true, items: 1, matched: 1, clustered: 1, unclustered: 0 });
    expect(v2.stories.stories({ topicId: 'm23', limit: 5 }).map((s) => s.title)).toEqual(['Rwanda-backed rebels enter Uvira']);
    expect(v2.classifier.rematchAll().rematched).toBe(false);

    // A later copy joins the re-matched story: growth, not a new story.
    const copy = makeItem({ feedId: 'rfi', title: 'Rwanda-backed rebels enter Uvira - RFI', summary: 'The rebels entered Uvira on Tuesday.' });
    expect(arrive(store, v2.classifier, [copy])).toMatchObject([{ storyId: unknown.id, isNewStory: false, sourceCountBefore: 1, sourceCountAfter: 2 }]);

    // Back to the first version: the items no longer match and leave their story.
    expect(build(store, TOPICS).classifier.rematchAll()).toMatchObject({ matched: 0, unclustered: 2 });
    expect([count(store, 'clusters'), count(store, 'item_topics')]).toEqual([0, 0]);
    store.close();
  });

  it('stores the main signals of a clustered item, and a re-match fills them in for rows stored before', () => {
    const store = createSqliteStore(':memory:', createManualClock(T0));
    const { classifier } = build(store, TOPICS);
    classifier.rematchAll();
    const clash = makeItem({ title: CLASH, summary: CLASH_LEAD });
    arrive(store, classifier, [clash]);
    const signalsOf = (id: string) => store.db.prepare('SELECT signals FROM cluster_items WHERE item_id = ?').pluck().get(id);
    expect(signalsOf(clash.id)).toBe('ceasefire.violated');
    // A row as an older sitrep left it: no signals stored. A changed topics.yaml brings them back.
    store.db.prepare("UPDATE cluster_items SET signals = ''").run();
    build(store, TOPICS_V2).classifier.rematchAll();
    expect(signalsOf(clash.id)).toBe('ceasefire.violated');
    store.close();
  });

  it('picks up where it left off after a restart on the same database file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sitrep-classify-'));
    dirs.push(dir);
    const path = join(dir, 'sitrep.db');
    const first = makeItem({ title: CLASH, summary: CLASH_LEAD });

    const before = createSqliteStore(path, createManualClock(T0));
    const a = build(before, TOPICS);
    a.classifier.rematchAll();
    arrive(before, a.classifier, [first]);
    before.close();

    const after = createSqliteStore(path, createManualClock(T0 + 3_600_000));
    const b = build(after, TOPICS);
    expect(b.classifier.rematchAll().rematched).toBe(false);
    const copy = makeItem({ feedId: 'rfi', title: CLASH, summary: CLASH_LEAD, publishedAt: T0 + 1_800_000 });
    expect(arrive(after, b.classifier, [copy])).toMatchObject([{ storyId: first.id, isNewStory: false, sourceCountAfter: 2 }]);
    expect(b.stories.story(first.id)?.sources).toEqual(['Reuters', 'RFI']);
    after.close();
  });
});
