/**
 * Slash commands in: a ChatInputCommandInteraction becomes an executeCommand call, and the Message it
 * returns goes back as embeds. Discord drops an interaction not acknowledged within 3 seconds, so mistakes
 * that can be seen at once (unknown command, a DM, missing Manage Channels, a bad option) are answered
 * ephemerally straight away, and everything else is deferred first and answered by editing the reply.
 */
import { MessageFlags, PermissionFlagsBits, type ChatInputCommandInteraction } from 'discord.js';
import type { ChannelRef, CommandDefinition, UserRef } from '../../chat/command.js';
import { executeCommand } from '../../chat/execute-command.js';
import { textMessage, type Message } from '../../chat/message.js';
import { validateOptions } from '../../chat/parse-command.js';
import type { CommandRegistry } from '../../chat/registry.js';
import type { BotServices } from '../../chat/services.js';
import { NO_MENTIONS } from './discord-sender.js';
import { discordParts, type DiscordPayload } from './render.js';

/** A pino-like logger. */
export type DiscordLogger = {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
};

/** What answering a slash command needs. */
export type InteractionDeps = { registry: CommandRegistry; services: BotServices; logger: DiscordLogger };

/** The user's answer when a subscription command is used outside a server. */
const DM_SUBSCRIPTION_TEXT =
  'Subscriptions belong to a server channel: run this command in the channel (or thread) that should receive the news. You need the Manage Channels permission there.';

/** The channel a command was typed in; a thread's id is its own channel id, so threads need nothing more. */
function channelOf(interaction: ChatInputCommandInteraction): ChannelRef {
  return { platform: 'discord', chatId: interaction.channelId };
}

function canManageChannels(interaction: ChatInputCommandInteraction): boolean {
  // memberPermissions are the member's permissions in this channel (overwrites applied); Administrator counts.
  return interaction.inGuild() && interaction.memberPermissions.has(PermissionFlagsBits.ManageChannels);
}

/** Option values as Discord typed them (strings, integers), keyed by option name. */
function rawOptionsOf(interaction: ChatInputCommandInteraction): Record<string, unknown> {
  return Object.fromEntries(interaction.options.data.map((option) => [option.name, option.value]));
}

/** The reason to refuse at once, without deferring, or null when the command should run. */
function quickRefusal(definition: CommandDefinition | undefined, interaction: ChatInputCommandInteraction, raw: Record<string, unknown>, deps: InteractionDeps): Message | null {
  if (!definition) return textMessage(`Unknown command /${interaction.commandName}. Type /help for the list.`, 'error');
  if (definition.requires === 'channel-admin') {
    if (!interaction.inGuild()) return textMessage(DM_SUBSCRIPTION_TEXT, 'error');
    if (!canManageChannels(interaction)) {
      return textMessage(`You need the Manage Channels permission here to use /${definition.name}: it changes what the whole channel receives.`, 'error');
    }
  }
  const topicIds = deps.services.topics().map((topic) => topic.id);
  const validated = validateOptions(definition, raw, { topicIds });
  return validated.ok ? null : textMessage(validated.error, 'error');
}

const options = (payload: DiscordPayload) => ({ ...(payload.content !== undefined ? { content: payload.content } : {}), embeds: payload.embeds, allowedMentions: NO_MENTIONS });

/** Answers an interaction not yet acknowledged, ephemerally when the message says so. */
async function replyNow(interaction: ChatInputCommandInteraction, message: Message): Promise<void> {
  const [first, ...rest] = discordParts(message);
  const flags = message.ephemeral ? MessageFlags.Ephemeral : undefined;
  if (first) await interaction.reply({ ...options(first), ...(flags ? { flags } : {}) });
  for (const part of rest) await interaction.followUp({ ...options(part), ...(flags ? { flags } : {}) });
}

/** Answers a deferred (public) interaction: the first part edits the placeholder, further parts follow up. */
async function replyDeferred(interaction: ChatInputCommandInteraction, message: Message): Promise<void> {
  const [first, ...rest] = discordParts(message);
  if (message.ephemeral) {
    // A public placeholder cannot turn private: remove it and answer only the user.
    await interaction.deleteReply();
    for (const part of [first, ...rest]) if (part) await interaction.followUp({ ...options(part), flags: MessageFlags.Ephemeral });
    return;
  }
  if (first) await interaction.editReply(options(first));
  for (const part of rest) await interaction.followUp(options(part));
}

/** Answers one slash command; never throws (failures are logged and, where possible, told to the user). */
export async function handleChatCommand(interaction: ChatInputCommandInteraction, deps: InteractionDeps): Promise<void> {
  const { registry, services, logger } = deps;
  const name = interaction.commandName;
  const channel = channelOf(interaction);
  const user: UserRef = { id: interaction.user.id, name: interaction.user.username };
  try {
    const definition = registry.get(name);
    const raw = rawOptionsOf(interaction);
    const refusal = quickRefusal(definition, interaction, raw, deps);
    if (refusal) return await replyNow(interaction, refusal);
    await interaction.deferReply();
    const message = await executeCommand({
      name,
      rawOptions: raw,
      registry,
      channel,
      user,
      services,
      logger,
      isChannelAdmin: async () => canManageChannels(interaction),
    });
    await replyDeferred(interaction, message);
  } catch (error) {
    logger.error({ err: error, command: name, channel: channel.chatId }, 'could not answer a Discord slash command');
    await tellSomethingWentWrong(interaction, name, logger);
  }
}

async function tellSomethingWentWrong(interaction: ChatInputCommandInteraction, name: string, logger: DiscordLogger): Promise<void> {
  const text = `Something went wrong while answering /${name}. It has been logged; please try again later.`;
  try {
    if (interaction.deferred && !interaction.replied) await interaction.editReply({ content: text, embeds: [], allowedMentions: NO_MENTIONS });
    else if (!interaction.replied) await interaction.reply({ content: text, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
  } catch (error) {
    // Usually the interaction expired (10062 Unknown interaction); nothing more can reach the user.
    logger.warn({ err: error, command: name }, 'could not tell the user a slash command failed');
  }
}
