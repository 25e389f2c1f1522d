import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeFolder } from '../src/make-folder.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sitrep-make-folder-'));
  dirs.push(dir);
  return dir;
};

describe('makeFolder', () => {
  it('creates missing parents and accepts a folder that exists', () => {
    const dir = scratch();
    makeFolder(join(dir, 'a/b/c'));
    expect(statSync(join(dir, 'a/b/c')).isDirectory()).toBe(true);
    makeFolder(join(dir, 'a/b/c'));
    makeFolder(dir);
  });

  it('throws when a file is in the way', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'file'), '');
    expect(() => makeFolder(join(dir, 'file'))).toThrow(/EEXIST/);
    expect(() => makeFolder(join(dir, 'file/sub'))).toThrow(/ENOTDIR/);
  });

  it.runIf(existsSync('/proc/self'))('fails at once under /proc, where a recursive mkdir loops forever', () => {
    const started = Date.now();
    expect(() => makeFolder('/proc/sitrep-test/x')).toThrow(/ENOENT/);
    expect(() => makeFolder('/proc/sitrep-test')).toThrow(/ENOENT/);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
