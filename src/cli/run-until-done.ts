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
  const inputEnded = app.consoleDone ? Promise.all([app.consoleDone, extraWait]).then(() => 'end of input') : new Promise<string>(() => {});
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
  setTimeout(() => process.exit(process.exitCode ?? 0), 200).unref();
  return 0;
}
