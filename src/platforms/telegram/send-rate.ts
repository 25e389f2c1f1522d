/**
 * How many messages a second the bot sends over all chats when settings.yaml leaves `telegram.perSecond`
 * at `auto`. Telegram documents about 30 a second for a bot, yet allows some bots far more (paid broadcasts
 * go to 1,000), and the only way a bot learns its own limit is the 429 it gets beyond it. So the rate starts
 * at the documented 30 and, while a backlog is waiting on it, doubles each second until Telegram refuses
 * (three 429s within a second; a lone one is jitter); it then drops just under what Telegram accepted in
 * the second before. After that it only creeps up (5 % a second, and not within 30 s of a 429) and steps
 * down at most a tenth at a time, so a long fan-out costs an occasional burst of 429s, not a stream of
 * them. A 429 costs nothing but time: auto-retry sends the message again after retry_after.
 */

/** The overall rate, adjusted by what happens to the sends it paces. Times are clock ms. */
export type SendRate = {
  /** Messages allowed per window now. */
  current(): number;
  /** A send had to wait for the window: there is more to send than the rate lets through. */
  saturated(now: number): void;
  /** Telegram answered 429 while `accepted` sends had finished within the last window. */
  refused(now: number, accepted: number): void;
};

/** What `auto` starts at: Telegram's documented limit for bots. */
export const AUTO_START_PER_SECOND = 30;
/** The most `auto` ever tries: Telegram's limit for paid broadcasts. */
export const AUTO_MAX_PER_SECOND = 1000;
/** No creeping up for this long after a refusal. */
export const QUIET_AFTER_REFUSAL_MS = 30_000;
// Under what was accepted: Telegram's window and ours are not aligned to the millisecond.
const MARGIN = 0.98;
const CREEP = 0.05;
const MAX_STEP_DOWN = 0.1;
/** The part of a window that counts as a full one between waves of waits (see adaptiveSendRate). */
const WAVE_SLACK = 0.9;
/** 429s within one window that make the rate step down. */
const REFUSALS_TO_STEP = 3;

/** A fixed rate: what an operator who knows the bot's limit sets. */
export function fixedSendRate(perSecond: number): SendRate {
  const limit = Math.max(1, Math.floor(perSecond));
  return { current: () => limit, saturated: () => {}, refused: () => {} };
}

/** Hears each change of an `auto` rate (operators want to see the limit their bot was found to have). */
export type RateChangeListener = (perSecond: number, change: 'raised' | 'lowered') => void;

/** The `auto` rate; `windowMs` is the pacer's window (a second and a little). */
export function adaptiveSendRate(windowMs: number, onChange: RateChangeListener = () => {}, start = AUTO_START_PER_SECOND, max = AUTO_MAX_PER_SECOND): SendRate {
  // Under a backlog the waits come in waves, a window after the sends of the wave before, which took a
  // little while to grant: the next wave's first wait can come that much under a window after the last.
  const waveMs = windowMs * WAVE_SLACK;
  let rate = Math.min(start, max);
  // Before the first refusal the rate is still looking for the limit (doubling); after it, close to it.
  let found = false;
  let raisedAt = Number.NEGATIVE_INFINITY;
  let loweredAt = Number.NEGATIVE_INFINITY;
  let refusedAt = Number.NEGATIVE_INFINITY;
  // Since when sends have kept waiting on the window. Under a steady backlog a send waits about once a
  // window (the slots free together), so only a gap of two windows ends a backlog.
  let backlogSince = Number.NEGATIVE_INFINITY;
  let waitedAt = Number.NEGATIVE_INFINITY;
  let recentRefusals: number[] = [];
  return {
    current: () => rate,
    saturated(now) {
      if (now - waitedAt > 2 * windowMs) backlogSince = now;
      waitedAt = now;
      // A full window of backlog at the current rate first: only then is the rate what holds sends back.
      if (now - Math.max(backlogSince, raisedAt, loweredAt) < waveMs || now - refusedAt < QUIET_AFTER_REFUSAL_MS) return;
      rate = found ? Math.min(max, rate + Math.max(1, Math.round(rate * CREEP))) : Math.min(max, rate * 2);
      raisedAt = now;
      onChange(rate, 'raised');
    },
    refused(now, accepted) {
      refusedAt = now;
      // With no backlog on the window, the rate was not what sent this: a 429 for one chat's own limit.
      if (now - waitedAt > windowMs) return;
      // One step per burst: the sends already under way when the first 429 came back get theirs too.
      if (now - loweredAt < windowMs) return;
      // A lone 429 is jitter (requests bunched on the way) and costs one message a retry_after; a step
      // down costs every message. Step when they come in numbers.
      recentRefusals = recentRefusals.filter((at) => now - at < windowMs);
      recentRefusals.push(now);
      if (recentRefusals.length < REFUSALS_TO_STEP) return;
      recentRefusals = [];
      // The first refusal ends the search: just under what Telegram took. Later ones are jitter or a limit
      // that moved, and what was taken in one window can be low for reasons of our own (a busy event
      // loop, sends waiting out a retry_after): at most a tenth off per step.
      const target = Math.min(rate - 1, Math.floor(accepted * MARGIN));
      rate = Math.max(1, found ? Math.max(target, Math.floor(rate * (1 - MAX_STEP_DOWN))) : target);
      found = true;
      loweredAt = now;
      onChange(rate, 'lowered');
    },
  };
}
