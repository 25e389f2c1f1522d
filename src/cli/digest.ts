/**
 * `sitrep digest [--since 24h] [--topic T] [--json]`: prints the digest the bot would post for the
 * period ending now, every topic or one.
 */
import { formatDigest } from '../chat/format-digest.js';
import { renderText } from '../platforms/console/render-text.js';
import { findTopicId, openReadSide, unknownTopicLine, type CliIo } from './status.js';
import { systemClock } from '../clock.js';
import { parsePeriod } from './time-parse.js';

/** Options as src/cli.ts passes them. */
export type DigestCliOptions = { since?: string; topic?: string; json?: boolean };

/** Runs the command; resolves to the exit code (2 for a bad period or topic, 1 for no database or a bad config). */
export async function run(
  globals: { config?: string; db?: string },
  opts: DigestCliOptions = {},
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, clock: systemClock },
): Promise<number> {
  const period = parsePeriod(opts.since ?? '24h');
  if (!period.ok) {
    io.stderr.write(`digest: --since: ${period.reason}\n`);
    return 2;
  }
  const opened = await openReadSide(globals, io);
  if (!opened.ok) return opened.code;
  const { side } = opened;
  try {
    const topicId = opts.topic === undefined ? null : findTopicId(opts.topic, side.topicIds);
    if (opts.topic !== undefined && topicId === null) {
      io.stderr.write(unknownTopicLine(opts.topic, side.topicIds));
      return 2;
    }
    const now = io.clock.now();
    // `until` is exclusive; +1 keeps an item stamped exactly now (a clamped future date) in the period.
    const digest = side.digest.buildDigest({
      since: now - period.ms,
      until: now + 1,
      ...(topicId !== null ? { topicIds: [topicId] } : {}),
    });
    if (opts.json) io.stdout.write(`${JSON.stringify(digest)}\n`);
    else io.stdout.write(`${renderText(formatDigest(digest, { now }))}\n`);
    return 0;
  } finally {
    side.close();
  }
}
