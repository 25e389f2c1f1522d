/** Runs a zod schema over parsed YAML and turns its issues into located, plain-sentence problems. */
import type { z } from 'zod';
import { issuesToProblems, plainErrorMap, type ConfigProblem } from './problems.js';
import { knownKeysAt } from './schema-keys.js';

/** Parses `data` with `schema`; problems name `file`, the path, and the line when `lineOf` knows it. */
export function validate<S extends z.ZodType>(
  schema: S,
  data: unknown,
  file: string,
  lineOf?: (path: readonly PropertyKey[], key?: string) => number | undefined,
): { ok: true; data: z.output<S> } | { ok: false; problems: ConfigProblem[] } {
  const result = schema.safeParse(data, { error: plainErrorMap });
  if (result.success) return { ok: true, data: result.data };
  return {
    ok: false,
    problems: issuesToProblems(file, result.error.issues, {
      knownKeysAt: (path) => knownKeysAt(schema, path),
      ...(lineOf ? { lineOf } : {}),
    }),
  };
}
