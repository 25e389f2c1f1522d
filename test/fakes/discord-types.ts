/** The shapes the fake Discord (discord-api.ts) keeps and records, and the controls it gives a test. */
import type http from 'node:http';
import type { APIAllowedMentions, APIEmbed } from 'discord-api-types/v10';

/** A JSON object as it crosses the wire. */
export type Json = Record<string, unknown>;
/** One REST request the fake received (path without `/api/v10`, query apart). */
export type RecordedCall = { method: string; path: string; query: URLSearchParams; body: unknown; headers: http.IncomingHttpHeaders };
/** How a scripted 429 names its wait (see FakeDiscord.rateLimitNext). */
export type RateLimitForm = 'discord' | 'body only' | 'bare';
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
   * 429, after `skip` matching requests have been let through. `form` 'discord' (default) answers as Discord does,
   * with the wait in the Retry-After and rate-limit headers and in the body; 'body only' names the wait in the body
   * alone; 'bare' names no wait at all, as a proxy might.
   */
  rateLimitNext(route: string, retryAfterSeconds: number, times?: number, skip?: number, form?: RateLimitForm): void;
  /**
   * The next `times` requests matching `route` are carried out at once but answered `ms` later, as when an
   * answer is slow to come back: the message is in the channel while the bot still waits.
   */
  delayRepliesNext(route: string, ms: number, times?: number): void;
  registeredCommands(guildId?: string): Json[];
  /** Resolves with the first call (from index `since`) matching `route`, waiting for it when needed. */
  waitForCall(route: string, options?: { since?: number; timeoutMs?: number }): Promise<RecordedCall>;
  close(): Promise<void>;
};
