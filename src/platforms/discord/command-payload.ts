/**
 * The slash-command registration payload, generated from the command registry: flat commands (no
 * subcommands), one Discord option per OptionSpec, within Discord's limits. A hash of the payload lets
 * start-up skip the bulk overwrite when nothing changed.
 *
 * DMs: commands that change what a chat receives (`requires: 'channel-admin'`: /subscribe, /unsubscribe)
 * are offered in server channels and threads only, because subscriptions belong to a server channel and
 * Manage Channels has no meaning in a DM. Every other command (status, latest, topics, search, digest,
 * subscriptions, sources, help) also works in a DM with the bot; there /subscriptions lists nothing and
 * /digest has no subscribed topics to draw on.
 */
import { createHash } from 'node:crypto';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  type APIApplicationCommandBasicOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { clipLine } from '../../chat/clip-line.js';
import type { CommandDefinition, OptionSpec } from '../../chat/command.js';
import type { CommandRegistry } from '../../chat/registry.js';
import type { TopicView } from '../../chat/views.js';

/** Discord's limits on command definitions. */
const COMMAND_LIMITS = {
  name: 32,
  description: 100,
  options: 25,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  stringLength: 6000,
} as const;

/** One command as Discord's bulk overwrite takes it. */
export type DiscordCommandPayload = RESTPostAPIChatInputApplicationCommandsJSONBody;

// Discord's rule for option names, minus upper case (Discord refuses names with an upper-case form).
const OPTION_NAME = /^[-_\p{L}\p{N}]{1,32}$/u;

/** The topic choices: "M23 rebellion (m23)" → m23, plus `all` when the option allows it; none when over 25. */
function topicChoices(topics: readonly TopicView[], allowAll: boolean): { name: string; value: string }[] | undefined {
  const choices = topics.map((t) => ({ name: clipLine(t.name === t.id ? t.id : `${t.name} (${t.id})`, COMMAND_LIMITS.choiceName, t.id), value: t.id }));
  if (allowAll) choices.push({ name: 'all topics (all)', value: 'all' });
  // More than Discord shows: leave the option free text; the validator still names what is accepted.
  if (choices.length > COMMAND_LIMITS.choices || choices.some((c) => c.value.length > COMMAND_LIMITS.choiceValue)) return undefined;
  return choices;
}

/** One OptionSpec as a Discord option. */
function optionPayload(command: string, key: string, spec: OptionSpec, topics: readonly TopicView[]): APIApplicationCommandBasicOption {
  if (!OPTION_NAME.test(key) || key !== key.toLowerCase()) {
    throw new Error(`command "${command}": option name "${key}" is not a valid Discord option name`);
  }
  const base = { name: key, description: clipLine(spec.description, COMMAND_LIMITS.description, key), required: spec.required === true };
  switch (spec.type) {
    case 'topic': {
      const choices = topicChoices(topics, spec.allowAll === true);
      return { ...base, type: ApplicationCommandOptionType.String, ...(choices ? { choices } : { max_length: COMMAND_LIMITS.choiceValue }) };
    }
    case 'integer':
      return {
        ...base,
        type: ApplicationCommandOptionType.Integer,
        ...(spec.min !== undefined ? { min_value: spec.min } : {}),
        ...(spec.max !== undefined ? { max_value: spec.max } : {}),
      };
    case 'string': {
      if (spec.choices && spec.choices.length <= COMMAND_LIMITS.choices) {
        return { ...base, type: ApplicationCommandOptionType.String, choices: spec.choices.map((c) => ({ name: clipLine(c, COMMAND_LIMITS.choiceName, c), value: c })) };
      }
      const max = spec.format === 'hh:mm' ? 5 : Math.min(spec.maxLength ?? COMMAND_LIMITS.stringLength, COMMAND_LIMITS.stringLength);
      return { ...base, type: ApplicationCommandOptionType.String, max_length: max };
    }
  }
}

/** One command definition as a Discord chat-input command. */
export function commandPayload(definition: CommandDefinition, topics: readonly TopicView[]): DiscordCommandPayload {
  const entries = Object.entries(definition.options);
  if (entries.length > COMMAND_LIMITS.options) throw new Error(`command "${definition.name}" has more than ${COMMAND_LIMITS.options} options`);
  // Discord refuses a required option after an optional one; the sort is stable, so declared order stays otherwise.
  const options = entries
    .map(([key, spec]) => optionPayload(definition.name, key, spec, topics))
    .sort((a, b) => Number(b.required) - Number(a.required));
  const admin = definition.requires === 'channel-admin';
  return {
    type: ApplicationCommandType.ChatInput,
    name: definition.name,
    description: clipLine(definition.description, COMMAND_LIMITS.description, definition.name),
    options,
    // Hidden from members without Manage Channels by default (server admins may change it); checked again at run time.
    default_member_permissions: admin ? String(PermissionFlagsBits.ManageChannels) : null,
    // `contexts` is the current field; `dm_permission` is its deprecated twin, kept for servers that only know it.
    dm_permission: !admin,
    contexts: admin ? [InteractionContextType.Guild] : [InteractionContextType.Guild, InteractionContextType.BotDM],
    integration_types: [ApplicationIntegrationType.GuildInstall],
  };
}

/** The whole bulk-overwrite payload, in registry order. */
export function buildCommandPayload(registry: CommandRegistry, topics: readonly TopicView[]): DiscordCommandPayload[] {
  return registry.list().map((definition) => commandPayload(definition, topics));
}

/** A stable fingerprint of what would be registered where: the payload plus its scope (application, guild or global). */
export function payloadHash(payload: readonly DiscordCommandPayload[], scope: string): string {
  return createHash('sha256').update(scope).update('\n').update(JSON.stringify(payload)).digest('hex');
}
