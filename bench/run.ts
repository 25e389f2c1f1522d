/**
 * `npm run bench`: runs the six workloads of issue 7 one after another and prints one table, each row a
 * ratio against a baseline measured in this same run. Only 127.0.0.1 is ever contacted.
 *
 *   npm run bench                      every workload
 *   npm run bench -- matching fan-out  only these
 *   npm run bench -- --out FILE        also write the table as a Markdown section to FILE
 */
import { writeFileSync } from 'node:fs';
import { clustering } from './clustering.js';
import { fanOut } from './fan-out.js';
import { matching } from './matching.js';
import { memory } from './memory.js';
import { pipeline } from './pipeline.js';
import { pollCycle } from './poll-cycle.js';
import { machineLine, ms, renderTable, type Row, type Workload } from './table.js';

const WORKLOADS: Workload[] = [matching, pipeline, pollCycle, fanOut, clustering, memory];

const USAGE = `usage: npm run bench [-- [workload...] [--out FILE]]
  workloads: ${WORKLOADS.map((w) => w.name).join(', ')} (default: all)
  --out FILE  also write the table as a Markdown section to FILE
`;

/** Exits with the usage on stderr and code 2 (a wrong argument), or on stdout and 0 (--help). */
function usage(problem?: string): never {
  if (problem) process.stderr.write(`bench: ${problem}\n${USAGE}`);
  else process.stdout.write(USAGE);
  process.exit(problem ? 2 : 0);
}

function parseArgs(argv: readonly string[]): { names: string[]; out: string | null } {
  const names: string[] = [];
  let out: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') usage();
    else if (arg === '--out') {
      out = argv[++i] ?? usage('--out needs a file name');
    } else if (arg.startsWith('-')) usage(`unknown option ${arg}`);
    else names.push(arg);
  }
  return { names, out };
}

const { names, out } = parseArgs(process.argv.slice(2));
const unknown = names.filter((name) => !WORKLOADS.some((w) => w.name === name));
if (unknown.length > 0) usage(`unknown workload ${unknown.join(', ')}`);
const selected = names.length === 0 ? WORKLOADS : WORKLOADS.filter((w) => names.includes(w.name));

const log = (line: string) => process.stderr.write(`${line}\n`);
log(`sitrep bench: ${machineLine()}`);
const rows: Row[] = [];
const started = performance.now();
for (const workload of selected) {
  const at = performance.now();
  try {
    rows.push(...(await workload.run(log)));
  } catch (error) {
    // One broken workload must not hide the others' rows.
    const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`${workload.name} failed: ${reason}`);
    rows.push({ workload: workload.name, compared: 'did not complete', measured: '—', ratio: Number.NaN, target: '—', pass: false, note: reason.split('\n')[0] ?? '' });
  }
  log(`${workload.name}: done in ${ms(performance.now() - at)}`);
}
const total = performance.now() - started;

const table = renderTable(rows);
const missed = rows.filter((row) => !row.pass).length;
process.stdout.write(`\nsitrep bench — ${machineLine()}\n\n${table}\n\n${rows.length - missed} PASS, ${missed} MISS; whole bench ${ms(total)}\n`);
if (out) {
  const section = [
    '## Performance (`npm run bench`)',
    '',
    `Measured on ${machineLine()}; whole bench ${ms(total)}. Every ratio compares two measurements taken in the same run.`,
    '',
    table,
    '',
  ].join('\n');
  writeFileSync(out, section);
  log(`wrote ${out}`);
}
process.exitCode = missed > 0 ? 1 : 0;
