/** Telegram-shaped answers: ok and error envelopes, bot_command entities, chat member objects. */
import type { MessageEntity, User } from 'grammy/types';
import type { FakeError, FakeMemberStatus, FakeResponse } from './telegram-types.js';
import type { Params } from './telegram-request.js';

export const ok = (result: unknown): FakeResponse => ({ ok: true, result });
export const fail = (error_code: number, description: string, parameters?: FakeError['parameters']): FakeResponse =>
  parameters ? { ok: false, error_code, description, parameters } : { ok: false, error_code, description };
export const badRequest = (what: string) => fail(400, `Bad Request: ${what}`);
export const tooMany = (waitMs: number) => {
  const retry = Math.max(1, Math.ceil(waitMs / 1000));
  return fail(429, `Too Many Requests: retry after ${retry}`, { retry_after: retry });
};

/** bot_command entities exactly where Telegram puts them: each /command at the start of a word. */
export function commandEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  for (const m of text.matchAll(/(^|\s)(\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?)(?![A-Za-z0-9_@])/g)) {
    entities.push({ type: 'bot_command', offset: (m.index ?? 0) + (m[1] ?? '').length, length: (m[2] ?? '').length });
  }
  return entities;
}

/** Commands are kept per scope and language, as setMyCommands stores them. */
export function commandsKey(p: Params): string {
  return `${JSON.stringify(p.scope ?? { type: 'default' })}|${typeof p.language_code === 'string' ? p.language_code : ''}`;
}

/** What getChatMember answers for a member with `status`. */
export function memberObject(status: FakeMemberStatus, user: User): Record<string, unknown> {
  switch (status) {
    case 'creator':
      return { status, user, is_anonymous: false };
    case 'administrator':
      return {
        status,
        user,
        can_be_edited: false,
        is_anonymous: false,
        can_manage_chat: true,
        can_delete_messages: true,
        can_manage_video_chats: true,
        can_restrict_members: true,
        can_promote_members: false,
        can_change_info: true,
        can_invite_users: true,
        can_post_stories: false,
        can_edit_stories: false,
        can_delete_stories: false,
      };
    case 'restricted':
      return { status, user, is_member: true, can_send_messages: false, until_date: 0 };
    case 'kicked':
      return { status, user, until_date: 0 };
    default:
      return { status, user };
  }
}
