/** /subscribe <topic|all> [mode] [time] [timezone] [backlog]: alerts and/or a daily digest for this chat. */
import { defineCommand } from '../src/chat/command.js';
import type { CommandDefinition } from '../src/chat/command.js';
import { formatSubscribed } from '../src/chat/format-misc.js';
import type { SubscriptionView } from '../src/chat/views.js';

type SubscribeOptions = {
  topic: string;
  mode?: SubscriptionView['mode'];
  time?: string;
  timezone?: string;
  backlog?: number;
};

export default defineCommand<SubscribeOptions>({
  name: 'subscribe',
  description: 'Send this chat alerts and/or a daily digest',
  requires: 'channel-admin',
  options: {
    topic: { type: 'topic', description: 'Topic id, or all', required: true, allowAll: true },
    mode: { type: 'string', description: 'alerts, digest or both (default: as before, else both)', choices: ['alerts', 'digest', 'both'] },
    time: { type: 'string', description: "Digest time HH:MM (default: this chat's, else the config's)", format: 'hh:mm' },
    timezone: { type: 'string', description: 'IANA timezone, e.g. Africa/Kinshasa', format: 'timezone' },
    backlog: { type: 'integer', description: 'Also send the last N stories now (0–10, default 0)', min: 0, max: 10 },
  },
  run: async ({ options, channel, services }) => {
    // Only what the user typed is passed on: the service keeps this chat's digest time and timezone
    // when none is given, and takes the configured backlog.
    const { subscriptions, backlog } = await services.subscribe(channel, {
      topic: options.topic,
      ...(options.mode !== undefined ? { mode: options.mode } : {}),
      ...(options.time !== undefined ? { digestTime: options.time } : {}),
      ...(options.timezone !== undefined ? { timezone: options.timezone } : {}),
      ...(options.backlog !== undefined ? { backlog: options.backlog } : {}),
    });
    return formatSubscribed(subscriptions, backlog);
  },
}) satisfies CommandDefinition<SubscribeOptions>;
