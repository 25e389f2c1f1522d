/**
 * sources.yaml: which feeds to poll and how. Strict objects everywhere, so a typo such as `intervall`
 * is reported instead of silently ignored.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { durationSchema, optionalDurationSchema } from './duration.js';
import { slugIdSchema } from './slug.js';
import { formatPath, type ConfigProblem } from './problems.js';
import { redactUrl } from '../redact-url.js';

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;
const WINDOWS_DRIVE = /^[a-zA-Z]:[\\/]/;
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const LOCATION_HINT = 'must be an http(s) URL or a file path';

/** What kind of place a feed `url` names, or why it names none. */
export function classifyLocation(value: string): { kind: 'http' | 'file-url' | 'path' } | { kind: 'invalid'; reason: string } {
  const text = value.trim();
  if (!text) return { kind: 'invalid', reason: LOCATION_HINT };
  if (SCHEME.test(text) && !WINDOWS_DRIVE.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return { kind: 'invalid', reason: LOCATION_HINT };
    }
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname) return { kind: 'http' };
    if (url.protocol === 'file:') return { kind: 'file-url' };
    return { kind: 'invalid', reason: `${LOCATION_HINT} (the scheme "${url.protocol}" is not supported)` };
  }
  // "www.example.org/rss" would otherwise be read as a relative file path that never exists.
  if (/^www\.|^[a-z0-9-]+(\.[a-z0-9-]+)+\//i.test(text) && !/^\.{1,2}[\\/]/.test(text)) {
    return { kind: 'invalid', reason: `${LOCATION_HINT} (add "https://" in front of a web address)` };
  }
  return { kind: 'path' };
}

const feedLocation = z
  .string()
  .superRefine((value, ctx) => {
    const place = classifyLocation(value);
    if (place.kind === 'invalid') ctx.addIssue({ code: 'custom', message: place.reason });
  })
  .meta({ description: 'http(s) URL, file: URL, or a file path relative to this folder.' });

const feedSchema = z
  .strictObject({
    id: slugIdSchema('Unique slug naming the feed in logs, health and /sources.'),
    url: feedLocation,
    title: z.string().min(1).max(200).optional().meta({ description: 'Display name; the feed\'s own title when absent.' }),
    language: z
      .string()
      .regex(LANGUAGE, { error: 'must be a language tag such as "en" or "fr"' })
      .optional()
      .meta({ description: 'Language of the items when the feed does not say (en, fr, …).' }),
    interval: optionalDurationSchema({ min: '1s', max: '7d', description: 'How often to poll this feed; defaults.interval when absent.' }),
    enabled: z.boolean().default(true).meta({ description: 'Set to false to keep a feed listed but not polled.' }),
  })
  .meta({ description: 'One feed to poll.' });

const defaultsSchema = z
  .strictObject({
    interval: durationSchema({ min: '1s', max: '7d', default: '5m', description: 'How often each feed is polled.' }),
    timeout: durationSchema({ min: '1s', max: '5m', default: '15s', description: 'Give up on one fetch after this long.' }),
    maxBytes: z
      .number()
      .int()
      .min(1024)
      .max(100_000_000)
      .default(5_000_000)
      .meta({ description: 'Largest feed body accepted, in bytes.' }),
    concurrency: z.number().int().min(1).max(64).default(8).meta({ description: 'Feeds fetched at the same time.' }),
  })
  .prefault({})
  .meta({ description: 'Settings every feed shares unless it overrides them.' });

/** The whole sources.yaml file. */
export const sourcesFileSchema = z
  .strictObject({
    defaults: defaultsSchema,
    topicsFile: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Topics file, relative to this folder (default topics.yaml). feeds/demo uses ../topics.yaml.' }),
    feeds: z.array(feedSchema).min(1, { error: 'must list at least one feed' }),
  })
  .meta({ title: 'sitrep sources.yaml', description: 'Feeds sitrep polls.' });

/** sources.yaml after parsing: durations in milliseconds, defaults filled in. */
export type SourcesFile = z.output<typeof sourcesFileSchema>;

/** One feed, ready for the poller: absolute location, every limit resolved. */
export type FeedConfig = {
  id: string;
  /** Absolute http(s) URL or `file:` URL (relative paths are resolved against the config folder). */
  url: string;
  title: string | null;
  language: string | null;
  intervalMs: number;
  timeoutMs: number;
  maxBytes: number;
  enabled: boolean;
};

/** A feed's location as a URL: a local path (relative to the config folder) becomes a file: URL. */
export function locationUrl(location: string, configDir: string): string {
  return classifyLocation(location).kind === 'path' ? pathToFileURL(resolve(configDir, location.trim())).href : location.trim();
}

/** Turns a parsed sources.yaml into poller-ready feeds, resolving file paths against `configDir`. */
export function resolveFeeds(sources: SourcesFile, configDir: string): FeedConfig[] {
  return sources.feeds.map((feed) => ({
    id: feed.id,
    url: locationUrl(feed.url, configDir),
    title: feed.title ?? null,
    language: feed.language ?? null,
    intervalMs: feed.interval ?? sources.defaults.interval,
    timeoutMs: sources.defaults.timeout,
    maxBytes: sources.defaults.maxBytes,
    enabled: feed.enabled,
  }));
}

/**
 * Duplicate feed ids, found on the raw YAML so they are reported even when other parts of the file
 * are wrong (zod skips refinements once a schema has failed).
 */
export function duplicateIdProblems(
  raw: unknown,
  file: string,
  lineOf?: (path: readonly PropertyKey[]) => number | undefined,
): ConfigProblem[] {
  return duplicateProblems(raw, file, 'id', (id) => id, lineOf);
}

/**
 * Feeds listed twice under different ids (every item would be stored twice and every story shown as
 * "+1 source"): the same location once resolved, a path against `configDir`, compared as `new URL().href`
 * (scheme and host case, a default port; a trailing slash is another URL). Found on the raw YAML, like ids.
 */
export function duplicateUrlProblems(
  raw: unknown,
  file: string,
  configDir: string,
  lineOf?: (path: readonly PropertyKey[]) => number | undefined,
): ConfigProblem[] {
  return duplicateProblems(raw, file, 'url', (url) => (classifyLocation(url).kind === 'invalid' ? null : new URL(locationUrl(url, configDir)).href), lineOf);
}

/** Feeds whose `key` (text) gives the same `keyOf` as an earlier feed's; the problem names both positions. */
function duplicateProblems(
  raw: unknown,
  file: string,
  key: 'id' | 'url',
  keyOf: (value: string) => string | null,
  lineOf?: (path: readonly PropertyKey[]) => number | undefined,
): ConfigProblem[] {
  const feeds = (raw as { feeds?: unknown } | null)?.feeds;
  if (!Array.isArray(feeds)) return [];
  const firstSeen = new Map<string, number>();
  const problems: ConfigProblem[] = [];
  feeds.forEach((feed, index) => {
    const value = (feed as Record<string, unknown> | null)?.[key];
    if (typeof value !== 'string') return;
    const same = keyOf(value);
    if (same === null) return;
    const first = firstSeen.get(same);
    if (first === undefined) firstSeen.set(same, index);
    else {
      const path = ['feeds', index, key];
      const line = lineOf?.(path);
      problems.push({
        file,
        path: formatPath(path),
        message: `duplicate ${key} "${redactUrl(value)}": feeds[${first}] and feeds[${index}] both use it${key === 'url' ? ' (fetched twice, and counted as two outlets in "+N sources")' : ''}`,
        ...(line === undefined ? {} : { line }),
      });
    }
  });
  return problems;
}
