import { describe, expect, it, vi } from 'vitest';
import { createManualClock } from '../../../src/clock.js';
import { createSendPacer, isGroupChat, MINUTE_WINDOW_MS, SECOND_WINDOW_MS } from '../../../src/platforms/telegram/send-pacer.js';

/** A pacer on a manual clock whose sleeps move the clock forward instead of waiting. */
function pacedClock(limits: { perSecond: number; perChatPerMinute: number }) {
  const clock = createManualClock(0);
  const sleeps: number[] = [];
  const pacer = createSendPacer(limits, {
    clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
  });
  /** Sends one message to `chatId` taking `latency` ms and returns when it was allowed to start. */
  const send = async (chatId: string, latency = 0) => {
    const done = await pacer.acquire(chatId);
    const at = clock.now();
    clock.advance(latency);
    done();
    return at;
  };
  return { clock, pacer, send, sleeps };
}

describe('send pacer', () => {
  it('lets the overall limit through at once, then waits a window after the oldest send finished', async () => {
    const { send } = pacedClock({ perSecond: 3, perChatPerMinute: 20 });
    const starts: number[] = [];
    for (let i = 0; i < 7; i++) starts.push(await send(String(100 + i)));
    expect(starts).toEqual([0, 0, 0, SECOND_WINDOW_MS, SECOND_WINDOW_MS, SECOND_WINDOW_MS, 2 * SECOND_WINDOW_MS]);
  });

  it('measures the window from when a slow send finished, not from when it started', async () => {
    const { send } = pacedClock({ perSecond: 2, perChatPerMinute: 20 });
    expect(await send('1', 300)).toBe(0);
    expect(await send('2', 0)).toBe(300);
    // The first send finished at 300, so the third may start a window after that.
    expect(await send('3', 0)).toBe(300 + SECOND_WINDOW_MS);
  });

  it('takes the shortest earlier round trip off the answer: a steady network delay does not stretch the window', async () => {
    const W = SECOND_WINDOW_MS;
    const { send } = pacedClock({ perSecond: 2, perChatPerMinute: 20 });
    const starts: number[] = [];
    for (let i = 0; i < 6; i++) starts.push(await send(String(i), 100));
    // The first send had no round trip before it to go by: counted at its answer (100). From then on every
    // round trip took 100 ms, so a send was counted by its answer less 100, that is by its start.
    expect(starts).toEqual([0, 100, 100 + W, 200 + W, 100 + 2 * W, 200 + 2 * W]);
  });

  it('keeps what a slow send took beyond the shortest round trip as margin', async () => {
    const { send } = pacedClock({ perSecond: 2, perChatPerMinute: 20 });
    expect(await send('1', 100)).toBe(0);
    expect(await send('2', 400)).toBe(100);
    expect(await send('3', 100)).toBe(100 + SECOND_WINDOW_MS);
    // Send 2 was answered at 500; only the 100 ms every round trip took comes off.
    expect(await send('4', 100)).toBe(400 + SECOND_WINDOW_MS);
  });

  it('counts a send that never answered as arriving one window after it started, with nothing taken off', async () => {
    const { pacer, send } = pacedClock({ perSecond: 2, perChatPerMinute: 20 });
    expect(await send('1', 100)).toBe(0);
    await pacer.acquire('2'); // granted at 100 and never answered
    expect(await send('3', 0)).toBe(100 + SECOND_WINDOW_MS);
    // The hung send started at 100: counted as arriving by 100 + one window, its slot frees a window later.
    expect(await send('4', 0)).toBe(100 + SECOND_WINDOW_MS + SECOND_WINDOW_MS);
  });

  it('holds the others no longer for several unanswered sends than for one', async () => {
    vi.useFakeTimers();
    try {
      const { clock, pacer, send } = pacedClock({ perSecond: 2, perChatPerMinute: 20 });
      await pacer.acquire('slow-1'); // both granted at 0 and never answered (chats Telegram is slow to answer)
      await pacer.acquire('slow-2');
      const starts: number[] = [];
      const third = send('3').then((at) => starts.push(at));
      const fourth = send('4').then((at) => starts.push(at));
      clock.advance(SECOND_WINDOW_MS);
      await vi.advanceTimersByTimeAsync(3 * SECOND_WINDOW_MS);
      await Promise.all([third, fourth]);
      // Each counts as arriving one window after it started: both slots free together, a second window on.
      expect(starts).toEqual([2 * SECOND_WINDOW_MS, 2 * SECOND_WINDOW_MS]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('turns away the sends still waiting, and every later one, once closed', async () => {
    const { pacer, send } = pacedClock({ perSecond: 1, perChatPerMinute: 20 });
    const first = await pacer.acquire('1'); // granted and never answered: the next one waits
    const waiting = pacer.acquire('2');
    expect(pacer.isClosed()).toBe(false);
    pacer.close();
    expect(pacer.isClosed()).toBe(true);
    await expect(waiting).rejects.toThrow('the Telegram platform is stopping: message not sent');
    await expect(send('3')).rejects.toThrow('message not sent');
    first();
  });

  it('holds a group to its per-minute limit', async () => {
    const { send } = pacedClock({ perSecond: 30, perChatPerMinute: 2 });
    const starts = [await send('-100'), await send('-100'), await send('-100')];
    expect(starts).toEqual([0, 0, MINUTE_WINDOW_MS]);
  });

  it('does not hold private chats to the per-group limit', async () => {
    const { send, sleeps } = pacedClock({ perSecond: 30, perChatPerMinute: 2 });
    const starts = [await send('42'), await send('42'), await send('42'), await send('42')];
    expect(starts).toEqual([0, 0, 0, 0]);
    expect(sleeps).toEqual([]);
  });

  it('does not make other chats wait behind a group that is out of its minute', async () => {
    const clock = createManualClock(0);
    const pending: (() => void)[] = [];
    // Sleeps never end on their own here: a chat that had to wait stays waiting.
    const pacer = createSendPacer({ perSecond: 30, perChatPerMinute: 1 }, { clock, sleep: () => new Promise((resolve) => pending.push(() => resolve())) });
    (await pacer.acquire('-100'))();
    let groupGranted = false;
    void pacer.acquire('-100').then(() => {
      groupGranted = true;
    });
    const other = await pacer.acquire('-200');
    other();
    expect(await pacer.acquire('7').then(() => 'granted')).toBe('granted');
    expect(groupGranted).toBe(false);
    expect(pending).toHaveLength(1);
  });

  it('tells private chats from groups by their id', () => {
    expect(isGroupChat('42')).toBe(false);
    expect(isGroupChat('-42')).toBe(true);
    expect(isGroupChat('-1001234567890')).toBe(true);
    expect(isGroupChat('@channel')).toBe(true);
  });
});
