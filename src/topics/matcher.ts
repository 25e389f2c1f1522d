/**
 * Topic matcher: all terms of all topics are compiled once into one word trie (term-index.ts). A text is
 * scanned once; only topics that own a hit term are then evaluated, so topics with no hits cost nothing.
 * Every match carries the terms and fields that decided it.
 */
import type { TopicConfig, TopicsFile } from '../config/topics-schema.js';
import { tokenizeField } from './fold.js';
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
};

type Hit = { field: MatchField; start: number };
type FieldChoice = 'title' | 'summary' | 'any';
type Group = { kind: 'terms'; ids: number[] } | { kind: 'topic'; index: number };
type Rule = { groups: Group[]; near: number | null; unless: number[]; strong: boolean; field: FieldChoice };
/** Where a term counts: which topic, and as what. */
type Slot = { topic: number; kind: 'strong' | 'term' | 'unless' | 'group' | 'rule-unless'; rule: number; group: number };
/** What one item's hits say about one topic; only topics with a hit get one. */
type TopicState = { strong: number[]; terms: number[]; vetoed: boolean; rules: ({ groups: number[][]; vetoed: boolean } | undefined)[] };
type Compiled = {
  info: TopicInfo;
  strong: number[];
  terms: number[];
  unless: number[];
  rules: Rule[];
  implies: number[];
  /** Position in dependency order: a topic named as #id in a rule comes before the rule's topic. */
  rank: number;
  /** Topics whose rules name this one as #id; they need a look when this one matches. */
  referrers: number[];
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
      strong: rule.strong,
      field: rule.field,
    })),
    implies: topic.implies.map(topicIndex),
    rank: 0,
    referrers: [],
  }));
  rankTopics(compiled);

  // term id → every place it counts: the evaluation starts from the hits, never from a topic's term lists.
  const termSlots: Slot[][] = table.patterns.map(() => []);
  compiled.forEach((topic, t) => {
    const put = (ids: readonly number[], slot: Omit<Slot, 'topic'>) => ids.forEach((id) => termSlots[id]!.push({ topic: t, ...slot }));
    put(topic.strong, { kind: 'strong', rule: -1, group: -1 });
    put(topic.terms, { kind: 'term', rule: -1, group: -1 });
    put(topic.unless, { kind: 'unless', rule: -1, group: -1 });
    topic.rules.forEach((rule, r) => {
      rule.groups.forEach((group, g) => {
        if (group.kind === 'terms') put(group.ids, { kind: 'group', rule: r, group: g });
      });
      put(rule.unless, { kind: 'rule-unless', rule: r, group: -1 });
    });
  });
  const index = buildTermIndex(table.patterns);

  const match = (item: MatchInput): TopicMatch[] => {
    const hits = new Map<number, Hit[]>();
    const record = (field: MatchField) => (id: number, start: number) => {
      const list = hits.get(id);
      if (list) list.push({ field, start });
      else hits.set(id, [{ field, start }]);
    };
    index.scan(tokenizeField(item.title), record('title'));
    index.scan(tokenizeField(item.summary ?? ''), record('summary'));
    if (hits.size === 0) return [];

    const states = new Map<number, TopicState>();
    for (const id of hits.keys()) {
      for (const slot of termSlots[id]!) {
        let state = states.get(slot.topic);
        if (!state) states.set(slot.topic, (state = { strong: [], terms: [], vetoed: false, rules: [] }));
        if (slot.kind === 'strong') state.strong.push(id);
        else if (slot.kind === 'term') state.terms.push(id);
        else if (slot.kind === 'unless') state.vetoed = true;
        else {
          const rule = (state.rules[slot.rule] ??= { groups: [], vetoed: false });
          if (slot.kind === 'rule-unless') rule.vetoed = true;
          else (rule.groups[slot.group] ??= []).push(id);
        }
      }
    }

    const queued = new Set<number>(states.keys());
    const own = new Map<number, Evidence[]>();
    while (queued.size > 0) {
      // Few topics are ever queued, so picking the lowest rank by a scan is cheaper than a heap.
      let next = -1;
      for (const t of queued) if (next < 0 || compiled[t]!.rank < compiled[next]!.rank) next = t;
      queued.delete(next);
      const topic = compiled[next]!;
      const evidence = evaluate(topic, states.get(next), hits, own, table.texts);
      if (!evidence) continue;
      own.set(next, evidence);
      for (const r of topic.referrers) if (!own.has(r)) queued.add(r);
    }
    return withImplied(compiled, own);
  };

  return { topics: compiled.map((t) => t.info), match };
}

/** Evidence when the topic matches on its own terms and rules, else null. */
function evaluate(
  topic: Compiled,
  state: TopicState | undefined,
  hits: Map<number, Hit[]>,
  own: Map<number, Evidence[]>,
  termText: readonly string[],
): Evidence[] | null {
  // Evidence as numbers (term id × 2 + field) until the end: cheap to collect and to deduplicate.
  const keys = new Set<number>();
  const add = (id: number) => {
    for (const hit of hits.get(id)!) keys.add(evidenceKey(id, hit.field));
  };
  const vetoed = state?.vetoed ?? false;
  for (const id of state?.strong ?? []) add(id);
  if (!vetoed) for (const id of state?.terms ?? []) add(id);
  topic.rules.forEach((rule, r) => {
    if (vetoed && !rule.strong) return;
    const ruleState = state?.rules[r];
    if (ruleState?.vetoed) return;
    ruleHits(rule, ruleState?.groups ?? [], hits, own, keys);
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
): boolean {
  const perGroup: [number, Hit][][] = [];
  for (const [g, group] of rule.groups.entries()) {
    if (group.kind === 'topic') {
      if (!own.has(group.index)) return false;
      continue;
    }
    const found: [number, Hit][] = [];
    for (const id of groupIds[g] ?? []) {
      for (const hit of hits.get(id)!) if (rule.field === 'any' || rule.field === hit.field) found.push([id, hit]);
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

/** Sets `rank` (dependency order of #topic references) and `referrers`. The schema has rejected cycles. */
function rankTopics(compiled: Compiled[]): void {
  const deps = compiled.map((t) => [...new Set(t.rules.flatMap((r) => r.groups.flatMap((g) => (g.kind === 'topic' ? [g.index] : []))))]);
  deps.forEach((list, i) => list.forEach((d) => compiled[d]!.referrers.push(i)));
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

