/** How CLI commands (`poll`, `parse`) print a news item: as a JSON record, or as a terminal line. */
import type { NormalizedItem } from '../ingest/item.js';
import { inertText } from '../platforms/console/render-text.js';

/** The item as a JSON-ready record: every field in its usual order, with dates as ISO 8601 strings. */
export function jsonItem(item: NormalizedItem): Omit<NormalizedItem, 'publishedAt' | 'fetchedAt'> & { publishedAt: string; fetchedAt: string } {
  return { ...item, publishedAt: new Date(item.publishedAt).toISOString(), fetchedAt: new Date(item.fetchedAt).toISOString() };
}

/** A time (ms since epoch) as "2025-06-01 08:30 UTC", for one-line listings: a reader in Goma or Paris must not take it for local time. */
export function shortDate(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The item's title as safe terminal text: feed text is untrusted, so escape sequences and bidi controls are removed. */
export function itemTitle(item: NormalizedItem): string {
  return inertText(item.title);
}
