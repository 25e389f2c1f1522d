/**
 * Plain data that flows from the core (status, digest, store) to whatever renders it as a Message.
 * Builders in src/status and src/digest return these shapes; src/chat/format-*.ts turn them into Messages.
 */

/** Why an item matched a topic: the terms that fired and the field they fired in. */
export type EvidenceView = { term: string; field: 'title' | 'summary' };

/** One story: the same event from one or more outlets (a cluster of items). */
export type StoryView = {
  /** Cluster id (stable for the story's life). */
  id: string;
  /** Title of the first (representative) item, as the outlet wrote it. */
  title: string;
  url: string | null;
  /** Name (feed title or id) of the outlet of the representative item. */
  source: string;
  /** Names of every distinct outlet carrying the story, representative first. */
  sources: string[];
  /** Milliseconds since epoch: first publication of the story. */
  publishedAt: number;
  /** Milliseconds since epoch: latest item added to the story. */
  updatedAt: number;
  topics: string[];
  /** Evidence per topic id. */
  evidence: Record<string, EvidenceView[]>;
  /** Status signal ids the story carries (e.g. `ceasefire.violated`). */
  signals: string[];
};

/** A dated fact on a status card. */
export type FactView = StoryView & { singleSource: boolean };

/** The latest known status of one topic, in the spirit of a monthly conflict tracker. */
export type StatusCardView = {
  topicId: string;
  topicName: string;
  trend: 'escalating' | 'de-escalating' | 'unchanged' | 'no-data';
  /** One line explaining the trend verdict. */
  reason: string;
  /** What changed since the previous status window, or null when nothing did. */
  changed: string | null;
  /** Latest signal labels, newest first. */
  latestSignals: string[];
  facts: FactView[];
  /** Milliseconds since epoch the card was computed for. */
  asOf: number;
};

/** One topic's part of a digest. */
export type DigestSectionView = { topicId: string; topicName: string; statusLine: string; stories: StoryView[]; more: number };

/** A digest over a period. */
export type DigestView = { since: number; until: number; sections: DigestSectionView[] };

/** A subscription as the user sees it. */
export type SubscriptionView = {
  topic: string;
  mode: 'alerts' | 'digest' | 'both';
  digestTime: string;
  timezone: string;
};

/** One feed's health as `/sources` shows it. */
export type FeedHealthView = {
  id: string;
  title: string | null;
  enabled: boolean;
  lastSuccessAt: number | null;
  lastAttemptAt: number | null;
  consecutiveFailures: number;
  lastError: string | null;
  /** What its XML needed at the last full fetch (a broken feed that still gives items); empty when nothing. */
  repairs: string[];
};

/** A tracked topic. */
export type TopicView = { id: string; name: string; description: string };
