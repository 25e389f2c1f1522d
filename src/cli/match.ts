/**
 * `sitrep match [--json] [--explain]`: reads JSON Lines items `{id, title, summary, lang?}` on stdin and
 * writes one `{id, topics}` line per item, in input order (with --explain, also the evidence per topic).
 * Only topics.yaml is read, so the command works without sources.yaml or a database.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { resolveConfigDir } from '../config/env.js';
import { resolveTopicsPath } from '../config/load-config.js';
import { formatProblem } from '../config/problems.js';
import { topicsFileSchema } from '../config/topics-schema.js';
import { validate } from '../config/validate.js';
import { readYamlFile } from '../config/yaml-file.js';
import { compileTopics, type TopicMatcher } from '../topics/matcher.js';
import { errorText } from '../error-text.js';

/** Streams the command uses; tests may pass their own. */
export type MatchIo = { stdin: Readable; stdout: Writable; stderr: Writable; env?: NodeJS.ProcessEnv };

/** Runs the command; resolves to the exit code (1 for a bad topics file, or when any input line was bad: the others are answered). */
export async function run(
  globals: { config?: string },
  opts: { json?: boolean; explain?: boolean },
  io: MatchIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const file = await resolveTopicsPath(io.env ? resolveConfigDir(globals, io.env) : resolveConfigDir(globals));
  const matcher = await loadMatcher(file, io.stderr);
  if (!matcher) return 1;

  let out: string[] = [];
  const flush = async () => {
    if (out.length === 0) return;
    const chunk = out.join('');
    out = [];
    if (!io.stdout.write(chunk)) await new Promise((resolve) => io.stdout.once('drain', resolve));
  };

  let lineNumber = 0;
  let badLines = 0;
  for await (const line of createInterface({ input: io.stdin, crlfDelay: Infinity })) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    const item = parseItem(line);
    if (!item.ok) {
      // One bad line costs that line, not the rest of the input; the exit code still says something was wrong.
      await flush();
      io.stderr.write(`match: line ${lineNumber}: ${item.reason}\n`);
      badLines += 1;
      continue;
    }
    const matches = matcher.match(item.value);
    const record: Record<string, unknown> = { id: item.value.id, topics: matches.map((m) => m.topicId) };
    if (opts.explain) record.evidence = Object.fromEntries(matches.map((m) => [m.topicId, m.evidence]));
    out.push(`${JSON.stringify(record)}\n`);
    if (out.length >= 500) await flush();
  }
  await flush();
  return badLines > 0 ? 1 : 0;
}

async function loadMatcher(file: string, stderr: Writable): Promise<TopicMatcher | null> {
  const read = await readYamlFile(file);
  const parsed = read.ok ? validate(topicsFileSchema, read.yaml.data, file, read.yaml.lineOf) : read;
  if (!parsed.ok) {
    for (const problem of parsed.problems) stderr.write(`${formatProblem(problem)}\n`);
    return null;
  }
  try {
    return compileTopics(parsed.data);
  } catch (error) {
    stderr.write(`${file}: ${errorText(error)}\n`);
    return null;
  }
}

type Item = { id: string | number; title: string; summary: string; language: string | null };

function parseItem(line: string): { ok: true; value: Item } | { ok: false; reason: string } {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch (error) {
    return { ok: false, reason: `not valid JSON (${errorText(error)})` };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, reason: 'must be a JSON object' };
  const { id, title, summary, lang } = data as Record<string, unknown>;
  if (typeof id !== 'string' && typeof id !== 'number') return { ok: false, reason: '"id" must be a string or a number' };
  for (const [name, value] of [['title', title], ['summary', summary], ['lang', lang]] as const) {
    if (value !== undefined && value !== null && typeof value !== 'string') return { ok: false, reason: `"${name}" must be a string` };
  }
  return {
    ok: true,
    value: { id, title: (title as string | undefined) ?? '', summary: (summary as string | undefined) ?? '', language: (lang as string | undefined) ?? null },
  };
}
