/**
 * The dispatcher's MessageSender for Discord: each rendered part is POSTed to /channels/:id/messages
 * through discord.js's REST queue (which waits out 429s), always with `allowed_mentions: { parse: [] }`
 * so feed text can never ping anyone. Never throws: every failure comes back classified, and a message is
 * never left half-posted for a resend to repeat.
 */
import { Routes } from 'discord-api-types/v10';
import type { ChannelRef } from '../../chat/command.js';
import type { Message } from '../../chat/message.js';
import { takeBackParts, type MessageSender, type SendFailure, type SendResult } from '../../delivery/sender.js';
import { classifyDiscordError } from './discord-errors.js';
import { discordParts, type DiscordPayload } from './render.js';

/** The part of discord.js's REST client the sender uses (`client.rest` fits). */
export type DiscordRest = {
  post(route: `/${string}`, options: { body: unknown }): Promise<unknown>;
  patch(route: `/${string}`, options: { body: unknown }): Promise<unknown>;
  delete(route: `/${string}`): Promise<unknown>;
};

/** The logging the sender needs (pino fits). */
export type SenderLogger = { warn(details: object, message: string): void };

/** Nobody is ever pinged, whatever the text says. */
export const NO_MENTIONS = { parse: [] as never[] };

/**
 * The REST body of one part; an edit always sets content, so text an earlier version had cannot linger. With a
 * nonce, Discord answers a repeat of the post (within a few minutes) with the message it already created.
 */
function body(payload: DiscordPayload, edit = false, nonce?: string): Record<string, unknown> {
  const content = payload.content ?? (edit ? '' : undefined);
  return {
    ...(content !== undefined ? { content } : {}),
    embeds: payload.embeds,
    allowed_mentions: NO_MENTIONS,
    ...(nonce !== undefined ? { nonce, enforce_nonce: true } : {}),
  };
}

// Keys whose posted parts were taken back (deleted) for a resend, with how many times: the resend must post
// anew, and Discord might answer a deleted message's nonce with that message. A bounded memory: after a restart
// the count is gone, which is no worse than posting without a nonce.
const TAKEN_BACK_KEYS = 1000;

// A message that renders to nothing still says so rather than failing as an empty post.
const EMPTY_TEXT = '(empty message)';

function idOf(result: unknown): string {
  const id = (result as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : '';
}

/** Builds the Discord sender over a REST client. */
export function createDiscordSender(rest: DiscordRest, logger: SenderLogger): MessageSender {
  const takenBack = new Map<string, number>();
  const nonceOf = (key: string | undefined, part: number): string | undefined => {
    if (key === undefined) return undefined;
    const round = takenBack.get(key);
    return `${key}${round ? `~${round}` : ''}.${part}`;
  };
  const noteTakenBack = (key: string | undefined) => {
    if (key === undefined) return;
    const round = (takenBack.get(key) ?? 0) + 1;
    takenBack.delete(key);
    takenBack.set(key, round);
    if (takenBack.size > TAKEN_BACK_KEYS) takenBack.delete(takenBack.keys().next().value!);
  };

  /**
   * Posts `payloads` after the parts `sentBefore` (an edited message's), which are already in the channel.
   * `key` (a new message's, see MessageSender) gives each part its nonce.
   */
  async function post(chatId: string, payloads: DiscordPayload[], sentBefore: string[], key?: string): Promise<SendResult> {
    const posted: string[] = [];
    for (const [part, payload] of payloads.entries()) {
      try {
        posted.push(idOf(await rest.post(Routes.channelMessages(chatId), { body: body(payload, false, nonceOf(key, part)) })));
      } catch (error) {
        const failure = classifyDiscordError(error, 'send');
        if (failure.kind === 'gone') return failure;
        if (failure.kind === 'retry') {
          if (posted.length > 0) noteTakenBack(key);
          return takeBack(chatId, posted, sentBefore, sentBefore.length + payloads.length, failure);
        }
        if (sentBefore.length + posted.length === 0) return failure;
        // A part Discord rejects will always be rejected: what is in the channel stays and the rest is lost.
        return partlySent(chatId, [...sentBefore, ...posted], sentBefore.length + payloads.length, failure.reason);
      }
    }
    return { ok: true, messageIds: [...sentBefore, ...posted] };
  }

  /** A part failed for a passing reason: the parts this call posted are taken back (takeBackParts) for the resend. */
  async function takeBack(chatId: string, posted: string[], sentBefore: string[], parts: number, failure: SendFailure): Promise<SendResult> {
    const left = await takeBackParts(posted, (id) => rest.delete(Routes.channelMessage(chatId, id)));
    if (left === null) return failure;
    return partlySent(chatId, [...sentBefore, ...left.kept], parts, classifyDiscordError(left.error, 'edit').reason);
  }

  function partlySent(chatId: string, ids: string[], parts: number, reason: string): SendResult {
    logger.warn({ channel: chatId, sent: ids.length, parts, reason }, 'Discord message only partly sent: the parts in the channel stay and the rest is not resent');
    return { ok: true, messageIds: ids };
  }

  return {
    platform: 'discord',

    async send(channel: ChannelRef, message: Message, key?: string): Promise<SendResult> {
      if (channel.platform !== 'discord') return { ok: false, kind: 'rejected', reason: `not a Discord channel (${channel.platform})` };
      // A thread is a channel in Discord: its id is the chatId, so threadId needs no special route.
      return post(channel.threadId ?? channel.chatId, discordParts(message, EMPTY_TEXT), [], key);
    },

    async edit(channel: ChannelRef, messageIds: string[], message: Message): Promise<SendResult> {
      if (channel.platform !== 'discord') return { ok: false, kind: 'rejected', reason: `not a Discord channel (${channel.platform})` };
      if (messageIds.length === 0) return { ok: false, kind: 'rejected', reason: 'no message id to edit' };
      const chatId = channel.threadId ?? channel.chatId;
      const payloads = discordParts(message, EMPTY_TEXT);
      const edited: string[] = [];
      // Parts are edited pairwise (an alert is one part, so this is the first message); a grown message
      // posts its extra parts after them.
      for (const [index, id] of messageIds.entries()) {
        const payload = payloads[index];
        if (!payload) break;
        try {
          await rest.patch(Routes.channelMessage(chatId, id), { body: body(payload, true) });
          edited.push(id);
        } catch (error) {
          return classifyDiscordError(error, 'edit');
        }
      }
      const extra = payloads.slice(edited.length);
      if (extra.length === 0) return { ok: true, messageIds: [...messageIds] };
      return post(chatId, extra, [...messageIds]);
    },
  };
}
