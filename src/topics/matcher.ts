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
/**
 * A rule's group of terms, or a #topic reference (no ids, the topic's index). One shape for both: the
 * evaluation reads every group, and two shapes there made its optimized code fall back each time the
 * other one came by (a "wrong map" deoptimization, and a 25–45 ms recompile, in every bench round).
 */
type Group = { kind: 'terms' | 'topic'; ids: number[]; index: number };
type Rule = { groups: Group[]; near: number | null; unless: number[]; unlessNear: number | null; strong: boolean; field: FieldChoice };
/** A hit of an `unlessNear` marker ("Gaza" in "Gaza truce"), with the position of its last word. */
type Marker = { field: MatchField; start: number; end: number };
/**
 * What the evaluation reads of the item being matched: a term was hit when its stamp equals `epoch`, and
 * `order` numbers the hit terms by first occurrence; `byTerm` holds each hit term's hits in text order. The
 * `found*` arrays are scratch for one rule at a time (its hits, group after group; `foundEnds[g]` ends group g).
 */
type ItemHits = {
  epoch: number;
  stamp: Uint32Array;
  order: Int32Array;
  byTerm: Map<number, Hit[]>;
  termLength: readonly number[];
  foundIds: number[];
  foundHits: Hit[];
  foundEnds: number[];
};
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
        return ref ? { kind: 'topic', ids: [], index: topicIndex(ref.slice(1)) } : { kind: 'terms', ids: ids(group), index: -1 };
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
  const itemHits: ItemHits = {
    epoch,
    stamp: termStamp,
    order: termOrder,
    byTerm: new Map(),
    termLength,
    foundIds: [],
    foundHits: [],
    foundEnds: [],
  };

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

    const byTerm = new Map<number, Hit[]>();
    for (let k = 0; k < hitIds.length; k++) {
      const hit: Hit = { field: hitFields[k]!, start: hitStarts[k]! };
      const list = byTerm.get(hitIds[k]!);
      if (list) list.push(hit);
      else byTerm.set(hitIds[k]!, [hit]);
    }
    itemHits.epoch = epoch;
    itemHits.byTerm = byTerm;

    // Dependency order: a topic named as #id is decided before the topics whose rules name it.
    candidates.sort((a, b) => compiled[a]!.rank - compiled[b]!.rank);
    const own = new Map<number, Evidence[]>();
    for (const t of candidates) {
      const evidence = evaluate(compiled[t]!, itemHits, own, table.texts);
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

/** The terms of `list` the item hit, in the order the text first showed them (the order of the evidence). */
function hitTerms(list: readonly number[], item: ItemHits): number[] {
  const found: number[] = [];
  for (let i = 0; i < list.length; i++) {
    const id = list[i]!;
    if (item.stamp[id] !== item.epoch) continue;
    // Insertion by first occurrence: lists are a few terms long. Stable, as the sort it replaces.
    let at = found.length;
    while (at > 0 && item.order[found[at - 1]!]! > item.order[id]!) at--;
    found.splice(at, 0, id);
  }
  return found;
}

function anyTermHit(list: readonly number[], item: ItemHits): boolean {
  for (let i = 0; i < list.length; i++) if (item.stamp[list[i]!] === item.epoch) return true;
  return false;
}

/** The hits of a rule's `unlessNear` markers, or null when none is hit. */
function markersOf(rule: Rule, item: ItemHits): Marker[] | null {
  const markers: Marker[] = [];
  for (const id of hitTerms(rule.unless, item)) {
    for (const hit of item.byTerm.get(id)!) markers.push({ field: hit.field, start: hit.start, end: hit.start + item.termLength[id]! - 1 });
  }
  return markers.length === 0 ? null : markers;
}

/**
 * For a rule with `unlessNear`: whether this hit lies within `near` words of an unless marker, in the same
 * field. The marker qualifies those words ("Gaza ceasefire"), so they do not count for the rule, while the
 * same words elsewhere in the story still do ("As Gaza truce holds, Congo's ceasefire frays"). Distance runs
 * from the end of one term to the start of the other (1: next to each other), so a long term
 * ("cessez-le-feu à Gaza") is as near as a short one ("trêve à Gaza").
 */
function isClaimed(markers: readonly Marker[], near: number, id: number, hit: Hit, termLength: readonly number[]): boolean {
  const end = hit.start + termLength[id]! - 1;
  for (const m of markers) {
    if (m.field === hit.field && (m.start > end ? m.start - end : hit.start - m.end) <= near) return true;
  }
  return false;
}

/** Lists of numbers as one typed array: list i is `values[start[i]] … values[start[i + 1] - 1]`. */
function flatten(lists: readonly number[][]): { start: Int32Array; values: Int32Array } {
  const start = new Int32Array(lists.length + 1);
  lists.forEach((list, i) => (start[i + 1] = start[i]! + list.length));
  return { start, values: Int32Array.from(lists.flat()) };
}

/** Evidence when the topic matches on its own terms and rules, else null. */
function evaluate(topic: Compiled, item: ItemHits, own: Map<number, Evidence[]>, termText: readonly string[]): Evidence[] | null {
  // Evidence as numbers (term id × 2 + field) until the end: cheap to collect and to deduplicate.
  const keys = new Set<number>();
  addEvidence(keys, hitTerms(topic.strong, item), item);
  const vetoed = anyTermHit(topic.unless, item);
  if (!vetoed) addEvidence(keys, hitTerms(topic.terms, item), item);
  for (const rule of topic.rules) {
    if (vetoed && !rule.strong) continue;
    if (rule.unlessNear === null) {
      if (!anyTermHit(rule.unless, item)) ruleHits(rule, item, own, keys, null, 0);
    } else {
      ruleHits(rule, item, own, keys, markersOf(rule, item), rule.unlessNear);
    }
  }
  if (keys.size === 0) return null;
  return [...keys].map((key) => ({ term: termText[key >> 1]!, field: key & 1 ? 'summary' : 'title' }));
}

/** Adds every hit of these terms to `keys`. */
function addEvidence(keys: Set<number>, ids: readonly number[], item: ItemHits): void {
  for (const id of ids) for (const hit of item.byTerm.get(id)!) keys.add(evidenceKey(id, hit.field));
}

const evidenceKey = (id: number, field: MatchField): number => (id << 1) | (field === 'summary' ? 1 : 0);

/**
 * Adds to `keys` the evidence of a rule when it fires; false when some group has no hit (or none near).
 * Hits within `markerNear` words of a marker do not count (`markers` null: no marker hit).
 */
function ruleHits(rule: Rule, item: ItemHits, own: Map<number, Evidence[]>, keys: Set<number>, markers: Marker[] | null, markerNear: number): boolean {
  const { foundIds, foundHits, foundEnds } = item;
  foundIds.length = foundHits.length = foundEnds.length = 0;
  for (const group of rule.groups) {
    if (group.kind === 'topic') {
      if (!own.has(group.index)) return false;
      continue;
    }
    const before = foundIds.length;
    for (const id of hitTerms(group.ids, item)) {
      for (const hit of item.byTerm.get(id)!) {
        if (rule.field !== 'any' && rule.field !== hit.field) continue;
        if (markers !== null && isClaimed(markers, markerNear, id, hit, item.termLength)) continue;
        foundIds.push(id);
        foundHits.push(hit);
      }
    }
    if (foundIds.length === before) return false;
    foundEnds.push(foundIds.length);
  }
  if (rule.near === null) {
    for (let k = 0; k < foundIds.length; k++) keys.add(evidenceKey(foundIds[k]!, foundHits[k]!.field));
    return true;
  }
  // Keep the hits that lie in some window of `near` words holding one hit of every group, in one field: each
  // hit in turn anchors a window starting at it.
  let fired = false;
  for (let a = 0; a < foundHits.length; a++) {
    const anchor = foundHits[a]!;
    if (!everyGroupInWindow(foundHits, foundEnds, anchor, rule.near)) continue;
    fired = true;
    for (let k = 0; k < foundHits.length; k++) {
      if (inWindow(foundHits[k]!, anchor, rule.near)) keys.add(evidenceKey(foundIds[k]!, foundHits[k]!.field));
    }
  }
  return fired;
}

function inWindow(hit: Hit, anchor: Hit, near: number): boolean {
  return hit.field === anchor.field && hit.start >= anchor.start && hit.start - anchor.start <= near;
}

/** Whether each group (`hits` up to `ends[0]`, then to `ends[1]`, …) has a hit in the window `anchor` starts. */
function everyGroupInWindow(hits: readonly Hit[], ends: readonly number[], anchor: Hit, near: number): boolean {
  let k = 0;
  for (const end of ends) {
    let any = false;
    for (; k < end; k++) {
      if (inWindow(hits[k]!, anchor, near)) {
        any = true;
        k = end;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
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

