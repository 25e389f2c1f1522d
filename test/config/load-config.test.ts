import { describe, it, expect, afterEach } from 'vitest';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatProblem, loadConfig } from '../../src/config/load-config.js';
import { makeConfigFolder, repoRoot, validSources, validTopics } from './config-folder.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function folder(files: Record<string, string>): Promise<string> {
  const made = await makeConfigFolder({ 'wire.xml': '<rss/>', ...files });
  cleanups.push(made.cleanup);
  return made.dir;
}

async function problemLines(dir: string, options = {}): Promise<string[]> {
  const result = await loadConfig(dir, options);
  if (result.ok) throw new Error('expected the config to be refused');
  // Temp paths differ per run; keep only the part a reader recognises.
  return result.problems.map((p) => formatProblem(p).replace(`${dir}/`, ''));
}

describe('loadConfig', () => {
  it('loads a folder with the default settings when there is no settings.yaml', async () => {
    const dir = await folder({ 'sources.yaml': validSources, 'topics.yaml': validTopics });
    const result = await loadConfig(dir);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.feeds).toEqual([
      expect.objectContaining({ id: 'wire', url: pathToFileURL(join(dir, 'wire.xml')).href, intervalMs: 300_000, enabled: true }),
    ]);
    expect(result.config.topics.topics.map((t) => t.id)).toEqual(['m23']);
    expect(result.config.settings.digest.timezone).toBe('UTC');
    expect(result.config.files).toEqual({ sources: join(dir, 'sources.yaml'), topics: join(dir, 'topics.yaml'), settings: null });
    expect(result.config.concurrency).toBe(8);
  });

  it('reports every problem across all three files, each with file, path and line', async () => {
    const dir = await folder({
      'sources.yaml': [
        'defaults:',
        '  intervall: 5m',
        'feeds:',
        '  - id: okapi',
        '    url: ftp://radiookapi.net/rss',
        '  - id: okapi',
        '    url: wire.xml',
        '    interval: 0s',
      ].join('\n'),
      'topics.yaml': 'topics:\n  - id: m23\n    nam: M23\n',
      'settings.yaml': 'digest:\n  timezone: Mars/Olympus\n',
    });
    expect(await problemLines(dir)).toEqual([
      'sources.yaml: defaults: unknown key "intervall" (did you mean "interval"?) (line 2)',
      'sources.yaml: feeds[0].url: must be an http(s) URL or a file path (the scheme "ftp:" is not supported) (line 5)',
      'sources.yaml: feeds[1].interval: must be at least 1s (line 8)',
      'sources.yaml: feeds[1].id: duplicate id "okapi": feeds[0] and feeds[1] both use it (line 6)',
      'topics.yaml: topics[0].name: is required (line 2)',
      'topics.yaml: topics[0]: unknown key "nam" (did you mean "name"?) (line 3)',
      'topics.yaml: topics[0]: topic "m23" can never match: it has no strong, terms or rules with terms of their own, and no other topic implies it (line 2)',
      'settings.yaml: digest.timezone: must be an IANA time zone such as "UTC", "Africa/Kinshasa" or "Africa/Lubumbashi" (line 2)',
    ]);
  });

  it('reports a YAML syntax error with its line and column, and still checks the other files', async () => {
    const dir = await folder({
      'sources.yaml': 'feeds:\n  - id: a\n    title: Radio Okapi: Goma\n    url: wire.xml\n',
      'topics.yaml': validTopics,
      'settings.yaml': 'poll:\n  backoffMax: 1s\n',
    });
    const result = await loadConfig(dir);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const [syntax, ...rest] = result.problems;
    expect(syntax).toEqual({
      file: join(dir, 'sources.yaml'),
      path: '',
      message: 'YAML syntax error: Nested mappings are not allowed in compact mappings (put a value that contains ": " in quotes)',
      line: 3,
      column: 12,
    });
    expect(rest.map(formatProblem)).toEqual([`${join(dir, 'settings.yaml')}: poll.backoffMax: must be at least 1m (line 2)`]);
  });

  it('names missing files, and local feed files that do not exist', async () => {
    const empty = await folder({});
    expect(await problemLines(empty)).toEqual(['sources.yaml: file not found', 'topics.yaml: file not found']);

    const dir = await folder({ 'sources.yaml': 'feeds:\n  - id: a\n    url: samples/gone.xml\n  - id: b\n    url: gone.xml\n    enabled: false\n', 'topics.yaml': validTopics });
    const lines = await problemLines(dir);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^sources\.yaml: feeds\[0\]\.url: file not found: samples\/gone\.xml \(looked for .*samples\/gone\.xml\) \(line 3\)$/);
  });

  it('reports cross-references and missing feed files even when a value elsewhere in the file has the wrong type', async () => {
    const dir = await folder({
      'sources.yaml': 'defaults:\n  timeout: 0\nfeeds:\n  - id: a\n    url: gone.xml\n',
      'topics.yaml': [
        'topics:',
        '  - id: m23',
        '    name: M23',
        "    terms: ['@no-such-list']",
        '    implies: [no-such-topic]',
        '  - id: m23',
        '    name: Again',
        '    description: 5',
        '    strong: 42',
        '    terms: [y]',
        '',
      ].join('\n'),
    });
    const lines = await problemLines(dir);
    expect(lines.filter((line) => line.startsWith('sources.yaml'))).toEqual([
      expect.stringMatching(/^sources\.yaml: defaults\.timeout: /),
      expect.stringMatching(/^sources\.yaml: feeds\[0\]\.url: file not found: gone\.xml /),
    ]);
    const topics = lines.filter((line) => line.startsWith('topics.yaml')).map((line) => line.replace(/ \(line \d+\)$/, ''));
    expect(topics).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^topics\.yaml: topics\[1\]\.description: /),
        expect.stringMatching(/^topics\.yaml: topics\[1\]\.strong: /),
        'topics.yaml: topics[1].id: duplicate topic id "m23"',
        'topics.yaml: topics[0].terms[0]: unknown vocab list "@no-such-list"',
        'topics.yaml: topics[0].implies[0]: unknown topic "no-such-topic"',
      ]),
    );
    expect(topics).toHaveLength(5);
  });

  it('reads the topics file named in sources.yaml, or the one passed in, relative paths as documented', async () => {
    const dir = await folder({
      'demo/sources.yaml': 'topicsFile: ../shared-topics.yaml\nfeeds:\n  - id: a\n    url: ../wire.xml\n',
      'shared-topics.yaml': validTopics,
      'other-topics.yaml': 'topics:\n  - id: doha\n    name: Doha talks\n    terms: [Doha]\n',
    });
    const viaFile = await loadConfig(join(dir, 'demo'));
    expect(viaFile.ok && viaFile.config.topics.topics[0]?.id).toBe('m23');
    expect(viaFile.ok && viaFile.config.files.topics).toBe(join(dir, 'shared-topics.yaml'));

    const viaOption = await loadConfig(join(dir, 'demo'), { topicsFile: join(dir, 'other-topics.yaml') });
    expect(viaOption.ok && viaOption.config.topics.topics[0]?.id).toBe('doha');
  });

  it('reports a config folder that is not there as one problem', async () => {
    const missing = join(await folder({}), 'not-here');
    const loaded = await loadConfig(missing);
    expect(loaded.ok ? [] : loaded.problems.map((p) => `${p.file}: ${p.message}`)).toEqual([
      `${missing}: config folder not found (set by --config or SITREP_CONFIG, default ./feeds)`,
    ]);
  });

  it('points at topicsFile in sources.yaml when the file it names is missing', async () => {
    const dir = await folder({ 'sources.yaml': 'topicsFile: nope.yaml\nfeeds:\n  - id: a\n    url: https://example.org/feed.xml\n' });
    const lines = await problemLines(dir);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^sources\.yaml: topicsFile: file not found: nope\.yaml \(looked for .*nope\.yaml\) \(line 1\)$/);
  });

  it('takes an absolute topicsFile path as it is', async () => {
    const dir = await folder({ 'other-topics.yaml': validTopics });
    const absolute = join(dir, 'other-topics.yaml');
    const configDir = await folder({ 'sources.yaml': `topicsFile: ${absolute}\nfeeds:\n  - id: a\n    url: https://example.org/feed.xml\n` });
    const loaded = await loadConfig(configDir);
    expect(loaded.ok && loaded.config.files.topics).toBe(absolute);
  });

  it('notes one feed listed twice under different ids, comparing the resolved URLs, and loads the config', async () => {
    const sources = [
      'feeds:',
      '  - id: okapi',
      '    url: https://www.radiookapi.net/rss.xml',
      '  - id: okapi-again',
      '    url: HTTPS://WWW.RadioOkapi.net/rss.xml',
      '  - id: okapi-slash',
      '    url: https://www.radiookapi.net/rss.xml/',
      '  - id: wire',
      '    url: wire.xml',
      '  - id: wire-copy',
      '    url: ./wire.xml',
      '    enabled: false',
      '  - id: private',
      '    url: http://q:dup@secret@127.0.0.1:5/x',
      '  - id: private-copy',
      '    url: http://q:dup@secret@127.0.0.1:5/x',
    ].join('\n');
    const dir = await folder({ 'sources.yaml': sources, 'topics.yaml': validTopics });
    const result = await loadConfig(dir);
    // Allowed (a test bed may point many ids at one server), but said: each copy counts as an outlet.
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    const twice = ' (fetched twice, and counted as two outlets in "+N sources")';
    expect(result.config.notes.map((p) => formatProblem(p).replace(`${dir}/`, ''))).toEqual([
      `sources.yaml: feeds[1].url: duplicate url "HTTPS://WWW.RadioOkapi.net/rss.xml": feeds[0] and feeds[1] both use it${twice} (line 5)`,
      `sources.yaml: feeds[4].url: duplicate url "./wire.xml": feeds[3] and feeds[4] both use it${twice} (line 11)`,
      // A login in a URL is never repeated back, even one whose password holds an @.
      `sources.yaml: feeds[6].url: duplicate url "http://***@127.0.0.1:5/x": feeds[5] and feeds[6] both use it${twice} (line 16)`,
    ]);
    expect(result.config.feeds).toHaveLength(7);
  });

  it('says a non-finite number must be finite, and gives one bound for a huge one', async () => {
    const sources = ['defaults:', '  maxBytes: 99999999999999999999999', '  concurrency: .inf', 'feeds:', '  - id: wire', '    url: wire.xml'].join('\n');
    const settings = ['alerts:', '  perChannelPerHour: .nan', '  backlogOnSubscribe: 1e400', '  maxItemAge: .inf', 'digest:', '  maxStoriesPerTopic: -.inf'].join('\n');
    const dir = await folder({ 'sources.yaml': sources, 'topics.yaml': validTopics, 'settings.yaml': settings });
    expect(await problemLines(dir)).toEqual([
      'sources.yaml: defaults.maxBytes: must be at most 100000000 (line 2)',
      'sources.yaml: defaults.concurrency: must be a finite number (found infinity) (line 3)',
      'settings.yaml: alerts.perChannelPerHour: must be a finite number (found NaN) (line 2)',
      'settings.yaml: alerts.maxItemAge: must be a duration such as "30s", "5m", "1h", "1d" or a number of seconds (line 4)',
      'settings.yaml: alerts.backlogOnSubscribe: must be a finite number (found infinity) (line 3)',
      'settings.yaml: digest.maxStoriesPerTopic: must be a finite number (found -infinity) (line 6)',
    ]);
  });

  it('checks that the retry ceiling is not below the first retry delay', async () => {
    const dir = await folder({ 'sources.yaml': validSources, 'topics.yaml': validTopics, 'settings.yaml': 'delivery:\n  retryBase: 1h\n  retryMax: 10m\n' });
    expect(await problemLines(dir)).toEqual(['settings.yaml: delivery.retryMax: must not be shorter than delivery.retryBase (1h) (line 3)']);
  });

  it('names files as the folder was given, relative to the working directory', async () => {
    const dir = await folder({ 'sources.yaml': 'feeds: 3\n', 'topics.yaml': validTopics });
    const given = relative(process.cwd(), dir);
    const result = await loadConfig(given);
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([`${join(given, 'sources.yaml')}: feeds: must be a list (found a number) (line 1)`]);
  });
});

describe('shipped config', () => {
  it('feeds/ loads cleanly with real http(s) sources, all enabled', async () => {
    const result = await loadConfig(join(repoRoot, 'feeds'));
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    expect(result.config.feeds.length).toBeGreaterThanOrEqual(6);
    expect(result.config.feeds.every((feed) => feed.url.startsWith('https://') && feed.enabled)).toBe(true);
    expect(result.config.feeds.map((f) => f.id)).toEqual(expect.arrayContaining(['reliefweb-drc', 'radio-okapi', 'actualite-cd', 'al-jazeera', 'bbc-africa', 'un-news-africa']));
    expect(result.config.files.settings).toBe(join(repoRoot, 'feeds/settings.yaml'));
  });

  it('feeds/demo loads cleanly: four local sample feeds and the shared topics', async () => {
    const result = await loadConfig(join(repoRoot, 'feeds/demo'));
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    expect(result.config.feeds.map((f) => f.id)).toEqual(['great-lakes-wire', 'kivu-matin', 'doha-desk', 'continental-daily']);
    expect(result.config.feeds.every((feed) => feed.url.startsWith('file:///'))).toBe(true);
    expect(result.config.files.topics).toBe(join(repoRoot, 'feeds/topics.yaml'));
  });
});
