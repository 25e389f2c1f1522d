/**
 * Messages for the bookkeeping commands: /topics, /subscriptions (and /subscribe's confirmation),
 * /sources and /help.
 */
import type { ChannelRef, CommandDefinition } from './command.js';
import { absoluteTime, relativeTime } from '../time-labels.js';
import { span } from './message.js';
import type { Message, Span } from './message.js';
import { usageLine } from './registry.js';
import type { FeedHealthView, SubscriptionView, TopicView } from './views.js';

/** The hint shown wherever a chat has no subscription yet. */
export const SUBSCRIBE_HINT = 'Subscribe with /subscribe all, or e.g. /subscribe m23 digest 08:00 Africa/Kinshasa.';

/** /topics: every tracked topic with the id commands take. */
export function formatTopics(topics: readonly TopicView[]): Message {
  if (topics.length === 0) return { kind: 'answer', blocks: [{ type: 'text', spans: [span('No topics are configured.')] }] };
  return {
    kind: 'answer',
    blocks: [
      { type: 'heading', text: 'Tracked topics' },
      {
        type: 'list',
        items: topics.map((topic) => [
          span(topic.id, { code: true }),
          span(` — ${topic.name}${topic.description ? `: ${topic.description}` : ''}`),
        ]),
      },
      { type: 'note', spans: [span('Use the id with /status, /latest and /subscribe, e.g. /status m23.')] },
    ],
  };
}

/** "alerts and a daily digest at 08:00 (Africa/Kinshasa)". */
export function describeSubscription(subscription: SubscriptionView): string {
  const digest = `a daily digest at ${subscription.digestTime} (${subscription.timezone})`;
  if (subscription.mode === 'alerts') return 'alerts as news arrives';
  if (subscription.mode === 'digest') return digest;
  return `alerts and ${digest}`;
}

function subscriptionItems(subscriptions: readonly SubscriptionView[]): Span[][] {
  return subscriptions.map((s) => [span(s.topic, { code: true }), span(` — ${describeSubscription(s)}`)]);
}

/** /subscriptions: what this chat receives, or how to subscribe. */
export function formatSubscriptions(subscriptions: readonly SubscriptionView[]): Message {
  if (subscriptions.length === 0) {
    return { kind: 'answer', blocks: [{ type: 'text', spans: [span(`This chat has no subscriptions. ${SUBSCRIBE_HINT}`)] }] };
  }
  return {
    kind: 'answer',
    blocks: [
      { type: 'heading', text: 'This chat receives' },
      { type: 'list', items: subscriptionItems(subscriptions) },
      { type: 'note', spans: [span('Change with /subscribe, stop with /unsubscribe [topic|all].')] },
    ],
  };
}

/** /subscribe's confirmation: the subscriptions now in force, and whether a backlog follows. */
export function formatSubscribed(subscriptions: readonly SubscriptionView[], backlog: number): Message {
  const blocks: Message['blocks'] = [
    { type: 'heading', text: 'Subscribed' },
    { type: 'list', items: subscriptionItems(subscriptions) },
  ];
  const when =
    backlog > 0
      ? `The last ${backlog === 1 ? 'story' : `${backlog} stories`} this chat has not had yet ${backlog === 1 ? 'follows' : 'follow'} now, if there are any; after that, only new reports.`
      : 'Only reports that arrive from now on will be sent.';
  blocks.push({ type: 'note', spans: [span(when)] });
  return { kind: 'answer', blocks };
}

/** /unsubscribe's answer. */
export function formatUnsubscribed(removed: number, topic: string, context: { underAll?: boolean } = {}): Message {
  const text =
    removed === 0
      ? topic === 'all'
        ? 'This chat had no subscriptions.'
        : context.underAll
          ? `This chat is subscribed to all topics, so ${topic} cannot be left out alone: /unsubscribe all, then /subscribe the topics you want.`
          : `This chat was not subscribed to ${topic}. /subscriptions lists what it receives.`
      : topic === 'all'
        ? `Unsubscribed from everything (${removed} ${removed === 1 ? 'subscription' : 'subscriptions'}). Nothing more will be sent here.`
        : `Unsubscribed from ${topic}.`;
  return { kind: 'answer', blocks: [{ type: 'text', spans: [span(text)] }] };
}

function feedLine(feed: FeedHealthView, now: number): Span[] {
  const name = feed.title && feed.title !== feed.id ? `${feed.id} (${feed.title})` : feed.id;
  const lastSuccess =
    feed.lastSuccessAt === null
      ? 'never fetched successfully'
      : `last success ${relativeTime(feed.lastSuccessAt, now)} (${absoluteTime(feed.lastSuccessAt, now)})`;
  let state: string;
  if (!feed.enabled) state = 'disabled';
  else if (feed.consecutiveFailures > 0) {
    const failures = `${feed.consecutiveFailures} ${feed.consecutiveFailures === 1 ? 'failure' : 'failures'} in a row`;
    state = `failing: ${failures}${feed.lastError ? `, last error: ${feed.lastError}` : ''}; ${lastSuccess}`;
  } else if (feed.lastAttemptAt === null) state = 'not polled yet';
  else if (feed.repairs.length > 0) state = `ok with repairs to its XML (${feed.repairs.join('; ')}), ${lastSuccess}`;
  else state = `ok, ${lastSuccess}`;
  return [span(name, { bold: true }), span(` — ${state}`)];
}

/** /sources: each feed's health, failing feeds first so problems are seen. */
export function formatSources(feeds: readonly FeedHealthView[], now: number): Message {
  if (feeds.length === 0) return { kind: 'answer', blocks: [{ type: 'text', spans: [span('No feeds are configured.')] }] };
  const failing = feeds.filter((f) => f.enabled && f.consecutiveFailures > 0).length;
  const ordered = [...feeds].sort(
    (a, b) => Number(b.enabled && b.consecutiveFailures > 0) - Number(a.enabled && a.consecutiveFailures > 0),
  );
  return {
    kind: 'answer',
    blocks: [
      { type: 'heading', text: 'Feeds' },
      { type: 'list', items: ordered.map((feed) => feedLine(feed, now)) },
      {
        type: 'note',
        spans: [span(`${feeds.length} ${feeds.length === 1 ? 'feed' : 'feeds'}, ${failing} failing.`)],
      },
    ],
  };
}

/**
 * /help: every command with its usage line, generated from the definitions. On Discord, options are filled
 * in the slash-command form and the admin right is called Manage Channels; text platforms take typed options.
 */
export function formatHelp(commands: readonly CommandDefinition[], topics: readonly TopicView[], platform: ChannelRef['platform']): Message {
  const discord = platform === 'discord';
  const adminNote = discord ? ' (needs Manage Channels)' : ' (chat admins)';
  const blocks: Message['blocks'] = [
    { type: 'heading', text: 'Commands' },
    {
      type: 'list',
      items: commands.map((command) => [
        span(usageLine(command), { code: true }),
        span(` — ${command.description}${command.requires === 'channel-admin' ? adminNote : ''}`),
      ]),
    },
  ];
  if (topics.length > 0) {
    blocks.push({ type: 'note', spans: [span(`Topics: ${topics.map((t) => t.id).join(', ')}.`)] });
  }
  const syntax = discord
    ? '<required> [optional]; Discord offers each option as you type the command.'
    : '<required> [optional]; options can also be named, e.g. /subscribe m23 time=07:30.';
  blocks.push({ type: 'note', spans: [span(syntax)] });
  return { kind: 'answer', blocks };
}
