import { afterEach, describe, expect, it } from 'vitest';
import { createStatusCards, trendWord } from '../../src/status/status-card.js';
import { DAY, HOUR, NOW, makeItem, seedStore } from './seed-store.js';

let seeded: ReturnType<typeof seedStore>;
afterEach(() => seeded?.close());

function cards() {
  return createStatusCards(seeded.stories, seeded.topics.topics);
}

// Distinct wording per item so that each is its own story unless a test wants copies.
const clashTitles = [
  'Ceasefire: clashes erupt near Sake overnight',
  'Heavy clashes in Masisi test the fragile truce',
  'Residents flee Kitshanga as clashes shake ceasefire',
  'Truce under strain after clashes around Rubaya mines',
];
const holdingTitles = ['Ceasefire largely holding in Goma, residents say', 'Truce holds for a second week in Bukavu'];

/** Three clash reports over the last three days against one report of the truce holding. */
function seedEscalating(): void {
  seeded = seedStore();
  seeded.add(
    makeItem({ title: clashTitles[0]!, publishedAt: NOW - 5 * HOUR }),
    makeItem({ title: clashTitles[1]!, publishedAt: NOW - 30 * HOUR, feedId: 'afp' }),
    makeItem({ title: clashTitles[2]!, publishedAt: NOW - 50 * HOUR, feedId: 'rfi' }),
    makeItem({ title: holdingTitles[0]!, publishedAt: NOW - 20 * HOUR, feedId: 'aj' }),
  );
}

describe('buildStatusCard', () => {
  it('calls a topic escalating when the last 3 days bring more escalation than the 3 before, and says why', () => {
    seedEscalating();
    const card = cards().buildStatusCard('ceasefire', { now: NOW });
    expect(card.trend).toBe('escalating');
    expect(card.topicName).toBe('Ceasefire');
    expect(card.reason).toBe('3 reports of clashes despite the truce since Monday 24 Nov, against 1 of the truce holding.');
  });

  it('calls a topic de-escalating when escalation reports dry up and the truce holds', () => {
    seeded = seedStore();
    seeded.add(
      makeItem({ title: clashTitles[0]!, publishedAt: NOW - 4 * DAY }),
      makeItem({ title: clashTitles[1]!, publishedAt: NOW - 4.5 * DAY, feedId: 'afp' }),
      makeItem({ title: clashTitles[2]!, publishedAt: NOW - 5 * DAY, feedId: 'rfi' }),
      makeItem({ title: holdingTitles[0]!, publishedAt: NOW - 10 * HOUR, feedId: 'aj' }),
    );
    const card = cards().buildStatusCard('ceasefire', { now: NOW });
    expect(card.trend).toBe('de-escalating');
    expect(card.reason).toBe('1 report of the truce holding since Monday 24 Nov, none of escalation (the 3 days before: 3 against 0).');
  });

  it('calls a balanced or signal-free period unchanged', () => {
    seeded = seedStore();
    seeded.add(
      makeItem({ title: clashTitles[0]!, publishedAt: NOW - 5 * HOUR }),
      makeItem({ title: holdingTitles[0]!, publishedAt: NOW - 6 * HOUR, feedId: 'aj' }),
    );
    expect(cards().buildStatusCard('ceasefire', { now: NOW }).trend).toBe('unchanged');

    seeded.close();
    seeded = seedStore();
    seeded.add(makeItem({ title: 'Ceasefire monitors arrive in North Kivu', publishedAt: NOW - 5 * HOUR }));
    const quiet = cards().buildStatusCard('ceasefire', { now: NOW });
    expect(quiet.trend).toBe('unchanged');
    expect(quiet.reason).toBe('1 report since Monday 24 Nov, none signalling escalation or de-escalation.');
  });

  it('counts a report syndicated by several outlets once in the trend', () => {
    seeded = seedStore();
    const title = 'Ceasefire: clashes erupt near Sake overnight';
    seeded.add(
      makeItem({ title, publishedAt: NOW - 5 * HOUR, feedId: 'reuters' }),
      makeItem({ title, publishedAt: NOW - 4 * HOUR, feedId: 'afp' }),
      makeItem({ title, publishedAt: NOW - 3 * HOUR, feedId: 'rfi' }),
      makeItem({ title: holdingTitles[0]!, publishedAt: NOW - 6 * HOUR, feedId: 'aj' }),
    );
    const card = cards().buildStatusCard('ceasefire', { now: NOW });
    // Counted per item this would be 3 against 1, "escalating".
    expect(card.trend).toBe('unchanged');
    expect(card.reason).toContain('1 report of clashes despite the truce');
    const syndicated = card.facts.find((f) => f.title === title);
    expect(syndicated?.sources).toEqual(['Reuters', 'AFP', 'RFI']);
    expect(syndicated?.singleSource).toBe(false);
  });

  it('says "no recent reports" when nothing arrived in the last 3 days, and when the latest report is from', () => {
    seeded = seedStore();
    seeded.add(makeItem({ title: clashTitles[0]!, publishedAt: NOW - 8 * DAY }));
    const card = cards().buildStatusCard('ceasefire', { now: NOW });
    expect(card.trend).toBe('no-data');
    expect(card.reason).toBe('No reports in the last 3 days; the latest is from Wednesday 19 Nov.');
    expect(card.facts).toHaveLength(1);
  });

  it('lists the 5 newest facts, newest first, labelling single-source ones', () => {
    seeded = seedStore();
    const titles = [
      'M23 fighters enter Walikale town centre',
      'M23 names new governor for North Kivu',
      'Uganda deploys troops near M23 front line',
      'M23 reopens Goma airport to aid flights',
      'Displaced families return to Rutshuru as M23 patrols',
      'M23 leader Nangaa addresses rally in Bukavu',
      'Banks in M23-held Goma stay shut for third month',
    ];
    titles.forEach((title, i) => seeded.add(makeItem({ title, publishedAt: NOW - (i + 1) * HOUR, feedId: i === 0 ? 'reuters' : 'bbc' })));
    seeded.add(makeItem({ title: titles[0]!, publishedAt: NOW - 0.5 * HOUR, feedId: 'aj' }));
    const card = cards().buildStatusCard('m23', { now: NOW });
    expect(card.facts.map((f) => f.title)).toEqual(titles.slice(0, 5));
    expect(card.facts.map((f) => f.singleSource)).toEqual([false, true, true, true, true]);
    expect(card.facts[0]).toMatchObject({ source: 'Reuters', sources: ['Reuters', 'Al Jazeera'], url: expect.stringMatching(/^https:/) });
    expect(card.facts[1]?.publishedAt).toBe(NOW - 2 * HOUR);
  });

  it('reports a new kind of signal since the previous status with its outlet and age', () => {
    seeded = seedStore();
    seeded.add(
      makeItem({ title: 'Doha round opens with both delegations present', publishedAt: NOW - 2 * DAY, feedId: 'reuters' }),
      makeItem({ title: 'Doha talks stalled over prisoner lists', publishedAt: NOW - 2 * HOUR, feedId: 'aj' }),
    );
    const card = cards().buildStatusCard('qatar-talks', { now: NOW });
    expect(card.changed).toBe('new: talks stalled (Al Jazeera, 2 h ago); trend was unchanged');
    expect(card.trend).toBe('escalating');
    expect(card.latestSignals).toEqual(['talks stalled']);
  });

  it('has nothing changed when the signals were already there at the previous status', () => {
    seeded = seedStore();
    seeded.add(makeItem({ title: 'Doha talks stalled over prisoner lists', publishedAt: NOW - 2 * DAY, feedId: 'aj' }));
    const card = cards().buildStatusCard('qatar-talks', { now: NOW });
    expect(card.trend).toBe('escalating');
    expect(card.changed).toBeNull();
  });

  it('compares with the previous status time it is given', () => {
    seeded = seedStore();
    seeded.add(makeItem({ title: 'Doha talks stalled over prisoner lists', publishedAt: NOW - 2 * DAY, feedId: 'aj' }));
    const card = cards().buildStatusCard('qatar-talks', { now: NOW, previousAt: NOW - 3 * DAY });
    expect(card.changed).toBe('new: talks stalled (Al Jazeera, 2 d ago); trend was no recent reports');
  });

  it('ignores reports published after the time the card is for', () => {
    seeded = seedStore();
    seeded.add(makeItem({ title: clashTitles[0]!, publishedAt: NOW + HOUR, fetchedAt: NOW + HOUR }));
    const card = cards().buildStatusCard('ceasefire', { now: NOW });
    expect(card.trend).toBe('no-data');
    expect(card.facts).toEqual([]);
  });

  it('answers an unknown topic with a no-data card that says so', () => {
    seeded = seedStore();
    const card = cards().buildStatusCard('gaza', { now: NOW });
    expect(card).toMatchObject({ topicId: 'gaza', trend: 'no-data', reason: '"gaza" is not a tracked topic.', facts: [] });
  });
});

describe('statusLine', () => {
  it("says the card's verdict and reason in one line", () => {
    seedEscalating();
    expect(cards().statusLine('ceasefire', { now: NOW })).toBe(
      'Escalating: 3 reports of clashes despite the truce since Monday 24 Nov, against 1 of the truce holding.',
    );
  });

  it('agrees with the full card for every topic and previous status time', () => {
    seeded = seedStore();
    seeded.add(
      makeItem({ title: clashTitles[0]!, publishedAt: NOW - 4 * DAY }),
      makeItem({ title: clashTitles[3]!, publishedAt: NOW - 7 * DAY, feedId: 'afp' }),
      makeItem({ title: holdingTitles[1]!, publishedAt: NOW - 10 * HOUR, feedId: 'aj' }),
      makeItem({ title: 'Doha talks stalled over prisoner lists', publishedAt: NOW - 2 * DAY, feedId: 'aj' }),
    );
    const built = cards();
    for (const topicId of ['m23', 'qatar-talks', 'ceasefire', 'gaza']) {
      for (const at of [{ now: NOW }, { now: NOW, previousAt: NOW - 3 * DAY }, { now: NOW, previousAt: NOW }, { now: NOW + 5 * DAY }]) {
        const card = built.buildStatusCard(topicId, at);
        const word = trendWord(card.trend);
        const expected = card.trend === 'no-data' ? card.reason : `${word.charAt(0).toUpperCase()}${word.slice(1)}: ${card.reason}`;
        expect(built.statusLine(topicId, at)).toBe(expected);
      }
    }
  });
});
