/**
 * Topic matcher: all terms of all topics are compiled once into one word trie (term-index.ts). A text is
 * scanned once; each hit bumps counters in flat tables, and only the topics those counters make possible
 * (a strong term or term hit, or every group of a rule hit) are evaluated, so the cost per item does not
 * grow with the topics that merely share an everyday word with it. Every match carries the terms and
 * fields that decided it.
 */
import type { TopicConfig, TopicsFile } from '../config/topics-schema.js';
import { foldItem, type FoldedItem } from './fold.js';
import { buildTermIndex } from './term-index.js';
import { createTermTable } from './term-table.js';

/** Where a term was found. */
export type MatchField = 'title' | 'summary';
/** One piece of evidence: a configured term (as written in topics.yaml) and the field it was found in. */
export type Evidence = { term: string; field: MatchField };
/** A topic an item belongs to, with the evidence. */
export type TopicMatch = { topicId: string; evidence: Evidence[] };
/** What the matcher reads of an item. HTML in either field is fine; it is stripped. */
export type MatchInput = { title: string; summary?: string | null; language?: string | null };
/** A topic as shown to users. */
export type TopicInfo = { id: string; name: string; description: string };

/** Matches items against the compiled topics. */
export type TopicMatcher = {
  topics: TopicInfo[];
  /** Topics of one item, in topics.yaml order. */
  match(item: MatchInput): TopicMatch[];
  /** The same for an item already folded (foldItem), so callers that read its words again fold it once. */
  matchFolded(item: FoldedItem): TopicMatch[];
};

type Hit = { field: MatchField; start: number };
type FieldChoice = 'title' | 'summary' | 'any';
type Group = { kind: 'terms'; ids: number[] } | { kind: 'topic'; index: number };
type Rule = { groups: Group[]; near: number | null; unless: number[]; unlessNear: number | null; strong: boolean; field: FieldChoice };
/** What one item's hits say about one topic: its hit terms per list, in order of first occurrence. */
/** Whether an `unlessNear` marker takes a hit of a rule away ("truce" in "Gaza truce"); null when no marker is hit. */
type Claimed = ((id: number, hit: Hit) => boolean) | null;
type TopicState = { strong: number[]; terms: number[]; vetoed: boolean; rules: { groups: number[][]; vetoed: boolean; claimed: Claimed }[] };
type Compiled = {
  info: TopicInfo;
  strong: number[];
  terms: number[];
  unless: number[];
  rules: Rule[];
  implies: number[];
  /** Position in dependency order: a topic named as #id in a rule comes before the rule's topic. */
  rank: number;
};

/** Compiles topics.yaml (already validated by topicsFileSchema) into a matcher. Throws on unknown references. */
export function compileTopics(file: TopicsFile): TopicMatcher {
  const table = createTermTable(file.vocab);
  const ids = table.ids;
  const indexOf = new Map(file.topics.map((t, i) => [t.id, i]));

  const topicIndex = (id: string): number => {
    const index = indexOf.get(id);
    if (index === undefined) throw new Error(`topics: unknown topic "${id}"`);
    return index;
  };

  const compiled: Compiled[] = file.topics.map((topic: TopicConfig) => ({
    info: { id: topic.id, name: topic.name, description: topic.description },
    strong: ids(topic.strong),
    terms: ids(topic.terms),
    unless: ids(topic.unless),
    rules: topic.rules.map((rule) => ({
      groups: rule.all.map((group): Group => {
        const ref = group.find((term) => term.startsWith('#'));
        if (ref && group.length > 1) throw new Error(`topics: "${ref}" must be alone in its group`);
        return ref ? { kind: 'topic', index: topicIndex(ref.slice(1)) } : { kind: 'terms', ids: ids(group) };
      }),
      near: rule.near ?? null,
      unless: ids(rule.unless ?? []),
      unlessNear: rule.unlessNear ?? null,
      strong: rule.strong,
      field: rule.field,
    })),
    implies: topic.implies.map(topicIndex),
    rank: 0,
  }));
  rankTopics(compiled);

  // A topic can only match when one of its strong terms or terms is hit, or every term group of one of its
  // rules is: the item's hits are counted into these flat tables as they are found, so topics that merely
  // share an everyday word with the item cost one increment each, and only the few candidates are evaluated.
  const termCount = table.patterns.length;
  const decides: number[][] = table.patterns.map(() => []);
  const inGroups: number[][] = table.patterns.map(() => []);
  const ruleTopic: number[] = [];
  const ruleNeed: number[] = [];
  const groupRule: number[] = [];
  let groupCount = 0;
  compiled.forEach((topic, t) => {
    for (const id of new Set([...topic.strong, ...topic.terms])) decides[id]!.push(t);
    for (const rule of topic.rules) {
      const r = ruleTopic.length;
      const termGroups = rule.groups.filter((g) => g.kind === 'terms');
      // A rule made only of #topic groups has no evidence of its own and cannot match a topic by itself.
      if (termGroups.length === 0) continue;
      ruleTopic.push(t);
      ruleNeed.push(termGroups.length);
      for (const group of termGroups) {
        const g = groupCount++;
        for (const id of group.ids) inGroups[id]!.push(g);
        groupRule.push(r);
      }
    }
  });
  const decidesOf = flatten(decides);
  const groupsOf = flatten(inGroups);
  const index = buildTermIndex(table.patterns);
  const termLength = table.patterns.map((words) => words.length);

  // Per-item scratch, reused: a slot belongs to the current item when its stamp equals `epoch`.
  let epoch = 0;
  const termStamp = new Uint32Array(termCount);
  const termOrder = new Int32Array(termCount);
  const groupStamp = new Uint32Array(groupCount);
  const ruleStamp = new Uint32Array(ruleTopic.length);
  const groupsHit = new Int32Array(ruleTopic.length);
  const topicStamp = new Uint32Array(compiled.length);
  const candidates: number[] = [];
  const hitIds: number[] = [];
  const hitStarts: number[] = [];
  const hitFields: MatchField[] = [];
  let distinct = 0;
  let field: MatchField = 'title';

  const candidate = (t: number) => {
    if (topicStamp[t] === epoch) return;
    topicStamp[t] = epoch;
    candidates.push(t);
  };
  const onHit = (id: number, start: number) => {
    hitIds.push(id);
    hitStarts.push(start);
    hitFields.push(field);
    if (termStamp[id] === epoch) return;
    termStamp[id] = epoch;
    termOrder[id] = distinct++;
    for (let k = decidesOf.start[id]!, end = decidesOf.start[id + 1]!; k < end; k++) candidate(decidesOf.values[k]!);
    for (let k = groupsOf.start[id]!, end = groupsOf.start[id + 1]!; k < end; k++) {
      const g = groupsOf.values[k]!;
      if (groupStamp[g] === epoch) continue;
      groupStamp[g] = epoch;
      const r = groupRule[g]!;
      if (ruleStamp[r] !== epoch) {
        ruleStamp[r] = epoch;
        groupsHit[r] = 0;
      }
      if (++groupsHit[r]! === ruleNeed[r]) candidate(ruleTopic[r]!);
    }
  };

  const matchFolded = (item: FoldedItem): TopicMatch[] => {
    if (++epoch === 0xffffffff) {
      // Stamps would repeat: start over from clean tables (once in four billion items).
      for (const stamps of [termStamp, groupStamp, ruleStamp, topicStamp]) stamps.fill(0);
      epoch = 1;
    }
    candidates.length = hitIds.length = hitStarts.length = hitFields.length = distinct = 0;
    field = 'title';
    index.scan(item.title, onHit);
    field = 'summary';
    index.scan(item.summary, onHit);
    if (candidates.length === 0) return [];

    const hits = new Map<number, Hit[]>();
    hitIds.forEach((id, k) => {
      const hit = { field: hitFields[k]!, start: hitStarts[k]! };
      const list = hits.get(id);
      if (list) list.push(hit);
      else hits.set(id, [hit]);
    });
    // The hit terms of a list in the order the text first showed them, which is the order of the evidence.
    const hitOf = (list: readonly number[]) => list.filter((id) => termStamp[id] === epoch).sort((a, b) => termOrder[a]! - termOrder[b]!);
    const anyHit = (list: readonly number[]) => list.some((id) => termStamp[id] === epoch);

    // Dependency order: a topic named as #id is decided before the topics whose rules name it.
    candidates.sort((a, b) => compiled[a]!.rank - compiled[b]!.rank);
    const own = new Map<number, Evidence[]>();
    for (const t of candidates) {
      const topic = compiled[t]!;
      const state: TopicState = {
        strong: hitOf(topic.strong),
        terms: hitOf(topic.terms),
        vetoed: anyHit(topic.unless),
        rules: topic.rules.map((rule) => {
          const groups = rule.groups.map((g) => (g.kind === 'terms' ? hitOf(g.ids) : []));
          if (rule.unlessNear === null) return { groups, vetoed: anyHit(rule.unless), claimed: null };
          return { groups, vetoed: false, claimed: claimedNear(rule.unlessNear, hitOf(rule.unless), hits, termLength) };
        }),
      };
      const evidence = evaluate(topic, state, hits, own, table.texts);
      if (evidence) own.set(t, evidence);
    }
    return withImplied(compiled, own);
  };

  return {
    topics: compiled.map((t) => t.info),
    match: (item) => matchFolded(foldItem(item.title, item.summary)),
    matchFolded,
  };
}

/**
 * For a rule with `unlessNear`: which of its hits lie within `near` words of an unless marker, in the same
 * field. The marker qualifies those words ("Gaza ceasefire"), so they do not count for the rule, while the
 * same words elsewhere in the story still do ("As Gaza truce holds, Congo's ceasefire frays"). Distance runs
 * from the end of one term to the start of the other (1: next to each other), so a long term
 * ("cessez-le-feu à Gaza") is as near as a short one ("trêve à Gaza").
 */
function claimedNear(near: number, unlessIds: readonly number[], hits: Map<number, Hit[]>, termLength: readonly number[]): Claimed {
  const markers = unlessIds.flatMap((id) => hits.get(id)!.map((hit) => ({ ...hit, end: hit.start + termLength[id]! - 1 })));
  if (markers.length === 0) return null;
  return (id, hit) => {
    const end = hit.start + termLength[id]! - 1;
    return markers.some((m) => m.field === hit.field && (m.start > end ? m.start - end : hit.start - m.end) <= near);
  };
}

/** Lists of numbers as one typed array: list i is `values[start[i]] … values[start[i + 1] - 1]`. */
function flatten(lists: readonly number[][]): { start: Int32Array; values: Int32Array } {
  const start = new Int32Array(lists.length + 1);
  lists.forEach((list, i) => (start[i + 1] = start[i]! + list.length));
  return { start, values: Int32Array.from(lists.flat()) };
}

/** Evidence when the topic matches on its own terms and rules, else null. */
function evaluate(
  topic: Compiled,
  state: TopicState,
  hits: Map<number, Hit[]>,
  own: Map<number, Evidence[]>,
  termText: readonly string[],
): Evidence[] | null {
  // Evidence as numbers (term id × 2 + field) until the end: cheap to collect and to deduplicate.
  const keys = new Set<number>();
  const add = (id: number) => {
    for (const hit of hits.get(id)!) keys.add(evidenceKey(id, hit.field));
  };
  for (const id of state.strong) add(id);
  if (!state.vetoed) for (const id of state.terms) add(id);
  topic.rules.forEach((rule, r) => {
    const ruleState = state.rules[r]!;
    if ((state.vetoed && !rule.strong) || ruleState.vetoed) return;
    ruleHits(rule, ruleState.groups, hits, own, keys, ruleState.claimed);
  });
  if (keys.size === 0) return null;
  return [...keys].map((key) => ({ term: termText[key >> 1]!, field: key & 1 ? 'summary' : 'title' }));
}

const evidenceKey = (id: number, field: MatchField): number => (id << 1) | (field === 'summary' ? 1 : 0);

/** Adds to `keys` the evidence of a rule when it fires; false when some group has no hit (or none near). */
function ruleHits(
  rule: Rule,
  groupIds: readonly (number[] | undefined)[],
  hits: Map<number, Hit[]>,
  own: Map<number, Evidence[]>,
  keys: Set<number>,
  claimed: Claimed,
): boolean {
  const perGroup: [number, Hit][][] = [];
  for (const [g, group] of rule.groups.entries()) {
    if (group.kind === 'topic') {
      if (!own.has(group.index)) return false;
      continue;
    }
    const found: [number, Hit][] = [];
    for (const id of groupIds[g] ?? []) {
      for (const hit of hits.get(id)!) {
        if ((rule.field === 'any' || rule.field === hit.field) && !claimed?.(id, hit)) found.push([id, hit]);
      }
    }
    if (found.length === 0) return false;
    perGroup.push(found);
  }
  if (rule.near === null) {
    for (const group of perGroup) for (const [id, hit] of group) keys.add(evidenceKey(id, hit.field));
    return true;
  }
  const near = rule.near;
  // Keep the hits that lie in some window of `near` words holding one hit of every group, in one field.
  let fired = false;
  for (const group of perGroup) {
    for (const [, anchor] of group) {
      const inWindow = perGroup.map((g) => g.filter(([, h]) => h.field === anchor.field && h.start >= anchor.start && h.start - anchor.start <= near));
      if (!inWindow.every((g) => g.length > 0)) continue;
      fired = true;
      for (const g of inWindow) for (const [id, hit] of g) keys.add(evidenceKey(id, hit.field));
    }
  }
  return fired;
}

/** Own matches plus the topics they imply (transitively), in file order; implied topics borrow the evidence. */
function withImplied(compiled: readonly Compiled[], own: Map<number, Evidence[]>): TopicMatch[] {
  const all = new Map<number, Evidence[]>(own);
  const queue = [...own.keys()];
  while (queue.length > 0) {
    const from = queue.shift()!;
    for (const to of compiled[from]!.implies) {
      if (all.has(to)) continue;
      all.set(to, all.get(from)!);
      queue.push(to);
    }
  }
  return [...all.keys()].sort((a, b) => a - b).map((i) => ({ topicId: compiled[i]!.info.id, evidence: all.get(i)! }));
}

/** Sets `rank` (dependency order of #topic references). The schema has rejected cycles. */
function rankTopics(compiled: Compiled[]): void {
  const deps = compiled.map((t) => [...new Set(t.rules.flatMap((r) => r.groups.flatMap((g) => (g.kind === 'topic' ? [g.index] : []))))]);
  const state: ('new' | 'open' | 'done')[] = compiled.map(() => 'new');
  let rank = 0;
  const visit = (i: number) => {
    if (state[i] === 'done') return;
    if (state[i] === 'open') throw new Error(`topics: "${compiled[i]!.info.id}" refers to itself through #topic references`);
    state[i] = 'open';
    for (const d of deps[i]!) visit(d);
    state[i] = 'done';
    compiled[i]!.rank = rank++;
  };
  compiled.forEach((_, i) => visit(i));
}

