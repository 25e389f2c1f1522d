/**
 * Builds the chat platforms the environment asks for: Telegram when TELEGRAM_BOT_TOKEN is set, Discord
 * when DISCORD_TOKEN is set (both may run at once). Each library is loaded only when its platform is on,
 * so a console-only bot never pays for discord.js or grammY.
 */
import type { ChannelRef } from '../chat/command.js';
import type { CommandRegistry } from '../chat/registry.js';
import type { BotServices } from '../chat/services.js';
import type { Env } from '../config/env.js';
import type { Settings } from '../config/settings-schema.js';
import type { MessageSender } from '../delivery/sender.js';
import type { Logger } from '../logger.js';
import type { KeyValue } from '../store/key-value.js';

/** A running chat platform as the app sees it. */
export type ChatPlatform = {
  sender: MessageSender;
  start(): Promise<void>;
  /** Shutting down: messages not yet on their way are turned away (they stay queued for the next start). */
  stopSending?(): void;
  stop(): Promise<void>;
};

/** What the platforms are built from. */
export type PlatformDeps = {
  env: Env;
  /** settings.yaml's telegram section: how fast the Telegram sender may go. */
  telegramPace: Settings['telegram'];
  registry: CommandRegistry;
  services: BotServices;
  logger: Logger;
  kv: KeyValue;
  /** A channel the bot can no longer post in (deleted, kicked): its subscriptions end. */
  onChannelGone: (channel: ChannelRef, reason: string) => void;
};

/** The platforms enabled by the environment (empty when no token is set: the console runs then). */
export async function createPlatforms(deps: PlatformDeps): Promise<ChatPlatform[]> {
  const platforms: ChatPlatform[] = [];
  const { env } = deps;
  if (env.telegram) {
    const { createTelegramPlatform } = await import('./telegram/telegram-platform.js');
    platforms.push(
      createTelegramPlatform({
        token: env.telegram.token,
        apiRoot: env.telegram.apiRoot,
        webhook: env.telegram.webhook,
        pace: deps.telegramPace,
        registry: deps.registry,
        services: deps.services,
        logger: deps.logger.child({ platform: 'telegram' }),
      }),
    );
  }
  if (env.discord) {
    const { createDiscordPlatform } = await import('./discord/discord-platform.js');
    platforms.push(
      createDiscordPlatform({
        token: env.discord.token,
        apiBase: env.discord.apiBase,
        guildId: env.discord.guildId,
        registry: deps.registry,
        services: deps.services,
        logger: deps.logger.child({ platform: 'discord' }),
        kv: deps.kv,
        onChannelGone: deps.onChannelGone,
      }),
    );
  }
  return platforms;
}
