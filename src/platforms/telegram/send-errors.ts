/**
 * Telegram failures as SendResult kinds, by cause: the chat is gone for good (blocked, kicked, deleted),
 * it moved (group → supergroup), this one message is refused (bad request), or the trouble is passing
 * (rate limit beyond auto-retry, server errors, network). Also keeps the bot token out of every text
 * that may reach a log.
 */
import { GrammyError, HttpError } from 'grammy';
import type { ChannelRef } from '../../chat/command.js';
import type { SendFailure } from '../../delivery/sender.js';
import { errorText } from '../../error-text.js';
import { isPacerClosed } from './send-pacer.js';

/** A failed SendResult. */

// 400s that mean the bot can never post in this chat (or forum topic) again, whatever it sends.
const GONE_400 = [
  'chat not found',
  'message thread not found',
  'bot is not a member',
  'bot was kicked',
  'need administrator rights',
  'not enough rights to send',
  'have no rights to send',
  'peer_id_invalid',
  'chat_write_forbidden',
];

/** Replaces the token (and its numeric bot id + secret half) wherever it appears in `text`. */
export function createRedactor(token: string): (text: string) => string {
  const secret = token.split(':')[1] ?? '';
  return (text) => {
    let out = token ? text.split(token).join('[token]') : text;
    // A URL-encoded token (colon as %3A) or the secret half alone are as bad as the whole token.
    if (secret.length >= 8) out = out.split(secret).join('[token]');
    return out;
  };
}

/** Telegram answered "message is not modified": the edit asked for what is already there. */
export function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && /message is not modified/i.test(error.description);
}

/** Classifies anything a Bot API call threw; never throws itself. */
export function classifyTelegramError(error: unknown, channel: ChannelRef, redact: (text: string) => string = (t) => t): SendFailure {
  if (error instanceof GrammyError) {
    const code = error.error_code;
    const reason = redact(`${code}: ${error.description}`);
    const description = error.description.toLowerCase();
    const migrateTo = error.parameters.migrate_to_chat_id;
    if (migrateTo !== undefined) {
      const movedTo: ChannelRef = { platform: 'telegram', chatId: String(migrateTo) };
      if (channel.threadId !== undefined) movedTo.threadId = channel.threadId;
      return { ok: false, kind: 'moved', reason, movedTo };
    }
    if (code === 403) return { ok: false, kind: 'gone', reason };
    if (code === 429) {
      const after = error.parameters.retry_after;
      return { ok: false, kind: 'retry', reason, ...(after !== undefined ? { retryAfterMs: after * 1000 } : {}) };
    }
    if (code === 400) {
      return GONE_400.some((text) => description.includes(text)) ? { ok: false, kind: 'gone', reason } : { ok: false, kind: 'rejected', reason };
    }
    // 401/404 mean our token or API root is wrong, 5xx that Telegram is struggling: neither is the chat's
    // fault, so its subscriptions must survive until it is fixed.
    return { ok: false, kind: 'retry', reason };
  }
  if (error instanceof HttpError) return { ok: false, kind: 'retry', reason: redact(error.message) };
  if (isPacerClosed(error)) return { ok: false, kind: 'retry', reason: 'not sent: the bot is stopping', notSent: true };
  const message = errorText(error);
  return { ok: false, kind: 'retry', reason: redact(`unexpected: ${message}`) };
}
