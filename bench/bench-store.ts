/**
 * Temporary databases and the classifier over them, as src/core.ts wires them (default topics, signals,
 * clustering), for workloads that run the real pipeline without the CLI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../src/clock.js';
import type { TopicsFile } from '../src/config/topics-schema.js';
import { createSqliteStore, type SqliteStore } from '../src/store/sqlite-store.js';
import { classifierOptions, createClassifier, type Classifier } from '../src/topics/classify.js';

/** A scratch folder removed by `remove()`. */
export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `sitrep-bench-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A store on a database file plus the classifier core.ts would build over it. */
export type BenchStore = { store: SqliteStore; classifier: Classifier; close(): void };

/** Opens a fresh store at `path` with the classifier for `topics`. */
export function openBenchStore(path: string, topics: TopicsFile, clock: Clock): BenchStore {
  const store = createSqliteStore(path, clock);
  const classifier = createClassifier(classifierOptions(store.db, topics, clock));
  classifier.rematchAll();
  return { store, classifier, close: () => store.close() };
}
