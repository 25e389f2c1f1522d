/**
 * Small builders for delivery tests: a migrated in-memory database, settings, stories, an in-memory
 * MessageSender that records what it is asked and fails on demand, and plain-text formatters.
 */
import type Database from 'better-sqlite3';
import type { ChannelRef } from '../../src/chat/command.js';
import type { Message } from '../../src/chat/message.js';
import type { StoryView } from '../../src/chat/views.js';
import { defaultSettings } from '../../src/config/settings-schema.js';
import type { Settings } from '../../src/config/settings-schema.js';
import type { MessageSender, SendResult } from '../../src/delivery/sender.js';
import { openDatabase } from '../../src/store/sqlite-store.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** A fresh, fully migrated database. */
export function memoryDb(): Database.Database {
  return openDatabase(':memory:');
}

/** Default settings with some parts replaced. */
export function makeSettings(overrides: {
  alerts?: Partial<Settings['alerts']>;
  delivery?: Partial<Settings['delivery']>;
  digest?: Partial<Settings['digest']>;
} = {}): Settings {
  const base = defaultSettings();
  return {
    ...base,
    alerts: { ...base.alerts, ...overrides.alerts },
    delivery: { ...base.delivery, ...overrides.delivery },
    digest: { ...base.digest, ...overrides.digest },
  };
}

/** A story with only what the test states. */
export function makeStory(id: string, overrides: Partial<StoryView> = {}): StoryView {
  return {
    id,
    title: `Story ${id}`,
    url: `https://news.example/${id}`,
    source: 'Outlet A',
    sources: ['Outlet A'],
    publishedAt: Date.parse('2025-06-01T11:00:00Z'),
    updatedAt: Date.parse('2025-06-01T11:00:00Z'),
    topics: ['m23'],
    evidence: {},
    signals: [],
    ...overrides,
  };
}

/** Stories the dispatcher can look up, changeable as a test goes on. */
export function storyShelf(...stories: StoryView[]) {
  const shelf = new Map(stories.map((story) => [story.id, story]));
  return {
    put: (story: StoryView) => shelf.set(story.id, story),
    loadStory: (id: string) => shelf.get(id) ?? null,
  };
}

/** Alert text: one line per story "title [n sources]", then "+N more" when folded. */
export function testFormatAlert(stories: readonly StoryView[], options: { folded?: number } = {}): Message {
  const lines = stories.map((story) => `${story.title} [${story.sources.length} sources]`);
  if (options.folded) lines.push(`+${options.folded} more`);
  return { kind: 'alert', blocks: [{ type: 'list', items: lines.map((text) => [{ text }]) }] };
}

/** The plain lines of a message built by the test formatters. */
export function lines(message: Message): string[] {
  return message.blocks.flatMap((block) => {
    if (block.type === 'list') return block.items.map((item) => item.map((s) => s.text).join(''));
    if (block.type === 'text' || block.type === 'note') return [block.spans.map((s) => s.text).join('')];
    if (block.type === 'heading') return [block.text];
    return [];
  });
}

type Call = { channel: ChannelRef; message: Message; messageIds?: string[] };

/** An in-memory MessageSender: records sends and edits; `failWith` decides failures per call. */
export function recordingSender(platform: ChannelRef['platform'] = 'console') {
  const sends: Call[] = [];
  const edits: Call[] = [];
  /** Every send tried, answered or not, with the key it came with. */
  const tried: Array<{ channel: ChannelRef; key: string | undefined }> = [];
  let next = 1;
  const state = {
    /** Return a failure for a send (undefined: succeed). */
    failWith: undefined as ((channel: ChannelRef, message: Message) => SendResult | undefined) | undefined,
    failEditWith: undefined as ((channel: ChannelRef) => SendResult | undefined) | undefined,
    /** Delay before answering, in real ms. */
    delayMs: 0,
    /** When set, sends never answer (a crash in the middle of a send). */
    hang: false,
    /** A send to a channel for which this gives a promise answers only once it settles (a paced, slow chat). */
    holdFor: undefined as ((channel: ChannelRef) => Promise<void> | undefined) | undefined,
  };
  const sender: MessageSender = {
    platform,
    async send(channel, message, key) {
      tried.push({ channel, key });
      if (state.hang) return new Promise<SendResult>(() => {});
      await state.holdFor?.(channel);
      if (state.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
      const failure = state.failWith?.(channel, message);
      if (failure) return failure;
      sends.push({ channel, message });
      return { ok: true, messageIds: [`m${next++}`] };
    },
    async edit(channel, messageIds, message) {
      const failure = state.failEditWith?.(channel);
      if (failure) return failure;
      edits.push({ channel, message, messageIds });
      return { ok: true, messageIds };
    },
  };
  return { sender, sends, edits, tried, state };
}

/** A logger that remembers its lines. */
export function recordingLogger() {
  const entries: { level: string; obj: object; msg?: string }[] = [];
  const log = (level: string) => (obj: object, msg?: string) => {
    entries.push({ level, obj, ...(msg !== undefined ? { msg } : {}) });
  };
  return { logger: { info: log('info'), warn: log('warn'), error: log('error') }, entries };
}

/** Outbox rows as plain data, oldest first. */
export function outboxRows(db: Database.Database) {
  return db
    .prepare('SELECT id, kind, platform, chat_id, thread_id, story_id, occurrence, state, attempts, last_error FROM outbox ORDER BY id')
    .all() as {
    id: number;
    kind: string;
    platform: string;
    chat_id: string;
    thread_id: string;
    story_id: string | null;
    occurrence: number | null;
    state: string;
    attempts: number;
    last_error: string | null;
  }[];
}
