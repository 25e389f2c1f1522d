/**
 * `sitrep parse <file-or-url>... [--json]`: fetches and parses feeds without a database and prints
 * the normalized items. A failed input is reported and the others go on; exit 1 only when all failed.
 */
import { createHash } from 'node:crypto';
import { systemClock } from '../clock.js';
import type { GlobalOptions } from '../cli.js';
import type { NormalizedItem } from '../ingest/item.js';
import { fetchFeed } from '../ingest/fetch.js';
import { parseFeed } from '../ingest/parse-feed.js';
import { itemTitle, jsonItem, shortDate } from './item-output.js';

type InputResult = { ok: true; items: NormalizedItem[] } | { ok: false; error: string };

/** Runs the command; resolves to the process exit code. */
export async function run(_globals: GlobalOptions, inputs: string[], opts: { json?: boolean }): Promise<number> {
  let failures = 0;
  for (const source of inputs) {
    const result = await parseInput(source);
    if (!result.ok) failures += 1;
    write(source, result, opts.json === true);
  }
  return inputs.length > 0 && failures === inputs.length ? 1 : 0;
}

/** A short id that stays the same for the same argument, so item ids are stable between runs. */
function feedIdFor(source: string): string {
  return `cli-${createHash('sha256').update(source).digest('hex').slice(0, 12)}`;
}

async function parseInput(source: string): Promise<InputResult> {
  const fetched = await fetchFeed(source, { etag: null, lastModified: null });
  if (!fetched.ok) return { ok: false, error: fetched.reason };
  if (fetched.status !== 200) return { ok: false, error: `unexpected status ${fetched.status}` };
  const parsed = await parseFeed(fetched.body, {
    feedId: feedIdFor(source),
    contentType: fetched.contentType,
    fetchedAt: systemClock.now(),
    baseUrl: fetched.finalUrl,
  });
  return parsed.ok ? { ok: true, items: parsed.items } : { ok: false, error: parsed.reason };
}

function write(source: string, result: InputResult, json: boolean): void {
  if (!result.ok) {
    if (json) process.stdout.write(`${JSON.stringify({ source, error: result.error })}\n`);
    else process.stderr.write(`${source}: ${result.error}\n`);
    return;
  }
  for (const item of result.items) {
    if (json) {
      process.stdout.write(`${JSON.stringify({ source, ...jsonItem(item) })}\n`);
    } else {
      const estimated = item.publishedAtEstimated ? '~' : ' ';
      process.stdout.write(`${source}  ${estimated}${shortDate(item.publishedAt)}  ${itemTitle(item)}  ${item.url ?? '-'}\n`);
    }
  }
  if (!json && result.items.length === 0) process.stderr.write(`${source}: no items\n`);
}
