import type { NormalizedItem } from './item.js';

/** What came back from one attempt to fetch a feed over HTTP or from a file. Failures are data, never thrown. */
export type FetchOutcome =
  | {
      ok: true;
      status: 200;
      /** Raw body bytes (already content-decoded: gzip/deflate/br undone). */
      body: Uint8Array;
      /** The Content-Type header, if any (its charset is honoured by decoding). */
      contentType: string | null;
      etag: string | null;
      lastModified: string | null;
      /** The final URL after redirects. */
      finalUrl: string;
    }
  /** Not modified; the validators now current (the ones sent, when the answer repeats none). */
  | { ok: true; status: 304; etag: string | null; lastModified: string | null }
  | {
      ok: false;
      /** Short plain sentence, e.g. "HTTP 500", "timed out after 15000 ms", "body larger than 5000000 bytes". */
      reason: string;
      /** HTTP status when the server answered. */
      status?: number;
      /** Milliseconds to wait before the next attempt, from Retry-After on 429/503. */
      retryAfterMs?: number;
    };

/** The conditional-GET validators remembered per feed. */
export type FeedValidators = { etag: string | null; lastModified: string | null };

/** What parsing plus normalizing one feed document gives: items, or a clear error. */
export type ParseOutcome =
  | { ok: true; feedTitle: string | null; items: NormalizedItem[]; repairs: string[] }
  | { ok: false; reason: string };
