/** /status [topic]: the latest known status of one topic, or a compact card for every topic. */
import { defineCommand } from '../src/chat/command.js';
import type { CommandDefinition } from '../src/chat/command.js';
import { formatStatusCard, formatStatusCards } from '../src/chat/format-status.js';
import { span } from '../src/chat/message.js';

type StatusOptions = { topic?: string };

export default defineCommand<StatusOptions>({
  name: 'status',
  description: 'Latest known status of a topic (every topic, compact, when none is named)',
  options: {
    topic: { type: 'topic', description: 'Topic id (all topics when left out)' },
  },
  run: async ({ options, services }) => {
    const now = services.now();
    if (options.topic !== undefined) return formatStatusCard(await services.status(options.topic), { now });
    const cards = await Promise.all(services.topics().map((topic) => services.status(topic.id)));
    // Compact: each card keeps only its newest fact, so every topic fits on one screen.
    const message = formatStatusCards(
      cards.map((card) => ({ ...card, facts: card.facts.slice(0, 1) })),
      { now },
    );
    message.blocks.push({ type: 'note', spans: [span("/status <topic> shows all of a topic's dated facts.")] });
    return message;
  },
}) satisfies CommandDefinition<StatusOptions>;
