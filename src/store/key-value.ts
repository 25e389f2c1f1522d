/** Small persistent settings (e.g. the hash of the last Discord command registration) in the `meta` table. */
import type Database from 'better-sqlite3';

/** A string key/value store. */
export type KeyValue = { get(key: string): string | null; set(key: string, value: string): void };

/** Reads and writes the `meta` table of an open, migrated database. */
export function createKeyValue(db: Database.Database): KeyValue {
  const read = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const write = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  return {
    get: (key) => read.get(key)?.value ?? null,
    set: (key, value) => {
      write.run(key, value);
    },
  };
}
