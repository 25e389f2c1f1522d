/** /search <query>: full-text search over stored reports (syntax in src/store/fts-query.ts). */
import { defineCommand } from '../src/chat/command.js';
import type { CommandDefinition } from '../src/chat/command.js';
import { formatStories } from '../src/chat/format-story.js';
import { textMessage } from '../src/chat/message.js';

type SearchOptions = { query: string };

const LIMIT = 10;

// Straight and typographic quotes (“ ” from phone keyboards, « »): the search takes them all for a phrase.
const QUOTES = '"\u201c\u201d\u201e\u201f\u00ab\u00bb';
const QUOTE = new RegExp(`[${QUOTES}]`, 'u');
const QUOTED = new RegExp(`[${QUOTES}][^${QUOTES}]*[${QUOTES}]?`, 'gu');

/** The query as typed, in quotes unless it has its own (a phrase search would show doubled quotes). */
function shown(query: string): string {
  return QUOTE.test(query) ? query : `"${query}"`;
}

/** Whether some part of the query is not excluded with a leading minus: FTS cannot search for "all but". */
function looksForSomething(query: string): boolean {
  // A quoted phrase counts as one part, whatever spaces it holds.
  return /(^|\s)[^\s-]/u.test(query.replace(QUOTED, '"'));
}

export default defineCommand<SearchOptions>({
  name: 'search',
  description: 'Search stored reports: "a phrase", -word to exclude, this OR that',
  options: {
    query: {
      type: 'string',
      description: 'Words to look for, e.g. ceasefire -gaza or "prise de Goma"',
      required: true,
      rest: true,
      maxLength: 200,
    },
  },
  run: async ({ options, services }) => {
    if (!looksForSomething(options.query)) {
      return textMessage(
        `Nothing to look for in ${shown(options.query)}: a word after - is excluded. Add one to find, e.g. /search ceasefire -gaza`,
      );
    }
    return formatStories(await services.search(options.query, LIMIT), {
      heading: `Results for ${shown(options.query)}`,
      empty: `Nothing found for ${shown(options.query)}.`,
      now: services.now(),
    });
  },
}) satisfies CommandDefinition<SearchOptions>;
