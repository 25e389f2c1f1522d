/**
 * Test helper: a real SQLite store (':memory:') filled through the real classifier (matcher, signals,
 * clustering), with a small topics file whose signals the tests control, and the story queries over it.
 */
import { parse } from 'yaml';
import { createManualClock } from '../../src/clock.js';
import { topicsFileSchema, type TopicsFile } from '../../src/config/topics-schema.js';
import type { NormalizedItem } from '../../src/ingest/item.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { classifierOptions, createClassifier } from '../../src/topics/classify.js';
import { createStoryQueries } from '../../src/topics/story-store.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** Thursday 27 Nov 2025, 12:00 UTC. */
export const NOW = Date.parse('2025-11-27T12:00:00Z');

/** Three topics as the shipped file has them (talks and ceasefire imply m23), with signals for the tests. */
export const TEST_TOPICS_YAML = `
topics:
  - id: m23
    name: M23 rebellion
    strong: [M23]
    signals:
      - { id: advance, label: rebel advances, terms: [captured, seized], direction: escalating, weight: 2 }
      - { id: withdrawal, label: rebel withdrawals, terms: [withdraw, withdrew, withdrawal], direction: de-escalating }
  - id: qatar-talks
    name: Doha talks
    strong: [Doha]
    implies: [m23]
    signals:
      - { id: stalled, label: talks stalled, terms: [stalled], direction: escalating }
      - { id: signed, label: agreement signed, terms: [signed], direction: de-escalating, weight: 3 }
  - id: ceasefire
    name: Ceasefire
    strong: [ceasefire, truce]
    implies: [m23]
    signals:
      - { id: violated, label: clashes despite the truce, terms: [clashes], direction: escalating }
      - { id: holding, label: the truce holding, terms: [holding, holds], direction: de-escalating }
`;

/** The test topics file, validated. */
export const testTopics: TopicsFile = topicsFileSchema.parse(parse(TEST_TOPICS_YAML));

export const FEED_TITLES = new Map([
  ['reuters', 'Reuters'],
  ['aj', 'Al Jazeera'],
  ['afp', 'AFP'],
  ['rfi', 'RFI'],
  ['bbc', 'BBC'],
]);

let counter = 0;

/** An item; the test states what it cares about. */
export function makeItem(overrides: Partial<NormalizedItem> & { title: string }): NormalizedItem {
  counter += 1;
  const publishedAt = overrides.publishedAt ?? NOW - HOUR;
  return {
    id: `item-${counter}`,
    feedId: 'reuters',
    url: `https://news.example/${counter}`,
    summary: '',
    language: 'en',
    publishedAt,
    publishedAtEstimated: false,
    fetchedAt: publishedAt,
    ...overrides,
  };
}

/** A store, classifier and story queries; `add` stores and classifies items as the poller would. */
export function seedStore(topics: TopicsFile = testTopics) {
  const clock = createManualClock(NOW);
  const store = createSqliteStore(':memory:', clock);
  const classifier = createClassifier(classifierOptions(store.db, topics, clock));
  const stories = createStoryQueries(store.db, FEED_TITLES, topics.topics.map((t) => t.id));
  return {
    store,
    stories,
    topics,
    add(...items: NormalizedItem[]) {
      const now = clock.now();
      for (const item of items) {
        // The poller classifies an item when it arrives: at its fetch time.
        clock.set(item.fetchedAt);
        const fresh = store.insertItems(item.feedId, [item], item.fetchedAt);
        classifier.processNewItems(fresh);
      }
      clock.set(now);
    },
    close: () => store.close(),
  };
}
