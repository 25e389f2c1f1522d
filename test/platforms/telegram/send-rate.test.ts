import { describe, expect, it } from 'vitest';
import { adaptiveSendRate, fixedSendRate, QUIET_AFTER_REFUSAL_MS, type SendRate } from '../../../src/platforms/telegram/send-rate.js';

const WINDOW = 1_005;

/** Keeps the rate saturated every 100 ms from `from` to `to`. */
function backlog(rate: SendRate, from: number, to: number) {
  for (let t = from; t <= to; t += 100) rate.saturated(t);
}

/** Three 429s in one window at `at`, with `accepted` sends taken in the window before. */
function refusals(rate: SendRate, at: number, accepted: number) {
  for (let i = 0; i < 3; i++) rate.refused(at + i, accepted);
}

describe('send rate', () => {
  it('keeps a fixed rate whatever happens', () => {
    const rate = fixedSendRate(100);
    rate.saturated(0);
    rate.saturated(5_000);
    refusals(rate, 6_000, 10);
    expect(rate.current()).toBe(100);
  });

  it('starts at 30 and doubles after each full second of backlog, not before', () => {
    const rate = adaptiveSendRate(WINDOW);
    expect(rate.current()).toBe(30);
    backlog(rate, 0, 900);
    expect(rate.current()).toBe(30);
    backlog(rate, 1_000, 1_100);
    expect(rate.current()).toBe(60);
    backlog(rate, 1_200, 2_200);
    expect(rate.current()).toBe(120);
  });

  it('doubles at each wave of waits, which comes a little under a window after the one before', () => {
    const rate = adaptiveSendRate(WINDOW);
    // The pacer grants a wave's sends over some milliseconds; the next wave waits a window after the first.
    for (const [at, expected] of [[20, 30], [990, 60], [1_960, 120]] as const) {
      rate.saturated(at);
      expect(rate.current()).toBe(expected);
    }
  });

  it('does not rise without a backlog: a gap ends it and the next one waits a full window again', () => {
    const rate = adaptiveSendRate(WINDOW);
    rate.saturated(0);
    rate.saturated(5_000);
    expect(rate.current()).toBe(30);
    rate.saturated(6_100);
    expect(rate.current()).toBe(60);
  });

  it('drops just under what Telegram accepted at the first burst of 429s, then creeps up after a quiet spell', () => {
    const rate = adaptiveSendRate(WINDOW);
    backlog(rate, 0, 3_300);
    expect(rate.current()).toBe(240);
    refusals(rate, 3_350, 100);
    expect(rate.current()).toBe(98);
    // The in-flight sends' 429s of the same burst change nothing more.
    refusals(rate, 3_400, 60);
    expect(rate.current()).toBe(98);
    backlog(rate, 3_500, 3_400 + QUIET_AFTER_REFUSAL_MS - 100);
    expect(rate.current()).toBe(98);
    backlog(rate, 3_400 + QUIET_AFTER_REFUSAL_MS, 3_400 + QUIET_AFTER_REFUSAL_MS + 800);
    expect(rate.current()).toBe(103);
    backlog(rate, 3_400 + QUIET_AFTER_REFUSAL_MS + 900, 3_400 + QUIET_AFTER_REFUSAL_MS + 1_100);
    expect(rate.current()).toBe(108);
  });

  it('takes a lone 429 for jitter and a 429 without backlog for one chat’s own limit', () => {
    const rate = adaptiveSendRate(WINDOW);
    backlog(rate, 0, 1_100);
    expect(rate.current()).toBe(60);
    rate.refused(1_150, 20);
    rate.refused(1_600, 20);
    expect(rate.current()).toBe(60);
    refusals(rate, 9_000, 5);
    expect(rate.current()).toBe(60);
  });

  it('steps down at most a tenth at a time once the limit is known', () => {
    const rate = adaptiveSendRate(WINDOW);
    backlog(rate, 0, 2_200);
    refusals(rate, 2_250, 100);
    expect(rate.current()).toBe(98);
    backlog(rate, 3_300, 3_500);
    refusals(rate, 3_500, 20);
    expect(rate.current()).toBe(88);
  });
});
