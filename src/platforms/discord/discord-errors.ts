/**
 * What a failed Discord request means for delivery: Discord's error codes and HTTP statuses sorted into
 * the sender port's kinds (retry / gone / rejected), with a short reason fit for a log line.
 */
import { RateLimitError } from 'discord.js';
import type { SendFailure } from '../../delivery/sender.js';

/** A failed SendResult. */

/** Discord JSON error codes that mean the bot can never post in that channel again. */
const GONE_CODES: ReadonlySet<number> = new Set([
  10003, // Unknown Channel (deleted)
  50001, // Missing Access (kicked, channel hidden from the bot)
  50013, // Missing Permissions (Send Messages / Embed Links revoked)
  50007, // Cannot send messages to this user (DM closed)
]);

/** Discord's "Unknown Message": the message to edit was deleted, the channel is still there. */
const UNKNOWN_MESSAGE = 10008;

type ErrorShape = { name?: unknown; message?: unknown; status?: unknown; code?: unknown };

/**
 * Sorts any error a discord.js REST call may throw into retry / gone / rejected. On a send, any 404 means
 * the channel (the only path parameter) is unknown; on an edit a 404 may just be a deleted message.
 */
export function classifyDiscordError(error: unknown, operation: 'send' | 'edit' = 'send'): SendFailure {
  if (error instanceof RateLimitError) {
    // Only surfaces for waits the REST queue was told not to sit through (see rejectOnRateLimit).
    return { ok: false, kind: 'retry', reason: `Discord rate limit on ${error.route}`, retryAfterMs: Math.max(error.retryAfter, error.timeToReset) };
  }
  const shape: ErrorShape = typeof error === 'object' && error !== null ? (error as ErrorShape) : {};
  const status = typeof shape.status === 'number' ? shape.status : null;
  const code = typeof shape.code === 'number' ? shape.code : null;
  const message = typeof shape.message === 'string' ? shape.message : String(error);
  const reason = status === null ? message : `Discord ${status}${code !== null ? ` (${code})` : ''}: ${message}`;

  if (status === null) return { ok: false, kind: 'retry', reason }; // network, timeout (AbortError), no token yet
  if ((code !== null && GONE_CODES.has(code)) || status === 403) return { ok: false, kind: 'gone', reason };
  if (status === 404 && operation === 'send' && code !== UNKNOWN_MESSAGE) return { ok: false, kind: 'gone', reason };
  if (status === 429) return { ok: false, kind: 'retry', reason };
  // A bad token breaks every send alike; no single message is at fault, so nothing is marked dead for it.
  if (status === 401) return { ok: false, kind: 'retry', reason };
  if (status >= 500) return { ok: false, kind: 'retry', reason };
  return { ok: false, kind: 'rejected', reason };
}
