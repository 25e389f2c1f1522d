/**
 * The fake Discord's REST API: the routes discord.js calls, over the world in discord-world.ts, with
 * Discord's errors (unknown channel, missing access, 401 without the bot token) and scripted 429s.
 */
import type http from 'node:http';
import type { DiscordWorld } from './discord-world.js';
import type { FakeUser, Json } from './discord-types.js';

/** How long Discord remembers a nonce for `enforce_nonce` ("the past few minutes"). */
const NONCE_WINDOW_MS = 5 * 60_000;

/** What the fake answers to one REST request. */
export type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
/** What a route handler gets: the path's parameters, the parsed body, the query. */
type Ctx = { params: Record<string, string>; body: unknown; query: URLSearchParams };
/** An error as Discord answers it: HTTP status, and Discord's JSON error code and message. */
export const err = (status: number, code: number, message: string): Reply => ({ status, body: { message, code } });
const json = (body: unknown): Reply => ({ status: 200, body });
/** `v` when it is a JSON object, else an empty one. */
export const asObject = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

/** The REST side over `world`; `token`, when set, is the only accepted `Bot` token. */
export function createRestApi(world: DiscordWorld, token: string | undefined) {
  const findMessage = (channelId: string, messageId: string) => world.messages.get(channelId)?.find((m) => m.id === messageId);
  function interactionMessage(interactionToken: string, messageId: string) {
    const state = world.interactions.get(interactionToken);
    if (!state) return { error: err(404, 10015, 'Unknown Webhook') };
    const msg = messageId === '@original' ? state.original : state.followUps.find((m) => m.id === messageId);
    return msg ? { state, msg } : { error: err(404, 10008, 'Unknown Message') };
  }

  function putCommands(key: string, body: unknown, guildId?: string): Reply {
    if (!Array.isArray(body)) return err(400, 50035, 'Invalid Form Body');
    const previous = world.commands.get(key) ?? [];
    const stored: Json[] = [];
    for (const raw of body) {
      const c = asObject(raw);
      const type = typeof c.type === 'number' ? c.type : 1;
      if (typeof c.name !== 'string' || (type === 1 && typeof c.description !== 'string')) return err(400, 50035, 'Invalid Form Body');
      // Discord keeps a command's id across bulk overwrites when its name stays the same.
      const id = previous.find((p) => p.name === c.name)?.id ?? world.snowflake();
      stored.push({ default_member_permissions: null, nsfw: false, options: [], ...c, id, type, application_id: world.applicationId, version: world.snowflake(), ...(guildId ? { guild_id: guildId } : {}) });
    }
    world.commands.set(key, stored);
    return json(stored);
  }

  /**
   * A bot's post. As Discord: a nonce is a string of at most 25 characters or an integer, and with
   * `enforce_nonce` a nonce the same author used in the past few minutes answers that message, creating none.
   */
  function postMessage(channelId: string, body: Json): Reply {
    const { nonce } = body;
    if (nonce !== undefined && !(typeof nonce === 'string' && nonce.length <= 25) && !Number.isInteger(nonce)) {
      return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: { nonce: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be 25 or fewer in length.' }] } } } };
    }
    if (nonce !== undefined && body.enforce_nonce === true) {
      const since = Date.now() - NONCE_WINDOW_MS;
      for (const list of world.messages.values()) {
        const earlier = list.find((m) => m.nonce === nonce && m.author === world.botUser && Date.parse(String(m.timestamp)) >= since);
        if (earlier) return json(earlier);
      }
    }
    return json(world.storeMessage(channelId, body, nonce !== undefined ? { nonce } : {}));
  }

  const app = () => ({ id: world.applicationId, name: 'sitrep', icon: null, description: '', bot_public: true, bot_require_code_grant: false, verify_key: 'fake', flags: 0, owner: world.users.alice, team: null, bot: world.botUser });

  const routes: Array<[string, string, (ctx: Ctx) => Reply]> = [
    ['GET', '/gateway/bot', () => json({ url: world.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 } })],
    ['GET', '/gateway', () => json({ url: world.gatewayUrl })],
    ['GET', '/users/@me', () => json(world.botUser)],
    ['GET', '/applications/@me', () => json(app())],
    ['GET', '/oauth2/applications/@me', () => json(app())],
    ['GET', '/applications/:app/commands', () => json(world.commands.get('') ?? [])],
    ['PUT', '/applications/:app/commands', ({ body }) => putCommands('', body)],
    ['GET', '/applications/:app/guilds/:guild/commands', ({ params }) => json(world.commands.get(params.guild ?? '') ?? [])],
    ['PUT', '/applications/:app/guilds/:guild/commands', ({ params, body }) => putCommands(params.guild ?? '', body, params.guild)],
    ['GET', '/channels/:channel', ({ params }) => json(world.channels.get(params.channel ?? ''))],
    ['POST', '/channels/:channel/messages', ({ params, body }) => postMessage(params.channel ?? '', asObject(body))],
    ['GET', '/channels/:channel/messages/:message', ({ params }) => { const m = findMessage(params.channel ?? '', params.message ?? ''); return m ? json(m) : err(404, 10008, 'Unknown Message'); }],
    ['PATCH', '/channels/:channel/messages/:message', ({ params, body }) => { const m = findMessage(params.channel ?? '', params.message ?? ''); return m ? json(world.editMessage(m, asObject(body))) : err(404, 10008, 'Unknown Message'); }],
    ['DELETE', '/channels/:channel/messages/:message', ({ params }) => { const m = findMessage(params.channel ?? '', params.message ?? ''); if (!m) return err(404, 10008, 'Unknown Message'); world.removeMessage(m); return { status: 204 }; }],
    ['GET', '/guilds/:guild', ({ params }) => { const g = world.guilds.get(params.guild ?? ''); return g ? json({ ...world.guildCreate(g), members: undefined, channels: undefined, threads: undefined }) : err(404, 10004, 'Unknown Guild'); }],
    ['GET', '/guilds/:guild/channels', ({ params }) => { const g = world.guilds.get(params.guild ?? ''); return g ? json(g.channels) : err(404, 10004, 'Unknown Guild'); }],
    ['GET', '/guilds/:guild/members/:user', ({ params }) => { const m = world.guilds.get(params.guild ?? '')?.members.find((x) => (x.user as FakeUser).id === params.user); return m ? json(m) : err(404, 10007, 'Unknown Member'); }],
    ['POST', '/interactions/:id/:token/callback', ({ params, body, query }) => {
      const state = world.interactions.get(params.token ?? '');
      if (!state || state.id !== params.id) return err(404, 10062, 'Unknown interaction');
      if (state.acknowledged) return err(400, 40060, 'Interaction has already been acknowledged.');
      const b = asObject(body) as { type: number; data?: Json };
      state.acknowledged = true;
      if (b.type === 4 || b.type === 5) {
        // A deferred reply shows as a "thinking" placeholder (flag 128) until the first edit.
        const data = b.type === 5 ? { flags: ((b.data?.flags as number | undefined) ?? 0) | 128 } : (b.data ?? {});
        state.original = world.storeMessage(state.channelId, data, { interaction_metadata: { id: state.id, type: 2, user: state.user, authorizing_integration_owners: { '0': state.guildId } }, webhook_id: world.applicationId, application_id: world.applicationId });
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
      const edited = world.editMessage(r.msg, b);
      if (params.message === '@original') edited.flags &= ~128;
      for (const waiter of r.state.editWaiters.splice(0)) waiter(b);
      return json(edited);
    }],
    ['DELETE', '/webhooks/:app/:token/messages/:message', ({ params }) => { const r = interactionMessage(params.token ?? '', params.message ?? ''); if (r.error) return r.error; world.removeMessage(r.msg); return { status: 204 }; }],
    ['POST', '/webhooks/:app/:token', ({ params, body }) => {
      const state = world.interactions.get(params.token ?? '');
      if (!state) return err(404, 10015, 'Unknown Webhook');
      if (!state.acknowledged) return err(400, 40060, 'Interaction has not been acknowledged.');
      const msg = world.storeMessage(state.channelId, asObject(body), { webhook_id: world.applicationId, application_id: world.applicationId });
      state.followUps.push(msg);
      return json(msg);
    }],
  ];

  function answer(method: string, path: string, body: unknown, query: URLSearchParams, headers: http.IncomingHttpHeaders): Reply {
    const limit = world.rateLimits.find((r) => r.times > 0 && matchRoute(r.route, method, path));
    if (limit && limit.skip > 0) limit.skip -= 1;
    else if (limit) {
      limit.times -= 1;
      const seconds = limit.retryAfter;
      if (limit.form === 'bare') return { status: 429, body: { message: 'Too Many Requests' } };
      const body = { message: 'You are being rate limited.', retry_after: seconds, global: false };
      if (limit.form === 'body only') return { status: 429, body };
      return {
        status: 429,
        body,
        headers: { 'retry-after': String(seconds), 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Date.now() / 1000 + seconds), 'x-ratelimit-reset-after': String(seconds), 'x-ratelimit-bucket': `fake-${method}-${path.split('/')[1] ?? ''}`, 'x-ratelimit-scope': 'user' },
      };
    }
    const channelId = /^\/channels\/([^/]+)/.exec(path)?.[1];
    const failure = channelId ? world.failures.get(channelId) : undefined;
    if (failure) return err(failure.status, failure.code, failure.message);
    if (channelId && !world.channels.has(channelId)) return err(404, 10003, 'Unknown Channel');
    const needsAuth = !path.startsWith('/interactions/') && !path.startsWith('/webhooks/');
    const auth = headers.authorization;
    if (needsAuth && (!auth?.startsWith('Bot ') || (token !== undefined && auth !== `Bot ${token}`))) return err(401, 0, '401: Unauthorized');
    for (const [routeMethod, pattern, handler] of routes) {
      const params = routeMethod === method ? matchRoute(pattern, method, path) : null;
      if (params) return handler({ params, body, query });
    }
    return err(404, 0, `404: Not Found (${method} ${path} is not in the fake)`);
  }

  return answer;
}

/** Route parameters when `path` matches `route` ('POST /channels/:id/messages' or '/channels/:id/messages'), else null. */
export function matchRoute(route: string, method: string, path: string): Record<string, string> | null {
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

/** A request body as discord.js sends it: JSON, or multipart whose `payload_json` part holds the JSON. */
export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
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
