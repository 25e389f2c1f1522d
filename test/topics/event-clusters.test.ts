/**
 * One event told in other words, through the real classifier and the shipped topics.yaml: reports from two
 * outlets within hours, of the same kind of news (a status signal) about the same named place or party, are
 * one story; the same kind of news in another town, other news in the same town, or the same words a day
 * later, are not.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { createManualClock } from '../../src/clock.js';
import { topicsFileSchema } from '../../src/config/topics-schema.js';
import type { NormalizedItem } from '../../src/ingest/item.js';
import { createSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import { classifierOptions, createClassifier } from '../../src/topics/classify.js';

const T0 = Date.parse('2025-11-27T08:00:00Z');
const MINUTE = 60_000;
const shipped = topicsFileSchema.parse(YAML.parse(readFileSync(new URL('../../feeds/topics.yaml', import.meta.url), 'utf8')));

const stores: SqliteStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

type Report = { title: string; summary: string; minutes?: number };

/** Whether the second report, from another outlet `minutes` after the first, joined the first one's story. */
function joins(first: Report, second: Report): boolean {
  const store = createSqliteStore(':memory:', createManualClock(T0));
  stores.push(store);
  const classifier = createClassifier(classifierOptions(store.db, shipped, createManualClock(T0)));
  const item = (id: string, feedId: string, report: Report): NormalizedItem => {
    const at = T0 + (report.minutes ?? 0) * MINUTE;
    return { id, feedId, url: `https://news.example/${id}`, title: report.title, summary: report.summary, language: 'en', publishedAt: at, publishedAtEstimated: false, fetchedAt: at };
  };
  const founded = classifier.processNewItems(store.insertItems('wire', [item('a', 'wire', first)], T0));
  expect(founded).toMatchObject([{ isNewStory: true }]);
  const [change] = classifier.processNewItems(store.insertItems('desk', [item('b', 'desk', second)], T0));
  if (!change) throw new Error(`"${second.title}" matched no topic`);
  return !change.isNewStory;
}

describe('one event told in other words', () => {
  it('joins two outlets\' headlines of one advance that share few words', () => {
    expect(joins({ title: 'M23 rebels enter Uvira, witnesses say', summary: 'Residents said the rebels entered the town on Tuesday.' }, { title: "Congo's M23 rebels reach Uvira, Burundi border town", summary: 'The rebels reached the lakeside town.', minutes: 6 })).toBe(true);
    expect(joins({ title: 'M23 rebels seize Walikale centre after two days of fighting', summary: 'The rebels took the town.' }, { title: 'Rwanda-backed rebels take control of Walikale town in eastern DRC', summary: 'The M23 rebels entered Walikale.', minutes: 60 })).toBe(true);
  });

  it('joins a report in French to one in English, and two wordings of one round of talks', () => {
    expect(joins({ title: 'Ceasefire violated near Minova as M23 attacks army positions', summary: 'Fighting broke out near Minova on Sunday.' }, { title: 'Violation du cessez-le-feu à Minova', summary: 'Des combats ont éclaté près de Minova dimanche.', minutes: 30 })).toBe(true);
    expect(joins({ title: 'DR Congo and M23 open new round of talks in Doha', summary: 'Delegations met in Doha.' }, { title: 'Qatar hosts fresh round of Congo peace negotiations', summary: 'Talks between Kinshasa and the M23 resumed.', minutes: 90 })).toBe(true);
  });

  it('keeps apart the same news in another town, other news in the same town, and the same news hours apart', () => {
    expect(joins({ title: 'M23 rebels seize Walikale', summary: 'The rebels took the town.' }, { title: 'M23 rebels seize Masisi centre', summary: 'The rebels took the town.', minutes: 30 })).toBe(false);
    expect(joins({ title: 'M23 rebels bomb Sake market', summary: 'The M23 rebels bombed the market of Sake.' }, { title: 'M23 rebels seize Sake airport', summary: 'The M23 rebels seized the airport of Sake.', minutes: 30 })).toBe(false);
    expect(joins({ title: 'M23 rebels enter Uvira, witnesses say', summary: 'Residents said the rebels entered the town.' }, { title: "Congo's M23 rebels reach Uvira, Burundi border town", summary: 'The rebels reached the lakeside town.', minutes: 10 * 60 })).toBe(false);
  });
});
