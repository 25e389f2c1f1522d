import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Events, type APIEmbed } from 'discord.js';
import type { ChannelRef } from '../../../src/chat/command.js';
import { formatAlert } from '../../../src/chat/format-story.js';
import { createDiscordPlatform, type DiscordPlatform, type KeyValue } from '../../../src/platforms/discord/discord-platform.js';
import { startFakeDiscord } from '../../fakes/discord-api.js';
import type { FakeDiscord, FakeGuild } from '../../fakes/discord-types.js';
import { createFakeServices, makeStory, registry } from '../../commands/fake-services.js';

const TOKEN = 'fake-bot-token';

function memoryKv(): KeyValue {
  const map = new Map<string, string>();
  return { get: (key) => map.get(key) ?? null, set: (key, value) => void map.set(key, value) };
}

function memoryLogger() {
  const entries: { level: string; details: object; message: string }[] = [];
  const at = (level: string) => (details: object, message: string) => void entries.push({ level, details, message });
  return { entries, info: at('info'), warn: at('warn'), error: at('error') };
}

const embedText = (embeds: APIEmbed[] | undefined): string => JSON.stringify(embeds ?? []);

describe('Discord sender against the fake Discord', () => {
  let fake: FakeDiscord;
  let guild: FakeGuild;
  let platform: DiscordPlatform;
  const kv = memoryKv();
  const services = createFakeServices();
  const gone: ChannelRef[] = [];

  beforeAll(async () => {
    fake = await startFakeDiscord({ token: TOKEN });
    guild = fake.guild!;
    platform = createDiscordPlatform({ token: TOKEN, apiBase: fake.restBase, guildId: guild.id, registry, services, logger: memoryLogger(), kv, onChannelGone: (c) => void gone.push(c) });
    await platform.start();
  });

  afterAll(async () => {
    await platform?.stop();
    await fake?.close();
  });

  it('sends an alert with allowed_mentions.parse empty, then edits it to +1 source', async () => {
    const channel: ChannelRef = { platform: 'discord', chatId: guild.textChannelId };
    const story = makeStory({ id: 'alert-1', title: 'Ceasefire signed in Doha' });
    const sent = await platform.sender.send(channel, formatAlert([story]));
    if (!sent.ok) throw new Error(sent.reason);
    expect(sent.messageIds).toHaveLength(1);
    const stored = fake.messages(guild.textChannelId).find((m) => m.id === sent.messageIds[0]);
    expect(stored?.allowed_mentions?.parse).toEqual([]);
    expect(stored?.embeds[0]?.title).toBe('Ceasefire signed in Doha');
    expect(embedText(stored?.embeds)).not.toContain('+1 source');

    const grown = { ...story, sources: ['Reuters', 'Al Jazeera'] };
    const edited = await platform.sender.edit(channel, sent.messageIds, formatAlert([grown]));
    expect(edited).toEqual({ ok: true, messageIds: sent.messageIds });
    const after = fake.messages(guild.textChannelId).find((m) => m.id === sent.messageIds[0]);
    expect(embedText(after?.embeds)).toContain('Reuters +1 source');
    expect(after?.allowed_mentions?.parse).toEqual([]);
    const patch = fake.calls.filter((c) => c.method === 'PATCH' && c.path === `/channels/${guild.textChannelId}/messages/${sent.messageIds[0]}`);
    expect(patch).toHaveLength(1);
  });

  it('sends a message too big for one Discord message as several, each without mentions', async () => {
    const stories = Array.from({ length: 12 }, (_, i) => makeStory({ id: `s${i}`, title: `Story ${i}` }));
    const sent = await platform.sender.send({ platform: 'discord', chatId: guild.textChannelId }, formatAlert(stories));
    if (!sent.ok) throw new Error(sent.reason);
    expect(sent.messageIds).toHaveLength(2);
    const stored = fake.messages(guild.textChannelId).filter((m) => sent.messageIds.includes(m.id));
    expect(stored.map((m) => m.embeds.length)).toEqual([10, 2]);
    expect(stored.every((m) => m.allowed_mentions?.parse?.length === 0)).toBe(true);
  });

  it('keeps hostile feed text inert: no live mentions, no javascript: links', async () => {
    const hostile = makeStory({ title: '@everyone <@123> <@&456> [click](javascript:alert(1))', url: 'javascript:alert(1)', source: '@here' });
    const sent = await platform.sender.send({ platform: 'discord', chatId: guild.textChannelId }, formatAlert([hostile]));
    if (!sent.ok) throw new Error(sent.reason);
    const stored = fake.messages(guild.textChannelId).find((m) => m.id === sent.messageIds[0]);
    const text = embedText(stored?.embeds) + (stored?.content ?? '');
    expect(stored?.allowed_mentions?.parse).toEqual([]);
    expect(text).not.toMatch(/@everyone|@here|<@123>|<@&456>/);
    expect(text).not.toMatch(/\]\(javascript:/i);
    expect(stored?.embeds.every((e) => e.url === undefined)).toBe(true);
    expect(text).toContain('everyone');
  });

  it('reports 403 Missing Access, Missing Permissions and 404 Unknown Channel as gone', async () => {
    const message = formatAlert([makeStory()]);
    const [blocked, other] = guild.channels.map((c) => c.id as string);
    fake.failChannel(blocked!, { status: 403, code: 50001, message: 'Missing Access' });
    expect(await platform.sender.send({ platform: 'discord', chatId: blocked! }, message)).toMatchObject({ ok: false, kind: 'gone', reason: expect.stringContaining('50001') });
    fake.failChannel(blocked!, { status: 403, code: 50013, message: 'Missing Permissions' });
    expect(await platform.sender.send({ platform: 'discord', chatId: blocked! }, message)).toMatchObject({ ok: false, kind: 'gone' });
    fake.failChannel(blocked!, null);
    expect(await platform.sender.send({ platform: 'discord', chatId: '1234567890' }, message)).toMatchObject({ ok: false, kind: 'gone', reason: expect.stringContaining('10003') });
    // Other channels, and the bot, carry on.
    expect((await platform.sender.send({ platform: 'discord', chatId: other! }, message)).ok).toBe(true);
  });

  it('rejects a bad request, retries a server error, and rejects an edit of a deleted message', async () => {
    const channel = { platform: 'discord' as const, chatId: guild.textChannelId };
    fake.failChannel(guild.textChannelId, { status: 400, code: 50035, message: 'Invalid Form Body' });
    expect(await platform.sender.send(channel, formatAlert([makeStory()]))).toMatchObject({ ok: false, kind: 'rejected' });
    fake.failChannel(guild.textChannelId, { status: 503, code: 0, message: 'Service Unavailable' });
    expect(await platform.sender.send(channel, formatAlert([makeStory()]))).toMatchObject({ ok: false, kind: 'retry' });
    fake.failChannel(guild.textChannelId, null);
    expect(await platform.sender.edit(channel, ['42'], formatAlert([makeStory()]))).toMatchObject({ ok: false, kind: 'rejected' });
  });

  it('waits out a short 429 in the REST queue and sends', async () => {
    fake.rateLimitNext(`POST /channels/${guild.textChannelId}/messages`, 0.2);
    const started = performance.now();
    const sent = await platform.sender.send({ platform: 'discord', chatId: guild.textChannelId }, formatAlert([makeStory()]));
    expect(sent.ok).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('logs a 429 wait of a second or more, which the REST queue absorbs, and not the short ones', async () => {
    const logger = memoryLogger();
    const watched = createDiscordPlatform({ token: TOKEN, apiBase: fake.restBase, guildId: guild.id, registry, services, logger, kv });
    await watched.start();
    const limitLogs = () => logger.entries.filter((e) => e.message.startsWith('Discord rate limit'));
    try {
      const channel: ChannelRef = { platform: 'discord', chatId: guild.textChannelId };
      fake.rateLimitNext(`POST /channels/${guild.textChannelId}/messages`, 0.2);
      expect((await watched.sender.send(channel, formatAlert([makeStory({ id: 'limit-short' })]))).ok).toBe(true);
      expect(limitLogs()).toEqual([]);
      fake.rateLimitNext(`POST /channels/${guild.textChannelId}/messages`, 1.2);
      expect((await watched.sender.send(channel, formatAlert([makeStory({ id: 'limit-long' })]))).ok).toBe(true);
      expect(limitLogs()).toHaveLength(1);
      expect(limitLogs()[0]).toMatchObject({ level: 'info', details: { method: 'POST', waitMs: expect.any(Number) } });
      expect((limitLogs()[0]!.details as { waitMs: number }).waitMs).toBeGreaterThanOrEqual(1000);
    } finally {
      await watched.stop();
    }
  });

  // A proxy or a hand-written Discord may leave out Retry-After: discord.js alone would retry at once, in a loop.
  it.each([
    // [what is waited, the 429's form, its wait in seconds, how many 429s, least time the send takes]
    ["the body's retry_after when a 429 has no Retry-After header", 'body only', 0.4, 1, 350],
    ['1 s after each 429 that names no wait at all', 'bare', 0, 2, 1900],
  ] as const)('waits %s, then sends once', async (_what, form, seconds, times, atLeastMs) => {
    const path = `/channels/${guild.textChannelId}/messages`;
    const since = fake.calls.length;
    fake.rateLimitNext(`POST ${path}`, seconds, times, 0, form);
    const started = performance.now();
    const sent = await platform.sender.send({ platform: 'discord', chatId: guild.textChannelId }, formatAlert([makeStory({ id: `429-${form}` })]));
    expect(sent.ok).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(atLeastMs);
    expect(fake.calls.slice(since).filter((c) => c.method === 'POST' && c.path === path)).toHaveLength(times + 1);
  });

  it('hands back a long 429 whose wait is only in the body as retry with that wait', async () => {
    const impatient = createDiscordPlatform({ token: TOKEN, apiBase: fake.restBase, guildId: guild.id, registry, services, logger: memoryLogger(), kv, maxRateLimitWaitMs: 100 });
    await impatient.start();
    try {
      fake.rateLimitNext(`POST /channels/${guild.textChannelId}/messages`, 30, 1, 0, 'body only');
      const before = fake.messages(guild.textChannelId).length;
      const sent = await impatient.sender.send({ platform: 'discord', chatId: guild.textChannelId }, formatAlert([makeStory()]));
      expect(sent).toMatchObject({ ok: false, kind: 'retry' });
      expect(!sent.ok && sent.retryAfterMs).toBeGreaterThanOrEqual(29_000);
      expect(fake.messages(guild.textChannelId)).toHaveLength(before);
    } finally {
      await impatient.stop();
    }
  });

  it('hands a long 429 back as retry with its wait instead of holding the queue', async () => {
    const impatient = createDiscordPlatform({ token: TOKEN, apiBase: fake.restBase, guildId: guild.id, registry, services, logger: memoryLogger(), kv, maxRateLimitWaitMs: 100 });
    await impatient.start();
    try {
      fake.rateLimitNext(`POST /channels/${guild.textChannelId}/messages`, 30);
      const started = performance.now();
      const sent = await impatient.sender.send({ platform: 'discord', chatId: guild.textChannelId }, formatAlert([makeStory()]));
      expect(sent).toMatchObject({ ok: false, kind: 'retry' });
      expect(!sent.ok && sent.retryAfterMs).toBeGreaterThanOrEqual(29_000);
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      await impatient.stop();
    }
  });

  it('posts with a nonce from the message key, so a resend whose first answer was lost returns the message already posted', async () => {
    const channel: ChannelRef = { platform: 'discord', chatId: guild.textChannelId };
    const story = makeStory({ id: 'nonce-1', title: 'Talks resume in Doha' });
    const postsBefore = fake.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${guild.textChannelId}/messages`).length;
    const first = await platform.sender.send(channel, formatAlert([story]), 'key-nonce-1');
    const again = await platform.sender.send(channel, formatAlert([story]), 'key-nonce-1');
    if (!first.ok || !again.ok) throw new Error('send failed');
    expect(again.messageIds).toEqual(first.messageIds);
    expect(fake.messages(guild.textChannelId).filter((m) => embedText(m.embeds).includes('Talks resume in Doha'))).toHaveLength(1);
    const posts = fake.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${guild.textChannelId}/messages`).slice(postsBefore);
    expect(posts.map((c) => c.body)).toMatchObject([
      { nonce: 'key-nonce-1.0', enforce_nonce: true },
      { nonce: 'key-nonce-1.0', enforce_nonce: true },
    ]);
    // Another message (another key) is posted, and a send without a key carries no nonce.
    const other = await platform.sender.send(channel, formatAlert([story]), 'key-nonce-2');
    expect(other.ok && other.messageIds[0]).not.toBe(first.messageIds[0]);
    await platform.sender.send(channel, formatAlert([story]));
    expect(fake.calls.at(-1)?.body).not.toHaveProperty('nonce');
  });

  it('takes back the parts already posted when a later part fails for a passing reason, so the resend repeats nothing', async () => {
    const logger = memoryLogger();
    const impatient = createDiscordPlatform({ token: TOKEN, apiBase: fake.restBase, guildId: guild.id, registry, services, logger, kv, maxRateLimitWaitMs: 100 });
    await impatient.start();
    const channel: ChannelRef = { platform: 'discord', chatId: guild.textChannelId };
    const stories = Array.from({ length: 12 }, (_, i) => makeStory({ id: `taken-back-${i}`, title: `Taken back ${i}` }));
    const before = fake.messages(guild.textChannelId).length;
    try {
      // The first part goes through, the second meets a long 429: a failure the dispatcher retries.
      fake.rateLimitNext(`POST /channels/${guild.textChannelId}/messages`, 30, 1, 1);
      const sent = await impatient.sender.send(channel, formatAlert(stories), 'key-taken-back');
      expect(sent).toMatchObject({ ok: false, kind: 'retry' });
      expect(fake.messages(guild.textChannelId)).toHaveLength(before);
      // The dispatcher's resend (same key): every story is in the channel exactly once, and the parts are posted
      // under new nonces, as Discord might answer the deleted part's nonce with that deleted message.
      const postsBefore = fake.calls.length;
      const resent = await impatient.sender.send(channel, formatAlert(stories), 'key-taken-back');
      expect(resent.ok && resent.messageIds).toHaveLength(2);
      const nonces = fake.calls.slice(postsBefore).filter((c) => c.method === 'POST').map((c) => (c.body as { nonce?: string }).nonce);
      expect(nonces).toEqual(['key-taken-back~1.0', 'key-taken-back~1.1']);
    } finally {
      await impatient.stop();
    }
    const text = fake.messages(guild.textChannelId).map((m) => embedText(m.embeds)).join('');
    for (let i = 0; i < 12; i++) expect(text.split(`Taken back ${i}"`)).toHaveLength(2);
  });

  it('counts a partly posted message as sent when its first parts cannot be deleted', async () => {
    const logger = memoryLogger();
    const impatient = createDiscordPlatform({ token: TOKEN, apiBase: fake.restBase, guildId: guild.id, registry, services, logger, kv, maxRateLimitWaitMs: 100 });
    await impatient.start();
    const channel: ChannelRef = { platform: 'discord', chatId: guild.textChannelId };
    const stories = Array.from({ length: 12 }, (_, i) => makeStory({ id: `kept-${i}`, title: `Kept ${i}` }));
    try {
      fake.rateLimitNext(`POST /channels/${guild.textChannelId}/messages`, 30, 1, 1);
      fake.rateLimitNext(`DELETE /channels/${guild.textChannelId}/messages/:message`, 30);
      const sent = await impatient.sender.send(channel, formatAlert(stories));
      if (!sent.ok) throw new Error(sent.reason);
      expect(sent.messageIds).toHaveLength(1);
      expect(fake.messages(guild.textChannelId).filter((m) => sent.messageIds.includes(m.id))).toHaveLength(1);
      expect(logger.entries.some((e) => e.level === 'warn' && e.message.includes('only partly sent'))).toBe(true);
    } finally {
      await impatient.stop();
    }
  });

  it('never throws from send, even before login', async () => {
    const offline = createDiscordPlatform({ token: TOKEN, apiBase: fake.restBase, registry, services, logger: memoryLogger(), kv: memoryKv() });
    await expect(offline.sender.send({ platform: 'discord', chatId: guild.textChannelId }, formatAlert([makeStory()]))).resolves.toMatchObject({ ok: false, kind: 'retry' });
    await offline.stop();
  });

  it('survives a channel deletion and reports the channel as gone', () => {
    const cached = platform.client.channels.cache.get(guild.channels[1]?.id as string);
    expect(cached).toBeDefined();
    platform.client.emit(Events.ChannelDelete, cached as never);
    expect(gone).toContainEqual({ platform: 'discord', chatId: cached?.id });
    expect(platform.client.isReady()).toBe(true);
  });

});
