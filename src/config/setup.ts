/**
 * The environment and the config folder read together, as every command that runs the bot needs them:
 * every problem of both is reported at once, or neither is used.
 */
import { readEnv, resolveConfigDir, type Env } from './env.js';
import { loadConfig, type SitrepConfig } from './load-config.js';
import type { ConfigProblem } from './problems.js';

/** The environment and the config folder, read and validated. */
export type LoadedSetup = { env: Env; config: SitrepConfig };

/** Reads the environment and the config folder; every problem of both, or neither. */
export async function loadEnvAndConfig(globals: { config?: string }): Promise<({ ok: true } & LoadedSetup) | { ok: false; problems: ConfigProblem[] }> {
  const envResult = readEnv();
  const loaded = await loadConfig(resolveConfigDir(globals));
  if (!envResult.ok || !loaded.ok) {
    return { ok: false, problems: [...(envResult.ok ? [] : envResult.problems), ...(loaded.ok ? [] : loaded.problems)] };
  }
  return { ok: true, env: envResult.env, config: loaded.config };
}
