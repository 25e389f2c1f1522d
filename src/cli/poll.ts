/**
 * `sitrep poll --once [--json]`: fetches every enabled feed once, stores and classifies the new items,
 * and prints them with their topics. Without --once it keeps polling on each feed's interval until
 * interrupted. Feed failures go to stderr (one line each) and never stop the other feeds.
 */
import { systemClock } from '../clock.js';
import { openCore, reportProblems, type Core } from '../core.js';
import type { NormalizedItem } from '../ingest/item.js';
import type { PollReport } from '../ingest/poller.js';
import { readEnv } from '../config/env.js';
import { createLogger } from '../logger.js';
import { itemTitle, jsonItem, shortDate } from './item-output.js';

type PollOptions = { once?: boolean; json?: boolean };

/** Runs the poll; resolves to the exit code (1 when every feed failed or the config is invalid). */
export async function run(globals: { config?: string; db?: string }, opts: PollOptions): Promise<number> {
  const env = readEnv();
  // With --once the command prints one plain line per failed feed itself; the log would say it a second
  // time, as JSON. Its log shows errors only, unless SITREP_LOG_LEVEL asks for more.
  const level = env.ok ? env.env.logLevel : 'info';
  const logger = createLogger(opts.once && !(env.ok && env.env.logLevelSet) ? 'error' : level);
  const opened = await openCore({ globals, clock: systemClock, logger });
  if (!opened.ok) return reportProblems(opened.problems, (text) => process.stderr.write(text));
  const { core } = opened;
  const print = (items: readonly NormalizedItem[]) => {
    // One write per feed, not per item: a write to a pipe or file is a system call each.
    if (items.length > 0) process.stdout.write(items.map((item) => `${formatItem(core, item, opts.json ?? false)}\n`).join(''));
  };
  const poller = core.createPoller({ committed: ({ items }) => print(items) });
  try {
    if (!opts.once) return await pollForever(poller);
    const reports = await poller.pollOnce();
    for (const report of reports) {
      if (report.status === 'failed') process.stderr.write(`feed ${report.feedId}: ${report.error ?? 'failed'}\n`);
    }
    process.stderr.write(`${summarize(reports)}\n`);
    return reports.length > 0 && reports.every((report) => report.status === 'failed') ? 1 : 0;
  } finally {
    core.close();
  }
}

function formatItem(core: Core, item: NormalizedItem, json: boolean): string {
  const topics = core.classifier.topicsOf(item.id);
  if (json) return JSON.stringify({ ...jsonItem(item), topics });
  const tags = topics.length > 0 ? `  [${topics.join(', ')}]` : '';
  return `${item.feedId}  ${shortDate(item.publishedAt)}  ${itemTitle(item)}${tags}${item.url ? `\n    ${item.url}` : ''}`;
}

function summarize(reports: readonly PollReport[]): string {
  const count = (status: PollReport['status']) => reports.filter((report) => report.status === status).length;
  const newItems = reports.reduce((sum, report) => sum + report.newItems, 0);
  return `polled ${reports.length} feed${reports.length === 1 ? '' : 's'}: ${newItems} new item${newItems === 1 ? '' : 's'}; ${count('new')} with new items, ${count('unchanged')} unchanged, ${count('failed')} failed`;
}

async function pollForever(poller: ReturnType<Core['createPoller']>): Promise<number> {
  poller.start();
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await poller.stop();
  return 0;
}
