/**
 * `sitrep check-config`: validates the environment and the config folder. Prints every problem
 * (`file: path: sentence`) to stderr and exits 1, or a short summary without any secret and exits 0.
 */
import { resolveDbPath, type Env } from '../config/env.js';
import type { SitrepConfig } from '../config/load-config.js';
import { formatProblem } from '../config/problems.js';
import { loadEnvAndConfig } from '../config/setup.js';

/** Runs the check; resolves to the exit code. */
export async function run(globals: { config?: string; db?: string }): Promise<number> {
  const setup = await loadEnvAndConfig(globals);
  if (!setup.ok) {
    const { problems } = setup;
    for (const problem of problems) process.stderr.write(`${formatProblem(problem)}\n`);
    process.stderr.write(`check-config: ${problems.length} problem${problems.length === 1 ? '' : 's'} found\n`);
    return 1;
  }
  process.stdout.write(summary(setup.config, setup.env, resolveDbPath(globals)));
  return 0;
}

function summary(config: SitrepConfig, env: Env, dbPath: string): string {
  const enabled = config.feeds.filter((feed) => feed.enabled).length;
  const topicCount = countTopics(config.topics);
  const lines = [
    `config ${config.dir}: OK`,
    `  feeds: ${enabled} enabled of ${config.feeds.length} (${config.files.sources})`,
    `  topics: ${topicCount ?? 'loaded'} (${config.files.topics})`,
    `  settings: ${config.files.settings ?? 'defaults (no settings.yaml)'}`,
    `  platforms: ${platforms(env)}`,
    `  database: ${dbPath}`,
    ...config.notes.map((note) => `  note: ${formatProblem(note)}`),
  ];
  return `${lines.join('\n')}\n`;
}

function countTopics(topics: unknown): number | null {
  if (Array.isArray(topics)) return topics.length;
  const list = (topics as { topics?: unknown } | null)?.topics;
  if (Array.isArray(list)) return list.length;
  if (list && typeof list === 'object') return Object.keys(list).length;
  return null;
}

/** Which platforms `sitrep start` would run; never the tokens themselves. */
function platforms(env: Env): string {
  const names: string[] = [];
  if (env.telegram) names.push(`Telegram (${env.telegram.webhook ? 'webhook' : 'long polling'}${env.telegram.apiRoot ? ', custom API root' : ''})`);
  if (env.discord) names.push(`Discord (${env.discord.guildId ? 'commands in one guild' : 'global commands'}${env.discord.apiBase ? ', custom API base' : ''})`);
  return names.length > 0 ? names.join(', ') : 'none configured: `sitrep start` uses the console';
}
