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
import { APOSTROPHE, wordSpans, type WordSpans } from './words.js';

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

/** `readsDenials`: the signal lists a denial among its terms (foreign support: "Rwanda denies"), so negations are its news too. */
type CompiledSignal = SignalInfo & { terms: number[]; unless: number[]; readsDenials: boolean };

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
    (topic.signals ?? []).map((signal) => {
      const terms = ids(signal.terms);
      return {
        topicId: topic.id,
        signalId: signal.id,
        label: signal.label,
        direction: signal.direction,
        weight: signal.weight,
        terms,
        unless: ids(signal.unless),
        readsDenials: terms.some((id) => table.patterns[id]!.some(isDenialWord)),
      };
    }),
  );
  const index = buildTermIndex(table.patterns);

  return {
    signals: compiled.map(infoOf),
    detectSignals(item, matchedTopicIds, titleWords) {
      if (compiled.length === 0 || matchedTopicIds.length === 0) return [];
      // Every term hit (what unless lists and signals that report denials read), and those no negation covers.
      const hits = new Set<number>();
      const asserted = new Set<number>();
      const scan = (words: WordSpans) => {
        const negated = negatedWords(words);
        index.scan(words, (id, start) => {
          hits.add(id);
          if (!negated?.[start]) asserted.add(id);
        });
      };
      // A headline that asks ("Will the M23 withdraw from Goma?") reports no event of its own.
      if (!isQuestion(item.title)) scan(titleWords ?? foldField(item.title));
      scan(wordSpans(foldText(leadSentence(item.summary ?? ''))));
      if (hits.size === 0) return [];
      const topics = new Set(matchedTopicIds);
      return compiled
        .filter((s) => topics.has(s.topicId) && s.terms.some((id) => (s.readsDenials ? hits : asserted).has(id)) && !s.unless.some((id) => hits.has(id)))
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

// What negates the rest of its clause, folded: that news is said not to have happened. Every signal reads a
// denied or negated event the same way, so it is not left to each signal's unless list: "Kinshasa denies M23
// captured Walikale", "Qatar denies DRC-M23 talks in Doha have stalled", "M23 says it has not violated the
// ceasefire", "No sign of M23 withdrawal", "Le M23 ne s'est pas retiré".
const DENIALS = new Set(['deny', 'denies', 'denied', 'denying', 'dement', 'dementent', 'dementi', 'nie', 'nient', 'refute', 'refutes', 'refuted', 'refuting']);
// French negates with "pas" (ne … pas): "ne" alone also begins "ne cesse d'avancer" (keeps advancing).
const NEGATIONS = new Set(['not', 'no', 'never', 'pas', 'jamais']);
// "not only seized Uvira but…", "not just…" add rather than negate.
const ADDING = new Set(['only', 'just', 'merely']);
// A rejection negates what follows only when it rejects a claim ("rejects accusations it violated the truce"),
// not when it rejects a deal or a call.
const REJECTIONS = new Set(['reject', 'rejects', 'rejected', 'rejecting', 'dismiss', 'dismisses', 'dismissed', 'dismissing', 'rejette', 'rejettent']);
const CLAIMS = new Set(['claim', 'claims', 'report', 'reports', 'accusation', 'accusations', 'allegation', 'allegations', 'rumour', 'rumours', 'rumor', 'rumors', 'information', 'informations']);
// Words that start another clause, whose news the negation does not reach: "M23 denies targeting civilians as
// it seizes Uvira", "Rwanda denies backing M23 but rebels capture Uvira".
const CLAUSE_WORDS = new Set(['as', 'while', 'but', 'and', 'after', 'before', 'since', 'when', 'though', 'although', 'whereas', 'mais', 'et', 'alors', 'tandis', 'apres', 'avant', 'lorsque', 'quand', 'pendant']);
// Punctuation between two words that ends a clause (quotes and brackets do not: 'denies M23 "captured" Goma').
const CLAUSE_END_RE = /[,;:.!?|]/;
const N = 0x6e;

/** Whether a term word is a denial ("Rwanda denies", "dement*"): a signal listing one reads denials as its news. */
function isDenialWord(word: { word: string; prefix: boolean }): boolean {
  if (!word.prefix) return DENIALS.has(word.word);
  return word.word.length >= 3 && [...DENIALS].some((denial) => denial.startsWith(word.word));
}

/**
 * For each word of `words`, whether a denial or negation earlier in its clause covers it; null when the text
 * negates nothing (most text: a few set lookups per word).
 */
function negatedWords(words: WordSpans): boolean[] | null {
  const wordAt = (k: number) => words.text.slice(words.start[k], words.end[k]);
  let negated: boolean[] | null = null;
  let negating = false;
  let next = words.count > 0 ? wordAt(0) : '';
  for (let k = 0; k < words.count; k++) {
    const word = next;
    next = k + 1 < words.count ? wordAt(k + 1) : '';
    if (negating && (CLAUSE_WORDS.has(word) || CLAUSE_END_RE.test(words.text.slice(words.end[k - 1], words.start[k])))) negating = false;
    if (negating) (negated ??= new Array<boolean>(words.count).fill(false))[k] = true;
    if (DENIALS.has(word) || (NEGATIONS.has(word) && !ADDING.has(next)) || isContractedNot(words, k, word) || (REJECTIONS.has(word) && CLAIMS.has(next))) {
      negating = true;
    }
  }
  return negated;
}

/** Whether word k is the t of a contracted not ("didn't", "hasn't": the words didn and t). */
function isContractedNot(words: WordSpans, k: number, word: string): boolean {
  if (word !== 't' || k === 0) return false;
  const before = words.end[k - 1]!;
  return before === words.start[k]! - 1 && words.text.charCodeAt(before) === APOSTROPHE && words.text.charCodeAt(before - 1) === N;
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

/**
 * The keys of an item's main signals: for each topic, those of the greatest weight. They name the event the item
 * reports: fighting on the way to a capture reports the capture, a ceasefire agreed amid calls for one the
 * agreement.
 */
export function mainSignalKeys(found: readonly DetectedSignal[]): string[] {
  const heaviest = new Map<string, number>();
  for (const signal of found) heaviest.set(signal.topicId, Math.max(heaviest.get(signal.topicId) ?? -Infinity, signal.weight));
  return found.filter((signal) => signal.weight === heaviest.get(signal.topicId)).map(signalKey);
}

/** The key a story lists a signal under (`ceasefire.violated`). */
export function signalKey(signal: { topicId: string; signalId: string }): string {
  return `${signal.topicId}.${signal.signalId}`;
}
