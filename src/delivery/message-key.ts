/**
 * The key of one outbox message: the same at every attempt to send it, different for any other message.
 * A platform that recognises a repeat by it (Discord's nonce, 25 characters at most) answers a resend of a
 * message whose first answer was lost to a stop or a crash with the message already posted.
 */
import { createHash } from 'node:crypto';
import type { ChannelRef } from '../chat/command.js';

/** Characters of the key; a platform may append a part number to it (Discord allows 25 in all). */
export const MESSAGE_KEY_LENGTH = 16;

/**
 * The key of an alert message carrying these outbox rows (or of a digest row). Row ids alone could repeat in a
 * new database, so the channel and what the rows carry (story ids, the digest's occurrence) are part of it.
 */
export function messageKey(channel: ChannelRef, kind: 'alert' | 'digest', rows: ReadonlyArray<{ id: number; what: string | number }>): string {
  const parts = [...rows].sort((a, b) => a.id - b.id).map((row) => `${row.id}=${row.what}`);
  return createHash('sha256')
    .update(`${channel.platform}\n${channel.chatId}\n${channel.threadId ?? ''}\n${kind}\n${parts.join('\n')}`)
    .digest('base64url')
    .slice(0, MESSAGE_KEY_LENGTH);
}
