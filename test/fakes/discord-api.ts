/**
 * A fake Discord for tests: REST API and WebSocket gateway on one 127.0.0.1 port, close enough to the
 * real thing that an unmodified discord.js 14 client logs in, registers commands, sends messages and
 * answers slash commands. Use `new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.restBase } })`.
 * Recorded paths are relative to the versioned base: `/channels/1/messages`, not `/api/v10/...`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { APIAllowedMentions, APIEmbed } from 'discord-api-types/v10';

/** A JSON object as it crosses the wire. */
export type Json = Record<string, unknown>;
/** One REST request the fake received (path without `/api/v10`, query apart). */
export type RecordedCall = { method: string; path: string; query: URLSearchParams; body: unknown; headers: http.IncomingHttpHeaders };
/** An error answer Discord gives, e.g. `{ status: 403, code: 50001, message: 'Missing Access' }`. */
export type DiscordFailure = { status: number; code: number; message: string };
/** A message the fake holds, in Discord's shape, plus the allowed_mentions it was sent with. */
export type StoredMessage = Json & { id: string; channel_id: string; content: string; embeds: APIEmbed[]; flags: number; allowed_mentions?: APIAllowedMentions };
/** A user in the fake's world. */
export type FakeUser = { id: string; username: string; global_name: string | null; discriminator: string; avatar: null; bot?: boolean };
/** A guild in the fake's world, with the ids tests need at hand. */
export type FakeGuild = { id: string; name: string; textChannelId: string; threadId: string | null; channels: Json[]; threads: Json[]; roles: Json[]; members: Json[] };
/** What `addGuild` accepts; everything has a default. */
export type FakeGuildInput = {
  id?: string;
  name?: string;
  channels?: Array<{ id?: string; name: string }>;
  thread?: { id?: string; name: string } | null;
  roles?: Array<{ id?: string; name: string; permissions: string }>;
  /** Permissions of @everyone (a bitfield string). */
  everyonePermissions?: string;
  members?: Array<{ user: FakeUser; roles?: string[] }>;
};
/** A slash command to inject as INTERACTION_CREATE. Options are Discord's shape; `type` is guessed from the value when left out. */
export type InteractionInput = {
  type?: number;
  data: { name: string; options?: Array<{ name: string; value?: string | number | boolean; type?: number; options?: Json[] }> };
  channelId?: string;
  guildId?: string;
  member?: { user?: FakeUser; permissions?: string; roles?: string[] };
  locale?: string;
};
/** What the test holds after injecting an interaction. */
export type InteractionHandle = {
  id: string;
  token: string;
  /** The body of the first POST to the callback route: `{ type: 4, data }` (reply) or `{ type: 5, data: { flags } }` (deferred). */
  callback: Promise<{ type: number; data?: Json }>;
  /** Resolves with the next PATCH body of `@original` made after this call. */
  nextEdit(): Promise<Json>;
  /** The reply as it stands (after the callback and any edits). */
  original(): StoredMessage | undefined;
  followUps(): StoredMessage[];
};
export type FakeDiscordOptions = {
  /** When set, REST calls must carry `Bot <token>` and IDENTIFY must carry it too (else 401 / close 4004). */
  token?: string;
  heartbeatIntervalMs?: number;
  /** Create the default guild (two text channels, a thread, roles, members). Default true. */
  defaultGuild?: boolean;
};
export type FakeDiscord = {
  /** Pass as discord.js `rest.api`; discord.js appends `/v10/...`. */
  restBase: string;
  gatewayUrl: string;
  botUser: FakeUser;
  applicationId: string;
  /** Users present in the default guild: alice holds the Moderator role (Manage Guild), bob does not. */
  users: { alice: FakeUser; bob: FakeUser };
  /** The default guild (or undefined when `defaultGuild: false`). */
  guild: FakeGuild | undefined;
  calls: RecordedCall[];
  /** Gateway payloads received from clients (IDENTIFY, heartbeats...). */
  gatewayReceived: Json[];
  addGuild(input?: FakeGuildInput): FakeGuild;
  sendInteraction(input: InteractionInput): InteractionHandle;
  messages(channelId: string): StoredMessage[];
  /** Every request under /channels/:id answers this failure until cleared with `null`. */
  failChannel(channelId: string, failure: DiscordFailure | null): void;
  /** Deletes a channel or thread as a server admin would: later requests get 404 Unknown Channel, clients get CHANNEL_DELETE (THREAD_DELETE for a thread). */
  deleteChannel(channelId: string): void;
  /**
   * The next `times` requests matching `route` ('POST /channels/:id/messages', '/channels/123/messages') answer
   * 429, after `skip` matching requests have been let through.
   */
  rateLimitNext(route: string, retryAfterSeconds: number, times?: number, skip?: number): void;
  registeredCommands(guildId?: string): Json[];
  /** Resolves with the first call (from index `since`) matching `route`, waiting for it when needed. */
  waitForCall(route: string, options?: { since?: number; timeoutMs?: number }): Promise<RecordedCall>;
  close(): Promise<void>;
};

const DISCORD_EPOCH = 1420070400000n;
const VIEW_AND_SEND = (1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 16n) | (1n << 31n) | (1n << 38n);
const MANAGE_GUILD = 1n << 5n;

/** Starts the fake on 127.0.0.1, port 0. */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  let counter = 0n;
  // Real-looking snowflakes (time in the high bits) so discord.js timestamps make sense.
  const snowflake = () => String(((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (counter++ & 0x3fffffn));
  const makeUser = (username: string, bot = false): FakeUser => ({ id: snowflake(), username, global_name: username, discriminator: '0', avatar: null, ...(bot ? { bot } : {}) });
  const botUser = makeUser('sitrep', true);
  const applicationId = botUser.id;
  const users = { alice: makeUser('alice'), bob: makeUser('bob') };
  const guilds = new Map<string, FakeGuild>();
  const channels = new Map<string, Json>();
  const messages = new Map<string, StoredMessage[]>();
  const failures = new Map<string, DiscordFailure>();
  const rateLimits: Array<{ route: string; retryAfter: number; times: number; skip: number }> = [];
  const commands = new Map<string, Json[]>(); // key '' = global
  const interactions = new Map<string, { id: string; channelId: string; guildId: string; user: FakeUser; callback?: (body: { type: number; data?: Json }) => void; acknowledged: boolean; original?: StoredMessage; followUps: StoredMessage[]; editWaiters: Array<(body: Json) => void> }>();
  const calls: RecordedCall[] = [];
  const callWaiters: Array<() => void> = [];
  const gatewayReceived: Json[] = [];
  const sockets = new Set<{ ws: WebSocket; seq: number; ready: boolean }>();

  const member = (user: FakeUser, roles: string[] = []) => ({ user, roles, nick: null, avatar: null, joined_at: new Date().toISOString(), premium_since: null, deaf: false, mute: false, flags: 0, pending: false });

  function addGuild(input: FakeGuildInput = {}): FakeGuild {
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
    guilds.set(id, guild);
    for (const c of [...textChannels, ...threads]) channels.set(c.id, c);
    for (const s of sockets) if (s.ready) dispatch(s, 'GUILD_CREATE', guildCreate(guild));
    return guild;
  }

  const guildCreate = (g: FakeGuild): Json => ({
    id: g.id, name: g.name, icon: null, splash: null, discovery_splash: null, owner_id: users.alice.id, afk_channel_id: null, afk_timeout: 300,
    verification_level: 0, default_message_notifications: 0, explicit_content_filter: 0, roles: g.roles, emojis: [], stickers: [], features: [],
    mfa_level: 0, application_id: null, system_channel_id: g.textChannelId, system_channel_flags: 0, rules_channel_id: null, max_members: 500000,
    vanity_url_code: null, description: null, banner: null, premium_tier: 0, premium_subscription_count: 0, preferred_locale: 'en-US',
    public_updates_channel_id: null, nsfw_level: 0, premium_progress_bar_enabled: false, safety_alerts_channel_id: null,
    joined_at: new Date().toISOString(), large: false, unavailable: false, member_count: g.members.length, voice_states: [], members: g.members,
    channels: g.channels, threads: g.threads, presences: [], stage_instances: [], guild_scheduled_events: [], soundboard_sounds: [],
  });

  function dispatch(s: { ws: WebSocket; seq: number }, t: string, d: unknown) {
    s.ws.send(JSON.stringify({ op: 0, t, s: ++s.seq, d }));
  }

  function storeMessage(channelId: string, body: Json, extra: Json = {}): StoredMessage {
    const msg: StoredMessage = {
      id: snowflake(), channel_id: channelId, type: 0, author: botUser, content: typeof body.content === 'string' ? body.content : '',
      embeds: Array.isArray(body.embeds) ? (body.embeds as APIEmbed[]) : [], flags: typeof body.flags === 'number' ? body.flags : 0,
      timestamp: new Date().toISOString(), edited_timestamp: null, tts: false, mention_everyone: false, mentions: [], mention_roles: [],
      attachments: [], components: Array.isArray(body.components) ? body.components : [], pinned: false,
      ...(channels.get(channelId)?.guild_id ? { guild_id: channels.get(channelId)?.guild_id } : {}),
      ...(body.allowed_mentions ? { allowed_mentions: body.allowed_mentions as APIAllowedMentions } : {}),
      ...extra,
    };
    const list = messages.get(channelId) ?? [];
    list.push(msg);
    messages.set(channelId, list);
    return msg;
  }

  function editMessage(msg: StoredMessage, body: Json) {
    for (const key of ['content', 'embeds', 'components', 'allowed_mentions', 'flags'] as const) if (key in body && body[key] !== null) (msg as Json)[key] = body[key];
    msg.edited_timestamp = new Date().toISOString();
    return msg;
  }

  const removeMessage = (msg: StoredMessage) => {
    const list = messages.get(msg.channel_id) ?? [];
    list.splice(list.indexOf(msg), 1);
  };

  type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
  type Ctx = { params: Record<string, string>; body: unknown; query: URLSearchParams };
  const err = (status: number, code: number, message: string): Reply => ({ status, body: { message, code } });
  const json = (body: unknown): Reply => ({ status: 200, body });
  const asObject = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
  const findMessage = (channelId: string, messageId: string) => messages.get(channelId)?.find((m) => m.id === messageId);

  function interactionMessage(token: string, messageId: string) {
    const state = interactions.get(token);
    if (!state) return { error: err(404, 10015, 'Unknown Webhook') };
    const msg = messageId === '@original' ? state.original : state.followUps.find((m) => m.id === messageId);
    return msg ? { state, msg } : { error: err(404, 10008, 'Unknown Message') };
  }

  function putCommands(key: string, body: unknown, guildId?: string): Reply {
    if (!Array.isArray(body)) return err(400, 50035, 'Invalid Form Body');
    const previous = commands.get(key) ?? [];
    const stored: Json[] = [];
    for (const raw of body) {
      const c = asObject(raw);
      const type = typeof c.type === 'number' ? c.type : 1;
      if (typeof c.name !== 'string' || (type === 1 && typeof c.description !== 'string')) return err(400, 50035, 'Invalid Form Body');
      // Discord keeps a command's id across bulk overwrites when its name stays the same.
      const id = previous.find((p) => p.name === c.name)?.id ?? snowflake();
      stored.push({ default_member_permissions: null, nsfw: false, options: [], ...c, id, type, application_id: applicationId, version: snowflake(), ...(guildId ? { guild_id: guildId } : {}) });
    }
    commands.set(key, stored);
    return json(stored);
  }

  const app = () => ({ id: applicationId, name: 'sitrep', icon: null, description: '', bot_public: true, bot_require_code_grant: false, verify_key: 'fake', flags: 0, owner: users.alice, team: null, bot: botUser });

  const routes: Array<[string, string, (ctx: Ctx) => Reply]> = [
    ['GET', '/gateway/bot', () => json({ url: gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 } })],
    ['GET', '/gateway', () => json({ url: gatewayUrl })],
    ['GET', '/users/@me', () => json(botUser)],
    ['GET', '/applications/@me', () => json(app())],
    ['GET', '/oauth2/applications/@me', () => json(app())],
    ['GET', '/applications/:app/commands', () => json(commands.get('') ?? [])],
    ['PUT', '/applications/:app/commands', ({ body }) => putCommands('', body)],
    ['GET', '/applications/:app/guilds/:guild/commands', ({ params }) => json(commands.get(params.guild ?? '') ?? [])],
    ['PUT', '/applications/:app/guilds/:guild/commands', ({ params, body }) => putCommands(params.guild ?? '', body, params.guild)],
    ['GET', '/channels/:channel', ({ params }) => json(channels.get(params.channel ?? ''))],
    ['POST', '/channels/:channel/messages', ({ params, body }) => json(storeMessage(params.channel ?? '', asObject(body)))],
    ['GET', '/channels/:channel/messages/:message', ({ params }) => { const m = findMessage(params.channel ?? '', params.message ?? ''); return m ? json(m) : err(404, 10008, 'Unknown Message'); }],
    ['PATCH', '/channels/:channel/messages/:message', ({ params, body }) => { const m = findMessage(params.channel ?? '', params.message ?? ''); return m ? json(editMessage(m, asObject(body))) : err(404, 10008, 'Unknown Message'); }],
    ['DELETE', '/channels/:channel/messages/:message', ({ params }) => { const m = findMessage(params.channel ?? '', params.message ?? ''); if (!m) return err(404, 10008, 'Unknown Message'); removeMessage(m); return { status: 204 }; }],
    ['GET', '/guilds/:guild', ({ params }) => { const g = guilds.get(params.guild ?? ''); return g ? json({ ...guildCreate(g), members: undefined, channels: undefined, threads: undefined }) : err(404, 10004, 'Unknown Guild'); }],
    ['GET', '/guilds/:guild/channels', ({ params }) => { const g = guilds.get(params.guild ?? ''); return g ? json(g.channels) : err(404, 10004, 'Unknown Guild'); }],
    ['GET', '/guilds/:guild/members/:user', ({ params }) => { const m = guilds.get(params.guild ?? '')?.members.find((x) => (x.user as FakeUser).id === params.user); return m ? json(m) : err(404, 10007, 'Unknown Member'); }],
    ['POST', '/interactions/:id/:token/callback', ({ params, body, query }) => {
      const state = interactions.get(params.token ?? '');
      if (!state || state.id !== params.id) return err(404, 10062, 'Unknown interaction');
      if (state.acknowledged) return err(400, 40060, 'Interaction has already been acknowledged.');
      const b = asObject(body) as { type: number; data?: Json };
      state.acknowledged = true;
      if (b.type === 4 || b.type === 5) {
        // A deferred reply shows as a "thinking" placeholder (flag 128) until the first edit.
        const data = b.type === 5 ? { flags: ((b.data?.flags as number | undefined) ?? 0) | 128 } : (b.data ?? {});
        state.original = storeMessage(state.channelId, data, { interaction_metadata: { id: state.id, type: 2, user: state.user, authorizing_integration_owners: { '0': state.guildId } }, webhook_id: applicationId, application_id: applicationId });
      }
      state.callback?.(b);
      if (query.get('with_response') !== 'true') return { status: 204 };
      return json({ interaction: { id: state.id, type: 2, activity_instance_id: null, response_message_id: state.original?.id ?? null, response_message_loading: b.type === 5, response_message_ephemeral: false }, resource: { type: b.type, message: state.original } });
    }],
    ['GET', '/webhooks/:app/:token/messages/:message', ({ params }) => { const r = interactionMessage(params.token ?? '', params.message ?? ''); return r.error ?? json(r.msg); }],
    ['PATCH', '/webhooks/:app/:token/messages/:message', ({ params, body }) => {
      const r = interactionMessage(params.token ?? '', params.message ?? '');
      if (r.error) return r.error;
      const b = asObject(body);
      const edited = editMessage(r.msg, b);
      if (params.message === '@original') edited.flags &= ~128;
      for (const waiter of r.state.editWaiters.splice(0)) waiter(b);
      return json(edited);
    }],
    ['DELETE', '/webhooks/:app/:token/messages/:message', ({ params }) => { const r = interactionMessage(params.token ?? '', params.message ?? ''); if (r.error) return r.error; removeMessage(r.msg); return { status: 204 }; }],
    ['POST', '/webhooks/:app/:token', ({ params, body }) => {
      const state = interactions.get(params.token ?? '');
      if (!state) return err(404, 10015, 'Unknown Webhook');
      if (!state.acknowledged) return err(400, 40060, 'Interaction has not been acknowledged.');
      const msg = storeMessage(state.channelId, asObject(body), { webhook_id: applicationId, application_id: applicationId });
      state.followUps.push(msg);
      return json(msg);
    }],
  ];

  function matchRoute(route: string, method: string, path: string): Record<string, string> | null {
    const [routeMethod, routePath] = route.includes(' ') ? route.split(' ', 2) : [undefined, route];
    if (routeMethod && routeMethod.toUpperCase() !== method) return null;
    const want = (routePath ?? '').split('/');
    const got = path.split('/');
    if (want.length !== got.length) return null;
    const params: Record<string, string> = {};
    for (const [i, part] of want.entries()) {
      const actual = got[i] ?? '';
      if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(actual);
      else if (part !== actual) return null;
    }
    return params;
  }

  function answer(method: string, path: string, body: unknown, query: URLSearchParams, headers: http.IncomingHttpHeaders): Reply {
    const limit = rateLimits.find((r) => r.times > 0 && matchRoute(r.route, method, path));
    if (limit && limit.skip > 0) limit.skip -= 1;
    else if (limit) {
      limit.times -= 1;
      const seconds = limit.retryAfter;
      return {
        status: 429,
        body: { message: 'You are being rate limited.', retry_after: seconds, global: false },
        headers: { 'retry-after': String(seconds), 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Date.now() / 1000 + seconds), 'x-ratelimit-reset-after': String(seconds), 'x-ratelimit-bucket': `fake-${method}-${path.split('/')[1] ?? ''}`, 'x-ratelimit-scope': 'user' },
      };
    }
    const channelId = /^\/channels\/([^/]+)/.exec(path)?.[1];
    const failure = channelId ? failures.get(channelId) : undefined;
    if (failure) return err(failure.status, failure.code, failure.message);
    if (channelId && !channels.has(channelId)) return err(404, 10003, 'Unknown Channel');
    const needsAuth = !path.startsWith('/interactions/') && !path.startsWith('/webhooks/');
    const auth = headers.authorization;
    if (needsAuth && (!auth?.startsWith('Bot ') || (options.token !== undefined && auth !== `Bot ${options.token}`))) return err(401, 0, '401: Unauthorized');
    for (const [routeMethod, pattern, handler] of routes) {
      const params = routeMethod === method ? matchRoute(pattern, method, path) : null;
      if (params) return handler({ params, body, query });
    }
    return err(404, 0, `404: Not Found (${method} ${path} is not in the fake)`);
  }

  function parseBody(raw: Buffer, contentType: string | undefined): unknown {
    if (raw.length === 0) return undefined;
    const text = raw.toString('utf8');
    // discord.js sends multipart only with files; the JSON part is `payload_json`.
    if (contentType?.startsWith('multipart/form-data')) {
      const match = /name="payload_json"[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*?)\r\n--/.exec(text);
      return match?.[1] ? JSON.parse(match[1]) : undefined;
    }
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = url.pathname.replace(/^\/api/, '').replace(/^\/v\d+/, '');
      const method = (req.method ?? 'GET').toUpperCase();
      let reply: Reply;
      try {
        const body = parseBody(Buffer.concat(chunks), req.headers['content-type']);
        calls.push({ method, path, query: url.searchParams, body, headers: req.headers });
        for (const wake of callWaiters.splice(0)) wake();
        reply = answer(method, path, body, url.searchParams, req.headers);
      } catch (error) {
        reply = err(400, 50109, `The request body contains invalid JSON. (${String(error)})`);
      }
      const headers: Record<string, string> = { ...reply.headers };
      if (reply.body !== undefined) headers['content-type'] = 'application/json';
      res.writeHead(reply.status, headers);
      res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
    });
  });

  const wss = new WebSocketServer({ server, path: '/gateway' });
  wss.on('connection', (ws, req) => {
    const s = { ws, seq: 0, ready: false };
    sockets.add(s);
    ws.on('close', () => sockets.delete(s));
    const params = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    // We never advertise compression; a client asking for zlib-stream or another encoding is refused clearly.
    if (params.get('v') !== '10') return ws.close(4012, 'Invalid API version');
    if (params.get('encoding') !== 'json' || params.has('compress')) return ws.close(4002, 'Only encoding=json without compression');
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: options.heartbeatIntervalMs ?? 41_250 }, s: null, t: null }));
    ws.on('message', (data) => {
      const payload = asObject(JSON.parse(String(data)));
      gatewayReceived.push(payload);
      const d = asObject(payload.d);
      if (payload.op === 1) ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      else if (payload.op === 2) {
        if (options.token !== undefined && d.token !== options.token) return ws.close(4004, 'Authentication failed');
        s.ready = true;
        const all = [...guilds.values()];
        dispatch(s, 'READY', { v: 10, user: { ...botUser, verified: true, mfa_enabled: false, flags: 0 }, guilds: all.map((g) => ({ id: g.id, unavailable: true })), session_id: `session-${snowflake()}`, resume_gateway_url: gatewayUrl, shard: [0, 1], application: { id: applicationId, flags: 0 } });
        for (const g of all) dispatch(s, 'GUILD_CREATE', guildCreate(g));
      } else if (payload.op === 6) {
        s.ready = true;
        s.seq = typeof d.seq === 'number' ? d.seq : s.seq;
        dispatch(s, 'RESUMED', null);
      }
      return undefined;
    });
    return undefined;
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const restBase = `http://127.0.0.1:${port}/api`;
  const gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
  const defaultGuild = options.defaultGuild === false ? undefined : addGuild();

  function sendInteraction(input: InteractionInput): InteractionHandle {
    const guild = guilds.get(input.guildId ?? defaultGuild?.id ?? '');
    if (!guild) throw new Error('sendInteraction needs a guild: pass guildId or keep the default guild');
    const channelId = input.channelId ?? guild.textChannelId;
    const channel = channels.get(channelId);
    if (!channel) throw new Error(`unknown channel ${channelId}`);
    const user = input.member?.user ?? users.alice;
    const roleIds = input.member?.roles ?? ((guild.members.find((m) => (m.user as FakeUser).id === user.id)?.roles as string[] | undefined) ?? []);
    const permissions = input.member?.permissions ?? String(guild.roles.filter((r) => r.id === guild.id || roleIds.includes(r.id as string)).reduce((acc, r) => acc | BigInt(r.permissions as string), 0n));
    const id = snowflake();
    const token = `itoken-${id}`;
    const registered = [...(commands.get(guild.id) ?? []), ...(commands.get('') ?? [])].find((c) => c.name === input.data.name);
    const guessType = (v: unknown) => (typeof v === 'boolean' ? 5 : typeof v === 'number' ? (Number.isInteger(v) ? 4 : 10) : 3);
    const commandOptions = input.data.options?.map((o) => ({ ...o, type: o.type ?? guessType(o.value) }));
    let resolveCallback: (body: { type: number; data?: Json }) => void = () => {};
    const callback = new Promise<{ type: number; data?: Json }>((resolve) => (resolveCallback = resolve));
    const state = { id, channelId, guildId: guild.id, user, callback: resolveCallback, acknowledged: false, followUps: [] as StoredMessage[], editWaiters: [] as Array<(body: Json) => void>, original: undefined as StoredMessage | undefined };
    interactions.set(token, state);
    const payload = {
      id, application_id: applicationId, type: input.type ?? 2, token, version: 1, guild_id: guild.id, channel_id: channelId,
      channel: { id: channelId, type: channel.type, name: channel.name, guild_id: guild.id, parent_id: channel.parent_id ?? null, permissions },
      data: { id: registered?.id ?? snowflake(), name: input.data.name, type: 1, guild_id: registered?.guild_id, ...(commandOptions ? { options: commandOptions } : {}) },
      member: { ...member(user, roleIds), permissions }, app_permissions: String(VIEW_AND_SEND), locale: input.locale ?? 'en-US', guild_locale: 'en-US',
      entitlements: [], authorizing_integration_owners: { '0': guild.id }, context: 0, attachment_size_limit: 10_485_760,
    };
    const live = [...sockets].filter((s) => s.ready);
    if (live.length === 0) throw new Error('no gateway client is connected: log in before sending an interaction');
    for (const s of live) dispatch(s, 'INTERACTION_CREATE', payload);
    return {
      id, token, callback,
      nextEdit: () => new Promise<Json>((resolve) => state.editWaiters.push(resolve)),
      original: () => state.original,
      followUps: () => [...state.followUps],
    };
  }

  function waitForCall(route: string, opts: { since?: number; timeoutMs?: number } = {}): Promise<RecordedCall> {
    const find = () => calls.slice(opts.since ?? 0).find((c) => matchRoute(route, c.method, c.path));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no call matching ${route} within ${opts.timeoutMs ?? 5000} ms`)), opts.timeoutMs ?? 5000);
      const check = () => {
        const hit = find();
        if (hit) {
          clearTimeout(timer);
          resolve(hit);
        } else callWaiters.push(check);
      };
      check();
    });
  }

  return {
    restBase, gatewayUrl, botUser, applicationId, users, guild: defaultGuild, calls, gatewayReceived, addGuild, sendInteraction, waitForCall,
    messages: (channelId) => [...(messages.get(channelId) ?? [])],
    failChannel: (channelId, failure) => void (failure ? failures.set(channelId, failure) : failures.delete(channelId)),
    deleteChannel: (channelId) => {
      const channel = channels.get(channelId);
      if (!channel) throw new Error(`unknown channel ${channelId}`);
      channels.delete(channelId);
      const guild = guilds.get(String(channel.guild_id));
      if (guild) {
        guild.channels = guild.channels.filter((c) => c.id !== channelId);
        guild.threads = guild.threads.filter((c) => c.id !== channelId);
      }
      const isThread = channel.type === 11 || channel.type === 12;
      const payload = isThread ? { id: channelId, guild_id: channel.guild_id, parent_id: channel.parent_id, type: channel.type } : channel;
      for (const s of sockets) if (s.ready) dispatch(s, isThread ? 'THREAD_DELETE' : 'CHANNEL_DELETE', payload);
    },
    rateLimitNext: (route, retryAfterSeconds, times = 1, skip = 0) => void rateLimits.push({ route, retryAfter: retryAfterSeconds, times, skip }),
    registeredCommands: (guildId) => [...(commands.get(guildId ?? '') ?? [])],
    close: async () => {
      // 4004 is a close code discord.js treats as final, so a client still logged in stops instead of reconnecting.
      for (const s of sockets) s.ws.close(4004, 'Fake Discord closed');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
