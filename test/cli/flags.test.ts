import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../config/config-folder.js';

type RunResult = { code: number; stdout: string; stderr: string };

// SITREP_CONFIG and SITREP_DB empty count as unset, so only the flags decide where sitrep looks.
const cleanEnv: NodeJS.ProcessEnv = { ...process.env, SITREP_CONFIG: '', SITREP_DB: '', SITREP_LOG_LEVEL: '' };

/** Runs bin/sitrep.js in `cwd`. */
function sitrep(args: string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(repoRoot, 'bin/sitrep.js'), ...args], { cwd, env: cleanEnv, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function emptyFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sitrep-flags-'));
  dirs.push(dir);
  return dir;
}

describe('sitrep global flags', () => {
  it('refuses an explicitly empty --db or --config with exit 2 instead of falling back to the defaults', async () => {
    const cwd = await emptyFolder();
    for (const args of [['--db', '', 'status'], ['--config', '', 'check-config'], ['--db=', 'digest'], ['status', '--config', ' ']]) {
      const result = await sitrep(args, cwd);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr, args.join(' ')).toMatch(/^error: option '--(db <path>|config <dir>)' argument ' ?' is invalid\. An empty value is not allowed/);
    }
    // Nothing was opened or created in the working directory (./data/sitrep.db before).
    expect(await readdir(cwd)).toEqual([]);
  });

  it('refuses an empty schema --out instead of writing into the working directory', async () => {
    const cwd = await emptyFolder();
    const result = await sitrep(['schema', '--out', ''], cwd);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: option '--out <dir>' argument '' is invalid\. An empty value is not allowed/);
    expect(await readdir(cwd)).toEqual([]);
  });
});

describe('sitrep with a folder the file system refuses', () => {
  it.runIf(existsSync('/proc/self'))('says so and exits 1 instead of hanging (--db and schema --out under /proc)', async () => {
    const cwd = await emptyFolder();
    const schema = await sitrep(['schema', '--out', '/proc/sitrep-test'], cwd);
    expect(schema.code).toBe(1);
    expect(schema.stderr).toMatch(/^sitrep schema: cannot write to \/proc\/sitrep-test: ENOENT/);
    const poll = await sitrep(['--config', join(repoRoot, 'feeds/demo'), '--db', '/proc/sitrep-test/x.db', 'poll', '--once'], cwd);
    expect(poll.code).toBe(1);
    expect(poll.stderr).toContain('cannot open the database /proc/sitrep-test/x.db: ENOENT');
  });
});

describe('sitrep digest --topic', () => {
  it('refuses a second --topic with exit 2 instead of keeping only the last one', async () => {
    const cwd = await emptyFolder();
    const result = await sitrep(['--config', join(repoRoot, 'feeds'), 'digest', '--topic', 'm23', '--topic', 'ceasefire'], cwd);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(`error: option '--topic <topic>' argument 'ceasefire' is invalid. --topic may be given once (it was already "m23").`);
    expect(await readdir(cwd)).toEqual([]);
  });
});
