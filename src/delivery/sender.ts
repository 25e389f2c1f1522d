/**
 * The port the dispatcher sends through; each platform (console, Telegram, Discord) implements it.
 * Declared here, by the side that uses it. A send never throws: failures are data, classified by cause,
 * so the dispatcher can decide between retrying, deactivating a channel and moving it.
 */
import type { ChannelRef } from '../chat/command.js';
import type { Message } from '../chat/message.js';

/** What one send or edit gave. */
export type SendResult =
  | {
      ok: true;
      /** The platform's id(s) of the message(s) sent, so the alert can be edited later ("+N sources"). */
      messageIds: string[];
    }
  | {
      ok: false;
      /**
       * `retry`: transient (network, 5xx, 429 after the library's own retries): try again later.
       * `gone`: the bot may never post there again (403 blocked/kicked/missing access, 404 unknown channel):
       *   deactivate the channel's subscriptions.
       * `moved`: the chat has a new id (Telegram group → supergroup migration): move subscriptions, resend.
       * `rejected`: this message can never be sent (400 bad request): mark the row dead.
       */
      kind: 'retry' | 'gone' | 'moved' | 'rejected';
      reason: string;
      retryAfterMs?: number;
      movedTo?: ChannelRef;
      /** With `retry`: nothing reached the platform (it is stopping), so the attempt does not count. */
      notSent?: true;
    };

/** A send or edit that did not go through. */
export type SendFailure = Extract<SendResult, { ok: false }>;

/** A platform as the dispatcher sees it. */
export type MessageSender = {
  platform: ChannelRef['platform'];
  /**
   * `key` is the same for every attempt at one outbox message (and differs between messages): a platform that
   * can recognise a repeat by it (Discord's nonce) returns the message already posted instead of a second copy,
   * which covers a send whose answer was lost to a stop or a crash.
   */
  send(channel: ChannelRef, message: Message, key?: string): Promise<SendResult>;
  /** Replace a message sent earlier (ids from a previous SendResult). */
  edit(channel: ChannelRef, messageIds: string[], message: Message): Promise<SendResult>;
};

/**
 * Takes back the parts of a message whose later part failed for a passing reason, so the dispatcher's resend
 * repeats nothing: deletes them newest first. Returns null when all are gone; when one cannot be deleted, a
 * resend would repeat it, so the parts still in the chat come back (always the start of the message) with
 * the error, for the caller to count the message as sent and log the rest as lost.
 */
export async function takeBackParts(ids: readonly string[], deletePart: (id: string) => Promise<unknown>): Promise<{ kept: string[]; error: unknown } | null> {
  for (let index = ids.length - 1; index >= 0; index--) {
    try {
      await deletePart(ids[index]!);
    } catch (error) {
      return { kept: ids.slice(0, index + 1), error };
    }
  }
  return null;
}
