/** /subscriptions: what this chat receives. */
import { defineCommand } from '../src/chat/command.js';
import type { CommandDefinition } from '../src/chat/command.js';
import { formatSubscriptions } from '../src/chat/format-misc.js';

type SubscriptionsOptions = Record<string, never>;

export default defineCommand<SubscriptionsOptions>({
  name: 'subscriptions',
  description: 'What this chat receives',
  options: {},
  run: async ({ channel, services }) => formatSubscriptions(await services.subscriptions(channel)),
}) satisfies CommandDefinition<SubscriptionsOptions>;
