/**
 * At most `limit` sends in flight over the whole dispatcher. One send at a time would make a fan-out as slow
 * as the round trip to the platform (2,000 chats at 100 ms each is over three minutes), whatever rate the
 * platform allows; the platforms pace the rate, this only bounds what is open at once.
 */

/** Slots taken in arrival order. */
export type SendSlots = {
  /** Resolves when a slot is free and taken. */
  take(): Promise<void>;
  /** Gives a taken slot back (to the longest waiter, if any). */
  give(): void;
};

/** Creates `limit` slots (at least one). */
export function createSendSlots(limit: number): SendSlots {
  let free = Math.max(1, Math.floor(limit));
  const waiting: (() => void)[] = [];
  return {
    take: () => {
      if (free > 0) {
        free--;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    give: () => {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}
