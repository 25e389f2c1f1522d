import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatInputCommandInteraction, Events, PermissionFlagsBits, type APIEmbed } from 'discord.js';
import { createRegistry } from '../../../src/chat/registry.js';
import { createDiscordPlatform, REGISTRATION_HASH_KEY, type DiscordPlatform, type KeyValue } from '../../../src/platforms/discord/discord-platform.js';
import { startFakeDiscord } from '../../fakes/discord-api.js';
import type { FakeDiscord, FakeGuild } from '../../fakes/discord-types.js';
import { createFakeServices, registry } from '../../commands/fake-services.js';

const TOKEN = 'fake-bot-token';
const VIEW_AND_SEND = (1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 16n);
const MANAGER = String(VIEW_AND_SEND | PermissionFlagsBits.ManageChannels);
const MEMBER = String(VIEW_AND_SEND);
const EPHEMERAL = 64;

function memoryKv(): KeyValue & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, get: (key) => map.get(key) ?? null, set: (key, value) => void map.set(key, value) };
}

type Entry = { level: string; details: object; message: string };
function memoryLogger() {
  const entries: Entry[] = [];
  const at = (level: string) => (details: object, message: string) => void entries.push({ level, details, message });
  return { entries, info: at('info'), warn: at('warn'), error: at('error') };
}

const embedText = (embeds: APIEmbed[] | undefined): string => JSON.stringify(embeds ?? []);
const putCalls = (fake: FakeDiscord) => fake.calls.filter((c) => c.method === 'PUT' && c.path.includes('/commands'));

describe('Discord platform against the fake Discord', () => {
  let fake: FakeDiscord;
  let guild: FakeGuild;
  let platform: DiscordPlatform;
  const kv = memoryKv();
  const logger = memoryLogger();
  const services = createFakeServices();
  let startMs = 0;

  beforeAll(async () => {
    fake = await startFakeDiscord({ token: TOKEN });
    guild = fake.guild!;
    platform = createDiscordPlatform({ token: TOKEN, apiBase: fake.restBase, guildId: guild.id, registry, services, logger, kv });
    const started = performance.now();
    await platform.start();
    startMs = performance.now() - started;
  });

  afterAll(async () => {
    await platform?.stop();
    await fake?.close();
  });

  it('logs in with the Guilds intent only and reaches ready', () => {
    expect(platform.client.isReady()).toBe(true);
    expect(platform.client.user?.id).toBe(fake.botUser.id);
    const identify = fake.gatewayReceived.find((p) => p.op === 2)?.d as { intents?: number; token?: string };
    expect(identify.intents).toBe(1);
    expect(identify.token).toBe(TOKEN);
    expect(startMs).toBeLessThan(5000);
  });

  it('registers every command in the guild with one bulk overwrite', () => {
    const puts = putCalls(fake);
    expect(puts).toHaveLength(1);
    expect(puts[0]?.path).toBe(`/applications/${fake.applicationId}/guilds/${guild.id}/commands`);
    const body = puts[0]?.body as Array<Record<string, unknown>>;
    expect(body.map((c) => c.name)).toEqual(registry.list().map((c) => c.name));
    const subscribe = body.find((c) => c.name === 'subscribe') as { options: Array<Record<string, unknown>>; default_member_permissions: string };
    expect(subscribe.default_member_permissions).toBe(String(PermissionFlagsBits.ManageChannels));
    expect(subscribe.options[0]).toMatchObject({ name: 'topic', type: 3, required: true });
    expect((subscribe.options[0]?.choices as Array<{ value: string }>).map((c) => c.value)).toEqual(['m23', 'qatar-talks', 'ceasefire', 'all']);
    expect(subscribe.options.find((o) => o.name === 'backlog')).toMatchObject({ type: 4, min_value: 0, max_value: 10, required: false });
    expect(body.find((c) => c.name === 'status')?.default_member_permissions).toBeNull();
    expect(fake.registeredCommands(guild.id)).toHaveLength(registry.list().length);
    expect(fake.registeredCommands()).toEqual([]);
    expect(kv.map.get(REGISTRATION_HASH_KEY)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('skips registration on a second start with the same commands, and overwrites when they change', async () => {
    const before = putCalls(fake).length;
    const again = createDiscordPlatform({ token: TOKEN, apiBase: fake.restBase, guildId: guild.id, registry, services, logger: memoryLogger(), kv });
    await again.start();
    await again.stop();
    expect(putCalls(fake)).toHaveLength(before);

    const fewer = createRegistry(registry.list().filter((c) => c.name !== 'sources'));
    const changed = createDiscordPlatform({ token: TOKEN, apiBase: fake.restBase, guildId: guild.id, registry: fewer, services, logger: memoryLogger(), kv: memoryKv() });
    await changed.start();
    await changed.stop();
    expect(putCalls(fake)).toHaveLength(before + 1);
    expect(fake.registeredCommands(guild.id).map((c) => c.name)).not.toContain('sources');
    // Put the full set back for the tests that follow.
    const restore = createDiscordPlatform({ token: TOKEN, apiBase: fake.restBase, guildId: guild.id, registry, services, logger: memoryLogger(), kv: memoryKv() });
    await restore.start();
    await restore.stop();
  });

  it('registers globally with one bulk overwrite when no guild is configured', async () => {
    const global = createDiscordPlatform({ token: TOKEN, apiBase: fake.restBase, registry, services, logger: memoryLogger(), kv: memoryKv() });
    await global.start();
    await global.stop();
    const put = putCalls(fake).at(-1);
    expect(put?.path).toBe(`/applications/${fake.applicationId}/commands`);
    expect(fake.registeredCommands().map((c) => c.name)).toEqual(registry.list().map((c) => c.name));
  });

  it('rejects start with a readable error, without the token, when login fails', async () => {
    const wrong = 'wrong-token-value';
    const bad = createDiscordPlatform({ token: wrong, apiBase: fake.restBase, registry, services, logger: memoryLogger(), kv: memoryKv() });
    const failure = await bad.start().then(() => null, (error: unknown) => error as Error);
    expect(failure?.message).toMatch(/^Discord login failed: /);
    expect(failure?.message).not.toContain(wrong);
    await bad.stop();
  });

  it('answers /status with an embed after deferring, within 3 seconds', async () => {
    const started = performance.now();
    const handle = fake.sendInteraction({ data: { name: 'status', options: [{ name: 'topic', value: 'm23' }] }, member: { user: fake.users.bob, permissions: MEMBER } });
    const edit = handle.nextEdit();
    const callback = await handle.callback;
    const ackMs = performance.now() - started;
    expect(callback.type).toBe(5);
    expect(ackMs).toBeLessThan(3000);
    const edited = await edit;
    expect(embedText(edited.embeds as APIEmbed[])).toContain('M23 rebellion');
    expect(edited.allowed_mentions).toEqual({ parse: [] });
    expect(handle.original()?.flags).toBe(0);
  });

  it('answers /digest with a deferred reply that is then edited', async () => {
    const handle = fake.sendInteraction({ data: { name: 'digest' }, member: { user: fake.users.bob, permissions: MEMBER } });
    const edit = handle.nextEdit();
    expect((await handle.callback).type).toBe(5);
    const edited = await edit;
    expect(edited.embeds ?? edited.content).toBeTruthy();
    expect(handle.original()?.flags ?? 0).toBe(0);
  });

  it('refuses /subscribe without Manage Channels, ephemerally and without subscribing', async () => {
    const handle = fake.sendInteraction({ data: { name: 'subscribe', options: [{ name: 'topic', value: 'm23' }] }, member: { user: fake.users.bob, permissions: MEMBER } });
    const callback = await handle.callback;
    expect(callback.type).toBe(4);
    expect((callback.data?.flags as number) & EPHEMERAL).toBe(EPHEMERAL);
    expect(embedText(callback.data?.embeds as APIEmbed[])).toContain('Manage Channels');
    expect(services.data.calls.subscribe).toHaveLength(0);
  });

  it('subscribes a channel for a member with Manage Channels', async () => {
    const handle = fake.sendInteraction({
      data: { name: 'subscribe', options: [{ name: 'topic', value: 'ceasefire' }, { name: 'mode', value: 'alerts' }] },
      member: { user: fake.users.alice, permissions: MANAGER },
    });
    const edit = handle.nextEdit();
    expect((await handle.callback).type).toBe(5);
    await edit;
    expect(services.data.subscriptions.get(`discord:${guild.textChannelId}`)).toEqual([expect.objectContaining({ topic: 'ceasefire', mode: 'alerts' })]);
  });

  it('subscribes a thread under its own id', async () => {
    const handle = fake.sendInteraction({ channelId: guild.threadId!, data: { name: 'subscribe', options: [{ name: 'topic', value: 'all' }] }, member: { user: fake.users.alice, permissions: MANAGER } });
    const edit = handle.nextEdit();
    await edit;
    expect(services.data.subscriptions.get(`discord:${guild.threadId}`)?.map((s) => s.topic)).toEqual(['all']);
  });

  it('answers an out-of-range option ephemerally with the validator sentence', async () => {
    const handle = fake.sendInteraction({ data: { name: 'latest', options: [{ name: 'count', value: 50 }] }, member: { user: fake.users.bob, permissions: MEMBER } });
    const callback = await handle.callback;
    expect(callback.type).toBe(4);
    expect((callback.data?.flags as number) & EPHEMERAL).toBe(EPHEMERAL);
    expect(embedText(callback.data?.embeds as APIEmbed[])).toContain('count must be a whole number from 1 to 20.');
  });

  it('turns a failing service into an ephemeral plain sentence, not a stack trace', async () => {
    services.data.failWith = new Error('database is locked at /secret/path');
    try {
      const since = fake.calls.length;
      const handle = fake.sendInteraction({ data: { name: 'sources' }, member: { user: fake.users.bob, permissions: MEMBER } });
      expect((await handle.callback).type).toBe(5);
      const followUp = await fake.waitForCall('POST /webhooks/:app/:token', { since });
      const body = followUp.body as { flags: number; embeds: APIEmbed[] };
      expect(body.flags & EPHEMERAL).toBe(EPHEMERAL);
      expect(embedText(body.embeds)).toContain('Something went wrong while running /sources');
      expect(embedText(body.embeds)).not.toContain('/secret/path');
      expect(logger.entries).toContainEqual(expect.objectContaining({ level: 'error', message: 'command failed' }));
      // The public "thinking" placeholder is removed, so only the user sees the failure.
      expect(fake.calls.slice(since).filter((c) => c.method === 'DELETE').map((c) => decodeURIComponent(c.path))).toEqual([`/webhooks/${fake.applicationId}/${handle.token}/messages/@original`]);
      expect(fake.messages(guild.textChannelId).some((m) => m.id === handle.original()?.id)).toBe(false);
    } finally {
      services.data.failWith = undefined;
    }
  });

  it('answers /subscribe in a DM that subscriptions belong to a server channel', async () => {
    // The fake only sends guild interactions, so this builds discord.js's own interaction from a DM payload
    // (no guild, a user instead of a member) and hands it to the client as the gateway would.
    const id = '1300000000000000001';
    const dm = {
      id, application_id: fake.applicationId, type: 2, token: `dm-token-${id}`, version: 1, channel_id: '1300000000000000002',
      channel: { id: '1300000000000000002', type: 1 }, user: fake.users.bob, locale: 'en-US', app_permissions: '0', context: 1, entitlements: [],
      authorizing_integration_owners: { '0': fake.applicationId },
      data: { id: '1300000000000000003', name: 'subscribe', type: 1, options: [{ name: 'topic', type: 3, value: 'm23' }] },
    };
    const Interaction = ChatInputCommandInteraction as unknown as new (client: unknown, data: unknown) => ChatInputCommandInteraction;
    const since = fake.calls.length;
    const subscribedBefore = services.data.calls.subscribe.length;
    platform.client.emit(Events.InteractionCreate, new Interaction(platform.client, dm));
    const call = await fake.waitForCall(`POST /interactions/${id}/:token/callback`, { since });
    const body = call.body as { type: number; data: { flags: number; embeds: APIEmbed[] } };
    expect(body.type).toBe(4);
    expect(body.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(embedText(body.data.embeds)).toContain('Subscriptions belong to a server channel');
    expect(services.data.calls.subscribe).toHaveLength(subscribedBefore);
  });
});
