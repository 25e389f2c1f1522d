/**
 * One entry point every platform calls to run a command: lookup, permission check, option validation,
 * the handler, and the answer. User mistakes and handler failures both come back as a Message; nothing
 * is thrown to the platform and no stack trace ever reaches a chat.
 */
import type { ChannelRef, UserRef } from './command.js';
import { textMessage } from './message.js';
import type { Message } from './message.js';
import { parseCommandText, textToRawOptions, validateOptions } from './parse-command.js';
import type { CommandRegistry } from './registry.js';
import type { BotServices } from './services.js';

/** The logging a command run needs (pino's `logger.error(obj, msg)` fits). */
export type CommandLogger = { error(details: object, message: string): void };

/** A command to run: typed text (Telegram, console) or a name with structured values (Discord). */
export type CommandInput = { text: string; botUsername?: string } | { name: string; rawOptions: Record<string, unknown> };

/** Everything executeCommand needs. */
export type ExecuteRequest = CommandInput & {
  registry: CommandRegistry;
  channel: ChannelRef;
  user: UserRef;
  services: BotServices;
  logger: CommandLogger;
  /** Whether the user administers this chat; platforms supply it. Absent → commands that need it are refused. */
  isChannelAdmin?: () => Promise<boolean>;
};

function errorMessage(text: string): Message {
  return textMessage(text, 'error');
}

/**
 * Runs one command and returns the Message to answer with. Text that is not a command (or is addressed
 * to another bot) gets a hint; platforms that must stay silent then call parseCommandText first.
 */
export async function executeCommand(request: ExecuteRequest): Promise<Message> {
  const { registry, services, logger } = request;
  // Typed text parses to a ParsedCommand; a structured command (Discord) keeps its raw option values.
  const command =
    'text' in request
      ? parseCommandText(request.text, { botUsername: request.botUsername })
      : { name: request.name.replace(/^\//, '').toLowerCase(), rawOptions: request.rawOptions };
  if (!command) return errorMessage('Commands start with /, e.g. /status m23. Type /help for the list.');
  const { name } = command;

  const definition = registry.get(name);
  if (!definition) return errorMessage(`Unknown command /${name}. Type /help for the list.`);

  if (definition.requires === 'channel-admin') {
    let allowed = false;
    try {
      allowed = request.isChannelAdmin ? await request.isChannelAdmin() : false;
    } catch (error) {
      logger.error({ err: error, command: name, channel: request.channel }, 'could not check chat admin rights');
      return errorMessage(`Could not check whether you administer this chat, so /${name} did not run. Try again later.`);
    }
    if (!allowed) {
      return errorMessage(`Only administrators of this chat can use /${name}: it changes what the whole chat receives.`);
    }
  }

  let topicIds: string[];
  try {
    topicIds = services.topics().map((topic) => topic.id);
  } catch (error) {
    logger.error({ err: error, command: name }, 'could not list topics');
    return somethingWentWrong(name);
  }

  let raw: Record<string, unknown>;
  if ('rawOptions' in command) {
    raw = command.rawOptions;
  } else {
    const mapped = textToRawOptions(definition, command, { topicIds });
    if (!mapped.ok) return errorMessage(mapped.error);
    raw = mapped.raw;
  }

  const validated = validateOptions(definition, raw, { topicIds });
  if (!validated.ok) return errorMessage(validated.error);

  try {
    return await definition.run({
      options: validated.options,
      channel: request.channel,
      user: request.user,
      services,
      commands: registry.list(),
    });
  } catch (error) {
    logger.error({ err: error, command: name, channel: request.channel }, 'command failed');
    return somethingWentWrong(name);
  }
}

function somethingWentWrong(name: string): Message {
  return errorMessage(`Something went wrong while running /${name}. It has been logged; please try again later.`);
}
