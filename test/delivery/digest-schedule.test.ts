import { describe, expect, it } from 'vitest';
import {
  nextOccurrence,
  parseTimeOfDay,
  previousOccurrence,
  zonedInstant,
} from '../../src/delivery/digest-schedule.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;

describe('digest occurrences', () => {
  it('reads HH:MM and refuses anything else', () => {
    expect(parseTimeOfDay('08:05')).toEqual({ hour: 8, minute: 5 });
    expect(parseTimeOfDay('23:59')).toEqual({ hour: 23, minute: 59 });
    expect(parseTimeOfDay('24:00')).toBeNull();
    expect(parseTimeOfDay('8:00')).toBeNull();
    expect(() => nextOccurrence('noon', 'UTC', 0)).toThrow(RangeError);
  });

  it('puts 08:00 at the zone offset of each zone', () => {
    const now = at('2025-06-01T00:00:00Z');
    expect(iso(nextOccurrence('08:00', 'UTC', now))).toBe('2025-06-01T08:00:00.000Z');
    expect(iso(nextOccurrence('08:00', 'Africa/Kinshasa', now))).toBe('2025-06-01T07:00:00.000Z');
    expect(iso(nextOccurrence('08:00', 'Africa/Lubumbashi', now))).toBe('2025-06-01T06:00:00.000Z');
    expect(iso(nextOccurrence('08:00', 'Asia/Kolkata', now))).toBe('2025-06-01T02:30:00.000Z');
    // 08:00 in Los Angeles (UTC−7 in June) is still ahead of midnight UTC.
    expect(iso(nextOccurrence('08:00', 'America/Los_Angeles', now))).toBe('2025-06-01T15:00:00.000Z');
  });

  it('counts an occurrence exactly at now as previous, not next', () => {
    const eight = at('2025-06-01T08:00:00Z');
    expect(previousOccurrence('08:00', 'UTC', eight)).toBe(eight);
    expect(iso(nextOccurrence('08:00', 'UTC', eight))).toBe('2025-06-02T08:00:00.000Z');
    expect(iso(previousOccurrence('08:00', 'UTC', eight - 1))).toBe('2025-05-31T08:00:00.000Z');
  });

  it('follows Europe/Paris into summer time on 2025-03-30 (a 23-hour day)', () => {
    const saturday = previousOccurrence('08:00', 'Europe/Paris', at('2025-03-29T12:00:00Z'));
    const sunday = nextOccurrence('08:00', 'Europe/Paris', at('2025-03-29T12:00:00Z'));
    expect(iso(saturday)).toBe('2025-03-29T07:00:00.000Z');
    expect(iso(sunday)).toBe('2025-03-30T06:00:00.000Z');
    expect(sunday - saturday).toBe(23 * HOUR);
  });

  it('sends a digest set inside the Paris gap (02:30 on 2025-03-30) at 03:30 summer time, not never', () => {
    const gap = nextOccurrence('02:30', 'Europe/Paris', at('2025-03-29T12:00:00Z'));
    expect(iso(gap)).toBe('2025-03-30T01:30:00.000Z');
    expect(iso(nextOccurrence('02:30', 'Europe/Paris', gap))).toBe('2025-03-31T00:30:00.000Z');
  });

  it('follows America/New_York back to standard time on 2025-11-02 (a 25-hour day)', () => {
    const saturday = nextOccurrence('08:00', 'America/New_York', at('2025-11-01T00:00:00Z'));
    const sunday = nextOccurrence('08:00', 'America/New_York', saturday);
    expect(iso(saturday)).toBe('2025-11-01T12:00:00.000Z');
    expect(iso(sunday)).toBe('2025-11-02T13:00:00.000Z');
    expect(sunday - saturday).toBe(25 * HOUR);
  });

  it('counts 01:30 once on the New York night it happens twice', () => {
    const first = nextOccurrence('01:30', 'America/New_York', at('2025-11-02T00:00:00Z'));
    expect(iso(first)).toBe('2025-11-02T05:30:00.000Z');
    // The second 01:30 (06:30Z, after the clocks went back) is not another occurrence.
    expect(iso(nextOccurrence('01:30', 'America/New_York', first))).toBe('2025-11-03T06:30:00.000Z');
    expect(previousOccurrence('01:30', 'America/New_York', at('2025-11-02T07:00:00Z'))).toBe(first);
  });

  it('turns a local date and time into the instant of that zone', () => {
    expect(iso(zonedInstant({ year: 2025, month: 1, day: 15 }, { hour: 8, minute: 0 }, 'Europe/Paris'))).toBe(
      '2025-01-15T07:00:00.000Z',
    );
    expect(iso(zonedInstant({ year: 2025, month: 7, day: 15 }, { hour: 8, minute: 0 }, 'Europe/Paris'))).toBe(
      '2025-07-15T06:00:00.000Z',
    );
  });
});
