/**
 * Paces what the bot puts into chats so a large fan-out stays under Telegram's broadcast limits instead of
 * bouncing off them: the overall rate (send-rate.ts: a fixed number, or `auto`, which finds the bot's own
 * limit from where Telegram starts answering 429), about 20 a minute into any one group. Private chats
 * only count toward the overall limit. 429s that still happen are auto-retry's job; this keeps them rare.
 *
 * Windows are measured from when a send *finished*, less the shortest round trip seen before it started.
 * Telegram counts a request when it arrives, somewhere between our start and its answer. Measured from the
 * start, jitter bunched requests into Telegram's window and an `auto` rate kept stepping down on the 429s;
 * measured from the answer, every window also held one round trip, and a 100 ms network cut 100 a second
 * to 88. The shortest round trip is time every request spends on the way there and back, so taking it off
 * the answer does not count a send as arriving after it did; the jitter above it stays as margin. Only
 * round trips from before a send started count: the sends of a first burst queue behind each other in
 * our own process, and their round trips are mostly that queue, not the network.
 */
import type { Clock } from '../../clock.js';
import { systemClock } from '../../clock.js';
import { adaptiveSendRate, fixedSendRate, type RateChangeListener, type SendRate } from './send-rate.js';

/** How fast the bot may send: `perSecond` over all chats (`auto`: found from Telegram's 429s), `perChatPerMinute` into one group. */
export type PaceLimits = { perSecond: number | 'auto'; perChatPerMinute: number };

/** The defaults of settings.yaml: Telegram's documented 20 a minute per group; the overall rate found. */
export const DEFAULT_PACE: PaceLimits = { perSecond: 'auto', perChatPerMinute: 20 };

/** Waits for a send slot. */
export type SendPacer = {
  /**
   * Resolves when a request may go to `chatId` now, with the function to call once it is answered:
   * `refused` when Telegram answered 429 (an `auto` rate steps down).
   */
  acquire(chatId: string): Promise<(outcome?: { refused?: boolean }) => void>;
  /** Requests a window the overall rate allows now. */
  perSecond(): number;
  /**
   * Shutting down: every acquire still waiting, and every later one, rejects, so a message that has not gone
   * out by then never does. Sent after the bot stopped recording, it would be sent again at the next start.
   */
  close(): void;
  /** Whether close() was called. */
  isClosed(): boolean;
};

/** The overall window, a few ms over a second against timer and clock rounding. */
export const SECOND_WINDOW_MS = 1_005;
/** The per-group window; Telegram's minute is not exact, so a second more. */
export const MINUTE_WINDOW_MS = 61_000;
// A send that never reports back (a hung request, a chat Telegram is slow to answer) is counted as arriving
// this long after it started, at the latest. A group's own minute may wait on its own slow sends; the overall
// window allows one window, or slow chats would hold every other chat's news (measured from the start of
// each send, so several slow ones cost no more than one).
const GROUP_IN_FLIGHT_CAP_MS = 15_000;

/** What acquire() rejects with once the pacer is closed: the message was not sent. */
export const PACER_CLOSED = 'the Telegram platform is stopping: message not sent';

/** Whether an error is the pacer turning a send away because it is closed. */
export function isPacerClosed(error: unknown): boolean {
  return error instanceof Error && error.message === PACER_CLOSED;
}
// Past this many remembered groups, forget the idle ones (bounded memory).
const SWEEP_AT = 1_000;

/** Private chats have positive ids; groups, supergroups and channels negative ones (or an @username). */
export function isGroupChat(chatId: string): boolean {
  return !/^\d+$/.test(chatId);
}

type Slot = {
  startedAt: number;
  /** The shortest round trip finished before this send started (Infinity: none yet). */
  shortestBefore: number;
  finishedAt: number | null;
  refused: boolean;
  finished: Promise<void>;
  finish: () => void;
};
type Window = { take(): Promise<Slot>; idle(): boolean; acceptedWithin(): number };

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A pacer with sliding windows; `clock` and `sleep` are injectable so tests need not wait. */
export function createSendPacer(
  limits: PaceLimits = DEFAULT_PACE,
  deps: { clock?: Clock; sleep?: (ms: number) => Promise<void>; onRateChange?: RateChangeListener } = {},
): SendPacer {
  const clock = deps.clock ?? systemClock;
  const sleep = deps.sleep ?? realSleep;

  let shortestRoundTrip = Number.POSITIVE_INFINITY;

  function newSlot(): Slot {
    let resolve = () => {};
    const finished = new Promise<void>((r) => {
      resolve = r;
    });
    const slot: Slot = {
      startedAt: clock.now(),
      shortestBefore: shortestRoundTrip,
      finishedAt: null,
      refused: false,
      finished,
      finish: () => {
        if (slot.finishedAt === null) {
          slot.finishedAt = clock.now();
          shortestRoundTrip = Math.min(shortestRoundTrip, slot.finishedAt - slot.startedAt);
        }
        resolve();
      },
    };
    return slot;
  }

  async function finishedAt(slot: Slot, inFlightCapMs: number): Promise<number> {
    const deadline = slot.startedAt + inFlightCapMs;
    if (slot.finishedAt === null && deadline > clock.now()) {
      let timer: NodeJS.Timeout | undefined;
      const cap = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, deadline - clock.now());
        timer.unref();
      });
      await Promise.race([slot.finished, cap]);
      clearTimeout(timer);
    }
    return slot.finishedAt ?? Math.min(deadline, clock.now());
  }

  /**
   * When Telegram counted `slot` at the latest: its answer, less the network time it surely spent. A send
   * that never answered is counted as arriving at its cap, with nothing taken off.
   */
  function arrivedBy(slot: Slot, finishedAt: number): number {
    const known = slot.finishedAt !== null && Number.isFinite(slot.shortestBefore);
    const onTheWay = known ? Math.min(slot.shortestBefore, finishedAt - slot.startedAt) : 0;
    return finishedAt - Math.max(0, onTheWay);
  }

  /**
   * At most `limit()` slots per `windowMs`, granted in arrival order; an unanswered slot is waited on for at
   * most `inFlightCapMs`; `onWait` hears of every wait.
   */
  function createWindow(limit: () => number, windowMs: number, inFlightCapMs: number, onWait: (now: number) => void = () => {}): Window {
    const recent: Slot[] = [];
    let queue: Promise<unknown> = Promise.resolve();
    return {
      take: () => {
        const turn = queue.then(async () => {
          // A while, not an if: a rate that stepped down leaves more slots in the window than it now allows.
          while (recent.length >= limit()) {
            const oldest = recent.shift() as Slot;
            const at = arrivedBy(oldest, await finishedAt(oldest, inFlightCapMs)) + windowMs;
            const now = clock.now();
            if (at > now) {
              onWait(now);
              await sleep(at - now);
            }
          }
          const slot = newSlot();
          recent.push(slot);
          return slot;
        });
        queue = turn.catch(() => undefined);
        return turn;
      },
      idle: () => recent.every((s) => s.finishedAt !== null && s.finishedAt <= clock.now() - windowMs),
      acceptedWithin: () => {
        const since = clock.now() - windowMs;
        return recent.filter((s) => s.finishedAt !== null && s.finishedAt > since && !s.refused).length;
      },
    };
  }

  const rate: SendRate = limits.perSecond === 'auto' ? adaptiveSendRate(SECOND_WINDOW_MS, deps.onRateChange) : fixedSendRate(limits.perSecond);
  const overall = createWindow(rate.current, SECOND_WINDOW_MS, SECOND_WINDOW_MS, rate.saturated);
  const perChat = Math.max(1, Math.floor(limits.perChatPerMinute));
  const groupLimit = () => perChat;
  const groups = new Map<string, Window>();

  function groupWindow(chatId: string): Window {
    let window = groups.get(chatId);
    if (!window) {
      if (groups.size >= SWEEP_AT) for (const [id, w] of groups) if (w.idle()) groups.delete(id);
      window = createWindow(groupLimit, MINUTE_WINDOW_MS, GROUP_IN_FLIGHT_CAP_MS);
      groups.set(chatId, window);
    }
    return window;
  }

  let close = () => {};
  let isClosed = false;
  const closed = new Promise<never>((_, reject) => {
    close = () => reject(new Error(PACER_CLOSED));
  });
  closed.catch(() => {});

  return {
    acquire: async (chatId) => {
      // The group's own minute first: a busy group waits there without holding up everyone else's turn.
      const group = isGroupChat(chatId) ? await Promise.race([groupWindow(chatId).take(), closed]) : null;
      const slot = await Promise.race([overall.take(), closed]);
      return (outcome = {}) => {
        slot.refused = outcome.refused === true;
        slot.finish();
        group?.finish();
        if (slot.refused) rate.refused(clock.now(), overall.acceptedWithin());
      };
    },
    perSecond: () => rate.current(),
    close: () => {
      isClosed = true;
      close();
    },
    isClosed: () => isClosed,
  };
}
