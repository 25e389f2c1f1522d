/**
 * Reads one YAML config file. Syntax errors come back as problems with line and column; a parsed file
 * can say on which line a path sits, so schema problems point at the right line too.
 *
 * Two parsers, one answer: js-yaml reads a well-formed file, and the `yaml` package, which keeps every
 * node's position and names each kind of syntax error, is loaded only when a file has a problem to point
 * at. Started cold, as every sitrep command starts, `yaml` took about 120 ms (load and parse) for a
 * 500-feed sources.yaml and js-yaml about 25 ms.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import jsYaml from 'js-yaml';
import type * as YamlPackage from 'yaml';
import type { Document, LineCounter } from 'yaml';
import type { ConfigProblem } from './problems.js';
import { YAML_CORE_SCHEMA } from './yaml-core-schema.js';

type YamlLibrary = typeof YamlPackage;
let yamlLibrary: YamlLibrary | undefined;
/** The `yaml` package, loaded on first use (synchronously: lineOf is called while problems are listed). */
function yamlLib(): YamlLibrary {
  yamlLibrary ??= createRequire(import.meta.url)('yaml') as YamlLibrary;
  return yamlLibrary;
}

/** A YAML file that parsed: its data and a way to find the line of a path inside it. */
export type YamlFile = {
  data: unknown;
  /** 1-based line of the value at `path` (or of `key` inside the mapping at `path`); undefined when unknown. */
  lineOf(path: readonly PropertyKey[], key?: string): number | undefined;
};

/** What reading a config file gave: its parsed YAML, or problems (`missing` when the file does not exist). */
export type YamlFileOutcome = { ok: true; yaml: YamlFile } | { ok: false; missing: boolean; problems: ConfigProblem[] };

/** Reads and parses `file`; `missing` is true when the file does not exist (the caller decides if that is fine). */
export async function readYamlFile(file: string): Promise<YamlFileOutcome> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, missing: true, problems: [{ file, path: '', message: 'file not found' }] };
    if (code === 'EISDIR') return { ok: false, missing: false, problems: [{ file, path: '', message: 'is a folder, not a file' }] };
    return { ok: false, missing: false, problems: [{ file, path: '', message: `cannot be read (${code ?? 'unknown error'})` }] };
  }
  // Both read YAML 1.2 with the core schema alike (yaml-core-schema.ts), except that js-yaml ignores a
  // %YAML directive (1.1 would make `yes` a boolean): a file that declares its version, and any file
  // js-yaml rejects, is read by `yaml` alone, which then decides between its data and its syntax errors.
  if (/^%/m.test(text)) return readWithPositions(file, text);
  let data: unknown;
  try {
    data = jsYaml.load(text, { schema: YAML_CORE_SCHEMA, filename: file });
  } catch {
    return readWithPositions(file, text);
  }
  let positions: ReturnType<typeof parseWithPositions> | undefined;
  return {
    ok: true,
    yaml: {
      data: data ?? {},
      lineOf: (path, key) => {
        positions ??= parseWithPositions(text);
        return lineOfPath(positions.doc, positions.lineCounter, path, key);
      },
    },
  };
}

function parseWithPositions(text: string): { doc: Document; lineCounter: LineCounter } {
  const { LineCounter, parseDocument } = yamlLib();
  const lineCounter = new LineCounter();
  return { doc: parseDocument(text, { lineCounter, uniqueKeys: true }), lineCounter };
}

/** Reads `text` with `yaml` alone: its syntax errors as problems, or its data with node positions kept. */
function readWithPositions(file: string, text: string): YamlFileOutcome {
  const { doc, lineCounter } = parseWithPositions(text);
  if (doc.errors.length > 0) {
    return {
      ok: false,
      missing: false,
      problems: doc.errors.map((error) => ({
        file,
        path: '',
        message: `YAML syntax error: ${firstLine(error.message)}${duplicateKeyName(text, error)}${HINTS[error.code] ?? ''}`,
        line: error.linePos?.[0].line,
        column: error.linePos?.[0].col,
      })),
    };
  }
  return {
    ok: true,
    yaml: {
      data: doc.toJS() ?? {},
      lineOf: (path, key) => lineOfPath(doc, lineCounter, path, key),
    },
  };
}

// The usual slips when editing feed lists by hand, in words that say what to do.
const HINTS: Partial<Record<string, string>> = {
  BLOCK_AS_IMPLICIT_KEY: ' (put a value that contains ": " in quotes)',
  TAB_AS_INDENT: ' (indent with spaces)',
};

/** For a duplicate key, which key it is (yaml's message does not say): ` ("timeout" is given twice)`. */
function duplicateKeyName(text: string, error: { code: string; pos: [number, number] }): string {
  if (error.code !== 'DUPLICATE_KEY') return '';
  const key = /^\s*["']?([^"':\n]+?)["']?\s*:/.exec(text.slice(error.pos[0]))?.[1];
  return key ? ` ("${key}" is given twice)` : '';
}

function firstLine(message: string): string {
  // yaml's pretty messages add "at line N, column M:" and a code excerpt; the problem carries line and column itself.
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

function lineOfPath(doc: Document, lines: LineCounter, path: readonly PropertyKey[], key?: string): number | undefined {
  const { isMap, isNode, isPair, isScalar } = yamlLib();
  const node = path.length === 0 ? doc.contents : doc.getIn(path as unknown[], true);
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
    const range = isPair(pair) && isNode(pair.key) ? pair.key.range : undefined;
    if (range) return lines.linePos(range[0]).line;
  }
  if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  // A missing key: point at the mapping that should hold it.
  if (path.length > 0) return lineOfPath(doc, lines, path.slice(0, -1));
  return undefined;
}
