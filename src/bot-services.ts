/**
 * The concrete BotServices commands are handed: stories, status cards, digests, feed health and
 * subscriptions, all answered from the store (queries, not recomputation). Built once by the app.
 */
import type { ChannelRef } from './chat/command.js';
import type { BotServices } from './chat/services.js';
import type { FeedHealthView } from './chat/views.js';
import type { Clock } from './clock.js';
import type { Core } from './core.js';
import { createDigestBuilder, type DigestBuilder } from './digest/build-digest.js';
import { createSubscriptionServices } from './delivery/subscriptions.js';
import { createStatusCards, type StatusCards } from './status/status-card.js';

const DAY = 24 * 60 * 60 * 1000;

/** BotServices plus what the app needs besides commands (digest builder, subscription store). */
export type AppServices = {
  services: BotServices;
  digests: DigestBuilder;
  subscriptions: ReturnType<typeof createSubscriptionServices>;
};

/** Status cards and the digest builder over the stored stories: the same for the bot and the CLI. */
export function createReadModels(core: Core): { statusCards: StatusCards; digests: DigestBuilder } {
  const topics = core.config.topics.topics;
  const statusCards = createStatusCards(core.stories, topics);
  const digests = createDigestBuilder({
    stories: core.stories,
    status: statusCards,
    topics,
    maxStoriesPerTopic: core.config.settings.digest.maxStoriesPerTopic,
    maxItemAgeMs: core.config.settings.alerts.maxItemAgeMs,
  });
  return { statusCards, digests };
}

/** Wires the services over an open core. `onSubscriptionsChanged` lets the scheduler follow new digest times. */
export function createAppServices(core: Core, clock: Clock, onSubscriptionsChanged: () => void = () => {}): AppServices {
  const topics = core.config.topics.topics;
  const { statusCards, digests } = createReadModels(core);
  const subscriptions = createSubscriptionServices(core.store.db, clock, core.config.settings, {
    recentStoryIds: (topic, limit) =>
      core.stories.stories({ ...(topic === 'all' ? {} : { topicId: topic }), limit }).map((story) => story.id),
    onChange: onSubscriptionsChanged,
  });

  const channelTopics = async (channel: ChannelRef): Promise<string[] | null> => {
    const subscribed = await subscriptions.subscriptions(channel);
    if (subscribed.length === 0) return null;
    if (subscribed.some((subscription) => subscription.topic === 'all')) return topics.map((topic) => topic.id);
    return subscribed.map((subscription) => subscription.topic);
  };

  const services: BotServices = {
    topics: () => core.matcher.topics.map(({ id, name, description }) => ({ id, name, description })),
    status: async (topicId) => statusCards.buildStatusCard(topicId, { now: clock.now() }),
    latest: async (topicId, count) => core.stories.stories({ ...(topicId ? { topicId } : {}), limit: count }),
    search: async (query, limit) => core.stories.searchStories(query, limit),
    digest: async (channel) => {
      const until = clock.now();
      const topicIds = (await channelTopics(channel)) ?? [];
      return digests.buildDigest({ since: until - DAY, until, topicIds });
    },
    sources: async () => feedHealth(core),
    subscribe: subscriptions.subscribe,
    unsubscribe: subscriptions.unsubscribe,
    subscriptions: subscriptions.subscriptions,
    defaults: subscriptions.defaults,
    now: () => clock.now(),
  };
  return { services, digests, subscriptions };
}

function feedHealth(core: Core): FeedHealthView[] {
  const states = new Map(core.store.listFeedHealth().map((state) => [state.feedId, state]));
  return core.config.feeds.map((feed) => {
    const state = states.get(feed.id);
    return {
      id: feed.id,
      title: feed.title,
      enabled: feed.enabled,
      lastSuccessAt: state?.lastSuccessAt ?? null,
      lastAttemptAt: state?.lastAttemptAt ?? null,
      consecutiveFailures: state?.consecutiveFailures ?? 0,
      lastError: state?.lastError ?? null,
      repairs: state?.repairs ?? [],
    };
  });
}
