/** /digest: the digest of this chat's topics, now. */
import { defineCommand } from '../src/chat/command.js';
import type { CommandDefinition } from '../src/chat/command.js';
import { formatDigest } from '../src/chat/format-digest.js';
import { SUBSCRIBE_HINT } from '../src/chat/format-misc.js';
import { textMessage } from '../src/chat/message.js';

type DigestOptions = Record<string, never>;

export default defineCommand<DigestOptions>({
  name: 'digest',
  description: "This chat's digest, now",
  options: {},
  run: async ({ channel, services }) => {
    const subscriptions = await services.subscriptions(channel);
    if (subscriptions.length === 0) {
      return textMessage(`This chat has no subscriptions, so there is no digest to show. ${SUBSCRIBE_HINT}`);
    }
    return formatDigest(await services.digest(channel), { now: services.now() });
  },
}) satisfies CommandDefinition<DigestOptions>;
