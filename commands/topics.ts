/** /topics: the tracked topics and their ids. */
import { defineCommand } from '../src/chat/command.js';
import type { CommandDefinition } from '../src/chat/command.js';
import { formatTopics } from '../src/chat/format-misc.js';

type TopicsOptions = Record<string, never>;

export default defineCommand<TopicsOptions>({
  name: 'topics',
  description: 'The tracked topics and their ids',
  options: {},
  run: async ({ services }) => formatTopics(services.topics()),
}) satisfies CommandDefinition<TopicsOptions>;
