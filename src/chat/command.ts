/**
 * How a command is declared once in commands/ and served by every platform. Options are declarative so
 * Discord can turn them into slash-command options, Telegram and the console into positional arguments,
 * and zod can validate them the same way everywhere.
 */
import type { Message } from './message.js';
import type { BotServices } from './services.js';

/** One option of a command, in the order users type them. */
export type OptionSpec =
  | { type: 'topic'; description: string; required?: boolean; allowAll?: boolean }
  | {
      type: 'string';
      description: string;
      required?: boolean;
      choices?: readonly string[];
      maxLength?: number;
      /** Takes the rest of the line (text platforms); must be the last option. */
      rest?: boolean;
      /** A checked format: `hh:mm` (a time of day, normalized to 08:00) or `timezone` (IANA, canonicalized). */
      format?: 'hh:mm' | 'timezone';
    }
  | { type: 'integer'; description: string; required?: boolean; min?: number; max?: number };

/** Where a command was typed, and where replies and alerts go. */
export type ChannelRef = {
  platform: 'console' | 'telegram' | 'discord';
  chatId: string;
  /** Telegram forum topic (message_thread_id) or Discord thread; absent for the main channel. */
  threadId?: string;
};

/** Who typed the command. */
export type UserRef = { id: string; name?: string };

/** What a handler receives. */
export type CommandContext<Options> = {
  options: Options;
  channel: ChannelRef;
  user: UserRef;
  services: BotServices;
  /** Every registered command, so /help is generated from the definitions themselves. */
  commands: readonly CommandDefinition[];
};

/** A command: name, options and a handler returning a Message (user mistakes are Messages too). */
export type CommandDefinition<Options = Record<string, unknown>> = {
  name: string;
  description: string;
  options: Record<string, OptionSpec>;
  /** `channel-admin`: only chat administrators (Telegram) / Manage Channels (Discord) may run it. */
  requires?: 'channel-admin';
  run(ctx: CommandContext<Options>): Promise<Message>;
};

/** Identity helper that keeps the options' types for the handler. */
export function defineCommand<Options>(definition: CommandDefinition<Options>): CommandDefinition<Options> {
  return definition;
}
