import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelRef } from '../../../src/chat/command.js';
import { formatAlert } from '../../../src/chat/format-story.js';
import type { Message } from '../../../src/chat/message.js';
import { createTelegramPlatform } from '../../../src/platforms/telegram/telegram-platform.js';
import type { TelegramPlatform } from '../../../src/platforms/telegram/telegram-platform.js';
import { createFakeServices, makeStory, registry } from '../../commands/fake-services.js';
import { startFakeTelegram } from '../../fakes/telegram-api.js';
import { commandEntities } from '../../fakes/telegram-payloads.js';
import { parseTelegramHtml } from '../../fakes/telegram-html.js';
import type { FakeCall, FakeTelegram, FakeUserMessage } from '../../fakes/telegram-types.js';

type Entry = { level: string; details: object; message: string };

function createLogger() {
  const entries: Entry[] = [];
  const at = (level: string) => (details: object, message: string) => void entries.push({ level, details, message });
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const alice = { id: 42, first_name: 'Alice', username: 'alice' };
const bob = { id: 43, first_name: 'Bob' };

let fake: FakeTelegram;
let platform: TelegramPlatform;
let logger: ReturnType<typeof createLogger>;
let services: ReturnType<typeof createFakeServices>;
const subscribedChannels: ChannelRef[] = [];

beforeAll(async () => {
  fake = await startFakeTelegram();
  logger = createLogger();
  services = createFakeServices();
  const subscribe = services.subscribe;
  services.subscribe = async (channel, req) => {
    subscribedChannels.push(channel);
    return subscribe(channel, req);
  };
  platform = createTelegramPlatform({ token: fake.token, apiRoot: fake.apiRoot, registry, services, logger });
  await platform.start();
});

afterAll(async () => {
  await platform.stop();
  await fake.close();
});

/** Sends a user message and resolves with the bot's reply to it (the first chunk). */
async function ask(input: FakeUserMessage) {
  const update = fake.sendUserMessage(input);
  const messageId = update.message?.message_id;
  const call = await fake.waitFor(
    (c) =>
      c.method === 'sendMessage' &&
      String(c.params.chat_id) === String(input.chat.id) &&
      (c.params.reply_parameters as { message_id?: number } | undefined)?.message_id === messageId,
  );
  return { call, reply: sentFor(call) };
}

function sentFor(call: FakeCall) {
  const result = (call.response as { result?: { message_id?: number } } | undefined)?.result;
  const reply = fake.sentMessages(call.params.chat_id as number).find((m) => m.messageId === result?.message_id);
  if (!reply) throw new Error(`no sent message for ${JSON.stringify(call.response)}`);
  return reply;
}

const pm = (from: { id: number; first_name: string; username?: string }) => ({ id: from.id, type: 'private' as const });

describe('the Telegram platform with the real grammY against the fake Bot API', () => {
  it('sets the command menu to every registered command at start', async () => {
    const call = fake.calls.find((c) => c.method === 'setMyCommands');
    const menu = call?.params.commands as { command: string; description: string }[];
    expect(menu.map((c) => c.command)).toEqual(registry.list().map((d) => d.name));
    expect(menu.every((c) => c.description.length >= 1 && c.description.length <= 256)).toBe(true);
    expect(call?.response?.ok).toBe(true);
    expect(platform.botUsername).toBe('fakebot');
  });

  it('answers /status m23 in HTML, replying to the command', async () => {
    const { call, reply } = await ask({ chat: pm(alice), from: alice, text: '/status m23' });
    expect(reply.parseMode).toBe('HTML');
    expect(parseTelegramHtml(reply.text).ok).toBe(true);
    expect(reply.plainText).toContain('M23 rebellion');
    expect(reply.message.entities?.some((e) => e.type === 'bold')).toBe(true);
    expect(call.params.reply_parameters).toMatchObject({ allow_sending_without_reply: true });
  });

  it('answers /status@fakebot m23 in a group and ignores /status@otherbot', async () => {
    const group = { id: -201, type: 'group' as const, title: 'Goma watch' };
    const ignored = fake.sendUserMessage({ chat: group, from: alice, text: '/status@otherbot m23' });
    const { reply } = await ask({ chat: group, from: alice, text: '/status@fakebot m23' });
    expect(reply.plainText).toContain('M23 rebellion');
    // Answers in a chat go out in order, so a reply to the first message would already be there.
    const replies = fake.calls.filter(
      (c) => c.method === 'sendMessage' && (c.params.reply_parameters as { message_id?: number } | undefined)?.message_id === ignored.message?.message_id && c.params.chat_id === group.id,
    );
    expect(replies).toEqual([]);
  });

  it('answers /start, which Telegram sends when someone first opens the bot, with the help text', async () => {
    const { reply: help } = await ask({ chat: pm(bob), from: bob, text: '/help' });
    const { reply: start } = await ask({ chat: pm(bob), from: bob, text: '/start' });
    expect(start.plainText).toBe(help.plainText);
    const { reply: deepLink } = await ask({ chat: pm(bob), from: bob, text: '/start from-website' });
    expect(deepLink.plainText).toBe(help.plainText);
    const group = { id: -202, type: 'group' as const, title: 'Bukavu desk' };
    const { reply: addressed } = await ask({ chat: group, from: alice, text: '/start@fakebot' });
    expect(addressed.plainText).toBe(help.plainText);
  });

  it('answers every registered command', async () => {
    const args: Record<string, string> = { search: 'M23', subscribe: 'm23', unsubscribe: 'm23' };
    const user = { id: 77, first_name: 'Carol' };
    for (const definition of registry.list()) {
      const text = `/${definition.name} ${args[definition.name] ?? ''}`.trim();
      const { reply } = await ask({ chat: pm(user), from: user, text });
      expect(reply.plainText.length, text).toBeGreaterThan(0);
      expect(reply.plainText, text).not.toMatch(/Unknown command|Something went wrong|Missing|Only administrators/);
    }
  });

  it('lets a group administrator subscribe', async () => {
    const group = { id: -202, type: 'group' as const, title: 'Kinshasa desk' };
    fake.setChatMember(group.id, alice.id, 'administrator');
    const { reply } = await ask({ chat: group, from: alice, text: '/subscribe m23' });
    expect(reply.plainText).not.toContain('Only administrators');
    expect(services.data.subscriptions.get('telegram:-202')?.map((s) => s.topic)).toEqual(['m23']);
    const check = fake.calls.find((c) => c.method === 'getChatMember' && c.params.chat_id === group.id);
    expect(check?.params.user_id).toBe(alice.id);
  });

  it('refuses a plain group member, saying why', async () => {
    const group = { id: -203, type: 'group' as const, title: 'Readers' };
    const { reply } = await ask({ chat: group, from: bob, text: '/subscribe m23' });
    expect(reply.plainText).toContain('Only administrators of this chat can use /subscribe');
    expect(services.data.subscriptions.get('telegram:-203')).toBeUndefined();
  });

  it('counts an anonymous administrator posting as the group as an administrator', async () => {
    const chat = { id: -1001000000204, type: 'supergroup' as const, title: 'Anon admins' };
    const update = fake.queueUpdate({
      message: {
        message_id: 9001,
        date: Math.floor(Date.now() / 1000),
        chat,
        from: { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' },
        sender_chat: chat,
        text: '/subscribe ceasefire',
        entities: commandEntities('/subscribe ceasefire'),
      },
    });
    await fake.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === chat.id);
    expect(update.message?.message_id).toBe(9001);
    expect(services.data.subscriptions.get(`telegram:${chat.id}`)?.map((s) => s.topic)).toEqual(['ceasefire']);
    expect(fake.calls.some((c) => c.method === 'getChatMember' && c.params.chat_id === chat.id)).toBe(false);
  });

  it('lets anyone subscribe their private chat without asking Telegram about rights', async () => {
    const dave = { id: 88, first_name: 'Dave' };
    const { reply } = await ask({ chat: pm(dave), from: dave, text: '/subscribe all digest 07:30' });
    expect(reply.plainText).not.toContain('Only administrators');
    expect(services.data.subscriptions.get('telegram:88')?.map((s) => s.topic)).toEqual(['all']);
    expect(fake.calls.some((c) => c.method === 'getChatMember' && c.params.chat_id === dave.id)).toBe(false);
  });

  it('answers a command typed in a forum topic inside that topic and subscribes the topic', async () => {
    const forum = { id: -1001000000205, type: 'supergroup' as const, title: 'Newsroom', is_forum: true };
    fake.setChatMember(forum.id, alice.id, 'creator');
    const { call, reply } = await ask({ chat: forum, from: alice, text: '/subscribe qatar-talks', message_thread_id: 7 });
    expect(call.params.message_thread_id).toBe(7);
    expect(reply.threadId).toBe(7);
    expect(subscribedChannels.at(-1)).toEqual({ platform: 'telegram', chatId: String(forum.id), threadId: '7' });

    const sent = await platform.sender.send({ platform: 'telegram', chatId: String(forum.id), threadId: '7' }, formatAlert([makeStory()]));
    expect(sent.ok).toBe(true);
    expect(fake.sentMessages(forum.id).at(-1)?.threadId).toBe(7);
  });

  it('sends an alert, then edits it in place when a second outlet reports the story', async () => {
    const channel: ChannelRef = { platform: 'telegram', chatId: '501' };
    const story = makeStory();
    const sent = await platform.sender.send(channel, formatAlert([story]));
    expect(sent.ok).toBe(true);
    const ids = sent.ok ? sent.messageIds : [];
    expect(ids).toHaveLength(1);

    const update = formatAlert([{ ...story, sources: ['Reuters', 'AFP'] }]);
    const edited = await platform.sender.edit(channel, ids, update);
    expect(edited).toEqual({ ok: true, messageIds: ids });
    const [message] = fake.sentMessages(501);
    expect(message?.edits).toBe(1);
    expect(message?.plainText).toContain('Reuters +1 source');
    expect(fake.calls.at(-1)?.params.parse_mode).toBe('HTML');

    // Telegram refuses an edit to identical content; for us that is success.
    expect(await platform.sender.edit(channel, ids, update)).toEqual({ ok: true, messageIds: ids });
  });

  it('cuts an edit that would not fit one message cleanly, so it is still accepted', async () => {
    const channel: ChannelRef = { platform: 'telegram', chatId: '502' };
    const sent = await platform.sender.send(channel, formatAlert([makeStory()]));
    const long = formatAlert(Array.from({ length: 60 }, (_, i) => makeStory({ id: `s${i}`, title: `Story number ${i} `.repeat(6) })));
    const edited = await platform.sender.edit(channel, sent.ok ? sent.messageIds : [], long);
    expect(edited.ok).toBe(true);
    const [message] = fake.sentMessages(502);
    expect(message?.plainText.length).toBeLessThanOrEqual(4096);
    expect(message?.plainText.endsWith('…')).toBe(true);
  });

  /** A digest long enough to need several Telegram messages. */
  const longDigest = (): Message => ({
    kind: 'digest',
    blocks: [
      { type: 'heading', text: 'Daily digest' },
      ...Array.from({ length: 80 }, (_, i) => ({
        type: 'list' as const,
        items: [[{ text: `Item ${i}: talks in Doha continue with a long enough line`, url: `https://news.example/${i}` }]],
      })),
    ],
  });

  it('sends a digest with link previews off, split into chunks Telegram accepts', async () => {
    const digest = longDigest();
    const result = await platform.sender.send({ platform: 'telegram', chatId: '503' }, digest);
    const chunks = fake.sentMessages(503);
    expect(chunks.length).toBeGreaterThan(1);
    expect(result).toEqual({ ok: true, messageIds: chunks.map((m) => String(m.messageId)) });
    for (const chunk of chunks) {
      expect(chunk.params.link_preview_options).toEqual({ is_disabled: true });
      expect(chunk.parseMode).toBe('HTML');
    }
    expect(chunks.map((m) => m.plainText).join('\n')).toContain('Item 79');
  });

  it('takes back the chunks already sent when a later chunk fails, so the resend is seen once', async () => {
    const channel: ChannelRef = { platform: 'telegram', chatId: '510' };
    fake.failNext('sendMessage', { error_code: 500, description: 'Internal Server Error' }, 1, 1);
    const failed = await platform.sender.send(channel, longDigest());
    expect(failed).toMatchObject({ ok: false, kind: 'retry' });
    expect(fake.sentMessages(510).map((m) => m.deleted)).toEqual([true]);

    // The dispatcher's retry: every chunk once, in order, and nothing else left in the chat.
    const resent = await platform.sender.send(channel, longDigest());
    const visible = fake.sentMessages(510).filter((m) => !m.deleted);
    expect(resent).toEqual({ ok: true, messageIds: visible.map((m) => String(m.messageId)) });
    expect(visible.length).toBeGreaterThan(1);
    const text = visible.map((m) => m.plainText).join('\n');
    for (const i of [0, 40, 79]) expect(text.split(`Item ${i}:`)).toHaveLength(2);
  });

  it('counts a partly sent message as sent when its first chunks cannot be taken back', async () => {
    const channel: ChannelRef = { platform: 'telegram', chatId: '511' };
    fake.failNext('sendMessage', { error_code: 500, description: 'Internal Server Error' }, 1, 1);
    fake.failNext('deleteMessage', { error_code: 400, description: 'Bad Request: message can\'t be deleted' });
    const result = await platform.sender.send(channel, longDigest());
    const [first, ...others] = fake.sentMessages(511);
    expect(others).toEqual([]);
    expect(first?.deleted).toBe(false);
    // Sent as far as it got: a resend would show the first chunk twice.
    expect(result).toEqual({ ok: true, messageIds: [String(first?.messageId)] });
    expect(logger.entries.some((e) => (e.details as { chatId?: string }).chatId === '511' && e.message.includes('only partly sent'))).toBe(true);
  });

  it('renders a hostile title harmlessly', async () => {
    const title = '<script>alert(1)</script> Tom & Jerry <b>bold</b> @everyone';
    const result = await platform.sender.send({ platform: 'telegram', chatId: '504' }, formatAlert([makeStory({ title })]));
    expect(result.ok).toBe(true);
    const [message] = fake.sentMessages(504);
    const parsed = parseTelegramHtml(message?.text ?? '');
    expect(parsed.ok).toBe(true);
    expect(message?.plainText).toContain(title);
    expect(message?.text).not.toContain('<script>');
    expect(message?.text).toContain('&lt;b&gt;bold&lt;/b&gt;');
    const types = new Set(message?.message.entities?.map((e) => e.type));
    expect([...types].every((t) => ['bold', 'italic', 'text_link'].includes(t))).toBe(true);
  });

  it('honours a 429 retry_after and loses nothing', async () => {
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    const before = fake.calls.length;
    const result = await platform.sender.send({ platform: 'telegram', chatId: '505' }, formatAlert([makeStory()]));
    expect(result.ok).toBe(true);
    const attempts = fake.calls.slice(before).filter((c) => c.method === 'sendMessage');
    expect(attempts.map((c) => c.response?.ok)).toEqual([false, true]);
    expect((attempts[1]?.time ?? 0) - (attempts[0]?.time ?? 0)).toBeGreaterThanOrEqual(950);
    expect(fake.sentMessages(505)).toHaveLength(1);
  });

  it('waits out a 429 that names its wait only in the description, or no wait at all (1 s), and loses nothing', async () => {
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 2' });
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests' }, 1, 1);
    const before = fake.calls.length;
    const first = await platform.sender.send({ platform: 'telegram', chatId: '521' }, formatAlert([makeStory()]));
    const second = await platform.sender.send({ platform: 'telegram', chatId: '522' }, formatAlert([makeStory()]));
    expect([first.ok, second.ok]).toEqual([true, true]);
    const attempts = fake.calls.slice(before).filter((c) => c.method === 'sendMessage');
    expect(attempts.map((c) => c.response?.ok)).toEqual([false, true, false, true]);
    const gap = (i: number) => (attempts[i + 1]?.time ?? 0) - (attempts[i]?.time ?? 0);
    expect(gap(0)).toBeGreaterThanOrEqual(1950);
    expect(gap(2)).toBeGreaterThanOrEqual(950);
    expect(gap(2)).toBeLessThan(1950);
    expect(fake.sentMessages(521)).toHaveLength(1);
    expect(fake.sentMessages(522)).toHaveLength(1);
  });

  it('hands back a 429 whose wait is too long as retry with the wait', async () => {
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 120', parameters: { retry_after: 120 } });
    const result = await platform.sender.send({ platform: 'telegram', chatId: '506' }, formatAlert([makeStory()]));
    expect(result).toMatchObject({ ok: false, kind: 'retry', retryAfterMs: 120_000 });
  });

  it('reports a chat that blocked the bot as gone, with a log line', async () => {
    fake.blockChat(507);
    const result = await platform.sender.send({ platform: 'telegram', chatId: '507' }, formatAlert([makeStory()]));
    expect(result).toMatchObject({ ok: false, kind: 'gone' });
    expect(logger.entries.some((e) => (e.details as { chatId?: string }).chatId === '507' && e.message.includes('failed'))).toBe(true);
  });

  it('reports a migrated group as moved to the new supergroup id, where the resend succeeds', async () => {
    fake.migrateChat(-508, -1001000000508);
    const result = await platform.sender.send({ platform: 'telegram', chatId: '-508' }, formatAlert([makeStory()]));
    expect(result).toMatchObject({ ok: false, kind: 'moved', movedTo: { platform: 'telegram', chatId: '-1001000000508' } });
    if (result.ok || !result.movedTo) throw new Error('expected moved');
    const resent = await platform.sender.send(result.movedTo, formatAlert([makeStory()]));
    expect(resent.ok).toBe(true);
    expect(fake.sentMessages(-1001000000508)).toHaveLength(1);
  });

  it('classifies a bad request as rejected', async () => {
    fake.failNext('sendMessage', { error_code: 400, description: 'Bad Request: message text is empty' });
    const result = await platform.sender.send({ platform: 'telegram', chatId: '509' }, formatAlert([makeStory()]));
    expect(result).toMatchObject({ ok: false, kind: 'rejected' });
  });

  it('never writes the token into a log line', () => {
    expect(logger.entries.length).toBeGreaterThan(0);
    expect(JSON.stringify(logger.entries)).not.toContain(fake.token.split(':')[1]);
  });

  it('stops polling within two seconds', async () => {
    const started = Date.now();
    await platform.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
    const polls = fake.calls.filter((c) => c.method === 'getUpdates').length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.calls.filter((c) => c.method === 'getUpdates').length).toBe(polls);
  });
});

describe('webhook mode', () => {
  it('registers the webhook with a secret and handles only requests that carry it', async () => {
    const hooked = await startFakeTelegram();
    const hook = createTelegramPlatform({
      token: hooked.token,
      apiRoot: hooked.apiRoot,
      webhook: { url: 'https://bot.example/telegram', port: 0, secret: 'hook-secret_1', host: '127.0.0.1' },
      registry,
      services: createFakeServices(),
      logger: createLogger(),
    });
    try {
      await hook.start();
      const setWebhook = hooked.calls.find((c) => c.method === 'setWebhook');
      expect(setWebhook?.params).toMatchObject({ url: 'https://bot.example/telegram', secret_token: 'hook-secret_1' });
      expect(hooked.calls.some((c) => c.method === 'getUpdates')).toBe(false);
      const port = hook.webhookPort();
      expect(port).toBeGreaterThan(0);

      const update = (id: number) => ({
        update_id: id,
        message: {
          message_id: id,
          date: Math.floor(Date.now() / 1000),
          chat: { id: 42, type: 'private', first_name: 'Alice' },
          from: { id: 42, is_bot: false, first_name: 'Alice' },
          text: '/status m23',
          entities: commandEntities('/status m23'),
        },
      });
      const refused = await post(port ?? 0, update(1), {});
      expect(refused).toBe(401);
      const accepted = await post(port ?? 0, update(2), { 'x-telegram-bot-api-secret-token': 'hook-secret_1' });
      expect(accepted).toBe(200);
      await hooked.waitFor((c) => c.method === 'sendMessage');
      const replies = hooked.sentMessages(42);
      expect(replies).toHaveLength(1);
      expect((replies[0]?.params.reply_parameters as { message_id?: number }).message_id).toBe(2);
    } finally {
      await hook.stop();
      await hooked.close();
    }
  });
});

function post(port: number, body: object, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
