/** /latest [topic] [count]: the newest stories, of one topic or all. */
import { defineCommand } from '../src/chat/command.js';
import type { CommandDefinition } from '../src/chat/command.js';
import { formatStories } from '../src/chat/format-story.js';

type LatestOptions = { topic?: string; count?: number };

export default defineCommand<LatestOptions>({
  name: 'latest',
  description: 'The newest stories, of one topic or all',
  options: {
    topic: { type: 'topic', description: 'Topic id (all topics when left out)' },
    count: { type: 'integer', description: 'How many stories (1–20, default 5)', min: 1, max: 20 },
  },
  run: async ({ options, services }) => {
    const topic = options.topic ?? null;
    const stories = await services.latest(topic, options.count ?? 5);
    const name = topic === null ? null : (services.topics().find((t) => t.id === topic)?.name ?? topic);
    return formatStories(stories, {
      heading: name === null ? 'Latest reports' : `Latest on ${name}`,
      empty: name === null ? 'No reports yet.' : `No reports on ${name} yet.`,
      now: services.now(),
    });
  },
}) satisfies CommandDefinition<LatestOptions>;
