/** A source of the current time, injected so that scheduling, backoff and digests are testable without waiting. */
export type Clock = {
  /** Milliseconds since the Unix epoch. */
  now(): number;
};

/** The real wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when a test moves it. */
export function createManualClock(start: number | string = '2025-06-01T12:00:00Z'): Clock & {
  set(at: number | string): void;
  advance(ms: number): void;
} {
  let current = typeof start === 'string' ? Date.parse(start) : start;
  return {
    now: () => current,
    set: (at) => {
      current = typeof at === 'string' ? Date.parse(at) : at;
    },
    advance: (ms) => {
      current += ms;
    },
  };
}
