import { describe, expect, it } from 'vitest';
import { DiscordAPIError, HTTPError } from 'discord.js';
import { classifyDiscordError } from '../../../src/platforms/discord/discord-errors.js';

function apiError(status: number, code: number, message: string): DiscordAPIError {
  return new DiscordAPIError({ code, message }, code, status, 'POST', '/channels/1/messages', { body: undefined, files: undefined });
}

describe('classifyDiscordError', () => {
  it('treats Missing Access, Missing Permissions and Unknown Channel as gone', () => {
    expect(classifyDiscordError(apiError(403, 50001, 'Missing Access')).kind).toBe('gone');
    expect(classifyDiscordError(apiError(403, 50013, 'Missing Permissions')).kind).toBe('gone');
    expect(classifyDiscordError(apiError(404, 10003, 'Unknown Channel')).kind).toBe('gone');
  });

  it('names the status, code and message in the reason', () => {
    expect(classifyDiscordError(apiError(403, 50001, 'Missing Access')).reason).toBe('Discord 403 (50001): Missing Access');
  });

  it('rejects a bad request, and an edit of a deleted message, without ending the channel', () => {
    expect(classifyDiscordError(apiError(400, 50035, 'Invalid Form Body')).kind).toBe('rejected');
    expect(classifyDiscordError(apiError(404, 10008, 'Unknown Message'), 'edit').kind).toBe('rejected');
    expect(classifyDiscordError(apiError(404, 0, 'Not Found'), 'edit').kind).toBe('rejected');
    expect(classifyDiscordError(apiError(404, 0, 'Not Found'), 'send').kind).toBe('gone');
  });

  it('retries server errors, rate limits, a bad token and network failures', () => {
    expect(classifyDiscordError(new HTTPError(502, 'Bad Gateway', 'POST', '/x', { body: undefined, files: undefined })).kind).toBe('retry');
    expect(classifyDiscordError(apiError(429, 0, 'You are being rate limited.')).kind).toBe('retry');
    expect(classifyDiscordError(apiError(401, 0, '401: Unauthorized')).kind).toBe('retry');
    expect(classifyDiscordError(new TypeError('fetch failed'))).toMatchObject({ kind: 'retry', reason: 'fetch failed' });
    expect(classifyDiscordError('weird').kind).toBe('retry');
  });
});
