/**
 * Bytes → normalized items in one call: decode, parse (with repairs), normalize. The poller,
 * `sitrep poll` and `sitrep parse` all go through here, so they agree on every item.
 */
import type { ParseOutcome } from './feed-result.js';
import { decodeFeedBytes } from './decode.js';
import { fetchDefaults } from './fetch.js';
import { parseFeedText } from './parse.js';
import { normalizeItems } from './normalize.js';
import { flattenText, htmlToText } from './feed-text.js';
import { errorText } from '../error-text.js';

/** What parseFeed needs besides the bytes. */
export type ParseFeedContext = {
  feedId: string;
  /** The Content-Type header; its charset wins over the XML declaration. */
  contentType?: string | null;
  /** Language from the source config, when the feed declares none. */
  language?: string | null;
  /** When the bytes were fetched (ms since epoch). */
  fetchedAt: number;
  /** The document's final URL, for resolving relative links. */
  baseUrl?: string;
  /** The fetch's size cap (its default when left out), applied again to a gzip body the server sent unlabelled (decode.ts unpacks it). */
  maxBytes?: number;
};

/** Decodes, parses and normalizes one feed document; failures come back as `{ ok: false, reason }`, never thrown. */
export async function parseFeed(bytes: Uint8Array, ctx: ParseFeedContext): Promise<ParseOutcome> {
  try {
    if (bytes.length === 0) return { ok: false, reason: 'empty body' };
    const maxBytes = ctx.maxBytes ?? fetchDefaults.maxBytes;
    const decoded = decodeFeedBytes(bytes, ctx.contentType ?? null, maxBytes);
    if (decoded === 'too-large') return { ok: false, reason: `body larger than ${maxBytes} bytes once unpacked` };
    const { text } = decoded;
    const parsed = await parseFeedText(text);
    if (!parsed.ok) return parsed;
    const items = normalizeItems(parsed.feed, {
      feedId: ctx.feedId,
      fetchedAt: ctx.fetchedAt,
      language: ctx.language ?? null,
      ...(ctx.baseUrl ? { baseUrl: ctx.baseUrl } : {}),
    });
    const feedTitle = htmlToText(flattenText(parsed.feed.title));
    return { ok: true, feedTitle: feedTitle === '' ? null : feedTitle, items, repairs: parsed.repairs };
  } catch (error) {
    // Defensive: a bug here must cost one feed, not the poller.
    return { ok: false, reason: `malformed feed: ${errorText(error)}` };
  }
}
