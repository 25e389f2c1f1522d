/**
 * The dispatcher's MessageSender for Discord: each rendered part is POSTed to /channels/:id/messages
 * through discord.js's REST queue (which waits out 429s), always with `allowed_mentions: { parse: [] }`
 * so feed text can never ping anyone. Never throws: every failure comes back classified.
 */
import { Routes } from 'discord-api-types/v10';
import type { ChannelRef } from '../../chat/command.js';
import type { Message } from '../../chat/message.js';
import type { MessageSender, SendResult } from '../../delivery/sender.js';
import { classifyDiscordError } from './discord-errors.js';
import { discordParts, type DiscordPayload } from './render.js';

/** The part of discord.js's REST client the sender uses (`client.rest` fits). */
export type DiscordRest = {
  post(route: `/${string}`, options: { body: unknown }): Promise<unknown>;
  patch(route: `/${string}`, options: { body: unknown }): Promise<unknown>;
};

/** The logging the sender needs (pino fits). */
export type SenderLogger = { warn(details: object, message: string): void };

/** Nobody is ever pinged, whatever the text says. */
export const NO_MENTIONS = { parse: [] as never[] };

/** The REST body of one part; an edit always sets content, so text an earlier version had cannot linger. */
function body(payload: DiscordPayload, edit = false): Record<string, unknown> {
  const content = payload.content ?? (edit ? '' : undefined);
  return { ...(content !== undefined ? { content } : {}), embeds: payload.embeds, allowed_mentions: NO_MENTIONS };
}

// A message that renders to nothing still says so rather than failing as an empty post.
const EMPTY_TEXT = '(empty message)';

function idOf(result: unknown): string {
  const id = (result as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : '';
}

/** Builds the Discord sender over a REST client. */
export function createDiscordSender(rest: DiscordRest, logger: SenderLogger): MessageSender {
  async function post(chatId: string, payloads: DiscordPayload[], sentBefore: string[]): Promise<SendResult> {
    const ids = [...sentBefore];
    for (const payload of payloads) {
      try {
        ids.push(idOf(await rest.post(Routes.channelMessages(chatId), { body: body(payload) })));
      } catch (error) {
        const failure = classifyDiscordError(error, 'send');
        if (ids.length === 0 || failure.kind === 'gone') return failure;
        // Part of the message is already in the channel: reporting a failure would make the dispatcher send
        // those parts twice. The outbox promises no repeats, so the rest is logged as lost instead.
        logger.warn({ channel: chatId, sent: ids.length, parts: sentBefore.length + payloads.length, reason: failure.reason }, 'Discord message only partly sent');
        return { ok: true, messageIds: ids };
      }
    }
    return { ok: true, messageIds: ids };
  }

  return {
    platform: 'discord',

    async send(channel: ChannelRef, message: Message): Promise<SendResult> {
      if (channel.platform !== 'discord') return { ok: false, kind: 'rejected', reason: `not a Discord channel (${channel.platform})` };
      // A thread is a channel in Discord: its id is the chatId, so threadId needs no special route.
      return post(channel.threadId ?? channel.chatId, discordParts(message, EMPTY_TEXT), []);
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
