import { describe, expect, it } from 'vitest';
import { dayLabel } from '../../src/time-labels.js';
import { firstOccurrences, tallyWindow, trendReason, trendVerdict, type TrendEvent } from '../../src/status/trend.js';

const NOW = Date.parse('2025-11-27T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let n = 0;
function event(overrides: Partial<TrendEvent> = {}): TrendEvent {
  n += 1;
  return {
    itemId: `i${n}`,
    storyId: `s${n}`,
    signalId: 'violated',
    label: 'clashes',
    direction: 'escalating',
    weight: 1,
    publishedAt: NOW - HOUR,
    feedId: 'reuters',
    ...overrides,
  };
}

function windows(events: TrendEvent[]) {
  const occ = firstOccurrences(events);
  return { recent: tallyWindow(occ, NOW - 3 * DAY, NOW), previous: tallyWindow(occ, NOW - 6 * DAY, NOW - 3 * DAY) };
}

describe('trendVerdict', () => {
  it('needs only one default-weight report to move a quiet topic', () => {
    const { recent, previous } = windows([event()]);
    expect(trendVerdict(recent, previous, 1)).toBe('escalating');
    const calm = windows([event({ direction: 'de-escalating', label: 'truce holding' })]);
    expect(trendVerdict(calm.recent, calm.previous, 1)).toBe('de-escalating');
  });

  it('needs a clear shift to move a busy topic', () => {
    // Previous: 5 escalating; recent: 4 escalating. Down by 1, but 1 < 5/4: unchanged.
    const busy = windows([
      ...Array.from({ length: 5 }, () => event({ publishedAt: NOW - 4 * DAY })),
      ...Array.from({ length: 4 }, () => event()),
    ]);
    expect(trendVerdict(busy.recent, busy.previous, 4)).toBe('unchanged');
    // Recent: 2 escalating; down by 3 ≥ 5/4: de-escalating.
    const easing = windows([...Array.from({ length: 5 }, () => event({ publishedAt: NOW - 4 * DAY })), event(), event()]);
    expect(trendVerdict(easing.recent, easing.previous, 2)).toBe('de-escalating');
  });

  it('weighs signals by their configured weight', () => {
    const { recent, previous } = windows([
      event({ weight: 3 }),
      event({ direction: 'de-escalating', label: 'withdrawal' }),
      event({ direction: 'de-escalating', label: 'withdrawal' }),
    ]);
    expect(recent.escalating.weight).toBe(3);
    expect(recent.deEscalating.weight).toBe(2);
    expect(trendVerdict(recent, previous, 3)).toBe('unchanged');
  });

  it('is no-data only when the recent window holds neither stories nor signals', () => {
    const { recent, previous } = windows([event({ publishedAt: NOW - 4 * DAY })]);
    expect(trendVerdict(recent, previous, 0)).toBe('no-data');
    expect(trendVerdict(recent, previous, 2)).toBe('de-escalating');
  });

  it('ignores neutral signals', () => {
    const { recent, previous } = windows([event({ direction: 'neutral', weight: 10 })]);
    expect(trendVerdict(recent, previous, 1)).toBe('unchanged');
  });
});

describe('firstOccurrences', () => {
  it('keeps one occurrence per story and signal, the earliest', () => {
    const occ = firstOccurrences([
      event({ storyId: 'a', itemId: 'x', publishedAt: NOW - 2 * HOUR }),
      event({ storyId: 'a', itemId: 'y', publishedAt: NOW - 5 * HOUR }),
      event({ storyId: 'a', itemId: 'z', signalId: 'other', publishedAt: NOW - HOUR }),
      event({ storyId: null, itemId: 'lone', publishedAt: NOW - HOUR / 2 }),
    ]);
    expect(occ.map((e) => e.itemId)).toEqual(['y', 'z', 'lone']);
  });
});

describe('trendReason', () => {
  it('names the leading labels on both sides and the window start', () => {
    const { recent, previous } = windows([
      event({ label: 'clashes' }),
      event({ label: 'clashes' }),
      event({ label: 'town captured', signalId: 'captured' }),
      event({ label: 'shelling', signalId: 'shelling' }),
      event({ direction: 'de-escalating', label: 'truce holding', publishedAt: NOW - 4 * DAY }),
    ]);
    expect(trendReason(recent, previous, 4, { days: 3, lastReportAt: NOW })).toBe(
      '4 reports of clashes, shelling and 1 more since Monday 24 Nov, none of de-escalation (the 3 days before: 0 against 1).',
    );
  });

  it('says when the topic was last reported on when the window is empty', () => {
    const { recent, previous } = windows([]);
    expect(trendReason(recent, previous, 0, { days: 3, lastReportAt: null })).toBe('No reports in the last 3 days.');
    expect(trendReason(recent, previous, 0, { days: 3, lastReportAt: Date.parse('2025-11-20T09:00:00Z') })).toBe(
      'No reports in the last 3 days; the latest is from Thursday 20 Nov.',
    );
  });

  it('labels days in UTC', () => {
    expect(dayLabel(Date.parse('2025-11-24T23:30:00Z'))).toBe('Monday 24 Nov');
    expect(dayLabel(Date.parse('2025-11-24T23:30:00-05:00'))).toBe('Tuesday 25 Nov');
  });
});
