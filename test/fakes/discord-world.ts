/**
 * The fake Discord's world: users, guilds with their channels, threads, roles and members, messages,
 * registered commands, pending interactions and the gateway sessions that hear about changes.
 */
import type { WebSocket } from 'ws';
import type { APIAllowedMentions, APIEmbed } from 'discord-api-types/v10';
import type { DiscordFailure, RateLimitForm, FakeGuild, FakeGuildInput, FakeUser, Json, RecordedCall, StoredMessage } from './discord-types.js';

const DISCORD_EPOCH = 1420070400000n;
export const VIEW_AND_SEND = (1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 16n) | (1n << 31n) | (1n << 38n);
const MANAGE_GUILD = 1n << 5n;

/** An interaction the fake sent and the bot may still answer. */
export type PendingInteraction = {
  id: string;
  channelId: string;
  guildId: string;
  user: FakeUser;
  callback?: (body: { type: number; data?: Json }) => void;
  acknowledged: boolean;
  original?: StoredMessage;
  followUps: StoredMessage[];
  editWaiters: Array<(body: Json) => void>;
};

/** A gateway connection; `ready` once it identified (or resumed). */
export type GatewaySession = { ws: WebSocket; seq: number; ready: boolean };

/** Creates an empty world with the bot and two users, alice and bob. */
export function createDiscordWorld() {
  let counter = 0n;
  // Real-looking snowflakes (time in the high bits) so discord.js timestamps make sense.
  const snowflake = () => String(((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (counter++ & 0x3fffffn));
  const makeUser = (username: string, bot = false): FakeUser => ({ id: snowflake(), username, global_name: username, discriminator: '0', avatar: null, ...(bot ? { bot } : {}) });
  const botUser = makeUser('sitrep', true);
  const world = {
    snowflake,
    botUser,
    applicationId: botUser.id,
    users: { alice: makeUser('alice'), bob: makeUser('bob') },
    guilds: new Map<string, FakeGuild>(),
    channels: new Map<string, Json>(),
    messages: new Map<string, StoredMessage[]>(),
    failures: new Map<string, DiscordFailure>(),
    rateLimits: [] as Array<{ route: string; retryAfter: number; times: number; skip: number; form: RateLimitForm }>,
    replyDelays: [] as Array<{ route: string; ms: number; times: number }>,
    /** Registered commands by guild id; '' holds the global ones. */
    commands: new Map<string, Json[]>(),
    interactions: new Map<string, PendingInteraction>(),
    calls: [] as RecordedCall[],
    callWaiters: [] as Array<() => void>,
    gatewayReceived: [] as Json[],
    sessions: new Set<GatewaySession>(),
    /** Known once the server listens. */
    gatewayUrl: '',
  };

  const member = (user: FakeUser, roles: string[] = []) => ({ user, roles, nick: null, avatar: null, joined_at: new Date().toISOString(), premium_since: null, deaf: false, mute: false, flags: 0, pending: false });

  /** Sends a gateway event on one session. */
  function dispatch(s: { ws: WebSocket; seq: number }, t: string, d: unknown) {
    s.ws.send(JSON.stringify({ op: 0, t, s: ++s.seq, d }));
  }
  /** Sends a gateway event to every session that is ready. */
  function broadcast(t: string, d: unknown) {
    for (const s of world.sessions) if (s.ready) dispatch(s, t, d);
  }

  const guildCreate = (g: FakeGuild): Json => ({
    id: g.id, name: g.name, icon: null, splash: null, discovery_splash: null, owner_id: world.users.alice.id, afk_channel_id: null, afk_timeout: 300,
    verification_level: 0, default_message_notifications: 0, explicit_content_filter: 0, roles: g.roles, emojis: [], stickers: [], features: [],
    mfa_level: 0, application_id: null, system_channel_id: g.textChannelId, system_channel_flags: 0, rules_channel_id: null, max_members: 500000,
    vanity_url_code: null, description: null, banner: null, premium_tier: 0, premium_subscription_count: 0, preferred_locale: 'en-US',
    public_updates_channel_id: null, nsfw_level: 0, premium_progress_bar_enabled: false, safety_alerts_channel_id: null,
    joined_at: new Date().toISOString(), large: false, unavailable: false, member_count: g.members.length, voice_states: [], members: g.members,
    channels: g.channels, threads: g.threads, presences: [], stage_instances: [], guild_scheduled_events: [], soundboard_sounds: [],
  });

  function addGuild(input: FakeGuildInput = {}): FakeGuild {
    const { users } = world;
    const id = input.id ?? snowflake();
    const textChannels = (input.channels ?? [{ name: 'news' }, { name: 'alerts' }]).map((c, position) => ({ id: c.id ?? snowflake(), type: 0, guild_id: id, name: c.name, position, permission_overwrites: [], topic: null, nsfw: false, last_message_id: null, rate_limit_per_user: 0, parent_id: null, flags: 0 }));
    const first = textChannels[0];
    if (!first) throw new Error('a fake guild needs at least one text channel');
    const threadInput = input.thread === undefined ? { name: 'ceasefire-watch' } : input.thread;
    const threads = threadInput ? [{ id: threadInput.id ?? snowflake(), type: 11, guild_id: id, parent_id: first.id, owner_id: users.alice.id, name: threadInput.name, last_message_id: null, rate_limit_per_user: 0, message_count: 0, member_count: 1, flags: 0, thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false } }] : [];
    const role = (roleId: string, name: string, permissions: string, position: number) => ({ id: roleId, name, permissions, position, color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, hoist: false, icon: null, unicode_emoji: null, managed: false, mentionable: false, flags: 0 });
    const moderatorId = snowflake();
    const roles = [role(id, '@everyone', input.everyonePermissions ?? String(VIEW_AND_SEND), 0), ...(input.roles ?? [{ id: moderatorId, name: 'Moderator', permissions: String(VIEW_AND_SEND | MANAGE_GUILD) }]).map((r, i) => role(r.id ?? snowflake(), r.name, r.permissions, i + 1))];
    const members = (input.members ?? [{ user: users.alice, roles: [moderatorId] }, { user: users.bob }]).map((m) => member(m.user, m.roles));
    members.unshift(member(botUser));
    const guild: FakeGuild = { id, name: input.name ?? 'Sitrep Test', textChannelId: first.id, threadId: threads[0]?.id ?? null, channels: textChannels, threads, roles, members };
    world.guilds.set(id, guild);
    for (const c of [...textChannels, ...threads]) world.channels.set(c.id, c);
    broadcast('GUILD_CREATE', guildCreate(guild));
    return guild;
  }

  function storeMessage(channelId: string, body: Json, extra: Json = {}): StoredMessage {
    const guildId = world.channels.get(channelId)?.guild_id;
    const msg: StoredMessage = {
      id: snowflake(), channel_id: channelId, type: 0, author: botUser, content: typeof body.content === 'string' ? body.content : '',
      embeds: Array.isArray(body.embeds) ? (body.embeds as APIEmbed[]) : [], flags: typeof body.flags === 'number' ? body.flags : 0,
      timestamp: new Date().toISOString(), edited_timestamp: null, tts: false, mention_everyone: false, mentions: [], mention_roles: [],
      attachments: [], components: Array.isArray(body.components) ? body.components : [], pinned: false,
      ...(guildId ? { guild_id: guildId } : {}),
      ...(body.allowed_mentions ? { allowed_mentions: body.allowed_mentions as APIAllowedMentions } : {}),
      ...extra,
    };
    const list = world.messages.get(channelId) ?? [];
    list.push(msg);
    world.messages.set(channelId, list);
    return msg;
  }

  function editMessage(msg: StoredMessage, body: Json) {
    for (const key of ['content', 'embeds', 'components', 'allowed_mentions', 'flags'] as const) if (key in body && body[key] !== null) (msg as Json)[key] = body[key];
    msg.edited_timestamp = new Date().toISOString();
    return msg;
  }

  const removeMessage = (msg: StoredMessage) => {
    const list = world.messages.get(msg.channel_id) ?? [];
    list.splice(list.indexOf(msg), 1);
  };

  return Object.assign(world, { member, dispatch, broadcast, guildCreate, addGuild, storeMessage, editMessage, removeMessage });
}

/** The world as the REST routes, the gateway and the test controls share it. */
export type DiscordWorld = ReturnType<typeof createDiscordWorld>;
