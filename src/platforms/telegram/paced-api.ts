/**
 * Paces grammY's requests that put something into a chat, as an API transformer. Installed before
 * auto-retry, it sits under it: auto-retry's resend after a 429 waits for a slot like any other request
 * (it counts at Telegram like any other), and every 429 reaches the pacer.
 */
import type { Transformer } from 'grammy';
import type { SendPacer } from './send-pacer.js';

/** The methods sitrep uses that post into, or change, a chat's messages. */
const PACED_METHODS = new Set(['sendMessage', 'editMessageText', 'deleteMessage']);

/** The transformer; install it on bot.api.config before auto-retry. */
export function pacedApi(pacer: SendPacer): Transformer {
  return async (prev, method, payload, signal) => {
    const chatId = PACED_METHODS.has(method) ? (payload as { chat_id?: unknown } | undefined)?.chat_id : undefined;
    if (chatId === undefined) return prev(method, payload, signal);
    // Taking back the first parts of a message whose next part was turned away at shutdown must still go
    // through: otherwise half a message stays in the chat and the whole is sent again after the restart.
    if (method === 'deleteMessage' && pacer.isClosed()) return prev(method, payload, signal);
    const done = await pacer.acquire(String(chatId));
    let refused = false;
    try {
      const result = await prev(method, payload, signal);
      refused = !result.ok && result.error_code === 429;
      return result;
    } finally {
      done({ refused });
    }
  };
}
