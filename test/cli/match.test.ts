import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin/sitrep.js');
const temp = mkdtempSync(join(tmpdir(), 'sitrep-match-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Runs `sitrep match` with `input` on stdin; resolves to its exit code and output. */
function sitrepMatch(args: string[], input: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env: { ...process.env, SITREP_CONFIG: '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const lines = (text: string) => text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

describe('sitrep match', () => {
  it('uses the topics file a config folder names in its sources.yaml (feeds/demo shares ../topics.yaml)', async () => {
    const input = JSON.stringify({ id: 'd', title: 'M23 rebels seize Walikale', summary: '' });
    const result = await sitrepMatch(['--config', 'feeds/demo', 'match', '--json'], `${input}\n`);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([{ id: 'd', topics: ['m23'] }]);
  });

  it('writes one line per item, in input order, with the topics of the default ./feeds/topics.yaml', async () => {
    const input = [
      { id: 'a', title: 'M23 motorway closed at junction 9', summary: '' },
      { id: 'b', title: 'Trêve : Kinshasa et l’AFC/M23 s’engagent à Doha', summary: '<p>Les négociations &amp; la médiation qatarie</p>', lang: 'fr' },
      { id: 3, title: 'Gaza ceasefire talks in Doha', summary: 'Hamas and Israel' },
    ]
      .map((item) => JSON.stringify(item))
      .join('\n');
    const result = await sitrepMatch(['match', '--json'], `${input}\n`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([
      { id: 'a', topics: [] },
      { id: 'b', topics: ['m23', 'qatar-talks', 'ceasefire'] },
      { id: 3, topics: [] },
    ]);
  });

  it('adds the evidence per topic with --explain', async () => {
    const result = await sitrepMatch(['match', '--explain'], `${JSON.stringify({ id: 'x', title: 'Rebels seize Goma', summary: 'The M23 entered the city.' })}\n`);
    expect(result.code).toBe(0);
    const [line] = lines(result.stdout);
    expect(line?.topics).toEqual(['m23']);
    expect((line?.evidence as Record<string, unknown[]>).m23).toEqual(expect.arrayContaining([{ term: 'M23', field: 'summary' }, { term: 'Goma', field: 'title' }]));
  });

  it('names each bad line, answers every other one and exits 1', async () => {
    const ok = (id: string) => JSON.stringify({ id, title: 'M23', summary: '' });
    const result = await sitrepMatch(['match'], `${ok('first')}\n\n{"id": "broken",\n${ok('after')}\n{"title": "no id"}\n${ok('last')}\n`);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^match: line 3: not valid JSON/), expect.stringMatching(/^match: line 5: /)]);
    expect(lines(result.stdout)).toEqual(['first', 'after', 'last'].map((id) => ({ id, topics: ['m23'] })));
  });

  it('reads topics.yaml from --config and from SITREP_CONFIG', async () => {
    writeFileSync(join(temp, 'topics.yaml'), 'topics:\n  - id: volcano\n    name: Volcano\n    terms: [Nyiragongo]\n');
    const item = `${JSON.stringify({ id: 1, title: 'Nyiragongo rumbles', summary: '' })}\n`;
    const byFlag = await sitrepMatch(['--config', temp, 'match'], item);
    const byEnv = await sitrepMatch(['match'], item, { SITREP_CONFIG: temp });
    expect(lines(byFlag.stdout)).toEqual([{ id: 1, topics: ['volcano'] }]);
    expect(lines(byEnv.stdout)).toEqual([{ id: 1, topics: ['volcano'] }]);
  });

  it('reports a bad topics file with its path and exits 1', async () => {
    const dir = mkdtempSync(join(temp, 'bad-'));
    writeFileSync(join(dir, 'topics.yaml'), 'topics:\n  - id: a\n    name: A\n    terms: ["@missing"]\n');
    const result = await sitrepMatch(['--config', dir, 'match'], '');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${join(dir, 'topics.yaml')}: topics[0].terms[0]: unknown vocab list "@missing"`);
    expect(result.stdout).toBe('');
  });
});
