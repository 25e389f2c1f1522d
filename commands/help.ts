/** /help: every command with its usage line, generated from the definitions. */
import { defineCommand } from '../src/chat/command.js';
import type { CommandDefinition } from '../src/chat/command.js';
import { formatHelp } from '../src/chat/format-misc.js';

type HelpOptions = Record<string, never>;

export default defineCommand<HelpOptions>({
  name: 'help',
  description: 'Every command and how to use it',
  options: {},
  run: async ({ commands, services, channel }) => formatHelp(commands, services.topics(), channel.platform),
}) satisfies CommandDefinition<HelpOptions>;
