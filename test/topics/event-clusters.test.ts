/**
 * Different events that share a town, a kind of news and a morning stay different stories, through the real
 * classifier and the shipped topics.yaml: merged, the later one would reach nobody (a "+1 source" edit of the
 * earlier alert). Reports written for a content audit; an event rule that joined reports by a shared status
 * signal and headline name merged these pairs, and was taken out (see the commit that reverted it).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { createManualClock } from '../../src/clock.js';
import { topicsFileSchema } from '../../src/config/topics-schema.js';
import type { NormalizedItem } from '../../src/ingest/item.js';
import { createSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import { classifierOptions, createClassifier } from '../../src/topics/classify.js';

const T0 = Date.parse('2025-11-27T07:00:00Z');
const MINUTE = 60_000;
const shipped = topicsFileSchema.parse(YAML.parse(readFileSync(new URL('../../feeds/topics.yaml', import.meta.url), 'utf8')));

const stores: SqliteStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

type Report = { title: string; summary: string; minutes: number };

/** Whether the second report, from another outlet, joined the first one's story. */
function joins(first: Report, second: Report): boolean {
  const store = createSqliteStore(':memory:', createManualClock(T0));
  stores.push(store);
  const classifier = createClassifier(classifierOptions(store.db, shipped, createManualClock(T0)));
  const item = (id: string, feedId: string, report: Report): NormalizedItem => {
    const at = T0 + report.minutes * MINUTE;
    return { id, feedId, url: `https://news.example/${id}`, title: report.title, summary: report.summary, language: 'en', publishedAt: at, publishedAtEstimated: false, fetchedAt: at };
  };
  expect(classifier.processNewItems(store.insertItems('wire', [item('a', 'wire', first)], T0))).toMatchObject([{ isNewStory: true }]);
  const [change] = classifier.processNewItems(store.insertItems('desk', [item('b', 'desk', second)], T0));
  if (!change) throw new Error(`"${second.title}" matched no topic`);
  return !change.isNewStory;
}

describe('different events in one place and one morning', () => {
  it('keeps two attacks in Goma apart', () => {
    const grenade = { title: 'Grenade attack kills three in Goma’s Birere district', summary: 'An unidentified attacker threw a grenade into a crowd in the Birere district of M23-held Goma early on Monday, killing three people, the rebel-appointed mayor said.', minutes: 42 };
    const checkpoint = { title: 'Gunmen attack M23 checkpoint in Goma, killing two rebels', summary: 'Unidentified gunmen attacked an M23 checkpoint in the Katindo neighbourhood of Goma on Monday morning, killing two rebel fighters, witnesses said.', minutes: 222 };
    expect(joins(grenade, checkpoint)).toBe(false);
  });

  it('keeps the capture of a mining town apart from the fall of the territory seat it is near', () => {
    const nyabibwe = { title: 'M23 rebels capture Nyabibwe mining town north of Kalehe', summary: 'M23 fighters seized Nyabibwe, a cassiterite mining town on Lake Kivu, on Monday morning, residents said, putting them 20 km from Kalehe centre.', minutes: 300 };
    const kalehe = { title: 'M23 rebels enter Kalehe centre', summary: 'M23 rebels entered Kalehe centre, the seat of the territory on the western shore of Lake Kivu, on Monday afternoon, witnesses said.', minutes: 540 };
    expect(joins(nyabibwe, kalehe)).toBe(false);
  });

  it('keeps a place shelled apart from the same place captured, so the capture is alerted', () => {
    const shelled = { title: 'M23 rebels shell Goma airport', summary: 'M23 fighters shelled the airport in Goma on Monday, witnesses said.', minutes: 0 };
    const captured = { title: 'M23 rebels capture Goma airport', summary: 'M23 fighters captured the airport in Goma on Monday, witnesses said.', minutes: 90 };
    expect(joins(shelled, captured)).toBe(false);
    const attacked = { title: 'M23 rebels attack Kamanyola', summary: 'M23 rebels attacked army positions in Kamanyola on Monday.', minutes: 0 };
    const taken = { title: 'M23 rebels take Kamanyola', summary: 'M23 rebels took Kamanyola on Monday after attacking army positions.', minutes: 90 };
    expect(joins(attacked, taken)).toBe(false);
    // Another outlet's report of the same capture still joins it.
    const seized = { title: 'M23 rebels seize Goma airport', summary: 'M23 fighters seized the airport in Goma on Monday, witnesses said.', minutes: 120 };
    expect(joins(captured, seized)).toBe(true);
  });

  it('keeps shelling of a market apart from shelling of a hospital in the same town', () => {
    const market = { title: 'M23 rebels shell Sake market, killing at least 12', summary: 'Mortar rounds fired by M23 fighters hit the main market in Sake, west of Goma, on Monday morning, killing at least 12 people and wounding dozens, local officials said.', minutes: 60 };
    const hospital = { title: 'M23 shelling hits Sake general hospital, patients evacuated', summary: 'Shells fired by the AFC/M23 struck the general referral hospital in Sake late on Monday morning, forcing staff to evacuate patients to Goma, MSF said.', minutes: 252 };
    expect(joins(market, hospital)).toBe(false);
  });
});
