import { afterEach, describe, expect, it } from 'vitest';
import { createDigestBuilder, storyScore, topicSpecificity } from '../../src/digest/build-digest.js';
import { createStatusCards } from '../../src/status/status-card.js';
import { DAY, HOUR, NOW, makeItem, seedStore } from '../status/seed-store.js';

let seeded: ReturnType<typeof seedStore>;
afterEach(() => seeded?.close());

function builder(maxStoriesPerTopic = 8) {
  const topics = seeded.topics.topics;
  return createDigestBuilder({
    stories: seeded.stories,
    status: createStatusCards(seeded.stories, topics),
    topics,
    maxStoriesPerTopic,
    maxItemAgeMs: 2 * DAY,
  });
}

const period = { since: NOW - DAY, until: NOW };
const titlesOf = (section: { stories: { title: string }[] } | undefined) => section?.stories.map((s) => s.title);

describe('storyScore', () => {
  it('adds recency (half-life 12 h), outlets (log2) and capped signal weight', () => {
    const weights = new Map([['m23.advance', 2], ['ceasefire.violated', 5]]);
    expect(storyScore({ updatedAt: NOW, sources: ['Reuters'], signals: [] }, NOW, weights)).toBeCloseTo(3);
    expect(storyScore({ updatedAt: NOW - 12 * HOUR, sources: ['A', 'B', 'C'], signals: ['m23.advance'] }, NOW, weights)).toBeCloseTo(1 + 2 + 2);
    expect(storyScore({ updatedAt: NOW - 24 * HOUR, sources: ['A'], signals: ['ceasefire.violated'] }, NOW, weights)).toBeCloseTo(0.5 + 1 + 3);
  });
});

describe('topicSpecificity', () => {
  it('ranks a topic that implies others as more specific', () => {
    seeded = seedStore();
    expect(Object.fromEntries(topicSpecificity(seeded.topics.topics))).toEqual({ m23: 0, 'qatar-talks': 1, ceasefire: 1 });
  });
});

describe('buildDigest', () => {
  it('ranks corroborated and signalling stories above fresher single-source background', () => {
    seeded = seedStore();
    const corroborated = 'M23 rebels parade prisoners in Goma stadium';
    seeded.add(
      makeItem({ title: 'M23 spokesman gives interview on regional radio', publishedAt: NOW - HOUR }),
      makeItem({ title: corroborated, publishedAt: NOW - 8 * HOUR, feedId: 'reuters' }),
      makeItem({ title: corroborated, publishedAt: NOW - 7 * HOUR, feedId: 'afp' }),
      makeItem({ title: corroborated, publishedAt: NOW - 6 * HOUR, feedId: 'rfi' }),
      makeItem({ title: 'M23 captured Walikale after two days of fighting', publishedAt: NOW - 3 * HOUR, feedId: 'bbc' }),
    );
    const digest = builder().buildDigest(period);
    // Scores: capture 1.68 + 1 + 2 = 4.68; three outlets 1.41 + 2 = 3.41; interview 1.89 + 1 = 2.89.
    expect(titlesOf(digest.sections[0])).toEqual([
      'M23 captured Walikale after two days of fighting',
      corroborated,
      'M23 spokesman gives interview on regional radio',
    ]);
    expect(digest.sections[0]?.stories[1]?.sources).toEqual(['Reuters', 'AFP', 'RFI']);
  });

  it('by seen, takes the stories first seen in the period: a report published before it but fetched in it is not lost between two digests', () => {
    seeded = seedStore();
    const late = 'M23 rebels seize Kalembe after overnight fighting';
    seeded.add(
      // Published a minute before the previous digest, but the poll that found it came after that digest.
      makeItem({ title: late, publishedAt: NOW - DAY - 60_000, fetchedAt: NOW - DAY + 5 * 60_000 }),
      // A new feed's backlog: a week old when first seen, so no news for a digest (as for an alert).
      makeItem({ title: 'M23 names governor for North Kivu', publishedAt: NOW - 8 * DAY, fetchedAt: NOW - 2 * HOUR, feedId: 'aj' }),
    );
    const seen = { by: 'seen' } as const;
    expect(titlesOf(builder().buildDigest({ ...period, ...seen }).sections[0])).toEqual([late]);
    expect(titlesOf(builder().buildDigest({ since: NOW - 2 * DAY, until: NOW - DAY, ...seen }).sections[0])).toEqual([]);
    // By publication (a digest asked for now: "the last 24 hours") it is yesterday's report, and the backlog is old.
    expect(titlesOf(builder().buildDigest(period).sections[0])).toEqual([]);
    expect(titlesOf(builder().buildDigest({ since: NOW - 2 * DAY, until: NOW - DAY }).sections[0])).toEqual([late]);
  });

  it('shows a story of several topics once, under its most specific topic', () => {
    seeded = seedStore();
    seeded.add(
      makeItem({ title: 'Truce holds in Goma as M23 patrols streets', publishedAt: NOW - 2 * HOUR }),
      makeItem({ title: 'M23 opens recruitment office in Bukavu', publishedAt: NOW - 3 * HOUR, feedId: 'aj' }),
    );
    const digest = builder().buildDigest(period);
    expect(digest.sections.map((s) => s.topicId)).toEqual(['m23', 'qatar-talks', 'ceasefire']);
    expect(titlesOf(digest.sections[0])).toEqual(['M23 opens recruitment office in Bukavu']);
    expect(titlesOf(digest.sections[2])).toEqual(['Truce holds in Goma as M23 patrols streets']);
    expect(digest.sections[2]?.stories[0]?.topics).toEqual(['m23', 'ceasefire']);
  });

  it('puts a story of two equally specific topics under the one its status signals are about', () => {
    seeded = seedStore();
    seeded.add(makeItem({ title: 'Clashes break the ceasefire near Minova days after Doha talks', publishedAt: NOW - HOUR }));
    const story = builder().buildDigest(period).sections.flatMap((s) => s.stories)[0];
    expect(story?.topics).toEqual(expect.arrayContaining(['qatar-talks', 'ceasefire']));
    expect(story?.signals.some((key) => key.startsWith('ceasefire.'))).toBe(true);
    expect(story?.signals.some((key) => key.startsWith('qatar-talks.'))).toBe(false);
    const digest = builder().buildDigest(period);
    expect(titlesOf(digest.sections[2])).toEqual(['Clashes break the ceasefire near Minova days after Doha talks']);
    expect(digest.sections[1]?.stories).toEqual([]);
  });

  it('puts a story of two equally specific topics without signals under the one its headline names', () => {
    seeded = seedStore();
    seeded.add(makeItem({ title: 'Truce declared around Goma', summary: 'The announcement followed a week of meetings in Doha.', publishedAt: NOW - HOUR }));
    const digest = builder().buildDigest(period);
    const story = digest.sections.flatMap((s) => s.stories)[0];
    expect(story?.topics).toEqual(expect.arrayContaining(['qatar-talks', 'ceasefire']));
    expect(story?.signals).toEqual([]);
    expect(titlesOf(digest.sections[2])).toEqual(['Truce declared around Goma']);
  });

  it('breaks a tie between equally specific topics by topics.yaml order', () => {
    seeded = seedStore();
    seeded.add(makeItem({ title: 'Doha mediators propose truce monitoring mechanism', publishedAt: NOW - HOUR }));
    const digest = builder().buildDigest(period);
    expect(titlesOf(digest.sections[1])).toEqual(['Doha mediators propose truce monitoring mechanism']);
    expect(digest.sections[2]?.stories).toEqual([]);
  });

  it('puts a story under the only requested topic when others are not asked for', () => {
    seeded = seedStore();
    seeded.add(makeItem({ title: 'Truce holds in Goma as M23 patrols streets', publishedAt: NOW - 2 * HOUR }));
    const digest = builder().buildDigest({ ...period, topicIds: ['m23'] });
    expect(digest.sections.map((s) => s.topicId)).toEqual(['m23']);
    expect(titlesOf(digest.sections[0])).toEqual(['Truce holds in Goma as M23 patrols streets']);
  });

  it('keeps each section to maxStoriesPerTopic and counts the rest', () => {
    seeded = seedStore();
    const titles = [
      'M23 fighters enter Walikale town centre',
      'M23 names new governor for North Kivu',
      'Uganda deploys troops near M23 front line',
      'M23 reopens Goma airport to aid flights',
    ];
    titles.forEach((title, i) => seeded.add(makeItem({ title, publishedAt: NOW - (i + 1) * HOUR })));
    const section = builder(2).buildDigest(period).sections[0];
    expect(titlesOf(section)).toEqual(titles.slice(0, 2));
    expect(section?.more).toBe(2);
  });

  it('covers only stories active in the period', () => {
    seeded = seedStore();
    const revived = 'M23 denies killing civilians in Rutshuru';
    seeded.add(
      makeItem({ title: 'M23 names new governor for North Kivu', publishedAt: NOW - 2 * DAY }),
      makeItem({ title: revived, publishedAt: NOW - 2 * DAY, feedId: 'reuters' }),
      makeItem({ title: revived, publishedAt: NOW - 2 * HOUR, feedId: 'afp' }),
      makeItem({ title: 'M23 reopens Goma airport to aid flights', publishedAt: NOW + HOUR }),
    );
    expect(titlesOf(builder().buildDigest(period).sections[0])).toEqual([revived]);
  });

  it('leaves sections empty, with their status line, when the period brought nothing', () => {
    seeded = seedStore();
    seeded.add(makeItem({ title: 'Ceasefire: clashes erupt near Sake overnight', publishedAt: NOW - 2 * DAY }));
    const digest = builder().buildDigest(period);
    expect(digest.sections.every((s) => s.stories.length === 0 && s.more === 0)).toBe(true);
    expect(digest.sections[2]?.statusLine).toBe(
      'Escalating: 1 report of clashes despite the truce since Monday 24 Nov, none of de-escalation.',
    );
    expect(digest.sections[1]?.statusLine).toBe('No reports in the last 3 days.');
  });
});
