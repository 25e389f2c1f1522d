/**
 * Discord through discord.js: logs in with the Guilds intent only (nothing privileged), registers the slash
 * commands with one bulk overwrite when they changed, answers slash commands, and gives the dispatcher a
 * MessageSender. A deleted channel, a kicked bot or a gateway error is logged, never fatal.
 */
import { Client, Events, GatewayIntentBits, RESTEvents, type Channel, type Guild } from 'discord.js';
import type { ChannelRef } from '../../chat/command.js';
import type { CommandRegistry } from '../../chat/registry.js';
import type { BotServices } from '../../chat/services.js';
import type { MessageSender } from '../../delivery/sender.js';
import { buildCommandPayload, payloadHash } from './command-payload.js';
import { createDiscordSender, NO_MENTIONS, type DiscordRest } from './discord-sender.js';
import { handleChatCommand, type DiscordLogger } from './interactions.js';
import { withRetryAfterHeader } from './retry-after.js';
import { errorText } from '../../error-text.js';

/** A small persistent key/value (the lead passes one over the database) holding the registration hash. */
export type KeyValue = { get(key: string): string | null; set(key: string, value: string): void };

/** Everything the Discord platform is built from. */
export type DiscordPlatformOptions = {
  token: string;
  /** discord.js `rest.api` (DISCORD_API_BASE); Discord's own when absent. */
  apiBase?: string | null;
  /** Register commands in this guild (instant) instead of globally (DISCORD_GUILD_ID). */
  guildId?: string | null;
  registry: CommandRegistry;
  services: BotServices;
  logger: DiscordLogger;
  kv: KeyValue;
  /** Told when Discord says a channel is gone (deleted, or the bot left its server), so subscriptions can end. */
  onChannelGone?: (channel: ChannelRef, reason: string) => void;
  /** How long start() waits for the gateway's READY. Default 30 s. */
  readyTimeoutMs?: number;
  /** REST 429 waits longer than this fail as `retry` instead of holding the queue. Default 60 s. */
  maxRateLimitWaitMs?: number;
};

/** The running platform. */
export type DiscordPlatform = {
  sender: MessageSender;
  /** Logs in, waits for READY, registers commands when they changed. Rejects only when login fails. */
  start(): Promise<void>;
  /** Disconnects; safe to call twice. */
  stop(): Promise<void>;
  /** The discord.js client, for app.ts and tests. */
  client: Client;
};

/** The kv key holding the hash of the last registered payload. */
export const REGISTRATION_HASH_KEY = 'discord.commands.hash';

/** Builds the Discord platform; nothing connects until start(). */
export function createDiscordPlatform(options: DiscordPlatformOptions): DiscordPlatform {
  const { token, registry, services, logger, kv } = options;
  const maxWait = options.maxRateLimitWaitMs ?? 60_000;
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: {
      ...(options.apiBase ? { api: options.apiBase } : {}),
      // A long 429 would stall every send behind it; the dispatcher's backoff handles it better.
      rejectOnRateLimit: (data) => data.retryAfter > maxWait,
      makeRequest: withRetryAfterHeader(),
    },
    allowedMentions: NO_MENTIONS,
  });
  const rest: DiscordRest = client.rest;
  const sender = createDiscordSender(rest, logger);
  let stopped = false;

  const gone = (channel: { id: string }, reason: string) => {
    logger.info({ channel: channel.id, reason }, 'Discord channel gone');
    try {
      options.onChannelGone?.({ platform: 'discord', chatId: channel.id }, reason);
    } catch (error) {
      logger.error({ err: error, channel: channel.id }, 'onChannelGone failed');
    }
  };

  // A 429 the REST queue waits out never reaches the dispatcher: the log is where an operator sees it. Waits
  // under a second are the queue spacing a burst (a fan-out meets them all the time) and are left out.
  client.rest.on(RESTEvents.RateLimited, (limit) => {
    if (limit.retryAfter < 1000) return;
    logger.info(
      { route: limit.route, method: limit.method, waitMs: limit.retryAfter, global: limit.global, scope: limit.scope },
      'Discord rate limit: requests on this route wait',
    );
  });
  client.on(Events.Error, (error) => logger.error({ err: error }, 'Discord client error'));
  client.on(Events.Warn, (message) => logger.warn({ detail: message }, 'Discord client warning'));
  client.on(Events.ChannelDelete, (channel: Channel) => gone(channel, 'channel deleted'));
  client.on(Events.ThreadDelete, (thread) => gone(thread, 'thread deleted'));
  // discord.js emits GuildDelete only when the bot really left (an outage is GuildUnavailable instead).
  client.on(Events.GuildDelete, (guild: Guild) => {
    for (const channel of guild.channels.cache.values()) if (channel.isTextBased()) gone(channel, 'bot removed from the server');
  });
  client.on(Events.InteractionCreate, (interaction) => {
    if (!interaction.isChatInputCommand()) return;
    void handleChatCommand(interaction, { registry, services, logger }).catch((error: unknown) =>
      logger.error({ err: error }, 'Discord interaction handler failed'),
    );
  });

  async function register(): Promise<void> {
    const application = client.application;
    if (!application) {
      logger.error({}, 'Discord gave no application at READY; slash commands not registered');
      return;
    }
    const scope = `${application.id}:${options.guildId ? `guild:${options.guildId}` : 'global'}`;
    try {
      const payload = buildCommandPayload(registry, services.topics());
      const hash = payloadHash(payload, scope);
      if (kv.get(REGISTRATION_HASH_KEY) === hash) {
        logger.info({ scope, commands: payload.length }, 'Discord slash commands unchanged; registration skipped');
        return;
      }
      if (options.guildId) await application.commands.set(payload, options.guildId);
      else await application.commands.set(payload);
      kv.set(REGISTRATION_HASH_KEY, hash);
      logger.info({ scope, commands: payload.length }, 'Discord slash commands registered');
    } catch (error) {
      // The bot can still send alerts; the next start tries again because the hash was not stored.
      logger.error({ err: error, scope }, 'could not register Discord slash commands');
    }
  }

  return {
    sender,
    client,

    async start() {
      const readyTimeout = options.readyTimeoutMs ?? 30_000;
      let timer: NodeJS.Timeout | undefined;
      const ready = new Promise<void>((resolve, reject) => {
        client.once(Events.ClientReady, () => resolve());
        timer = setTimeout(() => reject(new Error(`Discord did not send READY within ${readyTimeout} ms`)), readyTimeout);
      });
      // Awaited below; this only keeps a READY timeout during a slow login from counting as unhandled.
      ready.catch(() => undefined);
      try {
        await client.login(token);
        await ready;
      } catch (error) {
        await client.destroy();
        // discord.js errors never contain the token; the message says what went wrong (e.g. "An invalid token was provided.").
        throw new Error(`Discord login failed: ${errorText(error)}`, { cause: error });
      } finally {
        clearTimeout(timer);
      }
      logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'Discord ready');
      await register();
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      await client.destroy();
    },
  };
}
