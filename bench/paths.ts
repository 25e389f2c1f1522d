/**
 * Files of the checkout the bench reads, found from the checkout's root: the bench runs compiled from
 * dist/bench/ (npm run bench) as well as from bench/ (through tsx).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder above this module that holds sitrep's package.json. */
function checkoutRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'bin', 'sitrep.js'))) return dir;
    if (dirname(dir) === dir) throw new Error('bench: cannot find the sitrep checkout above this module');
  }
}

const ROOT = checkoutRoot();

/** feeds/topics.yaml of this checkout. */
export const DEFAULT_TOPICS_PATH = join(ROOT, 'feeds', 'topics.yaml');
/** The CLI entry point, as `npx sitrep` runs it. */
export const SITREP_BIN = join(ROOT, 'bin', 'sitrep.js');
/**
 * The feeds-wild corpus (../shared/feeds-wild): FEEDS_WILD_DIR when set (as for its test), else the shared
 * folder next to this checkout, else the workplace's /work/shared.
 */
export function feedsWildDir(): string {
  const candidates = process.env.FEEDS_WILD_DIR ? [process.env.FEEDS_WILD_DIR] : [join(ROOT, '..', 'shared', 'feeds-wild'), '/work/shared/feeds-wild'];
  const found = candidates.find((dir) => existsSync(dir));
  if (!found) throw new Error(`bench: the feeds-wild corpus is not at ${candidates.join(' or ')}; set FEEDS_WILD_DIR`);
  return found;
}
