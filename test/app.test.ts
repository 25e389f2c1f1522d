import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startApp } from '../src/app.js';
import { systemClock } from '../src/clock.js';
import { createLogger } from '../src/logger.js';

const REPO = resolve(import.meta.dirname, '..');

describe('startApp with the console on a terminal', () => {
  it('prints the ready line before the first prompt, and stops at the end of input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sitrep-app-'));
    const input = Object.assign(new PassThrough(), { isTTY: true });
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const started = await startApp({
      globals: { config: join(REPO, 'feeds/demo') },
      dbPath: join(dir, 'sitrep.db'),
      clock: systemClock,
      logger: createLogger('silent'),
      input,
      output,
    });
    try {
      expect(started.ok).toBe(true);
      if (!started.ok) return;
      expect(text.indexOf('sitrep ready:')).toBe(0);
      expect(text.indexOf('sitrep> ')).toBeGreaterThan(text.indexOf('\n'));
      input.end();
      expect(await started.app.consoleDone).toBe('end of input');
      await started.app.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
