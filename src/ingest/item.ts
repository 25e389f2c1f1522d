/** One news item as sitrep keeps it: the same shape whatever feed format it came from. */
export type NormalizedItem = {
  /** Stable id: hash of feed id + guid, else link, else title + date. */
  id: string;
  feedId: string;
  /** Absolute http(s) link with tracking parameters removed, or null when the item has none. */
  url: string | null;
  title: string;
  /** Plain text: HTML removed, entities decoded, whitespace collapsed, length bounded. */
  summary: string;
  /** BCP 47-ish language tag (`en`, `fr`) from the item, the feed or the source config; null when unknown. */
  language: string | null;
  /** Milliseconds since epoch. A missing date becomes fetchedAt; a future one is clamped to fetchedAt. */
  publishedAt: number;
  /** True when publishedAt was not given by the feed (or was unusable) and was derived. */
  publishedAtEstimated: boolean;
  /** Milliseconds since epoch when sitrep first fetched the item. */
  fetchedAt: number;
};
