/**
 * JSON Schemas of the config files, generated from the zod schemas so editors (yaml-language-server)
 * can complete and check sources.yaml, topics.yaml and settings.yaml. The committed copies in schema/
 * are compared with these in a test, so they never go stale.
 */
import { z } from 'zod';
import { settingsFileSchema } from './settings-schema.js';
import { sourcesFileSchema } from './sources-schema.js';
import { topicsFileSchema } from './topics-schema.js';

/** File name → schema, for every config file that has one. */
export const CONFIG_SCHEMAS = {
  'sources.schema.json': sourcesFileSchema,
  'topics.schema.json': topicsFileSchema,
  'settings.schema.json': settingsFileSchema,
} as const;

/** The text of each JSON Schema file, keyed by file name (stable: same input, same bytes). */
export function jsonSchemaFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, schema] of Object.entries(CONFIG_SCHEMAS)) {
    // Input mode: keys with defaults are optional, durations accept "5m" or seconds, as a person writes them.
    // draft-7 because that is what yaml-language-server understands best.
    const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-7', unrepresentable: 'any' });
    files[name] = `${JSON.stringify(json, null, 2)}\n`;
  }
  return files;
}
