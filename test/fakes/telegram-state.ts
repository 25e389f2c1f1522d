/** The fake Telegram's world: chats, users, sent messages, queued updates, scripted failures and limits. */
import type { Chat, Update, User, UserFromGetMe } from 'grammy/types';
import type { FakeCall, FakeError, FakeMemberStatus, FakeResponse, FakeSentMessage, FakeTelegramOptions } from './telegram-types.js';

/** Everything the fake knows; the methods and the test controls both read and change it. */
export type FakeState = {
  token: string;
  now: () => number;
  botInfo: UserFromGetMe;
  botUser: User;
  calls: FakeCall[];
  sent: FakeSentMessage[];
  byChat: Map<string, Map<number, FakeSentMessage>>;
  lastMessageId: Map<string, number>;
  chats: Map<string, Chat>;
  users: Map<number, User>;
  members: Map<string, FakeMemberStatus>;
  failures: Map<string, { error: FakeError; times: number; skip: number }[]>;
  blocked: Set<string>;
  migrated: Map<string, number>;
  commands: Map<string, unknown[]>;
  updates: Update[];
  nextUpdateId: number;
  webhookUrl: string;
  /** The held long poll, if any. */
  poller: { limit: number; answer: (r: FakeResponse) => void } | undefined;
  perSecond: number | null;
  /** Delay before each answer, ms. */
  latencyMs: number;
  perMinute: number | null;
  globalWindow: number[];
  chatWindows: Map<string, number[]>;
  closing: boolean;
};

/** A fresh world for the options' bot. */
export function createFakeState(options: FakeTelegramOptions): FakeState {
  const token = options.token ?? '123456789:AAFakeTokenForTests_abcdefghijklmnop';
  const botInfo = {
    id: Number(token.split(':')[0]) || 123456789,
    is_bot: true,
    first_name: options.botName ?? 'Fake Bot',
    username: options.botUsername ?? 'fakebot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
  } as UserFromGetMe;
  return {
    token,
    now: options.now ?? Date.now,
    botInfo,
    botUser: { id: botInfo.id, is_bot: true, first_name: botInfo.first_name, username: botInfo.username },
    calls: [],
    sent: [],
    byChat: new Map(),
    lastMessageId: new Map(),
    chats: new Map(),
    users: new Map(),
    members: new Map(),
    failures: new Map(),
    blocked: new Set(),
    migrated: new Map(),
    commands: new Map(),
    updates: [],
    nextUpdateId: 1,
    webhookUrl: '',
    poller: undefined,
    perSecond: null,
    latencyMs: 0,
    perMinute: null,
    globalWindow: [],
    chatWindows: new Map(),
    closing: false,
  };
}
