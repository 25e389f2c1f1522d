/**
 * `sitrep start`: runs the bot. Discord if DISCORD_TOKEN, Telegram if TELEGRAM_BOT_TOKEN, the console when
 * neither (interactive, or driven by piped stdin: `echo "/status m23" | sitrep start` answers and exits).
 */
import { startApp } from '../app.js';
import { systemClock } from '../clock.js';
import { readEnv } from '../config/env.js';
import { reportProblems } from '../core.js';
import { createLogger } from '../logger.js';
import { runUntilDone } from './run-until-done.js';

/** Starts the bot and resolves to the exit code when it has stopped. */
export async function run(globals: { config?: string; db?: string }): Promise<number> {
  const env = readEnv();
  const logger = createLogger(env.ok ? env.env.logLevel : 'info');
  const started = await startApp({ globals, clock: systemClock, logger, input: process.stdin, output: process.stdout });
  if (!started.ok) return reportProblems(started.problems, (text) => process.stderr.write(text));
  return runUntilDone(started.app, logger);
}
