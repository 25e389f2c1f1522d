import { GrammyError, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import type { ChannelRef } from '../../../src/chat/command.js';
import { classifyTelegramError, createRedactor, isNotModified } from '../../../src/platforms/telegram/send-errors.js';
import { createSendPacer } from '../../../src/platforms/telegram/send-pacer.js';

const channel: ChannelRef = { platform: 'telegram', chatId: '-500', threadId: '9' };

function apiError(error_code: number, description: string, parameters?: { retry_after?: number; migrate_to_chat_id?: number }) {
  return new GrammyError('Call to sendMessage failed!', { ok: false, error_code, description, ...(parameters ? { parameters } : {}) }, 'sendMessage', {});
}

describe('classifying Telegram failures', () => {
  it('treats a blocked or kicked bot as gone', () => {
    expect(classifyTelegramError(apiError(403, 'Forbidden: bot was blocked by the user'), channel).kind).toBe('gone');
    expect(classifyTelegramError(apiError(403, 'Forbidden: bot was kicked from the group chat'), channel).kind).toBe('gone');
  });

  it('marks a send the closed pacer turned away as not sent, to be retried without counting', async () => {
    const pacer = createSendPacer({ perSecond: 1, perChatPerMinute: 20 });
    pacer.close();
    const error = await pacer.acquire('-500').catch((e: unknown) => e);
    expect(classifyTelegramError(error, channel)).toEqual({ ok: false, kind: 'retry', reason: 'not sent: the bot is stopping', notSent: true });
    expect(classifyTelegramError(new Error('something else'), channel)).not.toHaveProperty('notSent');
  });

  it('treats a chat or forum topic that no longer exists as gone', () => {
    expect(classifyTelegramError(apiError(400, 'Bad Request: chat not found'), channel).kind).toBe('gone');
    expect(classifyTelegramError(apiError(400, 'Bad Request: message thread not found'), channel).kind).toBe('gone');
  });

  it('follows a migrated group to its supergroup, keeping the topic', () => {
    const result = classifyTelegramError(
      apiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: -1001234 }),
      channel,
    );
    expect(result).toMatchObject({ kind: 'moved', movedTo: { platform: 'telegram', chatId: '-1001234', threadId: '9' } });
  });

  it('rejects other bad requests', () => {
    expect(classifyTelegramError(apiError(400, "Bad Request: can't parse entities"), channel).kind).toBe('rejected');
  });

  it('asks to retry rate limits (with the wait), server errors, a wrong token and network failures', () => {
    expect(classifyTelegramError(apiError(429, 'Too Many Requests: retry after 90', { retry_after: 90 }), channel)).toMatchObject({
      kind: 'retry',
      retryAfterMs: 90_000,
    });
    expect(classifyTelegramError(apiError(502, 'Bad Gateway'), channel).kind).toBe('retry');
    expect(classifyTelegramError(apiError(401, 'Unauthorized'), channel).kind).toBe('retry');
    expect(classifyTelegramError(new HttpError("Network request for 'sendMessage' failed!", new Error('ECONNRESET')), channel).kind).toBe('retry');
    expect(classifyTelegramError(new Error('surprise'), channel).kind).toBe('retry');
  });

  it('recognises "message is not modified"', () => {
    expect(isNotModified(apiError(400, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same'))).toBe(true);
    expect(isNotModified(apiError(400, 'Bad Request: message to edit not found'))).toBe(false);
  });

  it('removes the token from reasons', () => {
    const redact = createRedactor('12345:AAsecretPart_xyz');
    const result = classifyTelegramError(new Error('request to http://h/bot12345:AAsecretPart_xyz/getMe failed'), channel, redact);
    expect(result.reason).not.toContain('AAsecretPart_xyz');
    expect(redact('http://h/bot12345%3AAAsecretPart_xyz/x')).not.toContain('AAsecretPart_xyz');
  });
});
