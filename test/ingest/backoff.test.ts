import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF_MAX_MS } from '../../src/ingest/backoff.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('backoffDelay', () => {
  it('doubles the interval with each consecutive failure', () => {
    const delays = [1, 2, 3, 4, 5].map((failures) => backoffDelay({ intervalMs: 5 * MINUTE, failures }));
    expect(delays).toEqual([5 * MINUTE, 10 * MINUTE, 20 * MINUTE, 40 * MINUTE, 80 * MINUTE]);
  });

  it('stops growing at the cap, 6 hours by default, even after very many failures', () => {
    expect(DEFAULT_BACKOFF_MAX_MS).toBe(6 * HOUR);
    expect(backoffDelay({ intervalMs: 5 * MINUTE, failures: 7 })).toBe(5 * MINUTE * 64);
    expect(backoffDelay({ intervalMs: 5 * MINUTE, failures: 8 })).toBe(6 * HOUR);
    expect(backoffDelay({ intervalMs: 5 * MINUTE, failures: 10_000 })).toBe(6 * HOUR);
    expect(backoffDelay({ intervalMs: 5 * MINUTE, failures: 3, maxMs: 12 * MINUTE })).toBe(12 * MINUTE);
  });

  it('waits for the server Retry-After when that is longer, but not when it is shorter', () => {
    expect(backoffDelay({ intervalMs: 5 * MINUTE, failures: 1, retryAfterMs: 2 * HOUR })).toBe(2 * HOUR);
    expect(backoffDelay({ intervalMs: 5 * MINUTE, failures: 3, retryAfterMs: 30_000 })).toBe(20 * MINUTE);
  });

  it('never waits longer than the cap, whatever the Retry-After', () => {
    expect(backoffDelay({ intervalMs: 5 * MINUTE, failures: 1, retryAfterMs: 1e15 })).toBe(6 * HOUR);
  });
});
