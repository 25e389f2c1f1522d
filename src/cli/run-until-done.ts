/**
 * Keeps a started bot running until SIGINT/SIGTERM, or until the console's piped input ends, then
 * shuts it down; a shutdown that hangs is cut off after 5 seconds.
 */
import type { RunningApp } from '../app.js';
import type { Logger } from '../logger.js';

const SHUTDOWN_LIMIT_MS = 5_000;

/** Waits for the end (signal or end of console input), stops the app and resolves to the exit code. */
export async function runUntilDone(app: RunningApp, logger: Logger, extraWait: Promise<void> = Promise.resolve()): Promise<number> {
  const signalled = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const inputEnded = app.consoleDone ? Promise.all([app.consoleDone, extraWait]).then(([end]) => end) : new Promise<string>(() => {});
  const reason = await Promise.race([signalled, inputEnded]);
  logger.info({ reason }, 'shutting down');
  const cutOff = setTimeout(() => {
    logger.error('shutdown took longer than 5 s; exiting anyway');
    process.exit(1);
  }, SHUTDOWN_LIMIT_MS);
  cutOff.unref();
  await app.stop();
  clearTimeout(cutOff);
  // Library timers (cron, HTTP keep-alive) must not keep a finished bot alive.
  const code = reason === 'console output failed' ? 1 : 0;
  setTimeout(() => process.exit(process.exitCode ?? code), 200).unref();
  return code;
}
