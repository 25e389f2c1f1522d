/** /unsubscribe [topic|all]: stop sending a topic (or everything) to this chat. */
import { defineCommand } from '../src/chat/command.js';
import type { CommandDefinition } from '../src/chat/command.js';
import { formatUnsubscribed } from '../src/chat/format-misc.js';

type UnsubscribeOptions = { topic?: string };

export default defineCommand<UnsubscribeOptions>({
  name: 'unsubscribe',
  description: 'Stop sending a topic (default: everything) to this chat',
  requires: 'channel-admin',
  options: {
    topic: { type: 'topic', description: 'Topic id, or all (the default)', allowAll: true },
  },
  run: async ({ options, channel, services }) => {
    const topic = options.topic ?? 'all';
    return formatUnsubscribed(await services.unsubscribe(channel, topic), topic);
  },
}) satisfies CommandDefinition<UnsubscribeOptions>;
