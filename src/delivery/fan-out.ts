/**
 * Fan-out, after each poll: new stories become outbox rows for the channels subscribed to their topics;
 * stories that grew mark the alerts already sent for an edit ("+N sources") instead of a new alert.
 * Running it twice on the same input inserts nothing more (the outbox is unique).
 */
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.js';
import type { Settings } from '../config/settings-schema.js';
import type { NormalizedItem } from '../ingest/item.js';
import { createOutbox } from './outbox.js';

/** What classification says happened to a story in this poll (src/topics/classify.ts produces it). */
export type StoryChange = {
  storyId: string;
  /** True when this poll started the story. */
  isNewStory: boolean;
  /** The items of this poll that went into the story. */
  itemIds: readonly string[];
  /** Topic ids the story matches. */
  topics: readonly string[];
  /** Topic ids it matched before this poll (none for a new story); absent, taken as `topics`. */
  topicsBefore?: readonly string[];
  /** Distinct outlets before and after this poll. */
  sourceCountBefore: number;
  sourceCountAfter: number;
};

/** What one fan-out did. */
export type FanOutReport = {
  /** Outbox rows inserted. */
  enqueued: number;
  /** New stories held back, and why. */
  skipped: { firstFetch: number; tooOld: number };
  /** Sent alert messages flagged for a "+N sources" edit. */
  editsFlagged: number;
};

/** The poll's items as fan-out needs them: when they were published and first seen. */
export type FanOutItem = Pick<NormalizedItem, 'id' | 'publishedAt' | 'fetchedAt'>;

/** Dependencies of the fan-out. */
export type FanOutDeps = {
  db: Database.Database;
  clock: Clock;
  settings: Pick<Settings, 'alerts'>;
};

/** Builds the fan-out over the subscriptions and outbox tables. */
export function createFanOut({ db, clock, settings }: FanOutDeps) {
  const outbox = createOutbox(db, clock);
  const maxAgeMs = settings.alerts.maxItemAgeMs;

  const run = db.transaction(
    (changes: readonly StoryChange[], items: readonly FanOutItem[], info: { firstFetch: boolean }): FanOutReport => {
      const report: FanOutReport = { enqueued: 0, skipped: { firstFetch: 0, tooOld: 0 }, editsFlagged: 0 };
      const byId = new Map(items.map((item) => [item.id, item]));
      const now = clock.now();
      const grown: string[] = [];

      /** When the poll's items of a change were first seen, or null when they are too old to alert. */
      const freshSince = (change: StoryChange): number | null => {
        const known = change.itemIds.map((id) => byId.get(id)).filter((item) => item !== undefined);
        // News is judged by its freshest report; an item published long before it was first seen is old news.
        const fresh = known.filter((item) => item.fetchedAt - item.publishedAt <= maxAgeMs);
        if (known.length > 0 && fresh.length === 0) return null;
        return fresh.length > 0 ? Math.min(...fresh.map((item) => item.fetchedAt)) : now;
      };

      for (const change of changes) {
        if (!change.isNewStory) {
          if (change.sourceCountAfter > change.sourceCountBefore) grown.push(change.storyId);
          // A story that gained a topic ("M23 enters Uvira", then a report of it as a blow to the ceasefire) is
          // news to that topic's subscribers, who have not heard of it: they get it as a new alert.
          const before = change.topicsBefore ?? change.topics;
          const gained = change.topics.filter((topic) => !before.includes(topic));
          const firstSeen = gained.length > 0 && !info.firstFetch ? freshSince(change) : null;
          if (firstSeen !== null) report.enqueued += outbox.enqueueGainedTopicAlerts(change.storyId, gained, firstSeen);
          continue;
        }
        // A new feed's backlog is stored, never alerted.
        if (info.firstFetch) {
          report.skipped.firstFetch++;
          continue;
        }
        const firstSeen = freshSince(change);
        if (firstSeen === null) {
          report.skipped.tooOld++;
          continue;
        }
        // One statement per story: a subscription receives only stories first seen after it was made, and the
        // per-channel unique index drops a second subscription of the same channel matching this story.
        report.enqueued += outbox.enqueueStoryAlerts(change.storyId, change.topics, firstSeen);
      }
      report.editsFlagged = outbox.markStoriesForEdit(grown);
      return report;
    },
  );

  return {
    /**
     * Enqueues alerts for the new stories of one feed's poll and flags grown stories' alerts for an edit.
     * `items` are the poll's new items (for their dates); `firstFetch` marks a newly added feed's backlog.
     */
    fanOut: (changes: readonly StoryChange[], items: readonly FanOutItem[], info: { firstFetch: boolean }): FanOutReport =>
      run.immediate(changes, items, info),
  };
}

/** The fan-out's API. */
export type FanOut = ReturnType<typeof createFanOut>;
