/** Test helper: writes a throwaway config folder and removes it afterwards. */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, whatever the working directory. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A small topics.yaml that passes, so temp folders do not depend on the shipped topics. */
export const validTopics = `
topics:
  - id: m23
    name: M23 rebellion
    terms: [M23]
`;

/** A sources.yaml that passes, pointing at a local file that exists. */
export const validSources = `
feeds:
  - id: wire
    url: wire.xml
`;

/** Creates a temp folder holding `files` (name → text); returns its path and a cleanup. */
export async function makeConfigFolder(files: Record<string, string>): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'sitrep-config-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
