/**
 * sitrep's own package: its folder (for files it ships, such as the demo feeds) and its version. Found by
 * walking up from this module to the package.json named sitrep, so it works from src/ (tsx) and from dist/.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

type OwnPackage = { root: string; version: string };
let cached: OwnPackage | null = null;

/** The package's folder and version; the module's own folder and 0.0.0 if no package.json is found. */
export function ownPackage(): OwnPackage {
  if (cached) return cached;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; ) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'sitrep' && typeof pkg.version === 'string') return (cached = { root: dir, version: pkg.version });
    } catch {
      // No (readable) package.json here: keep climbing.
    }
    const parent = dirname(dir);
    if (parent === dir) return (cached = { root: start, version: '0.0.0' });
    dir = parent;
  }
}
