/**
 * The fake Telegram's Bot API methods: what each does to the world the fake keeps (telegram-state.ts),
 * with Telegram's checks in Telegram's order (failures a test scripted, migrated and blocked chats, rate
 * limits, entity parsing).
 */
import type { Chat, Message as TgMessage, MessageEntity, User } from 'grammy/types';
import { parseTelegramHtml } from './telegram-html.js';
import { badRequest, commandsKey, fail, memberObject, ok, tooMany } from './telegram-payloads.js';
import { chatKey, num, type Params } from './telegram-request.js';
import type { FakeState } from './telegram-state.js';
import type { FakeResponse, FakeSentMessage } from './telegram-types.js';

/** An answer now, or later (a held long poll). */
export type Outcome = FakeResponse | Promise<FakeResponse>;

/** Methods that put something in a chat: they count toward rate limits and fail on blocked chats. */
const isSend = (method: string) => /^(send|copy|forward|edit)/.test(method) && method !== 'sendChatAction';
const CHAT_METHODS = new Set(['sendMessage', 'editMessageText', 'deleteMessage', 'getChatMember', 'getChat', 'sendChatAction']);

/** The methods over `state`: `dispatch` answers one call; `canonical` maps a lower-cased name to the method's. */
export function createMethods(state: FakeState) {
  const seconds = () => Math.floor(state.now() / 1000);
  const nextMessageId = (chat: number | string) => {
    const id = (state.lastMessageId.get(String(chat)) ?? 0) + 1;
    state.lastMessageId.set(String(chat), id);
    return id;
  };
  const chatFor = (id: number | string): Chat =>
    state.chats.get(String(id)) ??
    (typeof id === 'number' && id > 0
      ? { id, type: 'private', first_name: state.users.get(id)?.first_name ?? `User ${id}` }
      : typeof id === 'number' && id < -1e12
        ? { id, type: 'supergroup', title: `Chat ${id}` }
        : { id: typeof id === 'number' ? id : -1, type: 'group', title: `Chat ${id}` });
  const userFor = (id: number): User =>
    id === state.botInfo.id ? state.botUser : (state.users.get(id) ?? { id, is_bot: false, first_name: `User ${id}` });

  /** Sliding windows: a request over the limit is refused and does not count. */
  const admit = (chat: string): FakeResponse | null => {
    const t = state.now();
    const { globalWindow, perSecond, perMinute } = state;
    if (perSecond !== null) {
      while (globalWindow.length > 0 && (globalWindow[0] as number) <= t - 1000) globalWindow.shift();
      if (globalWindow.length >= perSecond) return tooMany((globalWindow[0] as number) + 1000 - t);
    }
    if (perMinute !== null) {
      const window = state.chatWindows.get(chat) ?? [];
      state.chatWindows.set(chat, window);
      while (window.length > 0 && (window[0] as number) <= t - 60_000) window.shift();
      if (window.length >= perMinute) return tooMany((window[0] as number) + 60_000 - t);
      window.push(t);
    }
    if (perSecond !== null) globalWindow.push(t);
    return null;
  };

  /** Checks every call naming a chat goes through, in Telegram's order. */
  const chatGate = (method: string, p: Params): FakeResponse | null => {
    const chat = chatKey(p.chat_id);
    if (chat === undefined) return method === 'editMessageText' && p.inline_message_id ? null : badRequest('chat_id is empty');
    const newId = state.migrated.get(String(chat));
    if (newId !== undefined) {
      return fail(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: newId });
    }
    if (isSend(method) && state.blocked.has(String(chat))) return fail(403, 'Forbidden: bot was blocked by the user');
    return isSend(method) ? admit(String(chat)) : null;
  };

  /** Text and entities as Telegram would store them, or its error. */
  const parseText = (p: Params): { text: string; entities: MessageEntity[] } | FakeResponse => {
    const raw = typeof p.text === 'string' ? p.text : p.text === undefined ? '' : String(p.text);
    const parsed = p.parse_mode === 'HTML' ? parseTelegramHtml(raw) : { ok: true as const, text: raw, entities: [] };
    if (!parsed.ok) return badRequest(`can't parse entities: ${parsed.description}`);
    if (parsed.text.trim() === '') return badRequest('message text is empty');
    if (parsed.text.length > 4096) return badRequest('message is too long');
    return { text: parsed.text, entities: parsed.entities as MessageEntity[] };
  };

  const findMessage = (p: Params) => {
    const id = num(p.message_id);
    const found = id === undefined ? undefined : state.byChat.get(String(chatKey(p.chat_id)))?.get(id);
    return found && !found.deleted ? found : undefined;
  };

  const handlers: Record<string, (p: Params) => Outcome> = {
    getMe: () => ok(state.botInfo),
    logOut: () => ok(true),
    close: () => ok(true),
    deleteWebhook: (p) => {
      state.webhookUrl = '';
      if (p.drop_pending_updates === true || p.drop_pending_updates === 'true') state.updates = [];
      return ok(true);
    },
    setWebhook: (p) => {
      if (typeof p.url !== 'string') return badRequest('bad webhook: URL is empty');
      state.webhookUrl = p.url;
      return ok(true);
    },
    getWebhookInfo: () => ok({ url: state.webhookUrl, has_custom_certificate: false, pending_update_count: state.updates.length }),
    getUpdates: (p) => {
      if (state.webhookUrl) {
        return fail(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
      }
      const offset = num(p.offset) ?? 0;
      if (offset > 0) state.updates = state.updates.filter((u) => u.update_id >= offset);
      else if (offset < 0) state.updates = state.updates.slice(offset);
      const limit = Math.min(100, Math.max(1, num(p.limit) ?? 100));
      const timeout = num(p.timeout) ?? 0;
      if (state.updates.length > 0 || timeout <= 0 || state.closing) return ok(state.updates.slice(0, limit));
      // Telegram ends an older long poll when a newer one arrives: two bot instances conflict.
      state.poller?.answer(fail(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
      return new Promise<FakeResponse>((resolve) => {
        const self = {
          limit,
          answer: (r: FakeResponse) => {
            clearTimeout(timer);
            if (state.poller === self) state.poller = undefined;
            resolve(r);
          },
        };
        const timer = setTimeout(() => self.answer(ok([])), timeout * 1000);
        state.poller = self;
      });
    },
    sendMessage: (p) => {
      const parsed = parseText(p);
      if ('ok' in parsed) return parsed;
      const chatId = chatKey(p.chat_id) as number | string;
      const chat = chatFor(chatId);
      const threadId = num(p.message_thread_id);
      const message = {
        message_id: nextMessageId(chatId),
        date: seconds(),
        chat,
        from: state.botUser,
        text: parsed.text,
        ...(parsed.entities.length > 0 ? { entities: parsed.entities } : {}),
        ...(threadId !== undefined ? { message_thread_id: threadId } : {}),
        ...(threadId !== undefined && chat.type === 'supergroup' && chat.is_forum ? { is_topic_message: true } : {}),
        ...(p.link_preview_options ? { link_preview_options: p.link_preview_options } : {}),
        ...(p.reply_markup && typeof p.reply_markup === 'object' && 'inline_keyboard' in p.reply_markup ? { reply_markup: p.reply_markup } : {}),
      } as TgMessage;
      const record: FakeSentMessage = {
        chatId,
        messageId: message.message_id,
        threadId,
        text: String(p.text),
        plainText: parsed.text,
        parseMode: typeof p.parse_mode === 'string' ? p.parse_mode : undefined,
        params: p,
        message,
        edits: 0,
        deleted: false,
      };
      state.sent.push(record);
      const inChat = state.byChat.get(String(chatId)) ?? new Map<number, FakeSentMessage>();
      state.byChat.set(String(chatId), inChat.set(record.messageId, record));
      return ok(message);
    },
    editMessageText: (p) => {
      if (p.inline_message_id !== undefined) return badRequest('inline messages are not supported by the fake');
      const record = findMessage(p);
      if (!record) return badRequest('message to edit not found');
      const parsed = parseText(p);
      if ('ok' in parsed) return parsed;
      const markup = JSON.stringify(p.reply_markup ?? null);
      const same =
        parsed.text === record.plainText &&
        JSON.stringify(parsed.entities) === JSON.stringify(record.message.entities ?? []) &&
        markup === JSON.stringify(record.message.reply_markup ?? null);
      if (same) {
        return badRequest(
          'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
        );
      }
      const { entities: _old, ...rest } = record.message;
      record.message = {
        ...rest,
        text: parsed.text,
        ...(parsed.entities.length > 0 ? { entities: parsed.entities } : {}),
        edit_date: seconds(),
      } as TgMessage;
      Object.assign(record, { text: String(p.text), plainText: parsed.text, params: p, edits: record.edits + 1 });
      return ok(record.message);
    },
    deleteMessage: (p) => {
      const record = findMessage(p);
      if (!record) return badRequest('message to delete not found');
      record.deleted = true;
      return ok(true);
    },
    setMyCommands: (p) => {
      const list = Array.isArray(p.commands) ? (p.commands as { command?: unknown; description?: unknown }[]) : null;
      if (!list || list.length > 100) return badRequest('commands must be a list of at most 100 BotCommand');
      for (const c of list) {
        if (typeof c.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(c.command)) return badRequest('BOT_COMMAND_INVALID');
        if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 256) {
          return badRequest('command description is empty');
        }
      }
      state.commands.set(commandsKey(p), list);
      return ok(true);
    },
    getMyCommands: (p) => ok(state.commands.get(commandsKey(p)) ?? []),
    deleteMyCommands: (p) => ok(state.commands.delete(commandsKey(p)) || true),
    getChatMember: (p) => {
      const userId = num(p.user_id);
      if (userId === undefined) return badRequest('invalid user_id specified');
      const status = state.members.get(`${chatKey(p.chat_id)}:${userId}`) ?? 'member';
      return ok(memberObject(status, userFor(userId)));
    },
    getChat: (p) => ok({ ...chatFor(chatKey(p.chat_id) as number | string), accent_color_id: 0, max_reaction_count: 11 }),
    answerCallbackQuery: (p) =>
      p.callback_query_id ? ok(true) : badRequest('query is too old and response timeout expired or query ID is invalid'),
    sendChatAction: (p) => (typeof p.action === 'string' ? ok(true) : badRequest('wrong parameter action in request')),
  };

  /** A scripted failure first (failNext), then the chat checks, then the method itself. */
  const dispatch = (method: string, p: Params): Outcome => {
    const queued = state.failures.get(method);
    const next = queued?.[0];
    if (next && next.skip > 0) next.skip -= 1;
    else if (next) {
      next.times -= 1;
      if (next.times <= 0) queued.shift();
      return { ok: false, ...next.error };
    }
    const handler = handlers[method] as (p: Params) => Outcome;
    return (CHAT_METHODS.has(method) && chatGate(method, p)) || handler(p);
  };

  return {
    dispatch,
    canonical: new Map(Object.keys(handlers).map((name) => [name.toLowerCase(), name])),
    nextMessageId,
    seconds,
  };
}
