/**
 * Runs an async step for every element with at most `limit` running at once. The dispatcher sends to many
 * chats this way: one send at a time would make a fan-out as slow as the round trip to the platform
 * (2,000 chats at 100 ms each is over three minutes), whatever rate the platform allows.
 */

/** Calls `step` for each element, `limit` at a time; resolves when all are done, or rejects with the first error once all have settled. */
export async function eachConcurrently<T>(elements: Iterable<T>, limit: number, step: (element: T) => Promise<void>): Promise<void> {
  const iterator = elements[Symbol.iterator]();
  const errors: unknown[] = [];
  const worker = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      try {
        await step(next.value);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.floor(limit)) }, worker));
  if (errors.length > 0) throw errors[0];
}
