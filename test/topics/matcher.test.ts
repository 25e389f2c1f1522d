import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { topicsFileSchema } from '../../src/config/topics-schema.js';
import { compileTopics } from '../../src/topics/matcher.js';

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
