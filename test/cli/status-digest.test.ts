import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as runDigest } from '../../src/cli/digest.js';
import { run as runStatus, type CliIo } from '../../src/cli/status.js';
import { parsePeriod } from '../../src/cli/time-parse.js';
import { createManualClock } from '../../src/clock.js';
import { openCore } from '../../src/core.js';
import { createLogger } from '../../src/logger.js';
import { startFeedServer, type FeedServer } from '../fakes/feed-server.js';
import { TEST_TOPICS_YAML } from '../status/seed-store.js';

const NOW = Date.parse('2025-11-27T12:00:00Z');
const HOUR = 3_600_000;

type Entry = { title: string; hoursAgo: number; link: string };

function rss(title: string, entries: Entry[]): string {
  const items = entries
    .map(
      (e) => `<item><title>${e.title}</title><link>${e.link}</link><guid>${e.link}</guid>` +
        `<pubDate>${new Date(NOW - e.hoursAgo * HOUR).toUTCString()}</pubDate><description>${e.title}</description></item>`,
    )
    .join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>https://example.org/</link><description>d</description>${items}</channel></rss>`;
}

// One story syndicated by three outlets, plus single-source stories.
const SYNDICATED = 'Clashes erupt near Sake despite the ceasefire';
const FEEDS: Record<string, { title: string; entries: Entry[] }> = {
  reuters: {
    title: 'Reuters',
    entries: [
      { title: SYNDICATED, hoursAgo: 5, link: 'https://reuters.example/sake' },
      { title: 'M23 names new governor for North Kivu', hoursAgo: 30, link: 'https://reuters.example/governor' },
      { title: 'Heavy clashes in Masisi test the fragile truce', hoursAgo: 10, link: 'https://reuters.example/masisi' },
    ],
  },
  afp: {
    title: 'AFP',
    entries: [
      { title: SYNDICATED, hoursAgo: 4, link: 'https://afp.example/sake' },
      { title: 'Doha talks stalled over prisoner lists', hoursAgo: 2, link: 'https://afp.example/doha' },
    ],
  },
  aj: {
    title: 'Al Jazeera',
    entries: [
      { title: SYNDICATED, hoursAgo: 3, link: 'https://aj.example/sake' },
      { title: 'Truce holds in Bukavu for a second week', hoursAgo: 40, link: 'https://aj.example/bukavu' },
    ],
  },
};

let server: FeedServer;
let dir: string;
let db: string;
const clock = createManualClock(NOW);

function capture(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    clock,
    out: () => out,
    err: () => err,
  };
}

beforeAll(async () => {
  server = await startFeedServer();
  for (const [id, feed] of Object.entries(FEEDS)) server.route(`/${id}.xml`, { body: rss(feed.title, feed.entries) });
  dir = await mkdtemp(join(tmpdir(), 'sitrep-status-cli-'));
  db = join(dir, 'data', 'sitrep.db');
  const sources = ['feeds:', ...Object.entries(FEEDS).flatMap(([id, f]) => [`  - id: ${id}`, `    title: ${f.title}`, `    url: ${server.url(`/${id}.xml`)}`])];
  await writeFile(join(dir, 'sources.yaml'), `${sources.join('\n')}\n`);
  await writeFile(join(dir, 'topics.yaml'), TEST_TOPICS_YAML);
  // Fill the database the way `sitrep poll --once` does: fetch, store, classify.
  const opened = await openCore({ globals: { config: dir, db }, clock, logger: createLogger('silent') });
  if (!opened.ok) throw new Error(JSON.stringify(opened.problems));
  const reports = await opened.core.createPoller().pollOnce();
  opened.core.close();
  expect(reports.map((r) => r.status)).toEqual(['new', 'new', 'new']);
});

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('sitrep status', () => {
  it('prints a topic\'s card: trend, reason, what changed and dated facts with outlets, times and links', async () => {
    const io = capture();
    expect(await runStatus({ config: dir, db }, 'ceasefire', {}, io)).toBe(0);
    const out = io.out();
    expect(out).toContain('## Ceasefire: escalating');
    expect(out).toContain('2 reports of clashes despite the truce since Monday 24 Nov, against 1 of the truce holding.');
    expect(out).toContain('Changed: new: clashes despite the truce (Reuters, 10 h ago)');
    expect(out).toContain(`• ${SYNDICATED} <https://reuters.example/sake> — Reuters +2 sources (AFP, Al Jazeera) · 5 h ago (27 Nov 07:00 UTC)`);
    expect(out).toContain('• Truce holds in Bukavu for a second week <https://aj.example/bukavu> — Al Jazeera · 40 h ago (25 Nov 20:00 UTC) · single source');
    expect(out).toContain('As of 27 Nov 12:00 UTC.');
    expect(io.err()).toBe('');
  });

  it('prints every topic when none is named, and JSON cards with --json', async () => {
    const io = capture();
    expect(await runStatus({ config: dir, db }, undefined, {}, io)).toBe(0);
    expect(io.out().match(/^## .*$/gm)).toEqual(['## M23 rebellion: unchanged', '## Doha talks: escalating', '## Ceasefire: escalating']);
    expect(io.out()).toContain('Changed: new: talks stalled (AFP, 2 h ago)');

    const json = capture();
    expect(await runStatus({ config: dir, db }, undefined, { json: true }, json)).toBe(0);
    const cards = json.out().trim().split('\n').map((line) => JSON.parse(line) as { topicId: string; facts: unknown[] });
    expect(cards.map((c) => c.topicId)).toEqual(['m23', 'qatar-talks', 'ceasefire']);
  });

  it('reads a topic name as the chat commands do, whatever its case', async () => {
    const status = capture();
    expect(await runStatus({ config: dir, db }, 'Ceasefire', {}, status)).toBe(0);
    expect(status.out()).toContain('## Ceasefire: escalating');
    const digest = capture();
    expect(await runDigest({ config: dir, db }, { since: '7d', topic: ' CEASEFIRE ' }, digest)).toBe(0);
    expect(digest.out().match(/^## .*$/gm)).toEqual(['## Ceasefire']);
  });

  it('answers an unknown topic with one line listing the valid ones, exit 2', async () => {
    const io = capture();
    expect(await runStatus({ config: dir, db }, 'gaza', {}, io)).toBe(2);
    expect(io.err()).toBe('unknown topic "gaza"; valid topics: m23, qatar-talks, ceasefire\n');
    expect(io.out()).toBe('');
  });

  it('says how to get a database when there is none, exit 1, and creates nothing', async () => {
    const io = capture();
    const missing = join(dir, 'nowhere', 'sitrep.db');
    expect(await runStatus({ config: dir, db: missing }, undefined, {}, io)).toBe(1);
    expect(io.err()).toBe(`no database at ${missing} — run \`sitrep poll --once\` first\n`);
    const digestIo = capture();
    expect(await runDigest({ config: dir, db: missing }, { since: '24h' }, digestIo)).toBe(1);
    expect(digestIo.err()).toContain('no database at');
  });
});

describe('sitrep digest', () => {
  it('prints a section per topic with the syndicated story once, "+2 sources"', async () => {
    const io = capture();
    expect(await runDigest({ config: dir, db }, { since: '24h' }, io)).toBe(0);
    const out = io.out();
    expect(out.match(/^## .*$/gm)).toEqual(['## M23 rebellion', '## Doha talks', '## Ceasefire']);
    expect(out.split(SYNDICATED)).toHaveLength(2);
    expect(out).toContain(`• ${SYNDICATED} <https://reuters.example/sake> — Reuters +2 sources (AFP, Al Jazeera) · 5 h ago (27 Nov 07:00 UTC)`);
    expect(out).toContain('Doha talks stalled over prisoner lists');
    // Older than 24 h: not in this digest.
    expect(out).not.toContain('Truce holds in Bukavu');
    expect(out).toContain('Digest of 26 Nov 12:00 UTC to 27 Nov 12:00 UTC.');
  });

  it('covers one topic with --topic and says so plainly when the period is empty', async () => {
    const one = capture();
    expect(await runDigest({ config: dir, db }, { since: '7d', topic: 'ceasefire' }, one)).toBe(0);
    expect(one.out().match(/^## .*$/gm)).toEqual(['## Ceasefire']);
    expect(one.out()).toContain('Truce holds in Bukavu');

    const empty = capture();
    expect(await runDigest({ config: dir, db }, { since: '90m', topic: 'm23' }, empty)).toBe(0);
    expect(empty.out()).toBe('No new reports on M23 rebellion since 27 Nov 10:30 UTC.\n');
  });

  it('refuses an unreadable period or an unknown topic with exit 2', async () => {
    const bad = capture();
    expect(await runDigest({ config: dir, db }, { since: 'yesterday' }, bad)).toBe(2);
    expect(bad.err()).toBe('digest: --since: "yesterday" is not a period; write e.g. 24h, 90m, 7d or 1d12h\n');
    const unknown = capture();
    expect(await runDigest({ config: dir, db }, { topic: 'gaza' }, unknown)).toBe(2);
    expect(unknown.err()).toContain('valid topics: m23, qatar-talks, ceasefire');
  });
});

describe('parsePeriod', () => {
  it('reads hours, minutes, days, weeks and combinations', () => {
    expect(parsePeriod('24h')).toEqual({ ok: true, ms: 24 * HOUR });
    expect(parsePeriod('90m')).toEqual({ ok: true, ms: 90 * 60_000 });
    expect(parsePeriod('7d')).toEqual({ ok: true, ms: 7 * 24 * HOUR });
    expect(parsePeriod('1w')).toEqual({ ok: true, ms: 7 * 24 * HOUR });
    expect(parsePeriod(' 1d12h ')).toEqual({ ok: true, ms: 36 * HOUR });
    expect(parsePeriod('1.5h')).toEqual({ ok: true, ms: 90 * 60_000 });
  });

  it('refuses bare numbers, unknown units, empty and absurd periods', () => {
    for (const text of ['24', '3y', '', 'h', '-2h', 'yesterday']) expect(parsePeriod(text).ok).toBe(false);
    expect(parsePeriod('0h')).toEqual({ ok: false, reason: '"0h" is an empty period; write e.g. 24h' });
    expect(parsePeriod('4000d').ok).toBe(false);
  });
});
