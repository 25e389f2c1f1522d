/**
 * Periods on the command line: "24h", "90m", "7d", "2w", or combined as "1d12h". Unlike durations in YAML
 * (src/config/duration.ts), a bare number is refused: "--since 24" could mean hours or days.
 */

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const WHOLE = /^(?:\d+(?:\.\d+)?[smhdw])+$/;
const PART = /(\d+(?:\.\d+)?)([smhdw])/g;
// Longer than any store keeps (retention is at most 3650d): a typo, not a wish.
const MAX_MS = 3650 * 86_400_000;

/** A parsed period, or the reason it could not be read (a sentence for the user). */
export type ParsedPeriod = { ok: true; ms: number } | { ok: false; reason: string };

/** Parses a period such as "24h", "90m", "7d" or "1d12h" into milliseconds (must be more than zero). */
export function parsePeriod(text: string): ParsedPeriod {
  const compact = text.trim().toLowerCase().replace(/\s+/g, '');
  const hint = `"${text}" is not a period; write e.g. 24h, 90m, 7d or 1d12h`;
  if (!WHOLE.test(compact)) return { ok: false, reason: hint };
  let ms = 0;
  for (const [, amount, unit] of compact.matchAll(PART)) ms += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0);
  ms = Math.round(ms);
  if (ms <= 0) return { ok: false, reason: `"${text}" is an empty period; write e.g. 24h` };
  if (ms > MAX_MS) return { ok: false, reason: `"${text}" is longer than 3650 days` };
  return { ok: true, ms };
}
