import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { topicsFileSchema } from '../../src/config/topics-schema.js';

const messages = (data: unknown) => {
  const result = topicsFileSchema.safeParse(data);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('topicsFileSchema', () => {
  it('fills defaults so a topic needs only an id, a name and some terms', () => {
    const file = topicsFileSchema.parse({ topics: [{ id: 'm23', name: 'M23', terms: ['M23'] }] });
    expect(file).toEqual({
      version: 1,
      vocab: {},
      topics: [{ id: 'm23', name: 'M23', description: '', strong: [], terms: ['M23'], rules: [], unless: [], implies: [] }],
    });
  });

  it('rejects unknown keys, so a typo is reported', () => {
    expect(messages({ topics: [{ id: 'a', name: 'A', term: ['x'] }] }).join('\n')).toMatch(/topics\.0/);
  });

  it('accepts signals for later status tracking', () => {
    const file = topicsFileSchema.parse({
      topics: [{ id: 'ceasefire', name: 'C', terms: ['truce'], signals: [{ id: 'violated', label: 'Ceasefire violated', terms: ['violat*'], weight: 2 }] }],
    });
    expect(file.topics[0]!.signals).toMatchObject([{ id: 'violated', label: 'Ceasefire violated', terms: ['violat*'], weight: 2 }]);
  });

  it('reports unknown vocab lists, topic references and implied topics', () => {
    const found = messages({
      topics: [{ id: 'a', name: 'A', terms: ['@nope'], rules: [{ all: [['#ghost'], ['x']] }], implies: ['missing'] }],
    });
    expect(found).toEqual([
      'topics.0.terms.0: unknown vocab list "@nope"',
      'topics.0.rules.0.all.0.0: unknown topic "ghost"',
      'topics.0.implies.0: unknown topic "missing"',
    ]);
  });

  it('reports duplicate ids and #topic outside rules', () => {
    const found = messages({
      topics: [
        { id: 'a', name: 'A', terms: ['#b'] },
        { id: 'b', name: 'B', terms: ['x'] },
        { id: 'b', name: 'B again', terms: ['x'] },
      ],
    });
    expect(found).toEqual([
      'topics.2.id: duplicate topic id "b"',
      'topics.0.terms.0: "#b" (a topic reference) is only allowed in rule groups',
    ]);
  });

  it('reports unlessNear on a rule without an unless list', () => {
    const found = messages({ topics: [{ id: 'a', name: 'A', rules: [{ all: [['x'], ['y']], unlessNear: 3 }] }] });
    expect(found).toEqual(['topics.0.rules.0.unlessNear: unlessNear needs an unless list on the same rule']);
    expect(messages({ topics: [{ id: 'a', name: 'A', rules: [{ all: [['x'], ['y']], unless: ['z'], unlessNear: 3 }] }] })).toEqual([]);
  });

  it('reports a #topic reference that shares its group with terms', () => {
    const found = messages({ topics: [{ id: 'a', name: 'A', terms: ['x'] }, { id: 'b', name: 'B', rules: [{ all: [['#a', 'y']] }] }] });
    expect(found).toEqual(['topics.1.rules.0.all.0: a #topic reference must be alone in its group']);
  });

  it('reports topics that refer to each other in a circle', () => {
    const found = messages({
      topics: [
        { id: 'a', name: 'A', rules: [{ all: [['#b'], ['x']] }] },
        { id: 'b', name: 'B', rules: [{ all: [['#a'], ['y']] }] },
      ],
    });
    expect(found).toEqual(['topics: topics refer to each other in a circle: a → b → a']);
  });

  it('reports vocab lists that include each other in a circle, and unknown lists in signals', () => {
    const found = messages({
      vocab: { a: ['@b'], b: ['@a'] },
      topics: [{ id: 't', name: 'T', terms: ['@a'], signals: [{ id: 's', label: 'S', terms: ['@nowhere'] }] }],
    });
    expect(found).toEqual([
      'topics.0.signals.0.terms.0: unknown vocab list "@nowhere"',
      'vocab: vocab lists include each other in a circle: @a → @b → @a',
    ]);
  });

  it('rejects a term with no letter or digit', () => {
    expect(messages({ topics: [{ id: 'a', name: 'A', terms: ['--'] }] })).toHaveLength(1);
  });

  it('converts to a JSON Schema for editors', () => {
    const json = z.toJSONSchema(topicsFileSchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' }) as { properties: Record<string, unknown> };
    expect(Object.keys(json.properties)).toEqual(['version', 'vocab', 'topics']);
  });
});
