import { describe, it, expect } from 'vitest';
import { classifyLocation, duplicateIdProblems, resolveFeeds, sourcesFileSchema } from '../../src/config/sources-schema.js';
import { formatProblem } from '../../src/config/problems.js';
import { validate } from '../../src/config/validate.js';

function problems(data: unknown): string[] {
  const result = validate(sourcesFileSchema, data, 'feeds/sources.yaml');
  return result.ok ? [] : result.problems.map(formatProblem);
}

const feed = (extra: Record<string, unknown> = {}) => ({ id: 'wire', url: 'https://wire.example/rss', ...extra });

describe('sources.yaml schema', () => {
  it('fills in the defaults and keeps durations in milliseconds', () => {
    const result = validate(sourcesFileSchema, { feeds: [feed()] }, 'sources.yaml');
    expect(result.ok && result.data.defaults).toEqual({ interval: 300_000, timeout: 15_000, maxBytes: 5_000_000, concurrency: 8 });
    expect(result.ok && result.data.feeds[0]?.enabled).toBe(true);
  });

  it('rejects a URL that is neither http(s) nor a file', () => {
    expect(problems({ feeds: [feed({ url: 'ftp://wire.example/rss' })] })).toEqual([
      'feeds/sources.yaml: feeds[0].url: must be an http(s) URL or a file path (the scheme "ftp:" is not supported)',
    ]);
    expect(problems({ feeds: [feed({ url: 'www.radiookapi.net/rss.xml' })] })).toEqual([
      'feeds/sources.yaml: feeds[0].url: must be an http(s) URL or a file path (add "https://" in front of a web address)',
    ]);
    expect(problems({ feeds: [feed({ url: '' })] })).toEqual(['feeds/sources.yaml: feeds[0].url: must be an http(s) URL or a file path']);
  });

  it('accepts plain http, loopback, file: URLs and paths', () => {
    for (const url of ['http://127.0.0.1:8080/feed.xml', 'https://actualite.cd/feed', 'file:///srv/feeds/a.xml', 'demo/a.xml', './a.xml', '/srv/a.xml']) {
      expect(problems({ feeds: [feed({ url })] }), url).toEqual([]);
    }
  });

  it('names an unknown key and suggests the key that was meant', () => {
    expect(problems({ feeds: [feed({ intervall: '5m' })] })).toEqual([
      'feeds/sources.yaml: feeds[0]: unknown key "intervall" (did you mean "interval"?)',
    ]);
    expect(problems({ defaults: { concurency: 4 }, feeds: [feed()] })).toEqual([
      'feeds/sources.yaml: defaults: unknown key "concurency" (did you mean "concurrency"?)',
    ]);
    expect(problems({ feeds: [feed({ colour: 'red' })] })).toEqual(['feeds/sources.yaml: feeds[0]: unknown key "colour"']);
  });

  it('refuses an interval of zero and one that is not a duration', () => {
    expect(problems({ feeds: [feed({ interval: '0s' })] })).toEqual(['feeds/sources.yaml: feeds[0].interval: must be at least 1s']);
    expect(problems({ feeds: [feed({ interval: 'abc' })] })).toEqual([
      'feeds/sources.yaml: feeds[0].interval: must be a duration such as "30s", "5m", "1h", "1d" or a number of seconds',
    ]);
    expect(problems({ feeds: [feed({ interval: 0 })] })).toEqual(['feeds/sources.yaml: feeds[0].interval: must be at least 1s']);
  });

  it('bounds timeout, maxBytes and concurrency', () => {
    expect(problems({ defaults: { timeout: '1h', maxBytes: 10, concurrency: 0 }, feeds: [feed()] })).toEqual([
      'feeds/sources.yaml: defaults.timeout: must be at most 5m',
      'feeds/sources.yaml: defaults.maxBytes: must be at least 1024',
      'feeds/sources.yaml: defaults.concurrency: must be at least 1',
    ]);
  });

  it('says what type was expected in plain words', () => {
    expect(problems({ feeds: [feed({ enabled: 'yes please', title: 42 })] })).toEqual([
      'feeds/sources.yaml: feeds[0].title: must be text (found a number)',
      'feeds/sources.yaml: feeds[0].enabled: must be true or false (found text)',
    ]);
    expect(problems({ feeds: [{ url: 'a.xml' }] })).toEqual(['feeds/sources.yaml: feeds[0].id: is required']);
    expect(problems({ feeds: [] })).toEqual(['feeds/sources.yaml: feeds: must list at least one feed']);
    expect(problems({ feeds: [feed({ id: 'Radio Okapi' })] })).toEqual([
      'feeds/sources.yaml: feeds[0].id: must be a slug: lowercase letters, digits, "-" and "_", starting with a letter or digit',
    ]);
  });

  it('reports a duplicate id naming both positions', () => {
    const raw = { feeds: [feed({ id: 'okapi' }), feed({ id: 'bbc' }), feed({ id: 'okapi' })] };
    expect(duplicateIdProblems(raw, 'feeds/sources.yaml').map(formatProblem)).toEqual([
      'feeds/sources.yaml: feeds[2].id: duplicate id "okapi": feeds[0] and feeds[2] both use it',
    ]);
  });
});

describe('resolveFeeds', () => {
  it('resolves relative paths against the config folder and inherits the defaults', () => {
    const parsed = sourcesFileSchema.parse({
      defaults: { interval: '2m', timeout: 30 },
      feeds: [{ id: 'local', url: 'demo/a.xml' }, { id: 'web', url: 'https://wire.example/rss', interval: '1h', enabled: false }],
    });
    expect(resolveFeeds(parsed, '/srv/sitrep/feeds')).toEqual([
      { id: 'local', url: 'file:///srv/sitrep/feeds/demo/a.xml', title: null, language: null, intervalMs: 120_000, timeoutMs: 30_000, maxBytes: 5_000_000, enabled: true },
      { id: 'web', url: 'https://wire.example/rss', title: null, language: null, intervalMs: 3_600_000, timeoutMs: 30_000, maxBytes: 5_000_000, enabled: false },
    ]);
  });

  it('tells web addresses, file URLs and paths apart', () => {
    expect(classifyLocation('https://a.example/x').kind).toBe('http');
    expect(classifyLocation('file:///a.xml').kind).toBe('file-url');
    expect(classifyLocation('../feeds/a.xml').kind).toBe('path');
    expect(classifyLocation('mailto:a@b.c').kind).toBe('invalid');
  });
});
