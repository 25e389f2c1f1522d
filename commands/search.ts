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

const WORDY = /[\p{L}\p{N}]/u;

/** The parts of a query that hold a word (a quoted phrase is one part, whatever spaces it holds). */
function wordyParts(query: string): string[] {
  return query
    .replace(QUOTED, (phrase) => (WORDY.test(phrase) ? 'phrase' : ' '))
    .split(/\s+/u)
    .filter((part) => WORDY.test(part));
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
    const parts = wordyParts(options.query);
    if (parts.length === 0) return textMessage(`Nothing to look for in ${shown(options.query)}: give a word or "a phrase", e.g. /search ceasefire -gaza`);
    // FTS cannot search for "all but": some part must not be excluded with a leading minus.
    if (parts.every((part) => part.startsWith('-'))) {
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
