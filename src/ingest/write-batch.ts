/**
 * Group commit for the poller's store writes: writes queued within a short window run in one transaction.
 * A commit writes every page its transaction touched (index pages of random keys, the full-text index's
 * new segment), so feeds committed together cost much less per item than one commit each; a busy poller,
 * whose finished feeds pile up while it works, fills its batches fastest. Each write stays atomic on its
 * own: it runs in a savepoint, so one that throws undoes only itself.
 */

/** Runs a function in one transaction; called inside another, it must be a savepoint (better-sqlite3's db.transaction is both). */
export type Transaction = <T>(fn: () => T) => T;

/** Queues a synchronous write; resolves with its result once the batch holding it has committed. */
export type BatchedWrite = <T>(write: () => T) => Promise<T>;

/** When a batch commits: `windowMs` after its first write was queued, or as soon as it holds `maxWrites`. */
export type WriteBatchOptions = { windowMs: number; maxWrites: number };

type Job = { write: () => unknown; resolve: (value: never) => void; reject: (error: unknown) => void };

/** A write queue committed in batches, each in one `transaction`. */
export function createWriteBatch(transaction: Transaction, options: WriteBatchOptions): BatchedWrite {
  let queue: Job[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const jobs = queue;
    queue = [];
    if (jobs.length === 0) return;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      transaction(() => {
        for (const job of jobs) {
          try {
            outcomes.push({ ok: true, value: transaction(job.write) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // The commit itself failed (disk full, database locked): no write of the batch is stored.
      for (const job of jobs) job.reject(error);
      return;
    }
    jobs.forEach((job, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) job.resolve(outcome.value as never);
      else job.reject(outcome.error);
    });
  };

  return <T>(write: () => T) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ write, resolve: resolve as (value: never) => void, reject });
      if (queue.length >= options.maxWrites) setImmediate(flush);
      else timer ??= setTimeout(flush, options.windowMs);
    });
}
