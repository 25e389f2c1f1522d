import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWriteBatch, type Transaction } from '../../src/ingest/write-batch.js';

describe('createWriteBatch', () => {
  let db: Database.Database;
  let commits: number;
  let transaction: Transaction;
  const rows = () => db.prepare<[], { v: string }>('SELECT v FROM t ORDER BY v').all().map((r) => r.v);
  const insert = (v: string) => db.prepare('INSERT INTO t (v) VALUES (?)').run(v);

  beforeEach(() => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE t (v TEXT)');
    commits = 0;
    // better-sqlite3's transaction: a savepoint when nested; only the outermost one counts as a commit.
    transaction = <T>(fn: () => T): T => {
      if (!db.inTransaction) commits++;
      return db.transaction(fn)();
    };
  });
  afterEach(() => db.close());

  it('commits the writes queued within the window in one transaction, each resolving with its result', async () => {
    const batched = createWriteBatch(transaction, { windowMs: 20, maxWrites: 16 });
    const results = await Promise.all(['a', 'b', 'c'].map((v) => batched(() => (insert(v), v.toUpperCase()))));
    expect(results).toEqual(['A', 'B', 'C']);
    expect(rows()).toEqual(['a', 'b', 'c']);
    expect(commits).toBe(1);
    await batched(() => insert('d'));
    expect(commits).toBe(2);
  });

  it('undoes only the write that throws, and rejects only its promise', async () => {
    const batched = createWriteBatch(transaction, { windowMs: 5, maxWrites: 16 });
    const failing = new Error('classification failed');
    const outcomes = await Promise.allSettled([
      batched(() => insert('kept-1')),
      batched(() => {
        insert('undone');
        throw failing;
      }),
      batched(() => insert('kept-2')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(outcomes[1]).toMatchObject({ reason: failing });
    expect(rows()).toEqual(['kept-1', 'kept-2']);
    expect(commits).toBe(1);
  });

  it('commits a full batch at once instead of waiting out the window', async () => {
    const batched = createWriteBatch(transaction, { windowMs: 60_000, maxWrites: 2 });
    const started = performance.now();
    await Promise.all([batched(() => insert('x')), batched(() => insert('y'))]);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(rows()).toEqual(['x', 'y']);
  });

  it('rejects every write of a batch whose commit fails, and stores none of them', async () => {
    // The outermost transaction fails after its writes ran, as a failing COMMIT would; savepoints work.
    const failingCommit: Transaction = <T>(fn: () => T): T =>
      db.inTransaction
        ? transaction(fn)
        : transaction(() => {
            fn();
            throw new Error('disk full');
          });
    const batched = createWriteBatch(failingCommit, { windowMs: 5, maxWrites: 16 });
    const outcomes = await Promise.allSettled([batched(() => insert('p')), batched(() => insert('q'))]);
    expect(outcomes.every((o) => o.status === 'rejected' && (o.reason as Error).message === 'disk full')).toBe(true);
    expect(rows()).toEqual([]);
  });
});
