import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/clock.js';
import type { NormalizedItem } from '../../src/ingest/item.js';
import { createSqliteStore, openDatabase, type SqliteStore } from '../../src/store/sqlite-store.js';
import { createStoryQueries } from '../../src/topics/story-store.js';

const T0 = Date.parse('2025-06-01T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function makeItem(fields: Partial<NormalizedItem> & { id: string }): NormalizedItem {
  return {
    feedId: 'actualite-cd',
    url: `https://example.org/${fields.id}`,
    title: `Title ${fields.id}`,
    summary: '',
    language: 'fr',
    publishedAt: T0,
    publishedAtEstimated: false,
    fetchedAt: T0,
    ...fields,
  };
}

const open: SqliteStore[] = [];
const tempDirs: string[] = [];
function memoryStore(): SqliteStore {
  const store = createSqliteStore(':memory:', createManualClock(T0));
  open.push(store);
  return store;
}
function tempDbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sitrep-store-'));
  tempDirs.push(dir);
  return join(dir, 'nested', 'sitrep.db');
}

afterEach(() => {
  for (const store of open.splice(0)) store.close();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('insertItems', () => {
  it('stores each item once however often its feed shows it, and returns only the new ones', () => {
    const store = memoryStore();
    const a = makeItem({ id: 'a' });
    const b = makeItem({ id: 'b' });
    const c = makeItem({ id: 'c' });

    expect(store.insertItems('actualite-cd', [a, b], T0).map((i) => i.id)).toEqual(['a', 'b']);
    expect(store.insertItems('actualite-cd', [a, b], T0 + HOUR)).toEqual([]);
    expect(store.insertItems('actualite-cd', [c, a, b], T0 + 2 * HOUR).map((i) => i.id)).toEqual(['c']);
    expect(store.countItems()).toBe(3);
  });

  it('drops an id repeated inside one batch', () => {
    const store = memoryStore();
    const fresh = store.insertItems('actualite-cd', [makeItem({ id: 'a' }), makeItem({ id: 'a', title: 'again' })], T0);
    expect(fresh.map((i) => i.title)).toEqual(['Title a']);
    expect(store.countItems()).toBe(1);
  });

  it('round-trips every field of an item', () => {
    const store = memoryStore();
    const item = makeItem({
      id: 'x',
      url: null,
      summary: 'Les délégations se retrouvent à Doha.',
      language: null,
      publishedAt: T0 - 5 * HOUR,
      publishedAtEstimated: true,
      fetchedAt: T0 - HOUR,
    });
    store.insertItems('actualite-cd', [item], T0);
    expect(store.getItem('x')).toEqual(item);
    expect(store.getItem('missing')).toBeNull();
  });
});

// What /search runs: the story store's full-text query over the items the store indexed. Items in no story
// come back as stories of their own, under their item id.
function search(store: SqliteStore, query: string, limit = 10): string[] {
  return createStoryQueries(store.db, new Map(), []).searchStories(query, limit).map((story) => story.id);
}

describe('the full-text index', () => {
  function storeWithNews(): SqliteStore {
    const store = memoryStore();
    store.insertItems('actualite-cd', [
      makeItem({ id: 'doha', title: 'Reprise des négociations à Doha', summary: 'Kinshasa et le M23 à la table.' }),
      makeItem({ id: 'goma', title: 'Goma: the ceasefire holds', summary: 'Calm reported around Sake.' }),
      makeItem({ id: 'and', title: 'AND OR NOT: a headline about "quotes"', summary: 'near the front' }),
    ]);
    return store;
  }

  it('finds accented words when searched without accents, and the reverse', () => {
    const store = storeWithNews();
    expect(search(store, 'negociations')).toEqual(['doha']);
    expect(search(store, 'NÉGOCIATIONS doha')).toEqual(['doha']);
    expect(search(store, 'kinshasa')).toEqual(['doha']);
  });

  it('requires every word and supports a trailing * as a prefix', () => {
    const store = storeWithNews();
    expect(search(store, 'ceasefire doha')).toEqual([]);
    expect(search(store, 'cease*')).toEqual(['goma']);
  });

  it('takes the syntax of web search: "phrases", -excluded terms, OR, and hyphenated words as phrases', () => {
    const store = storeWithNews();
    store.insertItems('wire', [
      makeItem({ id: 'gaza', title: 'Gaza ceasefire talks resume in Doha', summary: 'Mediators meet again.' }),
      makeItem({ id: 'masisi', title: 'Cease-fire broken near Masisi', summary: "L'armée accuse le M23." }),
      makeItem({ id: 'sake', title: 'Sake calm, the ceasefire holds', summary: 'Traders back in Goma.' }),
    ]);
    expect(search(store, 'ceasefire').sort()).toEqual(['gaza', 'goma', 'sake']);
    expect(search(store, 'ceasefire -gaza').sort()).toEqual(['goma', 'sake']);
    expect(search(store, 'ceasefire -gaza -"ceasefire holds"')).toEqual([]);
    // Words side by side, in this order: "the ceasefire holds" is in two items, "ceasefire the holds" in none.
    expect(search(store, '"the ceasefire holds"').sort()).toEqual(['goma', 'sake']);
    expect(search(store, '"ceasefire the holds"')).toEqual([]);
    expect(search(store, '“ceasefire the holds”')).toEqual([]);
    expect(search(store, 'masisi OR traders').sort()).toEqual(['masisi', 'sake']);
    expect(search(store, 'masisi OR traders goma')).toEqual(['sake']);
    // Hyphenated and elided words match where their parts stand together, and only there.
    expect(search(store, 'cease-fire')).toEqual(['masisi']);
    expect(search(store, "l'armée")).toEqual(['masisi']);
    expect(search(store, 'cease-fi*')).toEqual(['masisi']);
    // Only exclusions: nothing to look for, so nothing is found (FTS5 cannot search for "all but").
    expect(search(store, '-gaza')).toEqual([]);
  });

  it('finds a word the tokenizer splits at its marks (Devanagari vowel signs), without an FTS error', () => {
    const store = storeWithNews();
    store.insertItems('hindi', [makeItem({ id: 'hindi', title: 'कांगो में युद्धविराम', summary: 'गोमा से समाचार' })]);
    expect(search(store, 'युद्धविराम')).toEqual(['hindi']);
    expect(search(store, 'गोमा')).toEqual(['hindi']);
  });

  it('answers hostile queries without an FTS syntax error', () => {
    const store = storeWithNews();
    for (const hostile of ['"', 'AND OR', '*', 'NEAR(', 'NEAR(goma', '"unbalanced', 'title:goma', '-goma', '^goma', '(', ')', 'goma)', "o'clock", '']) {
      expect(() => search(store, hostile), hostile).not.toThrow();
    }
    expect(search(store, 'AND OR')).toEqual(['and']);
    expect(search(store, 'NEAR(')).toEqual(['and']);
    expect(search(store, '"')).toEqual([]);
    expect(search(store, '*')).toEqual([]);
    // A column filter is just two words here; no item says "title", so nothing matches.
    expect(search(store, 'title:goma')).toEqual([]);
    expect(search(store, 'goma)')).toEqual(['goma']);
  });

  it('indexes exactly the new items of each batch, whatever was already stored', () => {
    const store = storeWithNews();
    // A batch mixing a repeat, an id another feed already stored, and two new items.
    store.insertItems('actualite-cd', [
      makeItem({ id: 'goma', title: 'Goma: the ceasefire holds' }),
      makeItem({ id: 'uvira', title: 'Uvira market reopens' }),
      makeItem({ id: 'bukavu', title: 'Bukavu market calm' }),
    ]);
    store.insertItems('other', [makeItem({ id: 'doha', feedId: 'other', title: 'Reprise des négociations à Doha' })]);
    expect(search(store, 'market').sort()).toEqual(['bukavu', 'uvira']);
    expect(search(store, 'goma')).toEqual(['goma']);
    expect(search(store, 'doha')).toEqual(['doha']);
    // The index holds one row per item: an id indexed twice would make FTS5's integrity check fail.
    expect(() => store.db.exec("INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)")).not.toThrow();
  });

  it('stays in step with the items table when items are pruned', () => {
    const store = storeWithNews();
    store.prune(T0 + 100 * DAY, DAY);
    expect(search(store, 'goma')).toEqual([]);
    store.insertItems('other', [makeItem({ id: 'goma2', feedId: 'other', title: 'Goma again', fetchedAt: T0 + 100 * DAY })], T0 + 100 * DAY);
    expect(search(store, 'goma')).toEqual(['goma2']);
  });
});

  describe('inside store.transaction, with a savepoint per feed (the poller group commit)', () => {
    const feedsOf = (count: number) =>
      Array.from({ length: count }, (_, f) =>
        Array.from({ length: 5 }, (_, i) => makeItem({ id: `f${f}-${i}`, feedId: `feed-${f}`, title: `Walikale report ${f} ${i}` })),
      );
    const storeFeeds = (store: SqliteStore, feeds: NormalizedItem[][], failing = -1) =>
      store.transaction(() => {
        for (const [f, items] of feeds.entries()) {
          try {
            store.transaction(() => {
              store.insertItems(`feed-${f}`, items);
              if (f === failing) throw new Error('classification failed');
            });
          } catch {
            // That feed's savepoint is undone; the others stay.
          }
        }
      });
    // FTS5 keeps one row per index segment (plus its structure rows) in items_fts_data.
    const segmentRows = (store: SqliteStore) => store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM items_fts_data').get()!.n;

    it('indexes every committed item once, and none of a feed whose savepoint was undone', () => {
      const store = memoryStore();
      storeFeeds(store, feedsOf(4), 1);
      expect(search(store, 'walikale', 100)).toHaveLength(15);
      expect(search(store, 'walikale', 100).some((id) => id.startsWith('f1-'))).toBe(false);
      // Rows the undone savepoint freed are reused by the next feed's items; each is indexed once.
      expect(() => store.db.exec("INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)")).not.toThrow();
      store.insertItems('later', [makeItem({ id: 'later', feedId: 'later', title: 'Walikale later' })]);
      expect(search(store, 'walikale', 100)).toHaveLength(16);
    });

    it('leaves nothing stored or indexed when the whole transaction fails', () => {
      const store = memoryStore();
      expect(() =>
        store.transaction(() => {
          store.insertItems('feed-0', feedsOf(1)[0]!);
          throw new Error('disk full');
        }),
      ).toThrow('disk full');
      expect(store.countItems()).toBe(0);
      expect(search(store, 'walikale', 100)).toEqual([]);
      store.insertItems('feed-0', feedsOf(1)[0]!);
      expect(search(store, 'walikale', 100)).toHaveLength(5);
    });

    it('writes one index segment for the batch, as one plain insert of the same items does', () => {
      const batched = memoryStore();
      storeFeeds(batched, feedsOf(10));
      const single = memoryStore();
      single.insertItems('all', feedsOf(10).flat());
      expect(search(batched, 'walikale', 100)).toHaveLength(50);
      expect(segmentRows(batched)).toBe(segmentRows(single));
    });
  });

describe('prune', () => {
  it('deletes old items but never lets an item still in its feed come back as new', () => {
    const store = memoryStore();
    const old = makeItem({ id: 'old', fetchedAt: T0 });
    const gone = makeItem({ id: 'gone', fetchedAt: T0 });
    store.insertItems('actualite-cd', [old, gone], T0);
    // Thirty days later the feed still shows `old` (seen refreshed) but no longer `gone`.
    store.insertItems('actualite-cd', [old], T0 + 30 * DAY);

    const removed = store.prune(T0 + 30 * DAY, 7 * DAY);
    expect(removed).toEqual({ items: 2, seen: 1 });
    expect(store.getItem('old')).toBeNull();
    expect(store.countItems()).toBe(0);

    // The feed shows `old` once more: still known, so not new.
    expect(store.insertItems('actualite-cd', [old], T0 + 31 * DAY)).toEqual([]);
    // `gone` was unseen for longer than retention, so its seen row went with it.
    expect(store.insertItems('actualite-cd', [gone], T0 + 31 * DAY).map((i) => i.id)).toEqual(['gone']);
  });

  it('keeps an unchanged feed\'s items known however long it answers 304, so none comes back as new', () => {
    const store = memoryStore();
    const still = makeItem({ id: 'still', fetchedAt: T0 });
    store.insertItems('radio-okapi', [still], T0);
    // Thirty days of 304s: no full fetch refreshes `still`, yet the feed shows it all along.
    expect(store.prune(T0 + 30 * DAY, 7 * DAY)).toEqual({ items: 1, seen: 0 });
    expect(store.insertItems('radio-okapi', [still, makeItem({ id: 'fresh' })], T0 + 30 * DAY).map((i) => i.id)).toEqual(['fresh']);
  });

  it('keeps items fetched within the retention period', () => {
    const store = memoryStore();
    store.insertItems('actualite-cd', [makeItem({ id: 'recent', fetchedAt: T0 })], T0);
    expect(store.prune(T0 + 6 * DAY, 7 * DAY)).toEqual({ items: 0, seen: 0 });
    expect(store.getItem('recent')).not.toBeNull();
  });
});

describe('feed state', () => {
  it('counts consecutive failures and clears them on success, keeping validators', () => {
    const store = memoryStore();
    expect(store.getFeedState('radio-okapi')).toBeNull();

    store.recordFetchFailure('radio-okapi', { error: 'HTTP 500', at: T0, nextAttemptAt: T0 + HOUR });
    store.recordFetchFailure('radio-okapi', { error: 'timed out after 15000 ms', at: T0 + HOUR, nextAttemptAt: T0 + 3 * HOUR });
    expect(store.getFeedState('radio-okapi')).toEqual({
      feedId: 'radio-okapi',
      etag: null,
      lastModified: null,
      lastAttemptAt: T0 + HOUR,
      lastSuccessAt: null,
      consecutiveFailures: 2,
      lastError: 'timed out after 15000 ms',
      nextAttemptAt: T0 + 3 * HOUR,
      firstFetchDone: false,
      repairs: [],
      url: null,
    });

    store.recordFetchSuccess('radio-okapi', { etag: '"v1"', lastModified: 'Sun, 01 Jun 2025 12:00:00 GMT', at: T0 + 3 * HOUR });
    store.recordFetchFailure('radio-okapi', { error: 'HTTP 503', at: T0 + 4 * HOUR, nextAttemptAt: T0 + 5 * HOUR });
    expect(store.getFeedState('radio-okapi')).toMatchObject({
      etag: '"v1"',
      lastModified: 'Sun, 01 Jun 2025 12:00:00 GMT',
      lastSuccessAt: T0 + 3 * HOUR,
      lastAttemptAt: T0 + 4 * HOUR,
      consecutiveFailures: 1,
      lastError: 'HTTP 503',
      firstFetchDone: true,
    });
    store.recordFetchSuccess('actualite-cd', { etag: null, lastModified: null, at: T0 });
    expect(store.listFeedHealth().map((s) => [s.feedId, s.consecutiveFailures])).toEqual([
      ['actualite-cd', 0],
      ['radio-okapi', 1],
    ]);
    expect(store.getFeedState('radio-okapi')?.repairs).toEqual([]);
    // A full fetch records what the XML needed; a 304 (no repairs given) keeps it; the next full fetch replaces it.
    store.recordFetchSuccess('radio-okapi', { etag: '"v2"', lastModified: null, at: T0 + 5 * HOUR, repairs: ['escaped bare & and unknown entities'] });
    expect(store.getFeedState('radio-okapi')?.repairs).toEqual(['escaped bare & and unknown entities']);
    store.recordFetchSuccess('radio-okapi', { etag: '"v2"', lastModified: null, at: T0 + 6 * HOUR });
    expect(store.getFeedState('radio-okapi')?.repairs).toEqual(['escaped bare & and unknown entities']);
    store.recordFetchSuccess('radio-okapi', { etag: '"v3"', lastModified: null, at: T0 + 7 * HOUR, repairs: [] });
    expect(store.getFeedState('radio-okapi')?.repairs).toEqual([]);
  });
});

describe('a database file', () => {
  it('keeps items, validators and health across a restart', () => {
    const path = tempDbPath();
    const first = createSqliteStore(path, createManualClock(T0));
    first.insertItems('actualite-cd', [makeItem({ id: 'a', title: 'Cessez-le-feu à Goma' })], T0);
    first.recordFetchSuccess('actualite-cd', { etag: 'W/"abc"', lastModified: null, at: T0 });
    first.recordFetchFailure('radio-okapi', { error: 'HTTP 500', at: T0, nextAttemptAt: T0 + HOUR });
    first.close();

    const second = createSqliteStore(path, createManualClock(T0 + DAY));
    open.push(second);
    expect(second.getItem('a')?.title).toBe('Cessez-le-feu à Goma');
    expect(search(second, 'cessez le feu', 5)).toEqual(['a']);
    expect(second.getFeedState('actualite-cd')).toMatchObject({ etag: 'W/"abc"', firstFetchDone: true });
    expect(second.getFeedState('radio-okapi')).toMatchObject({ consecutiveFailures: 1, lastError: 'HTTP 500' });
    expect(second.insertItems('actualite-cd', [makeItem({ id: 'a' })])).toEqual([]);
  });

  it('is opened in WAL mode with foreign keys on', () => {
    const store = createSqliteStore(tempDbPath(), createManualClock(T0));
    open.push(store);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
  });
});

describe('opening the database', () => {
  it('names the path when it cannot be opened: a folder, or a file that is no database', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sitrep-open-'));
    try {
      writeFileSync(join(dir, 'notes.txt'), 'not a database, just some text that is long enough to have a header\n'.repeat(10));
      expect(() => openDatabase(dir)).toThrow(`cannot open the database ${dir}: unable to open database file`);
      expect(() => openDatabase(join(dir, 'notes.txt'))).toThrow(`cannot open the database ${join(dir, 'notes.txt')}: file is not a database`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
