import { tmpdir } from 'node:os';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { killAllBots, spawnBot } from './bot-process.js';

// One run of `sitrep demo` (≈35 s: 21 sample items released over ≈27 s, then the digest), checked by each test.
let out = '';
let code: number | null = null;
let seconds = 0;

beforeAll(async () => {
  const started = Date.now();
  // Run from another folder: the sample feeds ship with sitrep and are found from its own folder.
  const demo = spawnBot(['demo'], {}, tmpdir());
  // Piped at once, as `printf '/status m23\n' | npm run demo` does: answered when the show is over.
  demo.send('/status m23');
  demo.endInput();
  const exit = await Promise.race([
    demo.exited,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`demo still running after 55 s:\n${demo.stdout()}`)), 55_000)),
  ]);
  out = demo.stdout();
  code = exit.code;
  seconds = (exit.at - started) / 1000;
  if (process.env.SITREP_E2E_SHOW) console.log(out);
}, 60_000);

afterAll(killAllBots);

/** Alerts: each `## ` heading printed before the digest, with the two lines under it (source, why). */
function alertBlocks(text: string): string[] {
  const lines = (text.split('=== Daily digest')[0] ?? '').split('\n');
  return lines.flatMap((line, i) => (line.startsWith('## ') ? [lines.slice(i, i + 3).join('\n')] : []));
}

describe('sitrep demo with a command piped in', () => {
  it('prints the ready line, then alerts with source and why they matched, then a digest, and exits 0', () => {
    expect(code).toBe(0);
    expect(seconds).toBeLessThan(50);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^sitrep ready: 4 feeds, topics m23, qatar-talks, ceasefire; platforms: console/);
    expect(lines[1]).toMatch(/^demo: the console is subscribed to every topic; \d+ sample items/);

    const alerts = alertBlocks(out);
    expect(alerts.length).toBeGreaterThanOrEqual(5);
    for (const alert of alerts) {
      const [heading, source, why] = alert.trim().split('\n');
      expect(heading).toMatch(/^## .+ <https:\/\/[^>]+>$/);
      expect(source).toMatch(/^ {2}.+ · just now \(/);
      expect(why).toMatch(/^ {2}Matched (m23|qatar-talks|ceasefire): /);
    }
    // Look-alikes in the sample feeds never alert.
    expect(out).not.toContain('M23 closed overnight between junctions');
    expect(out).not.toContain('AFC Bournemouth');
    expect(out).not.toContain('Gaza ceasefire talks');

    const digestAt = out.indexOf('=== Daily digest');
    expect(digestAt).toBeGreaterThan(out.indexOf('Matched'));
    expect(out.slice(digestAt)).toMatch(/## M23 rebellion[\s\S]*## Doha talks[\s\S]*## Ceasefire/);
    const over = out.indexOf('demo: all sample items are in. Try /status m23');
    expect(over).toBeGreaterThan(digestAt);
  });

  it('answers a piped command after the show, with what arrived', () => {
    const over = out.indexOf('demo: all sample items are in.');
    const answer = out.slice(over);
    expect(out.indexOf('## M23 rebellion:')).toBeGreaterThan(over);
    expect(answer).toMatch(/## M23 rebellion: [\s\S]*Latest facts\n• /);
    expect(answer).not.toContain('M23 rebellion: no recent reports');
  });

  it('shows a syndicated story growing "+N sources" as an update line', () => {
    expect(out).toMatch(/^↻ .+ \+\d+ sources? \(.+\): .+$/m);
  });

  it('alerts each story once', () => {
    const titles = alertBlocks(out).flatMap((block) => block.split('\n').filter((line) => line.startsWith('## ')));
    expect(new Set(titles).size).toBe(titles.length);
  });
});
