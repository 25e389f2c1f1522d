/**
 * `mkdir -p` that fails instead of hanging: Node's recursive mkdir loops forever on a folder the file system
 * refuses with ENOENT although its parent exists (anything under /proc), so `--db /proc/x/sitrep.db` or
 * `schema --out /proc/x` hung with no word.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Creates `path` and any missing parents; an existing folder is fine; throws the file system's error otherwise. */
export function makeFolder(path: string): void {
  const absolute = resolve(path);
  try {
    mkdirSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && statSync(absolute).isDirectory()) return;
    const parent = dirname(absolute);
    // ENOENT with the parent in place comes from the file system itself: creating parents would not help.
    if (code !== 'ENOENT' || parent === absolute || existsSync(parent)) throw error;
    makeFolder(parent);
    mkdirSync(absolute);
  }
}
