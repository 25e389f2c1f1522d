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
import type { Chat, Message as TgMessage, Update, User } from 'grammy/types';
import { createMethods, type Outcome } from './telegram-methods.js';
import { createFakeState } from './telegram-state.js';
import { badRequest, commandEntities, fail, ok } from './telegram-payloads.js';
import { readParams } from './telegram-request.js';
import type { FakeCall, FakeResponse, FakeTelegram, FakeTelegramOptions } from './telegram-types.js';

/** Starts the fake on 127.0.0.1 with a free port. */
export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const state = createFakeState(options);
  const { token, now, botInfo, calls } = state;
  const { dispatch, canonical, nextMessageId, seconds } = createMethods(state);
  type Waiter = { test: (c: FakeCall, i: number) => boolean; seen: number; resolve: (c: FakeCall) => void; reject: (e: Error) => void };
  const waiters = new Set<Waiter>();

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
      const held = state.poller;
      res.once('close', () => {
        if (held && state.poller === held) held.answer(ok([]));
      });
    }
    notify();
    if (state.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, state.latencyMs));
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
    const full = { update_id: state.nextUpdateId++, ...update } as Update;
    state.updates.push(full);
    state.poller?.answer(ok(state.updates.slice(0, state.poller.limit)));
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
      state.users.set(from.id, from);
      const { id, type } = input.chat;
      const chat = (
        type === 'private'
          ? { id, type, first_name: from.first_name, ...(from.username ? { username: from.username } : {}) }
          : { id, type, title: input.chat.title ?? `Chat ${id}`, ...(input.chat.is_forum ? { is_forum: true } : {}) }
      ) as Chat;
      state.chats.set(String(id), chat);
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
    sentMessages: (chatId) => (chatId === undefined ? [...state.sent] : state.sent.filter((m) => String(m.chatId) === String(chatId))),
    failNext: (method, error, times = 1, skip = 0) => {
      const name = canonical.get(method.toLowerCase()) ?? method;
      state.failures.set(name, [...(state.failures.get(name) ?? []), { error, times, skip }]);
    },
    blockChat: (chatId) => void state.blocked.add(String(chatId)),
    unblockChat: (chatId) => void state.blocked.delete(String(chatId)),
    migrateChat: (oldId, newId) => {
      state.migrated.set(String(oldId), newId);
      const old = state.chats.get(String(oldId));
      state.chats.set(String(newId), { id: newId, type: 'supergroup', title: old?.title ?? `Chat ${newId}` });
    },
    setRateLimit: (limit) => {
      state.perSecond = limit?.perSecond ?? null;
      state.globalWindow.length = 0;
    },
    setLatency: (ms) => {
      state.latencyMs = ms;
    },
    setPerChatLimit: (limit) => {
      state.perMinute = limit?.perMinute ?? null;
      state.chatWindows.clear();
    },
    setChatMember: (chatId, userId, status) => void state.members.set(`${chatId}:${userId}`, status),
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
    pendingUpdates: () => [...state.updates],
    close: async () => {
      state.closing = true;
      state.poller?.answer(ok([]));
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
