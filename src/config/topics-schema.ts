/**
 * topics.yaml: the tracked topics, written as concepts a reader can check: words that decide a topic on
 * their own, combinations that only count together, and vetoes. Adding a topic needs YAML, not code.
 *
 * Term syntax (see feeds/topics.yaml for the long form): a word or phrase, matched on whole folded words
 * (case, accents, dashes and quotes do not matter; "cessez-le-feu" = "cessez le feu"); a trailing `*` on a
 * word is a prefix wildcard (`negoci*`), a lone `*` any one word; English plurals match their singular
 * (`rebel` finds "rebels"); `@name` stands for the list `vocab.name`; `#topic` (in rule groups only) means
 * "that topic matched". Between words only spaces, dashes, apostrophes, "." and "/"; no regular expressions.
 */
import { z } from 'zod';
import { TERM_PATTERN, termSyntaxProblem } from '../topics/term-syntax.js';
import { SLUG, slugIdSchema } from './slug.js';

// What the matcher can read (topics/term-syntax.ts): a character it would drop ("c++", "\\d+") is refused here.
const termSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(TERM_PATTERN, { error: (issue) => termSyntaxProblem(String(issue.input)) ?? 'must be a word or phrase' })
  .meta({ description: 'Word or phrase; trailing * = prefix; @name = a vocab list; #id = that topic matched (rules only).' });

const termListSchema = z.array(termSchema).meta({ description: 'Terms; any one of them counts.' });

const ruleSchema = z
  .strictObject({
    all: z
      .array(termListSchema.min(1))
      .min(1)
      .meta({ description: 'Groups of terms; the rule fires when every group has at least one hit.' }),
    near: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .meta({ description: 'When set, one hit of each group must lie within this many words, in the same field.' }),
    unless: termListSchema.optional().meta({ description: 'Any hit here stops this rule (not the others).' }),
    unlessNear: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .meta({
        description:
          'When set, an `unless` hit does not stop this rule: it takes away the rule\'s hits within this many words of it, in the same field. In "As Gaza truce holds, Congo\'s ceasefire frays" the truce is Gaza\'s; the ceasefire still counts.',
      }),
    strong: z
      .boolean()
      .default(false)
      .meta({ description: 'When true, the topic\'s `unless` list does not cancel this rule (its own `unless` still does).' }),
    field: z
      .enum(['title', 'summary', 'any'])
      .default('any')
      .meta({ description: 'Where every hit of this rule must be (default: anywhere).' }),
  })
  .meta({ description: 'A combination of terms that only counts together.' });

const signalSchema = z
  .strictObject({
    id: z.string().regex(SLUG, { error: 'must be a slug' }),
    label: z.string().min(1).max(200),
    terms: termListSchema.min(1),
    unless: termListSchema.default([]).meta({ description: 'Any hit here cancels the signal (e.g. "fails to hold" for "holding").' }),
    direction: z
      .enum(['escalating', 'de-escalating', 'neutral'])
      .default('neutral')
      .meta({ description: 'Which way the situation moves when an item carries this signal; the status trend adds these up.' }),
    weight: z.number().min(0).max(100).default(1).meta({ description: 'How much the signal counts in the trend and in ranking (default 1).' }),
  })
  .meta({ description: 'A status signal (e.g. ceasefire violated) read by the status tracker, not by the matcher.' });

const topicSchema = z
  .strictObject({
    id: slugIdSchema('Stable id used in commands, subscriptions and storage.'),
    name: z.string().min(1).max(100).meta({ description: 'Display name.' }),
    description: z.string().max(1000).default('').meta({ description: 'One or two sentences shown in /topics.' }),
    strong: termListSchema.default([]).meta({ description: 'Terms that decide the topic alone, even when an `unless` term is present.' }),
    terms: termListSchema.default([]).meta({ description: 'Terms that decide the topic alone unless an `unless` term is present.' }),
    rules: z.array(ruleSchema).default([]).meta({ description: 'Combinations that decide the topic (vetoed by `unless` too).' }),
    unless: termListSchema
      .default([])
      .meta({ description: 'Look-alike markers: they cancel `terms` and `rules` (not `strong`).' }),
    implies: z
      .array(z.string().regex(SLUG))
      .default([])
      .meta({ description: 'Topics that also match whenever this one does (e.g. the Doha talks imply the M23 topic).' }),
    signals: z.array(signalSchema).optional().meta({ description: 'Status signals for this topic.' }),
  })
  .meta({ description: 'One tracked topic.' });

/** The whole topics.yaml file. */
export const topicsFileSchema = z
  .strictObject({
    version: z.literal(1).default(1).meta({ description: 'File format version.' }),
    vocab: z
      .record(z.string().regex(SLUG), termListSchema)
      .default({})
      .meta({ description: 'Named term lists shared by topics, used as @name.' }),
    topics: z.array(topicSchema).min(1, { error: 'must list at least one topic' }),
  })
  // Run even when a type is wrong elsewhere (zod skips refinements then), so every problem shows at once;
  // the file is read through referenceView, which skips what is not of the expected type.
  .superRefine(
    (file, ctx) => {
      for (const problem of topicsFileProblems(referenceView(file))) ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
    },
    { when: () => true },
  )
  .meta({ title: 'sitrep topics.yaml', description: 'Topics sitrep matches news items against.' });

/** topics.yaml after parsing, defaults filled in. */
export type TopicsFile = z.output<typeof topicsFileSchema>;
/** One topic of topics.yaml. */
export type TopicConfig = TopicsFile['topics'][number];
/** One rule of a topic. */
export type TopicRule = TopicConfig['rules'][number];

/** What topicsFileProblems reads of a topics file. */
type ReferenceView = {
  vocab: Record<string, string[]>;
  topics: readonly {
    id: string | null;
    /** False when the topic has no strong terms, terms or rules with terms of their own written at all. */
    matchable: boolean;
    strong: string[];
    terms: string[];
    unless: string[];
    rules: { all: string[][]; unless?: string[] | undefined; unlessNear?: number | undefined }[];
    implies: string[];
    signals?: readonly { id?: string | null | undefined; terms: string[]; unless?: string[] | undefined }[] | undefined;
  }[];
};

/**
 * The references of a topics file that may have failed the schema: lists that are not lists of text read as
 * empty, a topic without a text id as id null, at the same indexes so problems point at the right place.
 */
function referenceView(value: unknown): ReferenceView {
  const record = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const texts = (v: unknown): string[] => list(v).filter((x): x is string => typeof x === 'string');
  // Written at all: a value of the wrong type is the schema's problem, not "nothing to match".
  const given = (v: unknown) => v !== undefined && !(Array.isArray(v) && v.length === 0);
  // A rule of lone #topic groups only has no evidence of its own (the matcher skips it).
  const ownRule = (rule: unknown) => {
    const all = record(rule).all;
    return !Array.isArray(all) || all.length === 0 || !all.every((g) => Array.isArray(g) && g.length === 1 && typeof g[0] === 'string' && g[0].startsWith('#'));
  };
  const root = record(value);
  return {
    vocab: Object.fromEntries(Object.entries(record(root.vocab)).map(([name, terms]) => [name, texts(terms)])),
    topics: list(root.topics).map((entry) => {
      const topic = record(entry);
      return {
        id: typeof topic.id === 'string' ? topic.id : null,
        matchable: given(topic.strong) || given(topic.terms) || (Array.isArray(topic.rules) ? topic.rules.some(ownRule) : given(topic.rules)),
        strong: texts(topic.strong),
        terms: texts(topic.terms),
        unless: texts(topic.unless),
        rules: list(topic.rules).map((ruleEntry) => {
          const rule = record(ruleEntry);
          return { all: list(rule.all).map(texts), unless: texts(rule.unless), unlessNear: typeof rule.unlessNear === 'number' ? rule.unlessNear : undefined };
        }),
        implies: texts(topic.implies),
        signals: list(topic.signals).map((signalEntry) => {
          const signal = record(signalEntry);
          return { id: typeof signal.id === 'string' ? signal.id : null, terms: texts(signal.terms), unless: texts(signal.unless) };
        }),
      };
    }),
  };
}

/**
 * Cross-references the schema alone cannot check: duplicate topic and signal ids, unknown @vocab / #topic /
 * implies, a topic implying itself, a topic that can never match, #topic used outside rules, unlessNear without
 * unless, and cycles of #topic references or of @vocab lists. Checked here, with the other config problems, so
 * the matcher never meets a file it cannot compile.
 */
function topicsFileProblems(file: ReferenceView): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const ids = new Set<string>();
  file.topics.forEach((topic, i) => {
    if (topic.id === null) return;
    if (ids.has(topic.id)) problems.push({ path: ['topics', i, 'id'], message: `duplicate topic id "${topic.id}"` });
    ids.add(topic.id);
  });
  const checkList = (list: readonly string[], path: (string | number)[], topicRefs: boolean) =>
    list.forEach((term, k) => {
      // A malformed term has had its problem from the schema; it refers to nothing.
      if (termSyntaxProblem(term) !== null) return;
      if (term.startsWith('@') && !Object.hasOwn(file.vocab, term.slice(1)))
        problems.push({ path: [...path, k], message: `unknown vocab list "${term}"` });
      if (term.startsWith('#') && !topicRefs)
        problems.push({ path: [...path, k], message: `"${term}" (a topic reference) is only allowed in rule groups` });
      if (term.startsWith('#') && topicRefs && !ids.has(term.slice(1)))
        problems.push({ path: [...path, k], message: `unknown topic "${term.slice(1)}"` });
    });
  const implied = new Set(file.topics.flatMap((topic) => topic.implies.filter((id) => id !== topic.id)));
  for (const [name, list] of Object.entries(file.vocab)) checkList(list, ['vocab', name], false);
  file.topics.forEach((topic, i) => {
    checkList(topic.strong, ['topics', i, 'strong'], false);
    checkList(topic.terms, ['topics', i, 'terms'], false);
    checkList(topic.unless, ['topics', i, 'unless'], false);
    topic.rules.forEach((rule, r) => {
      rule.all.forEach((group, g) => {
        checkList(group, ['topics', i, 'rules', r, 'all', g], true);
        if (group.length > 1 && group.some((term) => term.startsWith('#')))
          problems.push({ path: ['topics', i, 'rules', r, 'all', g], message: 'a #topic reference must be alone in its group' });
      });
      checkList(rule.unless ?? [], ['topics', i, 'rules', r, 'unless'], false);
      if (rule.unlessNear !== undefined && (rule.unless ?? []).length === 0)
        problems.push({ path: ['topics', i, 'rules', r, 'unlessNear'], message: 'unlessNear needs an unless list on the same rule' });
    });
    topic.implies.forEach((id, k) => {
      if (id === topic.id) problems.push({ path: ['topics', i, 'implies', k], message: `topic "${id}" cannot imply itself` });
      else if (!ids.has(id)) problems.push({ path: ['topics', i, 'implies', k], message: `unknown topic "${id}"` });
    });
    // Another topic's `implies` is the one way a topic with nothing of its own to match can match.
    if (!topic.matchable && topic.id !== null && !implied.has(topic.id))
      problems.push({ path: ['topics', i], message: `topic "${topic.id}" can never match: it has no strong, terms or rules with terms of their own, and no other topic implies it` });
    const signalIds = new Map<string, number>();
    (topic.signals ?? []).forEach((signal, k) => {
      if (typeof signal.id === 'string') {
        const first = signalIds.get(signal.id);
        if (first === undefined) signalIds.set(signal.id, k);
        else problems.push({ path: ['topics', i, 'signals', k, 'id'], message: `duplicate signal id "${signal.id}": signals[${first}] and signals[${k}] both use it` });
      }
      checkList(signal.terms, ['topics', i, 'signals', k, 'terms'], false);
      checkList(signal.unless ?? [], ['topics', i, 'signals', k, 'unless'], false);
    });
  });
  const references = (list: readonly string[], mark: string) => list.filter((x) => x.startsWith(mark)).map((x) => x.slice(1));
  const named = file.topics.flatMap((t) => (t.id === null ? [] : [[t.id, references(t.rules.flatMap((r) => r.all.flat()), '#')] as const]));
  const topicCycle = firstCycle(new Map(named));
  if (topicCycle) problems.push({ path: ['topics'], message: `topics refer to each other in a circle: ${topicCycle.join(' → ')}` });
  const vocabCycle = firstCycle(new Map(Object.entries(file.vocab).map(([name, list]) => [name, references(list, '@')])));
  if (vocabCycle) problems.push({ path: ['vocab'], message: `vocab lists include each other in a circle: @${vocabCycle.join(' → @')}` });
  return problems;
}

/** The first cycle in a graph of references (name → names it refers to), or null. */
function firstCycle(refs: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string, trail: string[]): string[] | null => {
    if (state.get(id) === 'done') return null;
    if (state.get(id) === 'open') return [...trail.slice(trail.indexOf(id)), id];
    state.set(id, 'open');
    for (const next of refs.get(id) ?? []) {
      const found = visit(next, [...trail, id]);
      if (found) return found;
    }
    state.set(id, 'done');
    return null;
  };
  for (const id of refs.keys()) {
    const found = visit(id, []);
    if (found) return found;
  }
  return null;
}
