/**
 * `sitrep status [topic] [--json]`: prints the status card of a topic, or of every topic, as the bot
 * would answer /status. Also home of the read side `sitrep digest` shares: opening an existing database
 * (never creating one) with the config, and the unknown-topic sentence.
 */
import { existsSync } from 'node:fs';
import { systemClock, type Clock } from '../clock.js';
import { formatStatusCards } from '../chat/format-status.js';
import { resolveDbPath } from '../config/env.js';
import { openCore, reportProblems, type Core } from '../core.js';
import { createReadModels } from '../bot-services.js';
import type { DigestBuilder } from '../digest/build-digest.js';
import { createLogger } from '../logger.js';
import { renderText } from '../platforms/console/render-text.js';
import type { StatusCards } from '../status/status-card.js';

/** Where a read command writes and what time it is; tests pass their own. */
export type CliIo = {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  clock: Clock;
  /** Environment for SITREP_DB; the process's when absent. */
  env?: NodeJS.ProcessEnv;
};

const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr, clock: systemClock };

/** The open read side: config, status cards and digests over the stored stories. */
export type ReadSide = { topicIds: string[]; status: StatusCards; digest: DigestBuilder; close(): void };

/**
 * Opens the config and an existing database. A missing database is a sentence and exit 1 (opening would
 * create an empty one and print a misleading "no reports"); config problems are listed, exit 1.
 */
export async function openReadSide(globals: { config?: string; db?: string }, io: CliIo): Promise<{ ok: true; side: ReadSide } | { ok: false; code: number }> {
  const dbPath = resolveDbPath(globals, io.env);
  if (dbPath !== ':memory:' && !existsSync(dbPath)) {
    io.stderr.write(`no database at ${dbPath} — run \`sitrep poll --once\` first\n`);
    return { ok: false, code: 1 };
  }
  const opened = await openCore({ globals, clock: io.clock, logger: createLogger('warn'), dbPath });
  if (!opened.ok) return { ok: false, code: reportProblems(opened.problems, (text) => io.stderr.write(text)) };
  const core: Core = opened.core;
  const topics = core.config.topics.topics;
  const { statusCards: status, digests: digest } = createReadModels(core);
  return { ok: true, side: { topicIds: topics.map((t) => t.id), status, digest, close: () => core.close() } };
}

/** The topic id a typed name stands for, as chat commands read it (`M23` is m23), or null when none. */
export function findTopicId(typed: string, topicIds: readonly string[]): string | null {
  const id = typed.trim().toLowerCase();
  return topicIds.includes(id) ? id : null;
}

/** The one line an unknown topic gets, listing the valid ids. */
export function unknownTopicLine(topic: string, topicIds: readonly string[]): string {
  return `unknown topic "${topic}"; valid topics: ${topicIds.join(', ')}\n`;
}

/** Runs the command; resolves to the exit code (2 for an unknown topic, 1 for no database or a bad config). */
export async function run(
  globals: { config?: string; db?: string },
  topic?: string,
  opts: { json?: boolean } = {},
  io: CliIo = processIo,
): Promise<number> {
  const opened = await openReadSide(globals, io);
  if (!opened.ok) return opened.code;
  const { side } = opened;
  try {
    const topicId = topic === undefined ? null : findTopicId(topic, side.topicIds);
    if (topic !== undefined && topicId === null) {
      io.stderr.write(unknownTopicLine(topic, side.topicIds));
      return 2;
    }
    const now = io.clock.now();
    const cards = (topicId === null ? side.topicIds : [topicId]).map((id) => side.status.buildStatusCard(id, { now }));
    if (opts.json) io.stdout.write(cards.map((card) => `${JSON.stringify(card)}\n`).join(''));
    else io.stdout.write(`${renderText(formatStatusCards(cards, { now }))}\n`);
    return 0;
  } finally {
    side.close();
  }
}
