/**
 * Workload 1, matching: 100,000 generated items against 200 topics (the 3 defaults + 197 generated),
 * with the compiled matcher (one trie scan per field) versus a naive baseline that runs one
 * case-insensitive word-boundary regular expression per distinct term per item over the same folded
 * text; and the compiled matcher at 200 topics versus at 3.
 */
import { compileTopics } from '../src/topics/matcher.js';
import { foldText, htmlToText } from '../src/topics/fold.js';
import type { TopicsFile } from '../src/config/topics-schema.js';
import { expandedTerms, loadDefaultTopics, topicPhrases, topicsWithGenerated } from './generated-topics.js';
import { generateTexts, type GeneratedText } from './news-generator.js';
import { atLeast, atMost, interleave, ms, type Workload } from './table.js';

const ITEMS = 100_000;
const GENERATED = 197;
/** The naive baseline runs on every NAIVE_STRIDE-th item and is scaled up: at 100,000 items it would take minutes. */
const NAIVE_STRIDE = 100;

/** One regular expression per term, the way a first attempt would write it. */
function termRegex(term: string): RegExp {
  const words = foldText(term).match(/[\p{L}\p{N}]+\*?|\*/gu) ?? [];
  const body = words
    .map((word) => {
      if (word === '*') return '\\w+';
      const prefix = word.endsWith('*');
      const text = (prefix ? word.slice(0, -1) : word).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return prefix ? `${text}\\w*` : `${text}s?`;
    })
    .join('\\W+');
  return new RegExp(`\\b${body}\\b`, 'i');
}

/** The naive matcher: every distinct term tested once per item, then each topic's lists looked up. */
export function createNaiveMatcher(file: TopicsFile) {
  const topics = expandedTerms(file);
  const index = new Map<string, number>();
  const regexes: RegExp[] = [];
  const idOf = (term: string) => {
    let id = index.get(term);
    if (id === undefined) {
      id = regexes.length;
      index.set(term, id);
      regexes.push(termRegex(term));
    }
    return id;
  };
  const compiled = topics.map((topic) => ({
    id: topic.id,
    strong: topic.strong.map(idOf),
    terms: topic.terms.map(idOf),
    unless: topic.unless.map(idOf),
    rules: topic.rules.map((rule) => ({ groups: rule.groups.map((g) => g.map(idOf)), unless: rule.unless.map(idOf) })),
  }));
  const hit = new Uint8Array(regexes.length);
  return {
    terms: regexes.length,
    match(item: GeneratedText): string[] {
      const text = `${foldText(htmlToText(item.title))}\n${foldText(htmlToText(item.summary))}`;
      for (let i = 0; i < regexes.length; i++) hit[i] = regexes[i]!.test(text) ? 1 : 0;
      const any = (ids: readonly number[]) => ids.some((id) => hit[id] === 1);
      return compiled
        .filter((topic) => {
          if (any(topic.strong)) return true;
          if (any(topic.unless)) return false;
          return any(topic.terms) || topic.rules.some((rule) => !any(rule.unless) && rule.groups.every(any));
        })
        .map((topic) => topic.id);
    },
  };
}

export const matching: Workload = {
  name: 'matching',
  async run(log) {
    const items = generateTexts(ITEMS, 1, topicPhrases(GENERATED));
    const file200 = topicsWithGenerated(GENERATED);
    const m3 = compileTopics(loadDefaultTopics());
    const m200 = compileTopics(file200);
    const naive = createNaiveMatcher(file200);
    log(`matching: ${ITEMS} items, ${file200.topics.length} topics; naive baseline: ${naive.terms} distinct term regexes`);

    const counts = { m3: 0, m200: 0, naive: 0 };
    const warm = items.slice(0, 2000);
    for (const item of warm) {
      m3.match(item);
      m200.match(item);
    }
    const compiled = interleave(items, 1000, {
      m3: (item) => void (counts.m3 += m3.match(item).length > 0 ? 1 : 0),
      m200: (item) => void (counts.m200 += m200.match(item).length > 0 ? 1 : 0),
    });
    const t3 = compiled.m3!.cpu;
    const t200 = compiled.m200!.cpu;
    log(`  compiled: 3 topics ${ms(t3)} CPU (${ms(compiled.m3!.wall)} wall), 200 topics ${ms(t200)} CPU (${ms(compiled.m200!.wall)} wall)`);

    const sample = items.filter((_, i) => i % NAIVE_STRIDE === 0);
    for (const item of sample.slice(0, 50)) naive.match(item);
    // The naive baseline and the compiled matcher take turns over the same sample, so both see the same load.
    const onSample = interleave(sample, 50, {
      naive: (item) => void (counts.naive += naive.match(item).length > 0 ? 1 : 0),
      m200: (item) => void m200.match(item),
    });
    const naiveScaled = onSample.naive!.cpu * NAIVE_STRIDE;
    log(`  naive: ${sample.length} items in ${ms(onSample.naive!.cpu)} CPU (compiled on the same: ${ms(onSample.m200!.cpu)}), scaled ×${NAIVE_STRIDE} to ${ms(naiveScaled)}`);

    const perItem = (t: number) => `${((t * 1000) / items.length).toFixed(1)} µs/item`;
    return [
      atLeast(
        {
          workload: '1 matching',
          compared: 'compiled vs naive regex, 200 topics, 100k items',
          measured: `${ms(t200)} vs ${ms(naiveScaled)}`,
          ratio: naiveScaled / t200,
          note:
            `naive = ${naive.terms} term regexes per item, timed on ${sample.length} items (every ${NAIVE_STRIDE}th) and scaled ×${NAIVE_STRIDE}; ` +
            `CPU time; compiled ${perItem(t200)}; ${counts.m200} of ${items.length} items matched a topic (naive: ${counts.naive} of ${sample.length})`,
        },
        10,
      ),
      atMost(
        {
          workload: '1 matching',
          compared: 'compiled 200 topics vs 3 topics, 100k items',
          measured: `${ms(t200)} vs ${ms(t3)}`,
          ratio: t200 / t3,
          note: `CPU time, the two matchers alternating over blocks of 1,000 items; 3 topics ${perItem(t3)}, ${counts.m3} items matched`,
        },
        2,
      ),
    ];
  },
};
