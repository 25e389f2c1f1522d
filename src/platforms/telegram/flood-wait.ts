/**
 * Gives every 429 a wait auto-retry can honour. Telegram puts the wait in `parameters.retry_after`, but a
 * proxy or another Bot API server may answer 429 with the wait only in its description ("Too Many
 * Requests: retry after 5") or with none at all. auto-retry retries only a numeric retry_after; any other
 * 429 would go back to the dispatcher, whose first retry comes after `delivery.retryBase` (10 s), so a
 * fan-out that met such 429s would finish long after the limit allowed.
 */
import type { Transformer } from 'grammy';

/** Seconds to wait after a 429 that names no wait: the window Telegram's limits are counted in. */
const DEFAULT_FLOOD_WAIT_SECONDS = 1;

const RETRY_AFTER_RE = /retry after (\d+)/i;

/** The wait a 429's description names, or the default. */
function floodWaitSeconds(description: string | undefined): number {
  const named = RETRY_AFTER_RE.exec(description ?? '')?.[1];
  return named === undefined ? DEFAULT_FLOOD_WAIT_SECONDS : Number(named);
}

/** The transformer; install it between the pacer and auto-retry, so auto-retry sees the wait. */
export function floodWait(): Transformer {
  return async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    if (result.ok || result.error_code !== 429 || typeof result.parameters?.retry_after === 'number') return result;
    return { ...result, parameters: { ...result.parameters, retry_after: floodWaitSeconds(result.description) } };
  };
}
