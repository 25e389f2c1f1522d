/**
 * A fake Telegram Bot API server for tests: node:http on 127.0.0.1, spoken to by the real grammY through
 * `new Bot(token, { client: { apiRoot: fake.apiRoot } })`. It answers the methods sitrep uses the way
 * Telegram does (JSON, form and multipart bodies; long polling; HTML entity parsing with Telegram's
 * errors), and lets a test script the outside world: user messages, failures, blocked and migrated
 * chats, rate limits. Every call is recorded.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Chat, Message as TgMessage, MessageEntity, Update, User, UserFromGetMe } from 'grammy/types';
import { parseTelegramHtml } from './telegram-html.js';

/** A Bot API error as Telegram sends it. */
export type FakeError = {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
};
/** What the fake answered to one call. */
export type FakeResponse = { ok: true; result: unknown } | ({ ok: false } & FakeError);
/** One request the fake received; `response` is set once answered (a held getUpdates answers later). */
export type FakeCall = { method: string; params: Record<string, unknown>; time: number; response?: FakeResponse };
/** A message the bot sent successfully, as the fake keeps it (edits and deletion update it). */
export type FakeSentMessage = {
  chatId: number | string;
  messageId: number;
  threadId: number | undefined;
  /** The `text` parameter exactly as sent (Telegram HTML when parseMode is HTML). */
  text: string;
  /** What the user sees: the text after Telegram parsed the markup. */
  plainText: string;
  parseMode: string | undefined;
  params: Record<string, unknown>;
  /** The Message object the fake answered with. */
  message: TgMessage;
  edits: number;
  deleted: boolean;
};
/** Input for a message a user writes to the bot. */
export type FakeUserMessage = {
  chat: { id: number; type: 'private' | 'group' | 'supergroup'; title?: string; is_forum?: boolean };
  from: { id: number; first_name: string; username?: string; last_name?: string; language_code?: string };
  text: string;
  message_thread_id?: number;
};
/** A chat member status the test sets for getChatMember. */
export type FakeMemberStatus = 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';
/** Options for startFakeTelegram. */
export type FakeTelegramOptions = { token?: string; botUsername?: string; botName?: string; now?: () => number };

/** The running fake and its test controls. */
export type FakeTelegram = {
  /** Value for grammY's `client.apiRoot`. */
  apiRoot: string;
  token: string;
  botInfo: UserFromGetMe;
  /** Every call received, in arrival order. */
  calls: FakeCall[];
  /** Queues an update carrying a user's text message (bot_command entities like real Telegram). */
  sendUserMessage(input: FakeUserMessage): Update;
  /** Queues any update (callback queries, my_chat_member...); update_id is assigned. */
  queueUpdate(update: Omit<Update, 'update_id'>): Update;
  /** Messages the bot sent, oldest first, optionally in one chat. */
  sentMessages(chatId?: number | string): FakeSentMessage[];
  /** The next `times` calls of `method` fail with this error (HTTP status = error_code), after `skip` calls that succeed. */
  failNext(method: string, error: FakeError, times?: number, skip?: number): void;
  /** Every send to the chat answers 403 "Forbidden: bot was blocked by the user". */
  blockChat(chatId: number | string): void;
  unblockChat(chatId: number | string): void;
  /** The group became a supergroup: calls naming the old id answer 400 with migrate_to_chat_id. */
  migrateChat(oldId: number, newId: number): void;
  /** Global sliding one-second window over sends; beyond it 429 with retry_after. null turns it off. */
  setRateLimit(limit: { perSecond: number } | null): void;
  /** Per-chat sliding one-minute window over sends. null turns it off. */
  setPerChatLimit(limit: { perMinute: number } | null): void;
  /** Sets what getChatMember answers for a user in a chat (default "member"). */
  setChatMember(chatId: number, userId: number, status: FakeMemberStatus): void;
  /** Resolves with the first call (already received or still to come) matching; rejects after timeoutMs. A call is
   * tested once, on arrival: a held getUpdates has no `response` yet then. */
  waitFor(predicate: (call: FakeCall, index: number) => boolean, timeoutMs?: number): Promise<FakeCall>;
  /** Updates queued and not yet confirmed by a getUpdates offset. */
  pendingUpdates(): Update[];
  /** Answers a held getUpdates, rejects pending waitFor calls and stops the server. */
  close(): Promise<void>;
};

type Params = Record<string, unknown>;
type Outcome = FakeResponse | Promise<FakeResponse>;

const ok = (result: unknown): FakeResponse => ({ ok: true, result });
const fail = (error_code: number, description: string, parameters?: FakeError['parameters']): FakeResponse =>
  parameters ? { ok: false, error_code, description, parameters } : { ok: false, error_code, description };
const badRequest = (what: string) => fail(400, `Bad Request: ${what}`);

function num(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

/** Chat ids may arrive as numbers, numeric strings (form bodies) or @usernames. */
function chatKey(value: unknown): number | string | undefined {
  return num(value) ?? (typeof value === 'string' && value !== '' ? value : undefined);
}

/** bot_command entities exactly where Telegram puts them: each /command at the start of a word. */
export function commandEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  for (const m of text.matchAll(/(^|\s)(\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?)(?![A-Za-z0-9_@])/g)) {
    entities.push({ type: 'bot_command', offset: (m.index ?? 0) + (m[1] ?? '').length, length: (m[2] ?? '').length });
  }
  return entities;
}

async function readParams(req: IncomingMessage, url: URL): Promise<Params> {
  const params: Params = Object.fromEntries(url.searchParams);
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const type = req.headers['content-type'] ?? '';
  if (body.length === 0) return params;
  if (type.includes('application/json')) return { ...params, ...(JSON.parse(body.toString('utf8')) as Params) };
  if (type.includes('application/x-www-form-urlencoded')) {
    return { ...params, ...coerce(Object.fromEntries(new URLSearchParams(body.toString('utf8')))) };
  }
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
  if (type.includes('multipart/form-data') && boundary) {
    return { ...params, ...coerce(parseMultipart(body, boundary[1] ?? boundary[2] ?? '')) };
  }
  return params;
}

/** Form fields carry objects as JSON text, as Telegram expects. */
function coerce(fields: Params): Params {
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string' && /^[[{]/.test(value)) {
      try {
        fields[key] = JSON.parse(value);
      } catch {
        // Not JSON after all: keep the text.
      }
    }
  }
  return fields;
}

function parseMultipart(body: Buffer, boundary: string): Params {
  const fields: Params = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  while (pos >= 0) {
    const start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const part = body.subarray(start + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const content = part.subarray(headerEnd + 4);
    const name = /;\s*name="([^"]*)"/i.exec(headers)?.[1];
    // grammY writes filename unquoted (filename=notes.txt); browsers quote it.
    const fileMatch = /;\s*filename=(?:"([^"]*)"|([^;\r\n]*))/i.exec(headers);
    const filename = fileMatch ? (fileMatch[1] ?? fileMatch[2] ?? '') : undefined;
    if (name !== undefined) fields[name] = filename === undefined ? content.toString('utf8') : { filename, size: content.length };
    pos = next;
  }
  // grammY names a file part by a random id and points the field at it with attach://id.
  for (const [key, value] of Object.entries(fields)) {
    const file = typeof value === 'string' && value.startsWith('attach://') ? fields[value.slice(9)] : undefined;
    if (file !== undefined && typeof file === 'object') {
      fields[key] = file;
      delete fields[(value as string).slice(9)];
    }
  }
  return fields;
}

/** Methods that put something in a chat: they count toward rate limits and fail on blocked chats. */
const isSend = (method: string) => /^(send|copy|forward|edit)/.test(method) && method !== 'sendChatAction';

/** Starts the fake on 127.0.0.1 with a free port. */
export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const token = options.token ?? '123456789:AAFakeTokenForTests_abcdefghijklmnop';
  const now = options.now ?? Date.now;
  const botInfo: UserFromGetMe = {
    id: Number(token.split(':')[0]) || 123456789,
    is_bot: true,
    first_name: options.botName ?? 'Fake Bot',
    username: options.botUsername ?? 'fakebot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
  } as UserFromGetMe;
  const botUser: User = { id: botInfo.id, is_bot: true, first_name: botInfo.first_name, username: botInfo.username };

  const calls: FakeCall[] = [];
  const sent: FakeSentMessage[] = [];
  const byChat = new Map<string, Map<number, FakeSentMessage>>();
  const lastMessageId = new Map<string, number>();
  const chats = new Map<string, Chat>();
  const users = new Map<number, User>();
  const members = new Map<string, FakeMemberStatus>();
  const failures = new Map<string, { error: FakeError; times: number; skip: number }[]>();
  const blocked = new Set<string>();
  const migrated = new Map<string, number>();
  const commands = new Map<string, unknown[]>();
  let updates: Update[] = [];
  let nextUpdateId = 1;
  let webhookUrl = '';
  let poller: { limit: number; answer: (r: FakeResponse) => void } | undefined;
  let perSecond: number | null = null;
  let perMinute: number | null = null;
  const globalWindow: number[] = [];
  const chatWindows = new Map<string, number[]>();
  type Waiter = { test: (c: FakeCall, i: number) => boolean; seen: number; resolve: (c: FakeCall) => void; reject: (e: Error) => void };
  const waiters = new Set<Waiter>();
  let closing = false;

  const seconds = () => Math.floor(now() / 1000);
  const nextMessageId = (chat: number | string) => {
    const id = (lastMessageId.get(String(chat)) ?? 0) + 1;
    lastMessageId.set(String(chat), id);
    return id;
  };
  const chatFor = (id: number | string): Chat =>
    chats.get(String(id)) ??
    (typeof id === 'number' && id > 0
      ? { id, type: 'private', first_name: users.get(id)?.first_name ?? `User ${id}` }
      : typeof id === 'number' && id < -1e12
        ? { id, type: 'supergroup', title: `Chat ${id}` }
        : { id: typeof id === 'number' ? id : -1, type: 'group', title: `Chat ${id}` });
  const userFor = (id: number): User =>
    id === botInfo.id ? botUser : (users.get(id) ?? { id, is_bot: false, first_name: `User ${id}` });

  const tooMany = (waitMs: number) => {
    const retry = Math.max(1, Math.ceil(waitMs / 1000));
    return fail(429, `Too Many Requests: retry after ${retry}`, { retry_after: retry });
  };
  /** Sliding windows: a request over the limit is refused and does not count. */
  const admit = (chat: string): FakeResponse | null => {
    const t = now();
    if (perSecond !== null) {
      while (globalWindow.length > 0 && (globalWindow[0] as number) <= t - 1000) globalWindow.shift();
      if (globalWindow.length >= perSecond) return tooMany((globalWindow[0] as number) + 1000 - t);
    }
    if (perMinute !== null) {
      const window = chatWindows.get(chat) ?? [];
      chatWindows.set(chat, window);
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
    const newId = migrated.get(String(chat));
    if (newId !== undefined) {
      return fail(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: newId });
    }
    if (isSend(method) && blocked.has(String(chat))) return fail(403, 'Forbidden: bot was blocked by the user');
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
    const found = id === undefined ? undefined : byChat.get(String(chatKey(p.chat_id)))?.get(id);
    return found && !found.deleted ? found : undefined;
  };

  const handlers: Record<string, (p: Params) => Outcome> = {
    getMe: () => ok(botInfo),
    logOut: () => ok(true),
    close: () => ok(true),
    deleteWebhook: (p) => {
      webhookUrl = '';
      if (p.drop_pending_updates === true || p.drop_pending_updates === 'true') updates = [];
      return ok(true);
    },
    setWebhook: (p) => {
      if (typeof p.url !== 'string') return badRequest('bad webhook: URL is empty');
      webhookUrl = p.url;
      return ok(true);
    },
    getWebhookInfo: () =>
      ok({ url: webhookUrl, has_custom_certificate: false, pending_update_count: updates.length }),
    getUpdates: (p) => {
      if (webhookUrl) {
        return fail(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
      }
      const offset = num(p.offset) ?? 0;
      if (offset > 0) updates = updates.filter((u) => u.update_id >= offset);
      else if (offset < 0) updates = updates.slice(offset);
      const limit = Math.min(100, Math.max(1, num(p.limit) ?? 100));
      const timeout = num(p.timeout) ?? 0;
      if (updates.length > 0 || timeout <= 0 || closing) return ok(updates.slice(0, limit));
      // Telegram ends an older long poll when a newer one arrives: two bot instances conflict.
      poller?.answer(fail(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
      return new Promise<FakeResponse>((resolve) => {
        const self = {
          limit,
          answer: (r: FakeResponse) => {
            clearTimeout(timer);
            if (poller === self) poller = undefined;
            resolve(r);
          },
        };
        const timer = setTimeout(() => self.answer(ok([])), timeout * 1000);
        poller = self;
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
        from: botUser,
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
      sent.push(record);
      const inChat = byChat.get(String(chatId)) ?? new Map<number, FakeSentMessage>();
      byChat.set(String(chatId), inChat.set(record.messageId, record));
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
      commands.set(commandsKey(p), list);
      return ok(true);
    },
    getMyCommands: (p) => ok(commands.get(commandsKey(p)) ?? []),
    deleteMyCommands: (p) => ok(commands.delete(commandsKey(p)) || true),
    getChatMember: (p) => {
      const userId = num(p.user_id);
      if (userId === undefined) return badRequest('invalid user_id specified');
      const status = members.get(`${chatKey(p.chat_id)}:${userId}`) ?? 'member';
      return ok(memberObject(status, userFor(userId)));
    },
    getChat: (p) =>
      ok({ ...chatFor(chatKey(p.chat_id) as number | string), accent_color_id: 0, max_reaction_count: 11 }),
    answerCallbackQuery: (p) =>
      p.callback_query_id ? ok(true) : badRequest('query is too old and response timeout expired or query ID is invalid'),
    sendChatAction: (p) => (typeof p.action === 'string' ? ok(true) : badRequest('wrong parameter action in request')),
  };
  const canonical = new Map(Object.keys(handlers).map((name) => [name.toLowerCase(), name]));
  const chatMethods = new Set(['sendMessage', 'editMessageText', 'deleteMessage', 'getChatMember', 'getChat', 'sendChatAction']);

  /** Each waiter remembers how far it has looked, so 2,000 calls do not mean 2,000² predicate runs. */
  const notify = () => {
    for (const waiter of waiters) {
      for (; waiter.seen < calls.length; waiter.seen += 1) {
        if (waiter.test(calls[waiter.seen] as FakeCall, waiter.seen)) {
          waiters.delete(waiter);
          waiter.resolve(calls[waiter.seen] as FakeCall);
          break;
        }
      }
    }
  };

  const dispatch = (method: string, p: Params): Outcome => {
    const queued = failures.get(method);
    const next = queued?.[0];
    if (next && next.skip > 0) next.skip -= 1;
    else if (next) {
      next.times -= 1;
      if (next.times <= 0) queued.shift();
      return { ok: false, ...next.error };
    }
    const handler = handlers[method] as (p: Params) => Outcome;
    return (chatMethods.has(method) && chatGate(method, p)) || handler(p);
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      send(res, fail(500, `Internal Server Error: ${error instanceof Error ? error.message : String(error)}`));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const params = await readParams(req, url).catch(() => null);
    if (!match) return send(res, fail(404, 'Not Found'));
    if (decodeURIComponent(match[1] ?? '') !== token) return send(res, fail(401, 'Unauthorized'));
    const method = canonical.get((match[2] ?? '').toLowerCase());
    const call: FakeCall = { method: method ?? match[2] ?? '', params: params ?? {}, time: now() };
    calls.push(call);
    const outcome: Outcome = !method
      ? fail(404, 'Not Found: method not found')
      : params === null
        ? badRequest('invalid request body')
        : dispatch(method, params);
    if (!(outcome instanceof Promise)) call.response = outcome;
    else {
      // A long poll whose client went away (grammY aborts it on bot.stop()) must not take the next update.
      const held = poller;
      res.once('close', () => {
        if (held && poller === held) held.answer(ok([]));
      });
    }
    notify();
    const response = await outcome;
    call.response = response;
    send(res, response);
  }

  function send(res: ServerResponse, response: FakeResponse): void {
    if (res.writableEnded || res.destroyed) return;
    const body = JSON.stringify(response);
    res.writeHead(response.ok ? 200 : response.error_code, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  }

  const queueUpdate = (update: Omit<Update, 'update_id'>): Update => {
    const full = { update_id: nextUpdateId++, ...update } as Update;
    updates.push(full);
    poller?.answer(ok(updates.slice(0, poller.limit)));
    return full;
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    botInfo,
    calls,
    sendUserMessage: (input) => {
      const from: User = { is_bot: false, ...input.from };
      users.set(from.id, from);
      const { id, type } = input.chat;
      const chat = (
        type === 'private'
          ? { id, type, first_name: from.first_name, ...(from.username ? { username: from.username } : {}) }
          : { id, type, title: input.chat.title ?? `Chat ${id}`, ...(input.chat.is_forum ? { is_forum: true } : {}) }
      ) as Chat;
      chats.set(String(id), chat);
      const entities = commandEntities(input.text);
      const thread = input.message_thread_id;
      return queueUpdate({
        message: {
          message_id: nextMessageId(id),
          date: seconds(),
          chat,
          from,
          text: input.text,
          ...(entities.length > 0 ? { entities } : {}),
          ...(thread !== undefined ? { message_thread_id: thread, is_topic_message: true } : {}),
        } as TgMessage & Update.NonChannel,
      });
    },
    queueUpdate,
    sentMessages: (chatId) => (chatId === undefined ? [...sent] : sent.filter((m) => String(m.chatId) === String(chatId))),
    failNext: (method, error, times = 1, skip = 0) => {
      const name = canonical.get(method.toLowerCase()) ?? method;
      failures.set(name, [...(failures.get(name) ?? []), { error, times, skip }]);
    },
    blockChat: (chatId) => void blocked.add(String(chatId)),
    unblockChat: (chatId) => void blocked.delete(String(chatId)),
    migrateChat: (oldId, newId) => {
      migrated.set(String(oldId), newId);
      const old = chats.get(String(oldId));
      chats.set(String(newId), { id: newId, type: 'supergroup', title: old?.title ?? `Chat ${newId}` });
    },
    setRateLimit: (limit) => {
      perSecond = limit?.perSecond ?? null;
      globalWindow.length = 0;
    },
    setPerChatLimit: (limit) => {
      perMinute = limit?.perMinute ?? null;
      chatWindows.clear();
    },
    setChatMember: (chatId, userId, status) => void members.set(`${chatId}:${userId}`, status),
    waitFor: (test, timeoutMs = 5000) =>
      new Promise<FakeCall>((resolve, reject) => {
        const waiter: Waiter = {
          test,
          seen: 0,
          resolve: (c: FakeCall) => {
            clearTimeout(timer);
            resolve(c);
          },
          reject: (e: Error) => {
            clearTimeout(timer);
            reject(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = calls.slice(-10).map((c) => c.method).join(', ');
          reject(new Error(`waitFor: no matching call within ${timeoutMs} ms (last calls: ${seen || 'none'})`));
        }, timeoutMs);
        waiters.add(waiter);
        notify();
      }),
    pendingUpdates: () => [...updates],
    close: async () => {
      closing = true;
      poller?.answer(ok([]));
      for (const waiter of waiters) waiter.reject(new Error('waitFor: the fake Telegram server was closed'));
      waiters.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Let the answer to a held long poll reach its socket before the connections go.
      await new Promise((resolve) => setImmediate(resolve));
      // grammY keeps connections alive; without this close() would wait for them to time out.
      server.closeAllConnections();
      await closed;
    },
  };
}

function commandsKey(p: Params): string {
  return `${JSON.stringify(p.scope ?? { type: 'default' })}|${typeof p.language_code === 'string' ? p.language_code : ''}`;
}

function memberObject(status: FakeMemberStatus, user: User): Record<string, unknown> {
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
