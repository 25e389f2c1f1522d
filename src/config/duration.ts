/**
 * Durations as people write them in YAML ("30s", "5m", "1h", "1d") or as a bare number of seconds,
 * turned into milliseconds so the rest of sitrep never guesses units.
 */
import { z } from 'zod';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION_TEXT = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$/;
const DURATION_HINT = 'must be a duration such as "30s", "5m", "1h", "1d" or a number of seconds';

/** Parses "30s" / "5m" / "1h" / "1d" (or a number of seconds) into milliseconds; null when unreadable. */
export function parseDuration(value: string | number): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : null;
  const match = DURATION_TEXT.exec(value);
  if (!match) return null;
  const [, amount, unit] = match;
  return Math.round(Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS]);
}

/** Writes milliseconds back in the largest whole unit ("90m" stays "90m", 86400000 is "1d"), for messages. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms / 1000}s`;
}

/**
 * A zod schema for a duration between `min` and `max` (both in the YAML form), parsed to milliseconds.
 * It uses prefault, not default: the default is YAML input ("5m") and must go through the parsing too.
 */
export function durationSchema(bounds: { min: string; max: string; default: string; description: string }) {
  return durationValue(bounds).prefault(bounds.default);
}

/** Like durationSchema, but optional and without a default (a per-feed override of a folder-wide default). */
export function optionalDurationSchema(bounds: { min: string; max: string; description: string }) {
  return durationValue(bounds).optional();
}

function durationValue(bounds: { min: string; max: string; description: string }) {
  const minMs = parseDuration(bounds.min) ?? 0;
  const maxMs = parseDuration(bounds.max) ?? Number.MAX_SAFE_INTEGER;
  return z
    .union(
      [z.string().regex(DURATION_TEXT, { error: DURATION_HINT }), z.number().nonnegative({ error: DURATION_HINT })],
      { error: DURATION_HINT },
    )
    .transform((value) => parseDuration(value) ?? 0)
    .pipe(
      z
        .number()
        .min(minMs, { error: `must be at least ${bounds.min}` })
        .max(maxMs, { error: `must be at most ${bounds.max}` }),
    )
    .meta({ description: `${bounds.description} Duration: "30s", "5m", "1h", "1d" or seconds; ${bounds.min} to ${bounds.max}.` });
}
