/** `sitrep schema [--out DIR]`: writes the JSON Schemas of sources.yaml, topics.yaml and settings.yaml. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jsonSchemaFiles } from '../config/json-schemas.js';
import { errorText } from '../error-text.js';
import { makeFolder } from '../make-folder.js';

/** Writes every schema file into `opts.out`; exit code 0, or 1 when the folder cannot be written. */
export async function run(_globals: { config?: string; db?: string }, opts: { out: string }): Promise<number> {
  try {
    makeFolder(opts.out);
    for (const [name, text] of Object.entries(jsonSchemaFiles())) {
      await writeFile(join(opts.out, name), text);
      process.stdout.write(`wrote ${join(opts.out, name)}\n`);
    }
    return 0;
  } catch (error) {
    process.stderr.write(`sitrep schema: cannot write to ${opts.out}: ${errorText(error)}\n`);
    return 1;
  }
}
