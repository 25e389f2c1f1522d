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
    const removed = await services.unsubscribe(channel, topic);
    // One topic out of an `all` subscription: say why nothing changed, and how to get there.
    const underAll = removed === 0 && topic !== 'all' && (await services.subscriptions(channel)).some((s) => s.topic === 'all');
    return formatUnsubscribed(removed, topic, { underAll });
  },
}) satisfies CommandDefinition<UnsubscribeOptions>;
