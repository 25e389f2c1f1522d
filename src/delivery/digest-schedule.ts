/**
 * When a daily digest is due: the occurrences of a wall-clock time (HH:MM) in an IANA time zone, as
 * instants. Pure functions over Intl, DST-correct:
 * - a time that does not exist that day (spring forward, e.g. 02:30 in Paris on 2025-03-30) happens
 *   as soon as the clocks allow, shifted by the gap (03:30 local), so the digest is never skipped;
 * - a time that happens twice (fall back, e.g. 01:30 in New York on 2025-11-02) counts once, at its
 *   first occurrence, so the digest is never doubled.
 */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A wall-clock time of day. */
export type TimeOfDay = { hour: number; minute: number };

/** A calendar date (month 1–12). */
export type LocalDate = { year: number; month: number; day: number };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Parses "HH:MM" (00:00–23:59); null when it is not one. */
export function parseTimeOfDay(text: string): TimeOfDay | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  if (!match) return null;
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/** The wall-clock date and time of an instant in a time zone. */
export function wallClock(at: number, timeZone: string): LocalDate & TimeOfDay & { second: number } {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(at))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** The zone's offset from UTC at an instant, in ms (east positive), to the minute. */
export function zoneOffset(at: number, timeZone: string): number {
  const wall = wallClock(at, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** The instant a wall-clock time happens on a date in a zone (gap: shifted forward; overlap: first). */
export function zonedInstant(date: LocalDate, time: TimeOfDay, timeZone: string): number {
  const naive = Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute);
  // Real zones change offset at most once within a day either side, so the offsets a day before and a
  // day after are the only candidates.
  const before = zoneOffset(naive - DAY, timeZone);
  const after = zoneOffset(naive + DAY, timeZone);
  const candidates = [...new Set([naive - before, naive - after])].sort((a, b) => a - b);
  const valid = candidates.filter((at) => zoneOffset(at, timeZone) === naive - at);
  // In a gap no candidate reads back as the asked time; the pre-transition offset lands just past it.
  return valid[0] ?? naive - before;
}

function addDays(date: LocalDate, days: number): LocalDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/** The parsed HH:MM; a RangeError naming the value when it is not one. */
export function requireTime(time: string): TimeOfDay {
  const parsed = parseTimeOfDay(time);
  if (!parsed) throw new RangeError(`digest time must be HH:MM, got "${time}"`);
  return parsed;
}

/** The most recent occurrence of `time` in `timeZone` at or before `now`. */
export function previousOccurrence(time: string, timeZone: string, now: number): number {
  const tod = requireTime(time);
  const wall = wallClock(now, timeZone);
  for (let back = 0; back <= 2; back++) {
    const at = zonedInstant(addDays(wall, -back), tod, timeZone);
    if (at <= now) return at;
  }
  // Unreachable for real zones (one of today, yesterday or the day before is in the past).
  return zonedInstant(addDays(wall, -3), tod, timeZone);
}

/** The first occurrence of `time` in `timeZone` strictly after `now`. */
export function nextOccurrence(time: string, timeZone: string, now: number): number {
  const tod = requireTime(time);
  const wall = wallClock(now, timeZone);
  for (let ahead = 0; ahead <= 2; ahead++) {
    const at = zonedInstant(addDays(wall, ahead), tod, timeZone);
    if (at > now) return at;
  }
  return zonedInstant(addDays(wall, 3), tod, timeZone);
}
