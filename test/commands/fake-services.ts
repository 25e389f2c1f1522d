/**
 * A hand-made BotServices backed by in-memory data (our own port, not a library), and a helper that
 * drives commands through the real console adapter: piped input lines in, printed text out.
 */
import { PassThrough } from 'node:stream';
import type { ChannelRef } from '../../src/chat/command.js';
import { createRegistry } from '../../src/chat/registry.js';
import type { BotServices, SubscribeRequest } from '../../src/chat/services.js';
import type { DigestView, FeedHealthView, StatusCardView, StoryView, SubscriptionView, TopicView } from '../../src/chat/views.js';
import { createConsolePlatform } from '../../src/platforms/console/console-platform.js';
import { commands } from '../../commands/index.js';

export const NOW = Date.parse('2025-06-01T12:00:00Z');
const HOUR = 3_600_000;

export const TOPICS: TopicView[] = [
  { id: 'm23', name: 'M23 rebellion', description: 'The M23/AFC armed group in eastern DR Congo' },
  { id: 'qatar-talks', name: 'Doha talks', description: 'DR Congo–M23 negotiations mediated by Qatar' },
  { id: 'ceasefire', name: 'Ceasefire', description: 'Truce announcements and violations' },
];

/** A story with sensible defaults; the test states only what it cares about. */
export function makeStory(overrides: Partial<StoryView> = {}): StoryView {
  return {
    id: 'story-1',
    title: 'M23 rebels advance towards Goma',
    url: 'https://news.example/m23-goma',
    source: 'Reuters',
    sources: ['Reuters'],
    publishedAt: NOW - 3 * HOUR,
    updatedAt: NOW - 3 * HOUR,
    topics: ['m23'],
    evidence: { m23: [{ term: 'M23', field: 'title' }, { term: 'Goma', field: 'title' }] },
    signals: [],
    ...overrides,
  };
}

/** A status card with sensible defaults. */
export function makeCard(topicId: string, overrides: Partial<StatusCardView> = {}): StatusCardView {
  const topic = TOPICS.find((t) => t.id === topicId);
  return {
    topicId,
    topicName: topic?.name ?? topicId,
    trend: 'escalating',
    reason: `3 reports of clashes on ${topicId} since Tuesday, against 1 of calm`,
    changed: null,
    latestSignals: ['clashes reported'],
    facts: [{ ...makeStory({ id: `fact-${topicId}`, title: `Fighting reported (${topicId})` }), singleSource: true }],
    asOf: NOW,
    ...overrides,
  };
}

export type FakeData = {
  stories: StoryView[];
  feeds: FeedHealthView[];
  subscriptions: Map<string, SubscriptionView[]>;
  digest: DigestView;
  calls: { subscribe: SubscribeRequest[]; search: { query: string; limit: number }[]; latest: { topicId: string | null; count: number }[] };
  failWith?: Error;
};

function key(channel: ChannelRef): string {
  return `${channel.platform}:${channel.chatId}`;
}

/** In-memory services over `data`; `failWith` makes every async service reject (a broken store). */
export function createFakeServices(overrides: Partial<FakeData> = {}): BotServices & { data: FakeData } {
  const data: FakeData = {
    stories: [makeStory()],
    feeds: [],
    subscriptions: new Map(),
    digest: { since: NOW - 24 * HOUR, until: NOW, sections: [] },
    calls: { subscribe: [], search: [], latest: [] },
    ...overrides,
  };
  const guard = () => {
    if (data.failWith) throw data.failWith;
  };
  return {
    data,
    topics: () => TOPICS,
    status: async (topicId) => (guard(), makeCard(topicId)),
    latest: async (topicId, count) => {
      guard();
      data.calls.latest.push({ topicId, count });
      return data.stories.filter((s) => topicId === null || s.topics.includes(topicId)).slice(0, count);
    },
    search: async (query, limit) => {
      guard();
      data.calls.search.push({ query, limit });
      const words = query.toLowerCase().split(/\s+/);
      return data.stories.filter((s) => words.every((w) => s.title.toLowerCase().includes(w))).slice(0, limit);
    },
    digest: async () => (guard(), data.digest),
    sources: async () => (guard(), data.feeds),
    subscribe: async (channel, request) => {
      guard();
      data.calls.subscribe.push(request);
      // As the real store: `all` is one subscription of its own, not one per topic.
      const before = data.subscriptions.get(key(channel)) ?? [];
      const current = before.filter((s) => s.topic !== request.topic);
      // As the real store: what is not given stays as it was (the chat's time and zone, the subscription's mode).
      const was = before.find((s) => s.topic === request.topic) ?? before[0];
      const added = {
        topic: request.topic,
        mode: request.mode ?? before.find((s) => s.topic === request.topic)?.mode ?? 'both',
        digestTime: request.digestTime ?? was?.digestTime ?? '08:00',
        timezone: request.timezone ?? was?.timezone ?? 'Africa/Kinshasa',
      };
      const all = [...current, added].sort((a, b) => Number(b.topic === 'all') - Number(a.topic === 'all') || a.topic.localeCompare(b.topic));
      data.subscriptions.set(key(channel), all);
      // The backlog asked for by number, else the configured one, which is 0 here (see defaults below).
      return { subscriptions: all, backlog: request.backlog ?? 0 };
    },
    unsubscribe: async (channel, topic) => {
      guard();
      const current = data.subscriptions.get(key(channel)) ?? [];
      const kept = topic === 'all' ? [] : current.filter((s) => s.topic !== topic);
      data.subscriptions.set(key(channel), kept);
      return current.length - kept.length;
    },
    subscriptions: async (channel) => (guard(), data.subscriptions.get(key(channel)) ?? []),
    defaults: () => ({ digestTime: '08:00', timezone: 'Africa/Kinshasa', backlog: 0 }),
    now: () => NOW,
  };
}

/** Records what was logged, so tests can check errors are logged and not shown. */
export function createMemoryLogger(): { error(details: object, message: string): void; entries: { details: object; message: string }[] } {
  const entries: { details: object; message: string }[] = [];
  return { entries, error: (details, message) => void entries.push({ details, message }) };
}

export const registry = createRegistry(commands);

/** Pipes `lines` into the console adapter and returns everything it printed once input ends. */
export async function runConsole(
  lines: string[],
  services: BotServices = createFakeServices(),
  logger = createMemoryLogger(),
): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  const platform = createConsolePlatform({ input, output, registry, services, logger });
  const done = platform.run();
  input.end(`${lines.join('\n')}\n`);
  await done;
  return text;
}
