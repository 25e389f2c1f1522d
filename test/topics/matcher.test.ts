import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { topicsFileSchema } from '../../src/config/topics-schema.js';
import { compileTopics } from '../../src/topics/matcher.js';
import { describeMatches, generatedCase } from './generated-cases.js';

/** Compiles a topics file written as YAML, through the real schema. */
function matcherFor(yaml: string) {
  return compileTopics(topicsFileSchema.parse(parse(yaml)));
}

const ids = (matches: { topicId: string }[]) => matches.map((m) => m.topicId);

describe('compileTopics', () => {
  const matcher = matcherFor(`
vocab:
  drc: [Congo, Kinshasa, Goma]
topics:
  - id: rebels
    name: Rebels
    description: The rebellion
    strong: [Mouvement du 23 mars]
    terms: [M23]
    rules:
      - all: [[AFC], ['@drc']]
      - all: [[rebel*], [Rwanda-backed]]
        near: 3
    unless: [motorway]
  - id: talks
    name: Talks
    rules:
      - all: [[Doha], [talk*, negoci*], ['#rebels']]
    implies: [rebels]
  - id: truce
    name: Truce
    rules:
      - all: [[ceasefire, cessez-le-feu, truce], ['#rebels']]
        unless: [Gaza]
    implies: [rebels]
`);

  it('lists the topics with id, name and description', () => {
    expect(matcher.topics).toEqual([
      { id: 'rebels', name: 'Rebels', description: 'The rebellion' },
      { id: 'talks', name: 'Talks', description: '' },
      { id: 'truce', name: 'Truce', description: '' },
    ]);
  });

  it('matches a plain term and names the term and field as evidence', () => {
    expect(matcher.match({ title: 'News', summary: 'The M23 said so.' })).toEqual([
      { topicId: 'rebels', evidence: [{ term: 'M23', field: 'summary' }] },
    ]);
  });

  it('lets an unless marker cancel plain terms but not strong ones', () => {
    expect(matcher.match({ title: 'M23 motorway closed' })).toEqual([]);
    expect(ids(matcher.match({ title: 'Mouvement du 23 mars blocks a motorway' }))).toEqual(['rebels']);
  });

  it('fires a rule only when every group has a hit', () => {
    expect(matcher.match({ title: 'AFC wins' })).toEqual([]);
    expect(matcher.match({ title: 'AFC statement', summary: 'Issued in Goma.' })).toEqual([
      {
        topicId: 'rebels',
        evidence: [
          { term: 'AFC', field: 'title' },
          { term: 'Goma', field: 'summary' },
        ],
      },
    ]);
  });

  it('respects near: the groups must be close in one field', () => {
    expect(ids(matcher.match({ title: 'Rwanda-backed rebels advance' }))).toEqual(['rebels']);
    expect(ids(matcher.match({ title: 'Rebels advance on the hills north of the lake, said a Rwanda-backed radio' }))).toEqual([]);
    expect(ids(matcher.match({ title: 'Rebels advance', summary: 'Rwanda-backed, say diplomats.' }))).toEqual([]);
  });

  it('with unlessNear, an unless marker takes away only the rule hits near it, measured from the end of a term', () => {
    const near = matcherFor(`
topics:
  - id: truce
    name: Truce
    rules:
      - all: [[ceasefire, cessez-le-feu], [M23]]
        unless: [Gaza, Russian]
        unlessNear: 2
`);
    // Next to the ceasefire word, or two words from the end of "cessez-le-feu": another war's ceasefire.
    expect(near.match({ title: 'Gaza ceasefire holds as M23 talks open' })).toEqual([]);
    expect(near.match({ title: 'Le cessez-le-feu à Gaza tient; le M23 dans Goma' })).toEqual([]);
    // Further away, or in the other field: a story about this ceasefire that names the other war.
    expect(ids(near.match({ title: 'M23 breaks ceasefire with drones that diplomats say are Russian' }))).toEqual(['truce']);
    expect(ids(near.match({ title: 'M23 ceasefire holds', summary: 'Russian diplomats welcomed it.' }))).toEqual(['truce']);
    // Gaza's ceasefire does not count, but the Congo one in the same headline does; only the free hit is evidence.
    expect(near.match({ title: 'As Gaza ceasefire holds, the fragile cessez-le-feu with M23 frays' })).toEqual([
      { topicId: 'truce', evidence: [{ term: 'cessez-le-feu', field: 'title' }, { term: 'M23', field: 'title' }] },
    ]);
    // Without unlessNear the same marker anywhere cancels the rule.
    expect(matcher.match({ title: 'M23 ceasefire holds', summary: 'Diplomats compared it with Gaza.' }).map((m) => m.topicId)).not.toContain('truce');
  });

  it('evaluates #topic references and applies implies', () => {
    const matches = matcher.match({ title: 'M23 and Kinshasa resume talks in Doha' });
    expect(ids(matches)).toEqual(['rebels', 'talks']);
    expect(matches[1]!.evidence.map((e) => e.term).sort()).toEqual(['Doha', 'talk*']);
    expect(matcher.match({ title: 'Hamas delegation holds talks in Doha' })).toEqual([]);
  });

  it('returns an implied topic with the evidence of the topic that implies it', () => {
    const yaml = `
topics:
  - id: a
    name: A
  - id: b
    name: B
    terms: [qatar mediation]
    implies: [a]
`;
    expect(matcherFor(yaml).match({ title: 'Qatar mediation resumes' })).toEqual([
      { topicId: 'a', evidence: [{ term: 'qatar mediation', field: 'title' }] },
      { topicId: 'b', evidence: [{ term: 'qatar mediation', field: 'title' }] },
    ]);
  });

  it('applies a rule-level unless to that rule only', () => {
    expect(ids(matcher.match({ title: 'M23 cessez-le-feu' }))).toEqual(['rebels', 'truce']);
    expect(ids(matcher.match({ title: 'M23 statement on the Gaza ceasefire' }))).toEqual(['rebels']);
  });

  it('strips HTML and decodes entities before matching', () => {
    expect(ids(matcher.match({ title: 'x', summary: '<p>AFC &amp; the <b>Congo</b></p>' }))).toEqual(['rebels']);
    expect(matcher.match({ title: 'x', summary: '<a href="https://example.org/M23">link</a>' })).toEqual([]);
  });

  it('limits a rule to one field when asked', () => {
    const only = matcherFor(`
topics:
  - id: t
    name: T
    rules:
      - all: [[truce], [Goma]]
        field: title
`);
    expect(ids(only.match({ title: 'Truce in Goma' }))).toEqual(['t']);
    expect(ids(only.match({ title: 'Truce', summary: 'In Goma.' }))).toEqual([]);
  });

  it('shares one term between topics without mixing their evidence', () => {
    const two = matcherFor(`
topics:
  - id: x
    name: X
    terms: [Goma]
  - id: y
    name: Y
    terms: [goma, Kivu]
`);
    expect(two.match({ title: 'GOMA', summary: 'Kivu' })).toEqual([
      { topicId: 'x', evidence: [{ term: 'Goma', field: 'title' }] },
      {
        topicId: 'y',
        evidence: [
          { term: 'Goma', field: 'title' },
          { term: 'Kivu', field: 'summary' },
        ],
      },
    ]);
  });

  it('throws on references the schema would have rejected', () => {
    const file = topicsFileSchema.parse(parse('topics: [{ id: a, name: A, terms: [x] }]'));
    expect(() => compileTopics({ ...file, topics: [{ ...file.topics[0]!, implies: ['nope'] }] })).toThrow(/unknown topic "nope"/);
  });
});

describe('compileTopics with many topics sharing words', () => {
  const matcher = matcherFor(`
topics:
  - id: later
    name: Later
    rules:
      - all: [[truce], ['#early']]
  - id: early
    name: Early
    rules:
      - all: [[Goma], [talks]]
        near: 2
    implies: [base]
  - id: other
    name: Other
    terms: [Bukavu, Minova]
    implies: [base]
  - id: base
    name: Base
    rules:
      - all: [[talks], [Kivu], [Uvira]]
`);

  it('decides a #topic named by an earlier topic before that topic', () => {
    expect(ids(matcher.match({ title: 'Truce: Goma talks' }))).toEqual(['later', 'early', 'base']);
    expect(ids(matcher.match({ title: 'Truce: Goma, then months later, talks' }))).toEqual([]);
  });

  it('gives an implied topic the evidence of the first implying topic in dependency order', () => {
    expect(matcher.match({ title: 'Bukavu', summary: 'Goma talks' })).toEqual([
      { topicId: 'early', evidence: [{ term: 'Goma', field: 'summary' }, { term: 'talks', field: 'summary' }] },
      { topicId: 'other', evidence: [{ term: 'Bukavu', field: 'title' }] },
      { topicId: 'base', evidence: [{ term: 'Goma', field: 'summary' }, { term: 'talks', field: 'summary' }] },
    ]);
  });

  it('carries nothing from one item to the next', () => {
    // Each item hits two of the three groups of `base`; together they would fire it.
    expect(matcher.match({ title: 'talks in Kivu' })).toEqual([]);
    expect(matcher.match({ title: 'Uvira' })).toEqual([]);
    expect(matcher.match({ title: 'Kivu and Uvira' })).toEqual([]);
    expect(ids(matcher.match({ title: 'talks in Kivu and Uvira' }))).toEqual(['base']);
  });

  it('lists evidence in the order the text first shows each term, title before summary', () => {
    expect(matcher.match({ title: 'Minova', summary: 'Bukavu, Minova' })[0]!.evidence).toEqual([
      { term: 'Minova', field: 'title' },
      { term: 'Minova', field: 'summary' },
      { term: 'Bukavu', field: 'summary' },
    ]);
    expect(matcher.match({ title: 'Uvira talks', summary: 'Kivu, Uvira' })).toEqual([
      {
        topicId: 'base',
        evidence: [
          { term: 'talks', field: 'title' },
          { term: 'Kivu', field: 'summary' },
          { term: 'Uvira', field: 'title' },
          { term: 'Uvira', field: 'summary' },
        ],
      },
    ]);
  });

  // Topics and evidence of 4,000 generated items (40 random topic files, 100 items each) as the matcher
  // gave them before it counted group hits in flat tables: [seed, items with a topic, sha-256 of the lines].
  const RECORDED: [number, number, string][] = [
    [1, 5, '521a17991fcafa85'], [2, 62, 'ed2fded8242c1c7e'], [3, 52, '5a5df2cfcb4917a6'], [4, 94, '5b3bae7dc32d712a'],
    [5, 94, '93f60151c6f9cf70'], [6, 92, '7ffa30211d2cf917'], [7, 71, '0ffbb7b602f59c93'], [8, 25, 'e1548edbf89bb433'],
    [9, 99, 'd441642b476c0b08'], [10, 74, 'c1a68fff4052defd'], [11, 89, 'de80b7a814729678'], [12, 16, '4ceb085f95e94d58'],
    [13, 94, 'cc16f37a87854603'], [14, 84, '2d99dcf5ce89ec18'], [15, 81, 'e5eb3828d0b2d889'], [16, 83, 'c92db21172ee3e29'],
    [17, 64, '30bf7c7f419f3d1e'], [18, 96, 'efc9a0e356bd58c3'], [19, 80, '498f0acd743bd482'], [20, 59, 'a5e8c038b7dd841a'],
    [21, 86, '40d8df383af5cdc0'], [22, 89, 'a437e45dd4cf23c3'], [23, 0, 'f0a63d151e18d747'], [24, 87, 'e9c2829d0c3b9588'],
    [25, 71, '71795ae7a4180df3'], [26, 97, '5e2ae6019878326a'], [27, 54, '3e074c9671d92788'], [28, 92, '4d40320178e99350'],
    [29, 42, 'e3bf174cd25f02ec'], [30, 94, 'aa1c97ed5cdab1d8'], [31, 94, '47d007fac9dbdba1'], [32, 98, '4206cf2c8043343b'],
    [33, 88, 'c5f539395a088435'], [34, 90, 'b1d5e0eaf60dfe81'], [35, 68, '63f7a4717ea86fcf'], [36, 96, '9b751353b709c0be'],
    [37, 94, '6b159cfffecf562d'], [38, 87, 'cd22ee203f67a6dc'], [39, 96, '3b143405a70508df'], [40, 77, '7fe3b3e8d440fc1b'],
  ];

  it('gives the same topics and evidence as the matcher before it, on 4,000 generated items', () => {
    const found = RECORDED.map(([seed]) => {
      const { file, items } = generatedCase(seed, 100);
      const m = compileTopics(file);
      const lines = items.map((item) => describeMatches(m.match(item)));
      return [seed, lines.filter(Boolean).length, createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16)];
    });
    expect(found).toEqual(RECORDED);
  });
});
