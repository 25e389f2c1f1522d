/**
 * Gives every Discord 429 a Retry-After header. discord.js waits as long as that header says; a 429 without
 * it (from a proxy, a self-hosted gateway or a hand-written Discord) makes it retry at once, over and over,
 * against a server that asked it to slow down, and `rejectOnRateLimit` never sees a wait to judge. Discord
 * also puts the wait in the body's `retry_after` (seconds); this wrapper of discord.js's request function
 * copies it into the header, or names 1 s when the body has none.
 */
import { DefaultRestOptions, type RESTOptions } from 'discord.js';

type MakeRequest = RESTOptions['makeRequest'];

/** Seconds to wait after a 429 that names no wait: long enough to stop a hot loop, short enough to pass unnoticed. */
const DEFAULT_RETRY_AFTER_SECONDS = 1;

/** The body's `retry_after` when it is a positive number of seconds, else the default. */
function bodyRetryAfterSeconds(body: string): number {
  try {
    const parsed: unknown = JSON.parse(body);
    const seconds = typeof parsed === 'object' && parsed !== null ? (parsed as { retry_after?: unknown }).retry_after : undefined;
    if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0) return seconds;
  } catch {
    // Not JSON (an HTML page from a proxy): no wait named.
  }
  return DEFAULT_RETRY_AFTER_SECONDS;
}

/** discord.js's `rest.makeRequest` (its default unless `makeRequest` is given), with a Retry-After on every 429. */
export function withRetryAfterHeader(makeRequest: MakeRequest = DefaultRestOptions.makeRequest): MakeRequest {
  return async (url, init) => {
    const response = await makeRequest(url, init);
    if (response.status !== 429 || response.headers.has('retry-after')) return response;
    const body = await response.text();
    const headers = new Headers(response.headers);
    headers.set('retry-after', String(bodyRetryAfterSeconds(body)));
    return new Response(body, { status: 429, statusText: response.statusText, headers });
  };
}
