/**
 * Config problems as people read them: `feeds/sources.yaml: feeds[3].url: must be an http(s) URL or a file path`.
 * zod issues are turned into plain sentences here, so no zod jargon reaches the terminal.
 */
import type { z } from 'zod';

/** One thing wrong with the configuration, located by file and path. */
export type ConfigProblem = {
  /** The file as given relative to the working directory (`feeds/sources.yaml`), or `environment`. */
  file: string;
  /** Where inside the file: `feeds[3].url`, `digest.timezone`; empty for the file as a whole. */
  path: string;
  /** A plain sentence: `must be a number`, `unknown key "intervall" (did you mean "interval"?)`. */
  message: string;
  /** 1-based line in the file, when known. */
  line?: number;
  /** 1-based column in the file, when known. */
  column?: number;
};

/** Formats a problem as one line: `file: path: sentence (line N)`. */
export function formatProblem(problem: ConfigProblem): string {
  const where = problem.path ? `${problem.file}: ${problem.path}` : problem.file;
  const line = problem.line === undefined ? '' : ` (line ${problem.line}${problem.column ? `, column ${problem.column}` : ''})`;
  return `${where}: ${problem.message}${line}`;
}

/** Writes a zod/YAML path the way a reader of the YAML expects: `feeds[3].url`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** The closest known key to a mistyped one, when it is close enough to be a likely typo. */
function didYouMean(unknown: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(unknown.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  // Allow about one edit per three letters: "intervall" → "interval", but not "foo" → "url".
  return best !== null && bestDistance <= Math.max(1, Math.floor(unknown.length / 3)) ? best : null;
}

/** Edit distance counting a swap of neighbours as one edit ("titel" → "title"), as typos usually are. */
function editDistance(a: string, b: string): number {
  const width = b.length + 1;
  // One flat table: d[i * width + j] is the distance between a[0..i) and b[0..j).
  const d = new Array<number>((a.length + 1) * width).fill(0);
  const at = (i: number, j: number) => d[i * width + j] ?? 0;
  for (let i = 0; i <= a.length; i++) d[i * width] = i;
  for (let j = 0; j <= b.length; j++) d[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * width + j] = best;
    }
  }
  return at(a.length, b.length);
}

const KIND_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
  null: 'empty',
};

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Error map handed to `safeParse` so zod's default messages become plain sentences. Messages a schema
 * sets itself (`{ error: '...' }`) take precedence over this map.
 */
export function plainErrorMap(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      // YAML's .inf and .nan, or a literal too large for a double (1e400): numbers, but no use as one.
      if (typeof issue.input === 'number' && (issue.expected === 'number' || issue.expected === 'int'))
        return `must be a finite number (found ${Number.isNaN(issue.input) ? 'NaN' : issue.input > 0 ? 'infinity' : '-infinity'})`;
      const expected = KIND_NAMES[issue.expected] ?? issue.expected;
      return `must be ${expected} (found ${KIND_NAMES[kindOf(issue.input)] ?? typeof issue.input})`;
    }
    case 'too_small':
      return sizeMessage('least', issue.origin, Number(issue.minimum));
    case 'too_big':
      return sizeMessage('most', issue.origin, Number(issue.maximum));
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      return 'has the wrong type or form';
    case 'invalid_format':
      return issue.format === 'regex' ? 'has the wrong form' : `must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    default:
      return undefined;
  }
}

function sizeMessage(bound: 'least' | 'most', origin: string, limit: number): string {
  if (origin === 'array' || origin === 'set') return `must list at ${bound} ${limit} item${limit === 1 ? '' : 's'}`;
  if (origin === 'string') {
    if (bound === 'least' && limit === 1) return 'must not be empty';
    return `must be at ${bound} ${limit} character${limit === 1 ? '' : 's'} long`;
  }
  return `must be at ${bound} ${limit}`;
}

/** Turns finished zod issues into problems; unknown keys get one problem each, with a suggestion. */
export function issuesToProblems(
  file: string,
  issues: readonly z.core.$ZodIssue[],
  lookups: {
    /** Keys the schema allows at a path, for "did you mean". */
    knownKeysAt: (path: readonly PropertyKey[]) => string[];
    /** Line of a path (or of a key inside it) in the file, when known. */
    lineOf?: (path: readonly PropertyKey[], key?: string) => number | undefined;
  },
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const withLine = (problem: ConfigProblem, path: readonly PropertyKey[], key?: string): ConfigProblem => {
    const line = lookups.lineOf?.(path, key);
    return line === undefined ? problem : { ...problem, line };
  };
  for (const issue of withoutLooserBounds(issues)) {
    if (issue.code === 'unrecognized_keys') {
      const known = lookups.knownKeysAt(issue.path);
      for (const key of issue.keys) {
        const suggestion = didYouMean(key, known);
        const message = `unknown key "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
        problems.push(withLine({ file, path: formatPath(issue.path), message }, issue.path, key));
      }
    } else {
      problems.push(withLine({ file, path: formatPath(issue.path), message: issue.message }, issue.path));
    }
  }
  return problems;
}

/**
 * The issues without a bound another issue at the same path makes redundant: a whole number above
 * 9007199254740991 breaks both zod's safe-integer bound and the schema's own `max` (100000000), and only
 * the tighter one tells the reader what to write.
 */
function withoutLooserBounds(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const limit = (issue: z.core.$ZodIssue): number | null =>
    issue.code === 'too_big' ? Number(issue.maximum) : issue.code === 'too_small' ? -Number(issue.minimum) : null;
  return issues.filter((issue, i) => {
    const own = limit(issue);
    if (own === null) return true;
    const path = formatPath(issue.path);
    // Another bound of the same direction at the same path that is tighter (or as tight and listed first).
    return !issues.some((other, j) => {
      const theirs = other.code === issue.code ? limit(other) : null;
      return j !== i && theirs !== null && formatPath(other.path) === path && (theirs < own || (theirs === own && j < i));
    });
  });
}
