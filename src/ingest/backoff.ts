/** How long a failing feed waits before its next attempt. */

/** Longest wait between attempts of a failing feed, unless configured otherwise: 6 hours. */
export const DEFAULT_BACKOFF_MAX_MS = 6 * 60 * 60 * 1000;

/** What the delay depends on. */
export type BackoffInput = {
  /** The feed's normal polling interval. */
  intervalMs: number;
  /** Consecutive failures including the one just recorded (1 for the first). */
  failures: number;
  /** Upper bound for the delay. Default DEFAULT_BACKOFF_MAX_MS. */
  maxMs?: number;
  /** The server's Retry-After (429/503), when it sent one. */
  retryAfterMs?: number;
};

/**
 * Delay before the next attempt: interval × 2^(failures − 1), or the server's Retry-After when that is
 * longer, never more than maxMs (a server asking for a week still gets asked again within maxMs).
 */
export function backoffDelay({ intervalMs, failures, maxMs = DEFAULT_BACKOFF_MAX_MS, retryAfterMs }: BackoffInput): number {
  // Past 2^52 the product is beyond any cap anyway; bounding the exponent keeps it finite.
  const exponent = Math.min(Math.max(0, Math.floor(failures) - 1), 52);
  const exponential = intervalMs * 2 ** exponent;
  return Math.max(0, Math.min(Math.max(exponential, retryAfterMs ?? 0), maxMs));
}
