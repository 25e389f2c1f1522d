/**
 * A fake Discord for tests: REST API and WebSocket gateway on one 127.0.0.1 port, close enough to the
 * real thing that an unmodified discord.js 14 client logs in, registers commands, sends messages and
 * answers slash commands. Use `new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.restBase } })`.
 * Recorded paths are relative to the versioned base: `/channels/1/messages`, not `/api/v10/...`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { asObject, createRestApi, err, matchRoute, parseBody, type Reply } from './discord-rest.js';
import type { FakeDiscord, FakeDiscordOptions, FakeUser, InteractionHandle, InteractionInput, Json, RecordedCall, StoredMessage } from './discord-types.js';
import { createDiscordWorld, VIEW_AND_SEND } from './discord-world.js';

/** Starts the fake on 127.0.0.1, port 0. */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const world = createDiscordWorld();
  const answer = createRestApi(world, options.token);

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
        world.calls.push({ method, path, query: url.searchParams, body, headers: req.headers });
        for (const wake of world.callWaiters.splice(0)) wake();
        reply = answer(method, path, body, url.searchParams, req.headers);
      } catch (error) {
        reply = err(400, 50109, `The request body contains invalid JSON. (${String(error)})`);
      }
      const headers: Record<string, string> = { ...reply.headers };
      if (reply.body !== undefined) headers['content-type'] = 'application/json';
      const delay = world.replyDelays.find((d) => d.times > 0 && matchRoute(d.route, method, path));
      if (delay) delay.times -= 1;
      const write = () => {
        if (res.destroyed) return;
        res.writeHead(reply.status, headers);
        res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
      };
      if (delay) setTimeout(write, delay.ms);
      else write();
    });
  });

  const wss = new WebSocketServer({ server, path: '/gateway' });
  wss.on('connection', (ws, req) => {
    const s = { ws, seq: 0, ready: false };
    world.sessions.add(s);
    ws.on('close', () => world.sessions.delete(s));
    const params = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    // We never advertise compression; a client asking for zlib-stream or another encoding is refused clearly.
    if (params.get('v') !== '10') return ws.close(4012, 'Invalid API version');
    if (params.get('encoding') !== 'json' || params.has('compress')) return ws.close(4002, 'Only encoding=json without compression');
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: options.heartbeatIntervalMs ?? 41_250 }, s: null, t: null }));
    ws.on('message', (data) => {
      const payload = asObject(JSON.parse(String(data)));
      world.gatewayReceived.push(payload);
      const d = asObject(payload.d);
      if (payload.op === 1) ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      else if (payload.op === 2) {
        if (options.token !== undefined && d.token !== options.token) return ws.close(4004, 'Authentication failed');
        s.ready = true;
        const all = [...world.guilds.values()];
        world.dispatch(s, 'READY', { v: 10, user: { ...world.botUser, verified: true, mfa_enabled: false, flags: 0 }, guilds: all.map((g) => ({ id: g.id, unavailable: true })), session_id: `session-${world.snowflake()}`, resume_gateway_url: world.gatewayUrl, shard: [0, 1], application: { id: world.applicationId, flags: 0 } });
        for (const g of all) world.dispatch(s, 'GUILD_CREATE', world.guildCreate(g));
      } else if (payload.op === 6) {
        s.ready = true;
        s.seq = typeof d.seq === 'number' ? d.seq : s.seq;
        world.dispatch(s, 'RESUMED', null);
      }
      return undefined;
    });
    return undefined;
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const restBase = `http://127.0.0.1:${port}/api`;
  world.gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
  const defaultGuild = options.defaultGuild === false ? undefined : world.addGuild();

  function sendInteraction(input: InteractionInput): InteractionHandle {
    const guild = world.guilds.get(input.guildId ?? defaultGuild?.id ?? '');
    if (!guild) throw new Error('sendInteraction needs a guild: pass guildId or keep the default guild');
    const channelId = input.channelId ?? guild.textChannelId;
    const channel = world.channels.get(channelId);
    if (!channel) throw new Error(`unknown channel ${channelId}`);
    const user = input.member?.user ?? world.users.alice;
    const roleIds = input.member?.roles ?? ((guild.members.find((m) => (m.user as FakeUser).id === user.id)?.roles as string[] | undefined) ?? []);
    const permissions = input.member?.permissions ?? String(guild.roles.filter((r) => r.id === guild.id || roleIds.includes(r.id as string)).reduce((acc, r) => acc | BigInt(r.permissions as string), 0n));
    const id = world.snowflake();
    const token = `itoken-${id}`;
    const registered = [...(world.commands.get(guild.id) ?? []), ...(world.commands.get('') ?? [])].find((c) => c.name === input.data.name);
    const guessType = (v: unknown) => (typeof v === 'boolean' ? 5 : typeof v === 'number' ? (Number.isInteger(v) ? 4 : 10) : 3);
    const commandOptions = input.data.options?.map((o) => ({ ...o, type: o.type ?? guessType(o.value) }));
    let resolveCallback: (body: { type: number; data?: Json }) => void = () => {};
    const callback = new Promise<{ type: number; data?: Json }>((resolve) => (resolveCallback = resolve));
    const state = { id, channelId, guildId: guild.id, user, callback: resolveCallback, acknowledged: false, followUps: [] as StoredMessage[], editWaiters: [] as Array<(body: Json) => void>, original: undefined as StoredMessage | undefined };
    world.interactions.set(token, state);
    const payload = {
      id, application_id: world.applicationId, type: input.type ?? 2, token, version: 1, guild_id: guild.id, channel_id: channelId,
      channel: { id: channelId, type: channel.type, name: channel.name, guild_id: guild.id, parent_id: channel.parent_id ?? null, permissions },
      data: { id: registered?.id ?? world.snowflake(), name: input.data.name, type: 1, guild_id: registered?.guild_id, ...(commandOptions ? { options: commandOptions } : {}) },
      member: { ...world.member(user, roleIds), permissions }, app_permissions: String(VIEW_AND_SEND), locale: input.locale ?? 'en-US', guild_locale: 'en-US',
      entitlements: [], authorizing_integration_owners: { '0': guild.id }, context: 0, attachment_size_limit: 10_485_760,
    };
    const live = [...world.sessions].filter((s) => s.ready);
    if (live.length === 0) throw new Error('no gateway client is connected: log in before sending an interaction');
    for (const s of live) world.dispatch(s, 'INTERACTION_CREATE', payload);
    return {
      id, token, callback,
      nextEdit: () => new Promise<Json>((resolve) => state.editWaiters.push(resolve)),
      original: () => state.original,
      followUps: () => [...state.followUps],
    };
  }

  function waitForCall(route: string, opts: { since?: number; timeoutMs?: number } = {}): Promise<RecordedCall> {
    const find = () => world.calls.slice(opts.since ?? 0).find((c) => matchRoute(route, c.method, c.path));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no call matching ${route} within ${opts.timeoutMs ?? 5000} ms`)), opts.timeoutMs ?? 5000);
      const check = () => {
        const hit = find();
        if (hit) {
          clearTimeout(timer);
          resolve(hit);
        } else world.callWaiters.push(check);
      };
      check();
    });
  }

  return {
    restBase,
    gatewayUrl: world.gatewayUrl,
    botUser: world.botUser,
    applicationId: world.applicationId,
    users: world.users,
    guild: defaultGuild,
    calls: world.calls,
    gatewayReceived: world.gatewayReceived,
    addGuild: world.addGuild,
    sendInteraction,
    waitForCall,
    messages: (channelId) => [...(world.messages.get(channelId) ?? [])],
    failChannel: (channelId, failure) => void (failure ? world.failures.set(channelId, failure) : world.failures.delete(channelId)),
    deleteChannel: (channelId) => {
      const channel = world.channels.get(channelId);
      if (!channel) throw new Error(`unknown channel ${channelId}`);
      world.channels.delete(channelId);
      const guild = world.guilds.get(String(channel.guild_id));
      if (guild) {
        guild.channels = guild.channels.filter((c) => c.id !== channelId);
        guild.threads = guild.threads.filter((c) => c.id !== channelId);
      }
      const isThread = channel.type === 11 || channel.type === 12;
      const payload = isThread ? { id: channelId, guild_id: channel.guild_id, parent_id: channel.parent_id, type: channel.type } : channel;
      for (const s of world.sessions) if (s.ready) world.dispatch(s, isThread ? 'THREAD_DELETE' : 'CHANNEL_DELETE', payload);
    },
    rateLimitNext: (route, retryAfterSeconds, times = 1, skip = 0, form = 'discord') =>
      void world.rateLimits.push({ route, retryAfter: retryAfterSeconds, times, skip, form }),
    delayRepliesNext: (route, ms, times = 1) => void world.replyDelays.push({ route, ms, times }),
    registeredCommands: (guildId) => [...(world.commands.get(guildId ?? '') ?? [])],
    close: async () => {
      // 4004 is a close code discord.js treats as final, so a client still logged in stops instead of reconnecting.
      for (const s of world.sessions) s.ws.close(4004, 'Fake Discord closed');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
