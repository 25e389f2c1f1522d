/**
 * Seeded random topic files and items over a twelve-word vocabulary, for comparing the matcher's output
 * with a recorded one: the words are shared by every topic, so most items give partial hits to many
 * topics, and the files use every feature of topics.yaml (vocab, prefixes, `*`, near, field, rule and
 * topic unless, strong rules, #topic references, implies).
 */
import { createRandom } from '../fakes/seeded-random.js';
import type { TopicsFile } from '../../src/config/topics-schema.js';
import { topicsFileSchema } from '../../src/config/topics-schema.js';
import type { MatchInput, TopicMatch } from '../../src/topics/matcher.js';

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda', 'mu'];
// How a word can appear in text: the folding must make these the same word as the term.
const SPELLINGS = (word: string) => [word, word, word, `${word}s`, word.toUpperCase(), `<b>${word}</b>`, `${word.slice(0, 1)}é${word.slice(2)}`];

/** One case: a topics file and the items to match against it. */
export type GeneratedCase = { seed: number; file: TopicsFile; items: MatchInput[] };

/** The case of one seed: 2 to 30 topics and `items` items. */
export function generatedCase(seed: number, items: number): GeneratedCase {
  const random = createRandom(seed);
  const term = () => {
    const k = random.int(12);
    const word = random.pick(WORDS);
    if (k === 0) return '@shared';
    if (k < 3) return `${word.slice(0, 2)}*`;
    if (k < 5) return `${word} ${random.pick(WORDS)}`;
    if (k === 5) return `${word} * ${random.pick(WORDS)}`;
    return word;
  };
  const list = (max: number) => Array.from({ length: random.int(max + 1) }, term);
  const count = 2 + random.int(random.next() < 0.8 ? 6 : 29);
  const topics = Array.from({ length: count }, (_, i) => ({
    id: `t${i}`,
    name: `Topic ${i}`,
    strong: random.next() < 0.3 ? list(1) : [],
    terms: random.next() < 0.4 ? list(2) : [],
    unless: random.next() < 0.5 ? list(2) : [],
    rules: Array.from({ length: random.int(4) }, () => ({
      // A #reference only to an earlier topic, so the file never refers to itself in a circle.
      all: Array.from({ length: 1 + random.int(3) }, () => (i > 0 && random.next() < 0.25 ? [`#t${random.int(i)}`] : [term(), ...list(2)])),
      ...(random.next() < 0.4 ? { near: 1 + random.int(6) } : {}),
      ...(random.next() < 0.3 ? { unless: list(2) } : {}),
      ...(random.next() < 0.3 ? { strong: true } : {}),
      ...(random.next() < 0.3 ? { field: random.pick(['title', 'summary', 'any']) } : {}),
    })),
    implies: random.next() < 0.3 ? [`t${random.int(count)}`] : [],
  }));
  // topics.yaml refuses a topic implying itself and one that can never match (nothing of its own, implied by
  // none): drop the first, which changes no match, and give the second a word no item has. Neither takes a
  // random number, so the seeds give the files and items they always gave.
  const implied = new Set(topics.flatMap((t) => t.implies.filter((id) => id !== t.id)));
  for (const topic of topics) {
    topic.implies = topic.implies.filter((id) => id !== topic.id);
    const ownRule = topic.rules.some((rule) => rule.all.some((group) => !(group.length === 1 && group[0]!.startsWith('#'))));
    if (topic.strong.length + topic.terms.length === 0 && !ownRule && !implied.has(topic.id)) topic.strong = ['omega'];
  }
  const file = topicsFileSchema.parse({ vocab: { shared: ['alpha', 'be*', 'gamma delta'] }, topics });
  const text = (max: number) => Array.from({ length: random.int(max + 1) }, () => random.pick(SPELLINGS(random.pick(WORDS)))).join(' ');
  const generated = Array.from({ length: items }, () => ({ title: text(8), summary: random.next() < 0.8 ? text(24) : null }));
  return { seed, file, items: generated };
}

/** One line per item: `topic:term@field,term@field topic:…`, empty when nothing matched. */
export function describeMatches(matches: readonly TopicMatch[]): string {
  return matches.map((m) => `${m.topicId}:${m.evidence.map((e) => `${e.term}@${e.field[0]}`).join(',')}`).join(' ');
}
