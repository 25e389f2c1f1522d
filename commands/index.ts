/** Every command the bot serves, listed statically (no filesystem globbing); /help shows them in this order. */
import type { CommandDefinition } from '../src/chat/command.js';
import digest from './digest.js';
import help from './help.js';
import latest from './latest.js';
import search from './search.js';
import sources from './sources.js';
import status from './status.js';
import subscribe from './subscribe.js';
import subscriptions from './subscriptions.js';
import topics from './topics.js';
import unsubscribe from './unsubscribe.js';

/** The commands, in help order. Pass to createRegistry. */
export const commands: readonly CommandDefinition[] = [
  status,
  latest,
  topics,
  search,
  digest,
  subscribe,
  unsubscribe,
  subscriptions,
  sources,
  help,
];
