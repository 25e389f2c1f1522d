#!/usr/bin/env node
// `npm run build` (and `npm ci`, through the prepare script): compiles src/ and commands/ into dist/, which
// bin/sitrep.js runs while it is current. An install without dev dependencies (npm ci --omit=dev) has no
// TypeScript compiler: then there is nothing to build with, and bin/sitrep.js runs the sources through tsx.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  process.stderr.write('sitrep build: TypeScript is not installed (production install?); skipped, sitrep will run its sources through tsx\n');
  process.exit(0);
}
// A clean dist/, so no module of an older build outlives its source.
rmSync(join(root, 'dist'), { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
