/**
 * The bench's shared vocabulary: a result row (a ratio against a baseline measured in the same run, its
 * target and verdict), the table printer, and small timing helpers.
 */
import { availableParallelism } from 'node:os';

/** One line of the table: what was compared, the two measured values, their ratio and the target. */
export type Row = {
  workload: string;
  /** "compiled 200 topics vs naive regex", in words. */
  compared: string;
  /** The measured values, with units, e.g. "1.9 s vs 41 s". */
  measured: string;
  /** The ratio the target is about. */
  ratio: number;
  /** How the ratio is judged, e.g. "≥ 10x faster" or "≤ 1.5x". */
  target: string;
  /** The target's number (1.5 for "≤ 1.5x"), when it has one. */
  bound?: number;
  pass: boolean;
  /** Anything a reader must know to trust the row (sampling, scaling, counts). */
  note?: string;
};

/** What every workload module exports. */
export type Workload = { name: string; run(log: (line: string) => void): Promise<Row[]> };

/** A row whose ratio must stay at or under `max` (cost vs a baseline cost). */
export function atMost(fields: Omit<Row, 'target' | 'pass'>, max: number): Row {
  return { ...fields, target: `≤ ${max}x`, bound: max, pass: fields.ratio <= max };
}

/** A row whose ratio must reach at least `min` (a speed-up). */
export function atLeast(fields: Omit<Row, 'target' | 'pass'>, min: number, what = 'faster'): Row {
  return { ...fields, target: `≥ ${min}x ${what}`, bound: min, pass: fields.ratio >= min };
}

/** A row for a yes/no requirement (no bodies transferred, nothing lost). */
export function exactly(fields: Omit<Row, 'target' | 'pass' | 'ratio'> & { ratio?: number }, ok: boolean, target: string): Row {
  return { ratio: Number.NaN, ...fields, target, pass: ok };
}

/** Milliseconds as a short human figure. */
export function ms(value: number): string {
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  if (value >= 10) return `${value.toFixed(0)} ms`;
  if (value >= 1) return `${value.toFixed(2)} ms`;
  return `${(value * 1000).toFixed(0)} µs`;
}

/** Bytes as MB/kB. */
export function bytes(value: number): string {
  if (value >= 1024 * 1024) return `${(value / (1024 * 1024)).toFixed(1)} MB`;
  return `${(value / 1024).toFixed(0)} kB`;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `fn` and gives its wall time in ms. */
export async function timed<T>(fn: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** CPU time of this process (user + system) in ms: steadier than wall time on a shared machine for synchronous work. */
export function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * Runs each synchronous variant over the same inputs, block by block in turn, and adds up each one's CPU and
 * wall time: load from other processes then falls on all variants alike.
 */
export function interleave<T>(inputs: readonly T[], blockSize: number, variants: Record<string, (input: T) => void>): Record<string, { cpu: number; wall: number }> {
  const totals: Record<string, { cpu: number; wall: number }> = {};
  for (const name of Object.keys(variants)) totals[name] = { cpu: 0, wall: 0 };
  for (let at = 0; at < inputs.length; at += blockSize) {
    const block = inputs.slice(at, at + blockSize);
    for (const [name, fn] of Object.entries(variants)) {
      const cpu = cpuMs();
      const wall = performance.now();
      for (const input of block) fn(input);
      totals[name]!.wall += performance.now() - wall;
      totals[name]!.cpu += cpuMs() - cpu;
    }
  }
  return totals;
}

/** The machine line printed above the table (and into RESULTS.md). */
export function machineLine(): string {
  return `${availableParallelism()} cores (os.availableParallelism()), Node ${process.version}, ${process.platform}/${process.arch}`;
}

/** Two decimals, or as many more as it takes not to show a ratio just past its target as the target itself. */
function ratioText(row: Row): string {
  if (Number.isNaN(row.ratio)) return '—';
  let digits = 2;
  while (digits < 6 && row.ratio !== row.bound && Number(row.ratio.toFixed(digits)) === row.bound) digits++;
  return `${row.ratio.toFixed(digits)}x`;
}

/** The table as Markdown (it reads fine in a terminal too). */
export function renderTable(rows: readonly Row[]): string {
  const header = ['workload', 'compared', 'measured', 'ratio', 'target', 'result'];
  const lines = rows.map((row) => [
    row.workload,
    row.compared,
    row.measured,
    ratioText(row),
    row.target,
    row.pass ? 'PASS' : 'MISS',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => line[i]!.length)));
  const format = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const notes = rows
    .filter((row) => row.note)
    .map((row) => `- ${row.workload} (${row.compared}): ${row.note}`);
  return [format(header), format(widths.map((w) => '-'.repeat(w))), ...lines.map(format), '', ...notes].join('\n');
}
