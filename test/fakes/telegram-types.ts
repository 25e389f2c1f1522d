/** The shapes the fake Telegram Bot API (telegram-api.ts) records and the controls it gives a test. */
import type { Message as TgMessage, Update, UserFromGetMe } from 'grammy/types';

/** A Bot API error as Telegram sends it. */
export type FakeError = {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
};
/** What the fake answered to one call. */
export type FakeResponse = { ok: true; result: unknown } | ({ ok: false } & FakeError);
/** One request the fake received; `response` is set once answered (a held getUpdates answers later). */
export type FakeCall = { method: string; params: Record<string, unknown>; time: number; response?: FakeResponse };
/** A message the bot sent successfully, as the fake keeps it (edits and deletion update it). */
export type FakeSentMessage = {
  chatId: number | string;
  messageId: number;
  threadId: number | undefined;
  /** The `text` parameter exactly as sent (Telegram HTML when parseMode is HTML). */
  text: string;
  /** What the user sees: the text after Telegram parsed the markup. */
  plainText: string;
  parseMode: string | undefined;
  params: Record<string, unknown>;
  /** The Message object the fake answered with. */
  message: TgMessage;
  edits: number;
  deleted: boolean;
};
/** Input for a message a user writes to the bot. */
export type FakeUserMessage = {
  chat: { id: number; type: 'private' | 'group' | 'supergroup'; title?: string; is_forum?: boolean };
  from: { id: number; first_name: string; username?: string; last_name?: string; language_code?: string };
  text: string;
  message_thread_id?: number;
};
/** A chat member status the test sets for getChatMember. */
export type FakeMemberStatus = 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';
/** Options for startFakeTelegram. */
export type FakeTelegramOptions = { token?: string; botUsername?: string; botName?: string; now?: () => number };

/** The running fake and its test controls. */
export type FakeTelegram = {
  /** Value for grammY's `client.apiRoot`. */
  apiRoot: string;
  token: string;
  botInfo: UserFromGetMe;
  /** Every call received, in arrival order. */
  calls: FakeCall[];
  /** Queues an update carrying a user's text message (bot_command entities like real Telegram). */
  sendUserMessage(input: FakeUserMessage): Update;
  /** Queues any update (callback queries, my_chat_member...); update_id is assigned. */
  queueUpdate(update: Omit<Update, 'update_id'>): Update;
  /** Messages the bot sent, oldest first, optionally in one chat. */
  sentMessages(chatId?: number | string): FakeSentMessage[];
  /** The next `times` calls of `method` fail with this error (HTTP status = error_code), after `skip` calls that succeed. */
  failNext(method: string, error: FakeError, times?: number, skip?: number): void;
  /** Every send to the chat answers 403 "Forbidden: bot was blocked by the user". */
  blockChat(chatId: number | string): void;
  unblockChat(chatId: number | string): void;
  /** The group became a supergroup: calls naming the old id answer 400 with migrate_to_chat_id. */
  migrateChat(oldId: number, newId: number): void;
  /** Global sliding one-second window over sends; beyond it 429 with retry_after. null turns it off. */
  setRateLimit(limit: { perSecond: number } | null): void;
  /** Answers every request `ms` after it arrived (it counts toward the limits on arrival, as at Telegram). */
  setLatency(ms: number): void;
  /** Per-chat sliding one-minute window over sends. null turns it off. */
  setPerChatLimit(limit: { perMinute: number } | null): void;
  /** Sets what getChatMember answers for a user in a chat (default "member"). */
  setChatMember(chatId: number, userId: number, status: FakeMemberStatus): void;
  /** Resolves with the first call (already received or still to come) matching; rejects after timeoutMs. A call is
   * tested once, on arrival: a held getUpdates has no `response` yet then. */
  waitFor(predicate: (call: FakeCall, index: number) => boolean, timeoutMs?: number): Promise<FakeCall>;
  /** Updates queued and not yet confirmed by a getUpdates offset. */
  pendingUpdates(): Update[];
  /** Answers a held getUpdates, rejects pending waitFor calls and stops the server. */
  close(): Promise<void>;
};
