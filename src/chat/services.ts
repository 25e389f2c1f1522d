/**
 * The services a command is handed: declared here, by the side that uses them; src/app.ts wires the
 * concrete ones (store, status, digest, subscriptions). Everything returns plain data from views.ts.
 */
import type { ChannelRef } from './command.js';
import type {
  DigestView,
  FeedHealthView,
  StatusCardView,
  StoryView,
  SubscriptionView,
  TopicView,
} from './views.js';

/** Options of a new subscription; missing ones take the configured defaults. */
export type SubscribeRequest = {
  topic: string | 'all';
  mode?: SubscriptionView['mode'];
  digestTime?: string;
  timezone?: string;
  /** Also deliver the last N stories now (0 by default: no backlog dumps). */
  backlog?: number;
};

/** What a subscribe did: the chat's subscriptions after it, and the backlog asked for (stories sent now, as alerts). */
export type Subscribed = { subscriptions: SubscriptionView[]; backlog: number };

/** Everything commands may ask of the bot. */
export type BotServices = {
  topics(): TopicView[];
  status(topicId: string): Promise<StatusCardView>;
  latest(topicId: string | null, count: number): Promise<StoryView[]>;
  search(query: string, limit: number): Promise<StoryView[]>;
  digest(channel: ChannelRef): Promise<DigestView>;
  sources(): Promise<FeedHealthView[]>;
  /** Subscribes; answers the chat's subscriptions and how many stories go out now as its backlog. */
  subscribe(channel: ChannelRef, request: SubscribeRequest): Promise<Subscribed>;
  unsubscribe(channel: ChannelRef, topic: string | 'all'): Promise<number>;
  subscriptions(channel: ChannelRef): Promise<SubscriptionView[]>;
  /** Defaults for subscriptions, from the config folder. */
  /** Defaults of new subscriptions, from the config folder (backlog: stories sent at once). */
  defaults(): { digestTime: string; timezone: string; backlog: number };
  /** The injected clock's time (ms since epoch), for "2 h ago" in answers. */
  now(): number;
};
