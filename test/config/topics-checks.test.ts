import { afterEach, describe, expect, it } from 'vitest';
import { formatProblem, loadConfig } from '../../src/config/load-config.js';
import { topicsFileSchema } from '../../src/config/topics-schema.js';
import { compileTopics } from '../../src/topics/matcher.js';
import { makeConfigFolder, validSources } from './config-folder.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function topicsProblems(topicsYaml: string): Promise<string[]> {
  const made = await makeConfigFolder({ 'wire.xml': '<rss/>', 'sources.yaml': validSources, 'topics.yaml': topicsYaml });
  cleanups.push(made.cleanup);
  const result = await loadConfig(made.dir);
  return result.ok ? [] : result.problems.map((p) => formatProblem(p).replace(`${made.dir}/`, ''));
}

const SYNTAX = "(a term is words and phrases, with * only at the end of a word; not a regular expression)";

describe('topics.yaml terms', () => {
  it('refuses terms written as regular expressions, naming the term, its path and line', async () => {
    const yaml = [
      'topics:',
      '  - id: m23',
      '    name: M23',
      '    terms:',
      "      - '(m23|doha'",
      "      - '[a-z]+'",
      "      - '\\d+'",
      "      - 'a*b'",
      "      - '^start$'",
      "      - 'c++'",
      '      - M23',
    ].join('\n');
    expect(await topicsProblems(yaml)).toEqual([
      `topics.yaml: topics[0].terms[0]: "(m23|doha" is not a word or phrase: "|" has no meaning in a term ${SYNTAX} (line 5)`,
      `topics.yaml: topics[0].terms[1]: "[a-z]+" is not a word or phrase: "[" has no meaning in a term ${SYNTAX} (line 6)`,
      `topics.yaml: topics[0].terms[2]: "\\d+" is not a word or phrase: "\\" has no meaning in a term ${SYNTAX} (line 7)`,
      'topics.yaml: topics[0].terms[3]: "a*b" is not a word or phrase: * goes only at the end of a word (negoci*) or alone for any one word (line 8)',
      `topics.yaml: topics[0].terms[4]: "^start$" is not a word or phrase: "^" has no meaning in a term ${SYNTAX} (line 9)`,
      `topics.yaml: topics[0].terms[5]: "c++" is not a word or phrase: "+" has no meaning in a term ${SYNTAX} (line 10)`,
    ]);
  });

  it('refuses the same in every term list: strong, unless, rules, signals and vocab', async () => {
    const yaml = [
      'vocab:',
      "  names: ['M23 | AFC']",
      'topics:',
      '  - id: m23',
      '    name: M23',
      "    strong: ['M23?']",
      "    unless: ['motorway{2}']",
      "    rules: [{ all: [['rebel*s'], [M23]] }]",
      "    signals: [{ id: advance, label: Advance, terms: ['advance+'] }]",
    ].join('\n');
    expect((await topicsProblems(yaml)).map((line) => line.replace(/ \(a term is [^)]*\)/, ''))).toEqual([
      'topics.yaml: vocab.names[0]: "M23 | AFC" is not a word or phrase: "|" has no meaning in a term (line 2)',
      'topics.yaml: topics[0].strong[0]: "M23?" is not a word or phrase: "?" has no meaning in a term (line 6)',
      'topics.yaml: topics[0].rules[0].all[0][0]: "rebel*s" is not a word or phrase: * goes only at the end of a word (negoci*) or alone for any one word (line 8)',
      'topics.yaml: topics[0].unless[0]: "motorway{2}" is not a word or phrase: "{" has no meaning in a term (line 7)',
      'topics.yaml: topics[0].signals[0].terms[0]: "advance+" is not a word or phrase: "+" has no meaning in a term (line 9)',
    ]);
  });

  it('names a malformed @reference once, not also as an unknown list', async () => {
    expect(await topicsProblems("topics:\n  - id: m23\n    name: M23\n    terms: ['@M23 names', M23]\n")).toEqual([
      'topics.yaml: topics[0].terms[0]: "@M23 names" is not a reference: @ must be followed by a vocab list name (lowercase letters, digits, - and _) (line 4)',
    ]);
  });

  it('accepts what the matcher reads as written: accents, dashes, apostrophes, dots, slashes, prefixes and a lone *', () => {
    const terms = ['Kinshasa', 'cessez‐le‐feu', 'l’AFC', 'U.N.', 'AFC/M23', 'négoci*', "s'engage* a * cessez-le-feu", 'Mouvement du 23-Mars', 'Doha, Qatar', 'Crisis Group: Kivu', 'Alliance Fleuve Congo (AFC)'];
    const file = topicsFileSchema.parse({ topics: [{ id: 'a', name: 'A', terms }] });
    const matcher = compileTopics(file);
    const evidence = (title: string) => matcher.match({ title }).flatMap((m) => m.evidence.map((e) => e.term));
    expect(evidence('U.N. experts in Goma')).toEqual(['U.N.']);
    expect(evidence('Clashes between FARDC and AFC/M23')).toEqual(['l’AFC', 'AFC/M23']);
    expect(evidence("Le M23 s'engage à un cessez-le-feu")).toEqual(["s'engage* a * cessez-le-feu", 'cessez‐le‐feu']);
    expect(evidence('Nouvelles négociations à Doha')).toEqual(['négoci*']);
    expect(evidence('The c language')).toEqual([]);
    // Punctuation is a gap between words, in a term as in feed text.
    expect(evidence('Talks in Doha (Qatar) resume')).toEqual(['Doha, Qatar']);
    expect(evidence('Crisis Group Kivu report')).toEqual(['Crisis Group: Kivu']);
    expect(evidence('Talks with the Alliance Fleuve Congo (AFC) resume')).toContain('Alliance Fleuve Congo (AFC)');
  });
});

describe('topics.yaml topics', () => {
  it('refuses a topic with nothing to match, unless another topic implies it', async () => {
    const yaml = [
      'topics:',
      '  - id: m23',
      '    name: M23',
      '    terms: [M23]',
      '    implies: [east-drc]',
      '  - id: quiet',
      '    name: Quiet',
      '    unless: [motorway]',
      '  - id: only-refs',
      '    name: Only references',
      "    rules: [{ all: [['#m23']] }]",
      '  - id: east-drc',
      '    name: Eastern DRC',
      '    description: Everything the M23 topic matches.',
    ].join('\n');
    expect(await topicsProblems(yaml)).toEqual([
      'topics.yaml: topics[1]: topic "quiet" can never match: it has no strong, terms or rules with terms of their own, and no other topic implies it (line 6)',
      'topics.yaml: topics[2]: topic "only-refs" can never match: it has no strong, terms or rules with terms of their own, and no other topic implies it (line 9)',
    ]);
  });

  it('refuses two signals with one id in a topic, and a topic implying itself', async () => {
    const yaml = [
      'topics:',
      '  - id: ceasefire',
      '    name: Ceasefire',
      '    terms: [ceasefire]',
      '    implies: [ceasefire]',
      '    signals:',
      '      - { id: violated, label: Violated, terms: [violat*] }',
      '      - { id: holding, label: Holding, terms: [holds] }',
      '      - { id: violated, label: Broken, terms: [broken] }',
      '  - id: m23',
      '    name: M23',
      '    terms: [M23]',
      '    signals: [{ id: violated, label: Violated, terms: [violat*] }]',
    ].join('\n');
    expect(await topicsProblems(yaml)).toEqual([
      'topics.yaml: topics[0].implies[0]: topic "ceasefire" cannot imply itself (line 5)',
      'topics.yaml: topics[0].signals[2].id: duplicate signal id "violated": signals[0] and signals[2] both use it (line 9)',
    ]);
  });
});
