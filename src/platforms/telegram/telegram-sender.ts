/**
 * The dispatcher's MessageSender for Telegram, over grammY's Api: every chunk with parse_mode HTML, into
 * the forum topic when the channel names one, paced (by the api's paced-api.ts transformer), and every
 * failure classified instead of thrown.
 * Command replies go through the same path (`deliver` with `replyTo`).
 */
import type { Api } from 'grammy';
import type { ChannelRef } from '../../chat/command.js';
import type { Message } from '../../chat/message.js';
import { takeBackParts, type MessageSender, type SendFailure, type SendResult } from '../../delivery/sender.js';
import { renderTelegramHtml, TELEGRAM_TEXT_LIMIT, telegramSendOptions } from './render.js';
import { classifyTelegramError, isNotModified } from './send-errors.js';

/** The pino-like logger the Telegram platform writes to (pino's `logger.warn(obj, msg)` fits). */
export type TelegramLogger = {
  debug?(details: object, message: string): void;
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
};

/** The Telegram sender, plus the reply path command handling uses. */
export type TelegramSender = MessageSender & {
  /** Sends every chunk of `message`; the first one replies to message `replyTo` when given. */
  deliver(channel: ChannelRef, message: Message, options?: { replyTo?: number }): Promise<SendResult>;
};

/** What the sender is built from. */
export type TelegramSenderDeps = {
  api: Api;
  logger: TelegramLogger;
  redact: (text: string) => string;
};

const ELLIPSIS = '\n…';

/** Telegram takes numeric chat ids as numbers and public chats as @username. */
function chatIdParam(chatId: string): number | string {
  return /^-?\d+$/.test(chatId) ? Number(chatId) : chatId;
}

function threadParam(channel: ChannelRef): { message_thread_id?: number } {
  const thread = channel.threadId === undefined ? NaN : Number(channel.threadId);
  return Number.isInteger(thread) ? { message_thread_id: thread } : {};
}

/** The HTML for an edit: one message, so a longer render is cut at a block boundary and marked with "…". */
function renderForEdit(message: Message): string | null {
  const chunks = renderTelegramHtml(message, { limit: TELEGRAM_TEXT_LIMIT - ELLIPSIS.length });
  const first = chunks[0];
  if (first === undefined) return null;
  return chunks.length > 1 ? first + ELLIPSIS : first;
}

/** Builds the sender over grammY's Api (with auto-retry already installed on it). */
export function createTelegramSender(deps: TelegramSenderDeps): TelegramSender {
  const { api, logger, redact } = deps;

  function notTelegram(channel: ChannelRef): SendResult {
    return { ok: false, kind: 'rejected', reason: `not a Telegram channel: ${channel.platform}` };
  }

  function failed(channel: ChannelRef, error: unknown, action: string, extra: object = {}): SendFailure {
    const result = classifyTelegramError(error, channel, redact);
    const details = { chatId: channel.chatId, threadId: channel.threadId, kind: result.kind, reason: result.reason, ...extra };
    // A send turned away at shutdown is no failure of the chat's: it goes out after the restart.
    if (result.notSent) logger.debug?.(details, `telegram ${action} not sent`);
    else logger[result.kind === 'rejected' || result.kind === 'retry' ? 'warn' : 'info'](details, `telegram ${action} failed`);
    return result;
  }

  async function deliver(channel: ChannelRef, message: Message, options: { replyTo?: number } = {}): Promise<SendResult> {
    if (channel.platform !== 'telegram') return notTelegram(channel);
    const chunks = renderTelegramHtml(message);
    if (chunks.length === 0) return { ok: false, kind: 'rejected', reason: 'empty message' };
    const messageIds: string[] = [];
    for (const [index, html] of chunks.entries()) {
      try {
        const sent = await api.sendMessage(chatIdParam(channel.chatId), html, {
          ...telegramSendOptions(message),
          ...threadParam(channel),
          ...(index === 0 && options.replyTo !== undefined
            ? { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } }
            : {}),
        });
        messageIds.push(String(sent.message_id));
      } catch (error) {
        const result = failed(channel, error, 'send', { chunk: index + 1, chunks: chunks.length });
        return messageIds.length > 0 && result.kind === 'retry' ? takeBackPartial(channel, messageIds, chunks.length, result) : result;
      }
    }
    return { ok: true, messageIds };
  }

  /** A later chunk failed for a passing reason: the chunks already in the chat are taken back (takeBackParts) for the resend. */
  async function takeBackPartial(channel: ChannelRef, messageIds: string[], chunks: number, result: SendFailure): Promise<SendResult> {
    const left = await takeBackParts(messageIds, (id) => api.deleteMessage(chatIdParam(channel.chatId), Number(id)));
    if (left === null) return result;
    logger.warn(
      { chatId: channel.chatId, threadId: channel.threadId, sent: left.kept.length, chunks, reason: classifyTelegramError(left.error, channel, redact).reason },
      'telegram message only partly sent: its first chunks could not be taken back, so the rest is not resent',
    );
    return { ok: true, messageIds: left.kept };
  }

  async function edit(channel: ChannelRef, messageIds: string[], message: Message): Promise<SendResult> {
    if (channel.platform !== 'telegram') return notTelegram(channel);
    const id = Number(messageIds[0]);
    if (!Number.isInteger(id)) return { ok: false, kind: 'rejected', reason: 'no message id to edit' };
    const html = renderForEdit(message);
    if (html === null) return { ok: false, kind: 'rejected', reason: 'empty message' };
    try {
      await api.editMessageText(chatIdParam(channel.chatId), id, html, telegramSendOptions(message));
    } catch (error) {
      // Editing to what is already shown is what we wanted anyway.
      if (!isNotModified(error)) return failed(channel, error, 'edit', { messageId: id });
    }
    return { ok: true, messageIds };
  }

  return {
    platform: 'telegram',
    send: (channel, message) => deliver(channel, message),
    edit,
    deliver,
  };
}
