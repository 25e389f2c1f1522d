#!/usr/bin/env node
// `npm run build` (and `npm ci`, through the prepare script): compiles src/ and commands/ into dist/, which
// bin/sitrep.js runs while it is current; `--bench` (npm run bench) compiles the bench into dist/ as well.
// An install without dev dependencies (npm ci --omit=dev) has no TypeScript compiler: then there is nothing
// to build with, and bin/sitrep.js runs the sources through tsx.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bench = process.argv.includes('--bench');
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  if (bench) {
    process.stderr.write('sitrep build: the bench needs TypeScript; install the dev dependencies (npm ci)\n');
    process.exit(1);
  }
  process.stderr.write('sitrep build: TypeScript is not installed (production install?); skipped, sitrep will run its sources through tsx\n');
  process.exit(0);
}
// A clean dist/, so no module of an older build outlives its source.
rmSync(join(root, 'dist'), { recursive: true, force: true });
const project = bench ? 'tsconfig.bench.json' : 'tsconfig.build.json';
const result = spawnSync(process.execPath, [tsc, '-p', join(root, project)], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
