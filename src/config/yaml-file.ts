/**
 * Reads one YAML config file. Syntax errors come back as problems with line and column; a parsed file
 * can say on which line a path sits, so schema problems point at the right line too.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isMap, isNode, isPair, isScalar, type Document } from 'yaml';
import type { ConfigProblem } from './problems.js';

/** A YAML file that parsed: its data and a way to find the line of a path inside it. */
export type YamlFile = {
  data: unknown;
  /** 1-based line of the value at `path` (or of `key` inside the mapping at `path`); undefined when unknown. */
  lineOf(path: readonly PropertyKey[], key?: string): number | undefined;
};

/** Reads and parses `file`; `missing` is true when the file does not exist (the caller decides if that is fine). */
export async function readYamlFile(
  file: string,
): Promise<{ ok: true; yaml: YamlFile } | { ok: false; missing: boolean; problems: ConfigProblem[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, missing: true, problems: [{ file, path: '', message: 'file not found' }] };
    if (code === 'EISDIR') return { ok: false, missing: false, problems: [{ file, path: '', message: 'is a folder, not a file' }] };
    return { ok: false, missing: false, problems: [{ file, path: '', message: `cannot be read (${code ?? 'unknown error'})` }] };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      missing: false,
      problems: doc.errors.map((error) => ({
        file,
        path: '',
        message: `YAML syntax error: ${firstLine(error.message)}${HINTS[error.code] ?? ''}`,
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

function firstLine(message: string): string {
  // yaml's pretty messages add "at line N, column M:" and a code excerpt; the problem carries line and column itself.
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

function lineOfPath(doc: Document, lines: LineCounter, path: readonly PropertyKey[], key?: string): number | undefined {
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
