/**
 * Status signals: per topic, what an item says happened (a ceasefire agreed, violated; talks stalled; a town
 * captured). Every signal term of every topic is compiled into one word trie, folded like the matcher's
 * terms, so an item is scanned once whatever the number of signals; a signal only counts for a topic the
 * item matched.
 */
import type { TopicsFile } from '../config/topics-schema.js';
import { foldField, foldText, htmlToText } from './fold.js';
import type { MatchInput } from './matcher.js';
import { buildTermIndex } from './term-index.js';
import { createTermTable } from './term-table.js';
import { wordSpans, type WordSpans } from './words.js';

/** Which way a signal moves the situation. */
export type SignalDirection = 'escalating' | 'de-escalating' | 'neutral';

/** A signal carried by an item, for one of the topics it matched. */
export type DetectedSignal = { topicId: string; signalId: string; label: string; direction: SignalDirection; weight: number };

/** A configured signal, as listed for users and the status builder. */
export type SignalInfo = DetectedSignal;

/** Finds the status signals of items. */
export type SignalDetector = {
  /** Every configured signal, topics in file order, signals in file order. */
  signals: SignalInfo[];
  /**
   * The signals an item carries for the topics it matched (others are ignored), in configuration order.
   * `titleWords`: the title already folded (foldItem), so it is not folded again.
   */
  detectSignals(item: MatchInput, matchedTopicIds: readonly string[], titleWords?: WordSpans): DetectedSignal[];
};

type CompiledSignal = SignalInfo & { terms: number[]; unless: number[] };

/** What callers see of a compiled signal: a fresh copy without its term ids. */
const infoOf = ({ topicId, signalId, label, direction, weight }: SignalInfo): SignalInfo => ({ topicId, signalId, label, direction, weight });

// A sentence ends at . ! ? followed by a space and a capital (not "U.S. officials", not "3.5 km"). Only read
// through matchAll, which iterates a copy, so the shared lastIndex of this g regex is never moved.
const SENTENCE_END_RE = /[.!?](?=\s+["«“]?\p{Lu})/gu;

/** Compiles the `signals:` of every topic in topics.yaml (validated by topicsFileSchema). Throws on an unknown @vocab. */
export function compileSignals(file: TopicsFile): SignalDetector {
  const table = createTermTable(file.vocab, 'topics signals');
  const ids = table.ids;

  const compiled: CompiledSignal[] = file.topics.flatMap((topic) =>
    (topic.signals ?? []).map((signal) => ({
      topicId: topic.id,
      signalId: signal.id,
      label: signal.label,
      direction: signal.direction,
      weight: signal.weight,
      terms: ids(signal.terms),
      unless: ids(signal.unless),
    })),
  );
  const index = buildTermIndex(table.patterns);

  return {
    signals: compiled.map(infoOf),
    detectSignals(item, matchedTopicIds, titleWords) {
      if (compiled.length === 0 || matchedTopicIds.length === 0) return [];
      const hits = new Set<number>();
      const record = (id: number) => void hits.add(id);
      // A headline that asks ("Will the M23 withdraw from Goma?") reports no event of its own.
      if (!isQuestion(item.title)) index.scan(titleWords ?? foldField(item.title), record);
      index.scan(wordSpans(foldText(leadSentence(item.summary ?? ''))), record);
      if (hits.size === 0) return [];
      const topics = new Set(matchedTopicIds);
      return compiled
        .filter((s) => topics.has(s.topicId) && s.terms.some((id) => hits.has(id)) && !s.unless.some((id) => hits.has(id)))
        .map(infoOf);
    },
  };
}

// A headline that is one question: it opens with a question word (after a label of one or two words, such as
// "Analysis:") and ends with "?", or asks with French inversion ("Le M23 va-t-il se retirer ?").
// "M23 seize Uvira: what next?" reports.
const QUESTION_RE =
  /^(?:[^\s:?]+(?:\s[^\s:?]+)?:\s*)?(?:will|would|can|could|should|is|are|was|were|does|do|did|has|have|had|why|how|what|who|when|where|which|pourquoi|comment|quel|quelle|quels|quelles|quand|est-ce|faut-il|peut-on)\b[^?]*\?\s*$/iu;
const FRENCH_INVERSION_RE = /-t-(?:il|elle|on|ils|elles)\b[^?]*\?\s*$/iu;

/** Whether a headline is a question rather than a report. */
function isQuestion(title: string): boolean {
  const text = title.trim();
  return QUESTION_RE.test(text) || FRENCH_INVERSION_RE.test(text);
}

/**
 * The summary's first sentence: what the item reports. Later sentences mostly recall background ("weeks
 * after the rebels seized Goma"), which would give every item the signals of past events.
 */
export function leadSentence(summary: string): string {
  const text = htmlToText(summary);
  for (const m of text.matchAll(SENTENCE_END_RE)) {
    if (m.index >= 40) return text.slice(0, m.index + 1);
  }
  return text;
}

/** The key a story lists a signal under (`ceasefire.violated`). */
export function signalKey(signal: { topicId: string; signalId: string }): string {
  return `${signal.topicId}.${signal.signalId}`;
}
