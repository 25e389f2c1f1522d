import { describe, it, expect, afterEach } from 'vitest';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readYamlFile } from '../../src/config/yaml-file.js';
import { makeConfigFolder } from './config-folder.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function read(text: string) {
  const { dir, cleanup } = await makeConfigFolder({ 'sources.yaml': text });
  cleanups.push(cleanup);
  return readYamlFile(join(dir, 'sources.yaml'));
}

async function dataOf(text: string): Promise<unknown> {
  const result = await read(text);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse: ${result.problems[0]?.message}`);
  return result.yaml.data;
}

// Files of the shapes people write, and the scalars where YAML parsers are known to part ways.
const DOCUMENTS = [
  'defaults:\n  interval: 5m\n  concurrency: 16\nfeeds:\n  - id: okapi\n    url: https://www.radiookapi.net/rss.xml\n    language: fr\n    enabled: false\n',
  'topics:\n  - id: m23\n    name: "M23: the rebellion"\n    any: [M23, AFC/M23, "Mouvement du 23 mars"]\n    none:\n      - Gaza\n',
  'a: 010\nb: 0o10\nc: 0x1F\nd: 1_000\ne: .5\nf: +1\ng: 1e3\nh: .inf\ni: ~\nj: Null\nk: yes\nl: On\nm: 2026-01-01\nn: 12:30\n',
  "o: 'it''s'\np: !!str 5\nr: 1.0\ns: TRUE\nt: 'x # y' # comment\nu: |\n  line one\n  line two\nv: >\n  folded\n  text\n",
  'x: &base {interval: 5m}\ny: *base\n',
  '\uFEFFfeeds: []\n',
  '',
  '# only a comment\n',
];

describe('readYamlFile', () => {
  it('gives the same data as the yaml package for every document', async () => {
    for (const text of DOCUMENTS) expect(await dataOf(text), JSON.stringify(text)).toEqual(parse(text) ?? {});
  });

  it('reads every kind of plain scalar as the yaml package does', async () => {
    const scalars = [
      '0', '-0', '+12', '010', '0o17', '0x1F', '0b101', '1_000', '1_000.5', '1.', '.5', '+.5', '-.5', '1e5', '1E+5', '0.5e-3',
      '.inf', '-.Inf', '.NaN', 'NaN', 'true', 'True', 'tRUE', 'yes', 'on', 'null', 'Null', '~', '', '12:30', '2026-01-01', '0x', '1e',
    ];
    const text = scalars.map((scalar, i) => `k${i}: ${scalar}`).join('\n');
    expect(await dataOf(text)).toEqual(parse(text));
  });

  it('honours a %YAML 1.1 directive, under which yes and on are booleans', async () => {
    expect(await dataOf('%YAML 1.1\n---\nenabled: yes\nother: on\n')).toEqual({ enabled: true, other: true });
  });

  it('reads a value with a tag it does not know as the yaml package does (its plain value)', async () => {
    expect(await dataOf('url: !feed https://example.org/rss\n')).toEqual({ url: 'https://example.org/rss' });
  });

  it('finds the line of a path and of a key in a file that parsed', async () => {
    const result = await read('defaults:\n  interval: 5m\nfeeds:\n  - id: okapi\n    url: https://example.org/rss\n\n  - id: wire\n    url: x\n');
    if (!result.ok) throw new Error('expected the file to parse');
    expect(result.yaml.lineOf(['feeds', 1, 'url'])).toBe(8);
    expect(result.yaml.lineOf(['feeds', 1], 'id')).toBe(7);
    expect(result.yaml.lineOf(['defaults'], 'interval')).toBe(2);
    // A key that is not there: the line of the mapping that should hold it.
    expect(result.yaml.lineOf(['feeds', 0, 'language'])).toBe(4);
  });

  it('names the usual slips with line, column and what to do', async () => {
    const colon = await read('feeds:\n  - id: okapi\n    name: Radio Okapi: news\n');
    expect(colon).toMatchObject({
      ok: false,
      problems: [{ line: 3, message: expect.stringContaining('(put a value that contains ": " in quotes)') }],
    });
    const tab = await read('feeds:\n\t- id: okapi\n');
    expect(tab).toMatchObject({ ok: false, problems: [expect.objectContaining({ line: 2, message: expect.stringContaining('(indent with spaces)') })] });
  });

  it('refuses a mapping that repeats a key, saying which', async () => {
    const result = await read('feeds:\n  - id: okapi\n    id: wire\n');
    expect(result).toMatchObject({ ok: false, problems: [{ line: 3, message: expect.stringMatching(/unique/i) }] });
    expect(!result.ok && result.problems[0]?.message).toContain('("id" is given twice)');
    const nested = await read('defaults:\n  timeout: 5s\n  "timeout": 6s\n');
    expect(!nested.ok && nested.problems[0]?.message).toContain('("timeout" is given twice)');
  });
});
