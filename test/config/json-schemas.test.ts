import { describe, it, expect } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jsonSchemaFiles } from '../../src/config/json-schemas.js';
import { repoRoot } from './config-folder.js';

describe('JSON Schemas', () => {
  it('the committed schema/ files equal freshly generated ones (run `npm run schema` when this fails)', async () => {
    const fresh = jsonSchemaFiles();
    expect(Object.keys(fresh).sort()).toEqual(['settings.schema.json', 'sources.schema.json', 'topics.schema.json']);
    for (const [name, text] of Object.entries(fresh)) {
      expect(await readFile(join(repoRoot, 'schema', name), 'utf8'), name).toBe(text);
    }
  });

  it('describe the YAML as written: defaults optional, durations as text or seconds, unknown keys refused', () => {
    const sources = JSON.parse(jsonSchemaFiles()['sources.schema.json'] ?? '{}');
    expect(sources.required).toEqual(['feeds']);
    expect(sources.additionalProperties).toBe(false);
    const interval = sources.properties.defaults.properties.interval;
    expect(interval.default).toBe('5m');
    expect(interval.anyOf.map((branch: { type: string }) => branch.type)).toEqual(['string', 'number']);
    expect(sources.properties.feeds.items.required).toEqual(['id', 'url']);
  });

  it('are referenced from the first line of each shipped YAML file', async () => {
    const firstLine = async (file: string) => (await readFile(join(repoRoot, file), 'utf8')).split('\n')[0];
    expect(await firstLine('feeds/sources.yaml')).toBe('# yaml-language-server: $schema=../schema/sources.schema.json');
    expect(await firstLine('feeds/settings.yaml')).toBe('# yaml-language-server: $schema=../schema/settings.schema.json');
    expect(await firstLine('feeds/demo/sources.yaml')).toBe('# yaml-language-server: $schema=../../schema/sources.schema.json');
  });
});
