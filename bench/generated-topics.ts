/**
 * Topics for the matching bench: the three defaults of feeds/topics.yaml plus generated ones written in
 * the same YAML shape (strong terms, terms with prefixes, rules with `near` and `unless`, shared vocab
 * lists, topic vetoes), each about its own made-up movement and places, with themes in everyday words so
 * ordinary items give partial hits the way they do for the real topics.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { topicsFileSchema, type TopicsFile } from '../src/config/topics-schema.js';
import { DEFAULT_TOPIC_PHRASES, madeUpName } from './news-generator.js';
import { DEFAULT_TOPICS_PATH } from './paths.js';

/** The default topics, validated like the loader does. */
export function loadDefaultTopics(): TopicsFile {
  return topicsFileSchema.parse(parse(readFileSync(DEFAULT_TOPICS_PATH, 'utf8')));
}

// Everyday words: they appear in most news, so a theme list gives generated topics many partial hits.
const THEMES: string[][] = [
  ['election*', 'vote', 'ballot', 'campaign', 'opposition', 'parliament'],
  ['drought', 'flood*', 'harvest', 'rain', 'famine', 'food shortage'],
  ['cholera', 'outbreak', 'epidemic', 'malaria', 'vaccine', 'clinic*'],
  ['strike*', 'union', 'workers', 'wage*', 'teachers', 'grève'],
  ['copper', 'cobalt', 'mining', 'mine*', 'gold', 'exports'],
  ['protest*', 'rally', 'march', 'curfew', 'police', 'arrest*'],
  ['budget', 'debt', 'loan', 'inflation', 'currency', 'tax*'],
  ['court', 'trial', 'judge', 'lawyer*', 'verdict', 'appeal'],
  ['corruption', 'scandal', 'audit', 'investigation', 'tender', 'contract*'],
  ['football', 'match', 'league', 'coach', 'stadium', 'player*'],
];

// Who acts, in everyday words; each topic's second rule names one of these kinds of actor.
const ACTORS: string[][] = [
  ['minister*', 'government', 'officials'],
  ['president*', 'presidency', 'cabinet'],
  ['governor*', 'provincial', 'authorities'],
  ['mayor*', 'council', 'municipal'],
  ['senator*', 'deputies', 'lawmakers'],
  ['army', 'soldiers', 'commander*'],
  ['donors', 'embassy', 'envoy*'],
];
const DEALS: string[][] = [['agreement', 'talks'], ['deal', 'accord'], ['dialogue', 'summit'], ['pact', 'treaty'], ['meeting', 'visit']];

/** The three names a generated topic is about. */
function namesOf(index: number): [string, string, string] {
  return [madeUpName(index * 3), madeUpName(index * 3 + 1), madeUpName(index * 3 + 2)];
}

/** The raw (YAML-shaped) generated topics. */
function generatedTopics(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const [a, b, c] = namesOf(i);
    const theme = `gen-theme-${i % THEMES.length}`;
    const other = `gen-theme-${(i + 3) % THEMES.length}`;
    return {
      id: `gen-${String(i + 1).padStart(3, '0')}`,
      name: `${a} affairs`,
      description: `Generated bench topic about ${a}, ${b} and ${c}.`,
      strong: [`${a} ${b}`, `${a}-${b} accord`, `${c} liberation front`],
      terms: [a, `${c.toLowerCase()}*`],
      rules: [
        { all: [[b, `${c} province`], [`@${theme}`]], near: 12 },
        { all: [[b], [`@${other}`, ...DEALS[i % DEALS.length]!], ACTORS[i % ACTORS.length]!], unless: ['tourism', 'hotel'] },
      ],
      unless: [`${a} FC`, 'recipe', `${b} street`],
    };
  });
}

/** The default topics plus `generated` more (197 for the bench's 200), validated by the real schema. */
export function topicsWithGenerated(generated: number): TopicsFile {
  const defaults = parse(readFileSync(DEFAULT_TOPICS_PATH, 'utf8')) as { vocab: Record<string, string[]>; topics: unknown[] };
  const vocab: Record<string, string[]> = { ...defaults.vocab };
  THEMES.forEach((words, k) => (vocab[`gen-theme-${k}`] = words));
  return topicsFileSchema.parse({ version: 1, vocab, topics: [...defaults.topics, ...generatedTopics(generated)] });
}

/** Phrases that a real item about one of the topics would carry: the defaults' and the generated topics', half each. */
export function topicPhrases(generated: number): string[][] {
  const phrases: string[] = [];
  for (let i = 0; i < generated; i++) {
    const [a, b, c] = namesOf(i);
    const theme = THEMES[i % THEMES.length]!;
    phrases.push(a, `${a} ${b}`, `${c.toLowerCase()}s`, `${b} ${theme[0]!.replace('*', 's')}`);
  }
  return [DEFAULT_TOPIC_PHRASES, phrases];
}

/** Every term of a topics file, expanded (vocab lists inlined), per topic and per role, for the naive baseline. */
export function expandedTerms(file: TopicsFile) {
  const expand = (list: readonly string[]): string[] =>
    list.flatMap((term) => (term.startsWith('@') ? expand(file.vocab[term.slice(1)] ?? []) : term.startsWith('#') ? [] : [term]));
  return file.topics.map((topic) => ({
    id: topic.id,
    strong: expand(topic.strong),
    terms: expand(topic.terms),
    unless: expand(topic.unless),
    rules: topic.rules.map((rule) => ({ groups: rule.all.map(expand).filter((g) => g.length > 0), unless: expand(rule.unless ?? []) })),
  }));
}
