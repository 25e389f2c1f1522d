/**
 * The commands that print and exit, with stdout that cannot be written (a full disk) or a reader that goes
 * away early (`| head`): one line on stderr and exit 1, or a quiet exit 0; never an unhandled 'error' event.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');

function run(args: string[], stdout: 'full' | 'closed-early', input = ''): Promise<{ code: number | null; stderr: string }> {
  const full = stdout === 'full' ? openSync('/dev/full', 'w') : null;
  const child = spawn(process.execPath, ['bin/sitrep.js', '--config', 'feeds', ...args], {
    cwd: REPO,
    env: { ...process.env, SITREP_CONFIG: '', SITREP_DB: '', DISCORD_TOKEN: '', TELEGRAM_BOT_TOKEN: '' },
    stdio: ['pipe', full ?? 'pipe', 'pipe'],
  });
  if (full !== null) closeSync(full);
  // The reader that stops after the first bytes, as `| head -c 1` does.
  child.stdout?.once('data', () => child.stdout!.destroy());
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin!.on('error', () => {});
  child.stdin!.end(input);
  return new Promise((resolveRun) => child.on('exit', (code) => resolveRun({ code, stderr })));
}

describe('one-shot commands with a broken stdout', () => {
  it.each([['check-config'], ['parse', 'feeds/demo/great-lakes-wire.xml'], ['match']])('%s on a full disk says so in one line and exits 1', async (...args) => {
    const { code, stderr } = await run(args, 'full', '{"id":1,"title":"M23 rebels near Goma"}\n');
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('sitrep: cannot write the output: ENOSPC: no space left on device, write');
  });

  it('match stops quietly with exit 0 when its reader goes away', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `{"id":${i},"title":"M23 rebels near Goma"}\n`).join('');
    const { code, stderr } = await run(['match'], 'closed-early', lines);
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });
});
