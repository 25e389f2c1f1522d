/** The registry as Telegram's command menu (setMyCommands), within the Bot API's limits. */
import { clipLine } from '../../chat/clip-line.js';
import type { CommandRegistry } from '../../chat/registry.js';

/** One entry of Telegram's command menu. */
export type TelegramBotCommand = { command: string; description: string };

const MAX_COMMANDS = 100;
const MAX_NAME = 32;
const MAX_DESCRIPTION = 256;

/** A name Telegram accepts: 1–32 of a-z, 0-9 and _ ("foo-bar" → "foo_bar"); '' when nothing is left. */
export function telegramCommandName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, MAX_NAME);
}

/** A description Telegram accepts: one line, 1–256 characters (cut with "…"). */
export function telegramCommandDescription(description: string, fallback: string): string {
  return clipLine(description, MAX_DESCRIPTION, fallback);
}

/** Every registered command as a BotCommand, in /help order, duplicates after conversion dropped. */
export function toBotCommands(registry: CommandRegistry): TelegramBotCommand[] {
  const seen = new Set<string>();
  const commands: TelegramBotCommand[] = [];
  for (const definition of registry.list()) {
    const command = telegramCommandName(definition.name);
    if (command === '' || seen.has(command)) continue;
    seen.add(command);
    commands.push({ command, description: telegramCommandDescription(definition.description, `/${command}`) });
  }
  return commands.slice(0, MAX_COMMANDS);
}
