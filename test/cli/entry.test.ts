import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// bin/sitrep.js copied into a scratch package whose "CLI" only says which copy ran.
const REPO = resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratchPackage(): { root: string; run(): string; age(path: string, secondsAgo: number): void } {
  const root = mkdtempSync(join(tmpdir(), 'sitrep-entry-'));
  dirs.push(root);
  for (const dir of ['bin', 'src', 'commands', 'dist/src']) mkdirSync(join(root, dir), { recursive: true });
  copyFileSync(join(REPO, 'bin/sitrep.js'), join(root, 'bin/sitrep.js'));
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), '{"type":"module"}');
  writeFileSync(join(root, 'src/cli.ts'), "const from: string = 'sources';\nconsole.log(from);\n");
  writeFileSync(join(root, 'commands/help.ts'), 'export {};\n');
  writeFileSync(join(root, 'dist/src/cli.js'), "console.log('build');\n");
  return {
    root,
    run: () => execFileSync(process.execPath, [join(root, 'bin/sitrep.js')], { encoding: 'utf8' }).trim(),
    age: (path, secondsAgo) => {
      const at = new Date(Date.now() - secondsAgo * 1000);
      utimesSync(join(root, path), at, at);
    },
  };
}

describe('bin/sitrep.js', () => {
  it('runs the build in dist/ when it is newer than every source file', () => {
    const pkg = scratchPackage();
    pkg.age('src/cli.ts', 60);
    pkg.age('commands/help.ts', 60);
    expect(pkg.run()).toBe('build');
  });

  it('runs the TypeScript sources when any of them is newer than the build, or there is no build', () => {
    const pkg = scratchPackage();
    pkg.age('dist/src/cli.js', 60);
    pkg.age('src/cli.ts', 120);
    expect(pkg.run()).toBe('sources'); // commands/help.ts was edited after the build
    rmSync(join(pkg.root, 'dist'), { recursive: true });
    pkg.age('commands/help.ts', 120);
    expect(pkg.run()).toBe('sources');
  });
});
