/** The process logger: pino writing JSON lines to stderr, so stdout stays for answers and --json output. */
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Creates the logger at the configured level. Secrets are never passed to it. */
export function createLogger(level: string): Logger {
  return pino({ level, base: undefined }, pino.destination({ fd: 2, sync: true }));
}
