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
import { classifierOptions, createClassifier, type Classifier, type ClassifierOptions } from '../src/topics/classify.js';

/** A scratch folder removed by `remove()`. */
export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `sitrep-bench-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A store on a database file plus the classifier core.ts would build over it. */
export type BenchStore = { store: SqliteStore; classifier: Classifier; close(): void };

/** A topics file compiled: its matcher, signals and hash, which do not depend on the database. */
type CompiledTopics = Omit<ClassifierOptions, 'db' | 'clock'>;
// Each topics file is compiled once, as core.ts compiles it once per process: a workload that opens a fresh
// database per round still classifies with one matcher, as a running bot does. Compiling per round timed V8
// compiling the new matcher's code again after full collections (bench/NOTES.md), which a bot never does.
const compiledTopics = new WeakMap<TopicsFile, CompiledTopics>();

/** Opens a fresh store at `path` with the classifier for `topics`. */
export function openBenchStore(path: string, topics: TopicsFile, clock: Clock): BenchStore {
  const store = createSqliteStore(path, clock);
  let compiled = compiledTopics.get(topics);
  if (compiled === undefined) {
    const { matcher, signals, topicsHash } = classifierOptions(store.db, topics, clock);
    compiled = { matcher, signals, topicsHash };
    compiledTopics.set(topics, compiled);
  }
  const classifier = createClassifier({ ...compiled, db: store.db, clock });
  classifier.rematchAll();
  return { store, classifier, close: () => store.close() };
}
