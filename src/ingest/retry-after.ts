/** Parses a Retry-After header value (RFC 9110 §10.2.3): delta-seconds or an HTTP-date. */

/**
 * Milliseconds to wait according to a Retry-After value, measured from `now` (the injected clock),
 * or null when the value is missing or unreadable. A date in the past means "now": 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value == null) return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (/^\d+$/.test(trimmed)) {
    // Very long numbers would lose precision; Number() still gives a usable (huge) delay, which the
    // poller clamps to its own maximum backoff.
    return Number(trimmed) * 1000;
  }
  // Only accept something that looks like a date: Date.parse alone accepts "1" or "-5" as years.
  if (!/[a-z]/i.test(trimmed)) return null;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}
