import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, DiscordAPIError, Events, GatewayIntentBits, type Interaction, type TextChannel } from 'discord.js';
import { startFakeDiscord } from './discord-api.js';
import type { FakeDiscord } from './discord-types.js';

const TOKEN = 'fake-bot-token';

/** Logs a real discord.js client in against the fake and resolves once it is ready. */
async function loginClient(fake: FakeDiscord): Promise<Client> {
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.restBase }, waitGuildTimeout: 1000 });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(TOKEN);
  await ready;
  return client;
}

/** Resolves with the next interaction the client receives. */
function nextInteraction(client: Client): Promise<Interaction> {
  return new Promise((resolve) => client.once(Events.InteractionCreate, resolve));
}

describe('fake Discord with the real discord.js client', () => {
  let fake: FakeDiscord;
  let client: Client;

  beforeAll(async () => {
    fake = await startFakeDiscord({ token: TOKEN, heartbeatIntervalMs: 200 });
    client = await loginClient(fake);
  });

  afterAll(async () => {
    await client?.destroy();
    await fake?.close();
  });

  it('logs in with a token and reaches ready with the default guild, its channels, thread and roles', () => {
    const guild = fake.guild!;
    expect(client.user?.id).toBe(fake.botUser.id);
    expect(client.application?.id).toBe(fake.applicationId);
    const cached = client.guilds.cache.get(guild.id);
    expect(cached?.available).toBe(true);
    expect(cached?.channels.cache.get(guild.textChannelId)?.isTextBased()).toBe(true);
    expect(cached?.channels.cache.get(guild.threadId!)?.isThread()).toBe(true);
    expect(cached?.roles.cache.find((r) => r.name === 'Moderator')?.permissions.has('ManageGuild')).toBe(true);
    const identify = fake.gatewayReceived.find((p) => p.op === 2);
    expect((identify?.d as { token?: string }).token).toBe(TOKEN);
    expect(fake.calls.find((c) => c.path === '/gateway/bot')?.headers.authorization).toBe(`Bot ${TOKEN}`);
  });

  it('answers gateway heartbeats so the client measures a ping', async () => {
    const started = Date.now();
    while (client.ws.ping < 0 && Date.now() - started < 3000) await new Promise((r) => setTimeout(r, 50));
    expect(fake.gatewayReceived.some((p) => p.op === 1)).toBe(true);
    expect(client.ws.ping).toBeGreaterThanOrEqual(0);
  });

  it('stores guild commands set with a bulk overwrite and keeps their ids across overwrites', async () => {
    const guildId = fake.guild!.id;
    const set = await client.application!.commands.set(
      [{ name: 'status', description: 'Latest status', options: [{ name: 'topic', description: 'Topic', type: 3 }] }, { name: 'digest', description: 'Digest' }],
      guildId,
    );
    const put = fake.calls.find((c) => c.method === 'PUT' && c.path === `/applications/${fake.applicationId}/guilds/${guildId}/commands`);
    expect(put).toBeDefined();
    const stored = fake.registeredCommands(guildId);
    expect(stored.map((c) => c.name)).toEqual(['status', 'digest']);
    expect([...set.keys()].sort()).toEqual(stored.map((c) => c.id as string).sort());
    expect(fake.registeredCommands()).toEqual([]);
    await client.application!.commands.set([{ name: 'status', description: 'Latest status, again' }], guildId);
    expect(fake.registeredCommands(guildId).map((c) => [c.name, c.id])).toEqual([['status', stored[0]?.id]]);
  });

  it('records a channel send with allowed_mentions.parse empty', async () => {
    const channel = (await client.channels.fetch(fake.guild!.textChannelId)) as TextChannel;
    const sent = await channel.send({ content: 'hello @everyone', allowedMentions: { parse: [] } });
    const stored = fake.messages(channel.id);
    expect(stored.at(-1)?.id).toBe(sent.id);
    expect(stored.at(-1)?.content).toBe('hello @everyone');
    expect(stored.at(-1)?.allowed_mentions?.parse).toEqual([]);
    await sent.edit({ content: 'edited' });
    expect(fake.messages(channel.id).at(-1)?.content).toBe('edited');
    await sent.delete();
    expect(fake.messages(channel.id).some((m) => m.id === sent.id)).toBe(false);
  });

  it('answers a repeated nonce with enforceNonce by the message already created, and refuses a nonce over 25 characters', async () => {
    const channel = (await client.channels.fetch(fake.guild!.textChannelId)) as TextChannel;
    const first = await channel.send({ content: 'once', nonce: 'nonce-test-1', enforceNonce: true });
    const again = await channel.send({ content: 'once', nonce: 'nonce-test-1', enforceNonce: true });
    expect(again.id).toBe(first.id);
    // Without enforceNonce a nonce is only echoed back.
    const loose = await channel.send({ content: 'once', nonce: 'nonce-test-1' });
    expect(loose.id).not.toBe(first.id);
    expect(fake.messages(channel.id).filter((m) => m.content === 'once')).toHaveLength(2);
    await expect(channel.send({ content: 'x', nonce: 'n'.repeat(26), enforceNonce: true })).rejects.toMatchObject({ status: 400, code: 50035 });
  });

  it('answers a request late when told to, having carried it out at once', async () => {
    const channel = (await client.channels.fetch(fake.guild!.textChannelId)) as TextChannel;
    fake.delayRepliesNext(`POST /channels/${channel.id}/messages`, 300);
    const started = performance.now();
    const sending = channel.send({ content: 'late answer' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.messages(channel.id).some((m) => m.content === 'late answer')).toBe(true);
    await sending;
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('delivers an injected slash command as interactionCreate and records the embed reply', async () => {
    const arriving = nextInteraction(client);
    const handle = fake.sendInteraction({ data: { name: 'status', options: [{ name: 'topic', value: 'm23' }] }, member: { user: fake.users.bob, permissions: '0' } });
    const interaction = await arriving;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
    expect(interaction.commandName).toBe('status');
    expect(interaction.options.getString('topic')).toBe('m23');
    expect(interaction.user.id).toBe(fake.users.bob.id);
    expect(interaction.memberPermissions?.has('ManageGuild')).toBe(false);
    await interaction.reply({ embeds: [{ title: 'M23', description: 'Goma held' }], allowedMentions: { parse: [] } });
    const callback = await handle.callback;
    expect(callback.type).toBe(4);
    expect(callback.data?.embeds).toEqual([{ title: 'M23', description: 'Goma held' }]);
    expect(handle.original()?.embeds[0]?.title).toBe('M23');
    await expect(interaction.followUp({ content: 'more' })).resolves.toBeDefined();
    expect(handle.followUps().map((m) => m.content)).toEqual(['more']);
  });

  it('gives members their role permissions unless the test overrides them', async () => {
    const arriving = nextInteraction(client);
    fake.sendInteraction({ data: { name: 'digest' }, member: { user: fake.users.alice } });
    const interaction = await arriving;
    expect(interaction.memberPermissions?.has('ManageGuild')).toBe(true);
    if (interaction.isRepliable()) await interaction.reply({ content: 'ok' });
  });

  it('supports deferReply followed by editReply', async () => {
    const arriving = nextInteraction(client);
    const handle = fake.sendInteraction({ data: { name: 'digest' } });
    const interaction = await arriving;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
    await interaction.deferReply();
    expect((await handle.callback).type).toBe(5);
    expect(handle.original()?.flags ?? 0).toBe(128);
    const edit = handle.nextEdit();
    await interaction.editReply({ embeds: [{ title: 'Digest' }] });
    expect((await edit).embeds).toEqual([{ title: 'Digest' }]);
    expect(handle.original()?.embeds).toEqual([{ title: 'Digest' }]);
    expect(handle.original()?.flags).toBe(0);
    await expect(interaction.reply({ content: 'twice' })).rejects.toThrow();
  });

  it('answers 429 with rate-limit headers, and discord.js waits and retries', async () => {
    const channelId = fake.guild!.textChannelId;
    const since = fake.calls.length;
    fake.rateLimitNext(`POST /channels/${channelId}/messages`, 0.3);
    const limited: Array<{ retryAfter: number; limit: number; scope: string; global: boolean }> = [];
    client.rest.once('rateLimited', (info) => limited.push(info));
    const channel = (await client.channels.fetch(channelId)) as TextChannel;
    const started = Date.now();
    const sent = await channel.send({ content: 'after the limit' });
    const elapsed = Date.now() - started;
    const posts = fake.calls.slice(since).filter((c) => c.method === 'POST' && c.path === `/channels/${channelId}/messages`);
    expect(posts).toHaveLength(2);
    expect(limited).toHaveLength(1);
    // discord.js read the headers: retry-after (plus its safety offset), x-ratelimit-limit and -scope.
    expect(limited[0]).toMatchObject({ limit: 5, global: false, scope: 'user' });
    expect(limited[0]?.retryAfter).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(fake.messages(channelId).at(-1)?.id).toBe(sent.id);
  });

  it('surfaces a failing channel as DiscordAPIError with the code and status', async () => {
    const channelId = fake.guild!.channels[1]!.id as string;
    const channel = (await client.channels.fetch(channelId)) as TextChannel;
    fake.failChannel(channelId, { status: 403, code: 50001, message: 'Missing Access' });
    const error = await channel.send({ content: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(50001);
    expect((error as DiscordAPIError).status).toBe(403);
    fake.failChannel(channelId, { status: 404, code: 10003, message: 'Unknown Channel' });
    await expect(channel.send({ content: 'nope' })).rejects.toMatchObject({ code: 10003, status: 404 });
    fake.failChannel(channelId, null);
    await expect(channel.send({ content: 'back' })).resolves.toBeDefined();
  });

  it('refuses REST calls with the wrong bot token', async () => {
    const res = await fetch(`${fake.restBase}/v10/users/@me`, { headers: { authorization: 'Bot wrong' } });
    expect(res.status).toBe(401);
    const ok = await fetch(`${fake.restBase}/v10/users/@me`, { headers: { authorization: `Bot ${TOKEN}` } });
    expect(((await ok.json()) as { id: string }).id).toBe(fake.botUser.id);
  });
});

describe('fake Discord lifecycle', () => {
  it('announces a guild added after login with GUILD_CREATE, and close() ends the session', async () => {
    const fake = await startFakeDiscord();
    const client = await loginClient(fake);
    try {
      const joined = new Promise<string>((resolve) => client.once(Events.GuildCreate, (g) => resolve(g.id)));
      const guild = fake.addGuild({ name: 'Second', channels: [{ name: 'ceasefire' }], thread: null });
      expect(await joined).toBe(guild.id);
      expect(client.channels.cache.get(guild.textChannelId)?.isTextBased()).toBe(true);
    } finally {
      await client.destroy();
      await fake.close();
    }
    await expect(fetch(`${fake.restBase}/v10/gateway/bot`)).rejects.toThrow();
  });
});
