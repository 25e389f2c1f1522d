import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bot, GrammyError, InputFile } from 'grammy';
import { autoRetry } from '@grammyjs/auto-retry';
import { startFakeTelegram } from './telegram-api.js';
import { commandEntities } from './telegram-payloads.js';
import type { FakeTelegram } from './telegram-types.js';

let fake: FakeTelegram;
let bot: Bot;

beforeEach(async () => {
  fake = await startFakeTelegram();
  bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
});

afterEach(async () => {
  if (bot.isRunning()) await bot.stop();
  await fake.close();
});

/** The error a grammY call rejected with (fails the test when it resolved). */
async function rejection(promise: Promise<unknown>): Promise<GrammyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GrammyError);
  return error as GrammyError;
}

const group = { id: -100, type: 'group' as const, title: 'Goma watch' };
const alice = { id: 42, first_name: 'Alice', username: 'alice' };

describe('the fake Telegram Bot API with the real grammY', () => {
  it('answers getMe when grammY initialises the bot', async () => {
    await bot.init();
    expect(bot.botInfo.username).toBe('fakebot');
    expect(bot.botInfo.id).toBe(123456789);
    expect(fake.calls.map((c) => c.method)).toEqual(['getMe']);
  });

  it('delivers /status@fakebot through long polling and records the HTML reply', async () => {
    bot.command('status', (ctx) => ctx.reply(`<b>Status</b> of ${ctx.match}`, { parse_mode: 'HTML' }));
    const started = new Promise<void>((resolve) => void bot.start({ onStart: () => resolve() }));
    await started;
    const update = fake.sendUserMessage({ chat: group, from: alice, text: '/status@fakebot m23' });
    expect(update.message?.entities).toEqual([{ type: 'bot_command', offset: 0, length: 15 }]);

    await fake.waitFor((c) => c.method === 'sendMessage');
    const [reply] = fake.sentMessages(group.id);
    expect(reply?.text).toBe('<b>Status</b> of m23');
    expect(reply?.plainText).toBe('Status of m23');
    expect(reply?.parseMode).toBe('HTML');
    expect(reply?.message.entities).toEqual([{ type: 'bold', offset: 0, length: 6 }]);
    // The user's message took id 1 in the chat, so the reply is 2.
    expect(reply?.messageId).toBe(2);
    expect(fake.calls.some((c) => c.method === 'deleteWebhook')).toBe(true);

    await bot.stop();
    // grammY confirms the update on stop, so a restart would not see it again.
    expect(fake.pendingUpdates()).toEqual([]);
    const lastPoll = fake.calls.filter((c) => c.method === 'getUpdates').at(-1);
    expect(lastPoll?.params.offset).toBe(update.update_id + 1);
  });

  it('ignores a command addressed to another bot, as grammY does with real entities', async () => {
    const seen: string[] = [];
    bot.command('status', (ctx) => void seen.push(ctx.match));
    bot.on('message', (ctx) => ctx.reply('fallback'));
    void bot.start();
    fake.sendUserMessage({ chat: group, from: alice, text: '/status@otherbot m23' });
    await fake.waitFor((c) => c.method === 'sendMessage');
    expect(seen).toEqual([]);
    expect(fake.sentMessages()[0]?.text).toBe('fallback');
  });

  it('holds getUpdates until the timeout when nothing is queued, and ends it at once on close', async () => {
    const started = Date.now();
    expect(await bot.api.getUpdates({ timeout: 1 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    const held = bot.api.getUpdates({ timeout: 30 });
    await fake.waitFor((c) => c.method === 'getUpdates' && c.params.timeout === 30);
    const closing = Date.now();
    await fake.close();
    expect(await held).toEqual([]);
    expect(Date.now() - closing).toBeLessThan(1000);
    fake = await startFakeTelegram(); // afterEach closes it
  });

  it('answers a held long poll as soon as an update is queued', async () => {
    const held = bot.api.getUpdates({ timeout: 20 });
    await fake.waitFor((c) => c.method === 'getUpdates');
    fake.sendUserMessage({ chat: { id: 42, type: 'private' }, from: alice, text: 'hello /help there' });
    const updates = await held;
    expect(updates).toHaveLength(1);
    expect(updates[0]?.message?.chat).toEqual({ id: 42, type: 'private', first_name: 'Alice', username: 'alice' });
    expect(updates[0]?.message?.entities).toEqual([{ type: 'bot_command', offset: 6, length: 5 }]);
  });

  it('releases a long poll whose client went away and keeps its update for the next poll', async () => {
    const controller = new AbortController();
    const aborted = bot.api.getUpdates({ timeout: 20 }, controller.signal as Parameters<typeof bot.api.getUpdates>[1]).catch(() => 'aborted');
    const call = await fake.waitFor((c) => c.method === 'getUpdates');
    controller.abort();
    expect(await aborted).toBe('aborted');
    for (let i = 0; i < 100 && !call.response; i += 1) await new Promise((r) => setTimeout(r, 10));
    expect(call.response).toEqual({ ok: true, result: [] });
    const update = fake.sendUserMessage({ chat: group, from: alice, text: 'after' });
    expect(await bot.api.getUpdates({ timeout: 5 })).toEqual([update]);
  });

  it('lets the auto-retry plugin honour a 429 with retry_after 1', async () => {
    bot.api.config.use(autoRetry());
    fake.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
    const started = Date.now();
    const message = await bot.api.sendMessage(group.id, 'ceasefire holds');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(message.text).toBe('ceasefire holds');
    const sends = fake.calls.filter((c) => c.method === 'sendMessage');
    expect(sends.map((c) => c.response?.ok)).toEqual([false, true]);
  });

  it('surfaces a blocked chat as a GrammyError 403', async () => {
    fake.blockChat(42);
    const error = await rejection(bot.api.sendMessage(42, 'hi'));
    expect(error.error_code).toBe(403);
    expect(error.description).toBe('Forbidden: bot was blocked by the user');
    fake.unblockChat(42);
    await expect(bot.api.sendMessage(42, 'hi')).resolves.toMatchObject({ text: 'hi' });
  });

  it('tells the new id of a group upgraded to a supergroup', async () => {
    fake.migrateChat(-100, -1001234567890);
    const error = await rejection(bot.api.sendMessage(-100, 'hi'));
    expect(error.error_code).toBe(400);
    expect(error.description).toBe('Bad Request: group chat was upgraded to a supergroup chat');
    expect(error.parameters.migrate_to_chat_id).toBe(-1001234567890);
    const moved = await bot.api.sendMessage(-1001234567890, 'hi');
    expect(moved.chat.type).toBe('supergroup');
  });

  it('refuses a wrong token with 401 and an unknown method with 404', async () => {
    const stranger = new Bot('1:wrong', { client: { apiRoot: fake.apiRoot } });
    expect((await rejection(stranger.init())).error_code).toBe(401);
    const error = await rejection(bot.api.raw.getGameHighScores({ user_id: 1, chat_id: 1, message_id: 1 }));
    expect(error.error_code).toBe(404);
    expect(error.description).toBe('Not Found: method not found');
  });

  it('rejects HTML Telegram could not parse, and text over 4096 characters', async () => {
    const bad = await rejection(bot.api.sendMessage(1, '<script>alert(1)</script>', { parse_mode: 'HTML' }));
    expect(bad.description).toBe('Bad Request: can\'t parse entities: Unsupported start tag "script" at byte offset 0');
    const long = await rejection(bot.api.sendMessage(1, 'x'.repeat(4097)));
    expect(long.description).toBe('Bad Request: message is too long');
    // Entities count once: 4,096 visible characters written as 5 × 4,096 of HTML are fine.
    await expect(bot.api.sendMessage(1, '&amp;'.repeat(4096), { parse_mode: 'HTML' })).resolves.toBeTruthy();
  });

  it('keeps thread ids, numbers messages per chat, edits and deletes', async () => {
    fake.sendUserMessage({ chat: { id: -1009, type: 'supergroup', title: 'Forum', is_forum: true }, from: alice, text: 'hi' });
    const first = await bot.api.sendMessage(-1009, 'one', { message_thread_id: 7 });
    const other = await bot.api.sendMessage(5, 'elsewhere');
    expect([first.message_id, other.message_id]).toEqual([2, 1]);
    expect(first).toMatchObject({ message_thread_id: 7, is_topic_message: true, chat: { title: 'Forum' } });

    const edited = await bot.api.editMessageText(-1009, first.message_id, '<i>two</i>', { parse_mode: 'HTML' });
    expect(edited).toMatchObject({ text: 'two', edit_date: expect.any(Number) });
    const same = await rejection(bot.api.editMessageText(-1009, first.message_id, '<i>two</i>', { parse_mode: 'HTML' }));
    expect(same.description).toMatch(/^Bad Request: message is not modified/);
    expect(await bot.api.deleteMessage(-1009, first.message_id)).toBe(true);
    expect((await rejection(bot.api.deleteMessage(-1009, first.message_id))).description).toBe(
      'Bad Request: message to delete not found',
    );
    expect(fake.sentMessages(-1009)[0]).toMatchObject({ plainText: 'two', edits: 1, deleted: true });
  });

  it('stores commands per scope and answers chat members from the table', async () => {
    await bot.api.setMyCommands([{ command: 'status', description: 'Latest status' }]);
    await bot.api.setMyCommands([{ command: 'digest', description: 'Digest' }], { scope: { type: 'all_group_chats' } });
    expect(await bot.api.getMyCommands()).toEqual([{ command: 'status', description: 'Latest status' }]);
    expect(await bot.api.getMyCommands({ scope: { type: 'all_group_chats' } })).toHaveLength(1);
    const invalid = await rejection(bot.api.setMyCommands([{ command: 'Bad-Name', description: 'x' }]));
    expect(invalid.description).toBe('Bad Request: BOT_COMMAND_INVALID');

    fake.setChatMember(-100, 42, 'administrator');
    fake.setChatMember(-100, 43, 'creator');
    expect((await bot.api.getChatMember(-100, 42)).status).toBe('administrator');
    expect((await bot.api.getChatMember(-100, 43)).status).toBe('creator');
    expect((await bot.api.getChatMember(-100, 44)).status).toBe('member');
    expect(await bot.api.sendChatAction(-100, 'typing')).toBe(true);
    expect(await bot.api.answerCallbackQuery('abc')).toBe(true);
    expect(await bot.api.getChat(-1001)).toMatchObject({ id: -1001, type: 'group' });
    expect((await bot.api.getWebhookInfo()).url).toBe('');
  });

  it('applies a global sliding window with retry_after of at least one second', async () => {
    fake.setRateLimit({ perSecond: 5 });
    const results = await Promise.allSettled(Array.from({ length: 7 }, (_, i) => bot.api.sendMessage(i + 1, 'x')));
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as GrammyError);
    expect(refused).toHaveLength(2);
    expect(refused[0]?.error_code).toBe(429);
    expect(refused[0]?.parameters.retry_after).toBe(1);
    expect(fake.sentMessages()).toHaveLength(5);
  });

  it('applies a per-chat limit per minute without touching other chats', async () => {
    fake.setPerChatLimit({ perMinute: 2 });
    await bot.api.sendMessage(1, 'a');
    await bot.api.sendMessage(1, 'b');
    const error = await rejection(bot.api.sendMessage(1, 'c'));
    expect(error.parameters.retry_after).toBeGreaterThanOrEqual(59);
    await expect(bot.api.sendMessage(2, 'a')).resolves.toBeTruthy();
  });

  it('reads form-encoded, query-string and multipart bodies like Telegram', async () => {
    const base = `${fake.apiRoot}/bot${fake.token}`;
    const form = await fetch(`${base}/sendMessage`, {
      method: 'POST',
      body: new URLSearchParams({ chat_id: '9', text: 'form', reply_markup: '{"inline_keyboard":[]}' }),
    });
    expect(await form.json()).toMatchObject({ ok: true, result: { chat: { id: 9 }, text: 'form' } });
    const query = await fetch(`${base}/SENDMESSAGE?chat_id=9&text=query`);
    expect(await query.json()).toMatchObject({ ok: true, result: { message_id: 2, text: 'query' } });
    expect(fake.calls.at(-1)?.method).toBe('sendMessage');

    // grammY switches to multipart when a file is attached; the fake records the file's name and size.
    await rejection(bot.api.sendDocument(9, new InputFile(Buffer.from('abc'), 'notes.txt'), { caption: 'c' }));
    expect(fake.calls.at(-1)?.params).toMatchObject({ chat_id: '9', caption: 'c', document: { filename: 'notes.txt', size: 3 } });
  });

  it('pushes 2,000 messages through in well under the test timeout', async () => {
    const started = performance.now();
    for (let batch = 0; batch < 20; batch += 1) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => bot.api.sendMessage(1000 + (i % 10), `m${batch}-${i}`)));
    }
    const elapsed = performance.now() - started;
    expect(fake.sentMessages()).toHaveLength(2000);
    expect(fake.sentMessages(1000).map((m) => m.messageId).slice(0, 3)).toEqual([1, 2, 3]);
    console.info(`fake Telegram: 2000 sendMessage via grammY in ${elapsed.toFixed(0)} ms`);
    expect(elapsed).toBeLessThan(20_000);
  });
});

describe('commandEntities', () => {
  it('marks commands only at the start of a word', () => {
    expect(commandEntities('/start@fakebot a/b /help')).toEqual([
      { type: 'bot_command', offset: 0, length: 14 },
      { type: 'bot_command', offset: 19, length: 5 },
    ]);
  });
});
