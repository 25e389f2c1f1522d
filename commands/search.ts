/** /search <query>: full-text search over stored reports. */
import { defineCommand } from '../src/chat/command.js';
import type { CommandDefinition } from '../src/chat/command.js';
import { formatStories } from '../src/chat/format-story.js';

type SearchOptions = { query: string };

const LIMIT = 10;

export default defineCommand<SearchOptions>({
  name: 'search',
  description: 'Search stored reports',
  options: {
    query: { type: 'string', description: 'Words to look for', required: true, rest: true, maxLength: 200 },
  },
  run: async ({ options, services }) =>
    formatStories(await services.search(options.query, LIMIT), {
      heading: `Results for "${options.query}"`,
      empty: `Nothing found for "${options.query}".`,
      now: services.now(),
    }),
}) satisfies CommandDefinition<SearchOptions>;
