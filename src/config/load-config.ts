/**
 * Loads a config folder: sources.yaml, topics.yaml and the optional settings.yaml. Every problem in every
 * file is collected, so one run of `sitrep check-config` lists them all.
 */
import { access, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { formatPath, type ConfigProblem } from './problems.js';
import { defaultSettings, settingsFileSchema, toSettings, type Settings } from './settings-schema.js';
import { classifyLocation, duplicateIdProblems, duplicateUrlProblems, locationUrl, resolveFeeds, sourcesFileSchema, type FeedConfig } from './sources-schema.js';
import { topicsFileSchema, type TopicsFile } from './topics-schema.js';
import { validate } from './validate.js';
import { readYamlFile, type YamlFile } from './yaml-file.js';

export { formatProblem, type ConfigProblem } from './problems.js';

/** Everything the config folder says, validated and with defaults applied. */
export type SitrepConfig = {
  /** The folder as given. */
  dir: string;
  /** The files read (paths as given); settings is null when there is no settings.yaml. */
  files: { sources: string; topics: string; settings: string | null };
  /** Every listed feed, enabled or not, in file order. */
  feeds: FeedConfig[];
  /** Feeds fetched at the same time. */
  concurrency: number;
  topics: TopicsFile;
  settings: Settings;
  /**
   * What is allowed but probably a mistake, in the same form as problems: one feed URL listed under two ids
   * (stored twice, each copy counted as an outlet of its own in "+N sources"). check-config and start say so.
   */
  notes: ConfigProblem[];
};

/** What loadConfig gives: the config, or every problem found. */
export type LoadConfigResult = { ok: true; config: SitrepConfig } | { ok: false; problems: ConfigProblem[] };

/** Options of loadConfig. */
export type LoadConfigOptions = {
  /**
   * Topics file to use instead of the folder's (path relative to the working directory). Without it,
   * `topicsFile:` in sources.yaml (relative to the folder) is used, else `<dir>/topics.yaml`.
   */
  topicsFile?: string;
};

/** Loads and validates the config folder `dir`. Never throws for a bad config: problems are data. */
export async function loadConfig(dir: string, options: LoadConfigOptions = {}): Promise<LoadConfigResult> {
  const problems: ConfigProblem[] = [];
  const notes: ConfigProblem[] = [];
  // A folder that is not there is one mistake (a wrong --config or SITREP_CONFIG), not a missing file per file.
  if (!(await isFolder(dir))) {
    return { ok: false, problems: [{ file: dir, path: '', message: 'config folder not found (set by --config or SITREP_CONFIG, default ./feeds)' }] };
  }

  const sourcesPath = join(dir, 'sources.yaml');
  const sourcesFile = await readYamlFile(sourcesPath);
  let sources: z.output<typeof sourcesFileSchema> | null = null;
  let feeds: FeedConfig[] = [];
  if (sourcesFile.ok) {
    const parsed = validate(sourcesFileSchema, sourcesFile.yaml.data, sourcesPath, sourcesFile.yaml.lineOf);
    const duplicates = duplicateIdProblems(sourcesFile.yaml.data, sourcesPath, sourcesFile.yaml.lineOf);
    notes.push(...duplicateUrlProblems(sourcesFile.yaml.data, sourcesPath, dir, sourcesFile.yaml.lineOf));
    // Read from the raw YAML, so a missing file is reported even when another part of the file is wrong.
    const missing = await missingFileProblems(sourcesFile.yaml.data, dir, sourcesPath, sourcesFile.yaml);
    problems.push(...(parsed.ok ? [] : parsed.problems), ...duplicates, ...missing);
    if (parsed.ok) {
      sources = parsed.data;
      feeds = resolveFeeds(parsed.data, dir);
    }
  } else {
    problems.push(...sourcesFile.problems);
  }

  const namedTopics = sourcesFile.ok ? namedTopicsFile(sourcesFile.yaml.data) : null;
  const topicsPath = options.topicsFile ?? topicsPathIn(dir, namedTopics);
  const topicsFile = await readYamlFile(topicsPath);
  let topics: TopicsFile | null = null;
  if (topicsFile.ok) {
    const parsed = validate(topicsFileSchema, topicsFile.yaml.data, topicsPath, topicsFile.yaml.lineOf);
    if (parsed.ok) topics = parsed.data;
    else problems.push(...parsed.problems);
  } else if (topicsFile.missing && options.topicsFile === undefined && sourcesFile.ok && namedTopics !== null) {
    // The name came from sources.yaml: point there, where it can be fixed.
    problems.push({
      file: sourcesPath,
      path: 'topicsFile',
      message: `file not found: ${namedTopics} (looked for ${topicsPath})`,
      line: sourcesFile.yaml.lineOf(['topicsFile']),
    });
  } else {
    problems.push(...topicsFile.problems);
  }

  const settingsPath = join(dir, 'settings.yaml');
  const settingsFile = await readYamlFile(settingsPath);
  let settings: Settings | null = null;
  if (settingsFile.ok) {
    const parsed = validate(settingsFileSchema, settingsFile.yaml.data, settingsPath, settingsFile.yaml.lineOf);
    if (parsed.ok) settings = toSettings(parsed.data);
    else problems.push(...parsed.problems);
  } else if (settingsFile.missing) {
    settings = defaultSettings();
  } else {
    problems.push(...settingsFile.problems);
  }

  if (problems.length > 0 || !sources || !topics || !settings) return { ok: false, problems };
  return {
    ok: true,
    config: {
      dir,
      files: { sources: sourcesPath, topics: topicsPath, settings: settingsFile.ok ? settingsPath : null },
      feeds,
      concurrency: sources.defaults.concurrency,
      topics,
      settings,
      notes,
    },
  };
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The `topicsFile:` a sources.yaml names, or null when it names none. */
function namedTopicsFile(sources: unknown): string | null {
  const value = (sources as { topicsFile?: unknown } | null)?.topicsFile;
  return typeof value === 'string' && value !== '' ? value : null;
}

function topicsPathIn(dir: string, named: string | null): string {
  const name = named ?? 'topics.yaml';
  return isAbsolute(name) ? name : join(dir, name);
}

/**
 * The topics file of a config folder (`topicsFile:` of its sources.yaml, else topics.yaml), for commands
 * that need only the topics (`sitrep match`): a missing or broken sources.yaml is not their problem.
 */
export async function resolveTopicsPath(dir: string): Promise<string> {
  const sources = await readYamlFile(join(dir, 'sources.yaml'));
  return topicsPathIn(dir, sources.ok ? namedTopicsFile(sources.yaml.data) : null);
}

/**
 * Enabled feeds that name a local file which is not there: caught now rather than at the first poll. Works
 * on the raw YAML (a feed whose url is no text, or not a local location, is the schema's to report).
 */
async function missingFileProblems(raw: unknown, dir: string, file: string, yaml: YamlFile): Promise<ConfigProblem[]> {
  const listed = (raw as { feeds?: unknown } | null)?.feeds;
  if (!Array.isArray(listed)) return [];
  const problems: ConfigProblem[] = [];
  for (const [index, entry] of listed.entries()) {
    const feed = (entry ?? {}) as { url?: unknown; enabled?: unknown };
    if (typeof feed.url !== 'string' || feed.enabled === false) continue;
    const kind = classifyLocation(feed.url).kind;
    if (kind !== 'path' && kind !== 'file-url') continue;
    const url = locationUrl(feed.url, dir);
    let localPath: string;
    try {
      localPath = fileURLToPath(url);
    } catch {
      problems.push({ file, path: formatPath(['feeds', index, 'url']), message: 'must be a file: URL with an absolute path' });
      continue;
    }
    try {
      await access(localPath);
    } catch {
      problems.push({
        file,
        path: formatPath(['feeds', index, 'url']),
        message: `file not found: ${feed.url} (looked for ${localPath})`,
        line: yaml.lineOf(['feeds', index, 'url']),
      });
    }
  }
  return problems;
}
