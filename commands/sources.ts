/** /sources: feed health (last success, consecutive failures, last error). */
import { defineCommand } from '../src/chat/command.js';
import type { CommandDefinition } from '../src/chat/command.js';
import { formatSources } from '../src/chat/format-misc.js';

type SourcesOptions = Record<string, never>;

export default defineCommand<SourcesOptions>({
  name: 'sources',
  description: 'Health of every feed: last success, failures, last error',
  options: {},
  run: async ({ services }) => formatSources(await services.sources(), services.now()),
}) satisfies CommandDefinition<SourcesOptions>;
