import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { topicsFileSchema } from '../../src/config/topics-schema.js';
import { compileTopics } from '../../src/topics/matcher.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const file = topicsFileSchema.parse(parse(readFileSync(`${root}feeds/topics.yaml`, 'utf8')));
const matcher = compileTopics(file);

type Case = { id: string; lang: string; title: string; summary: string; topics: string[] };
const casesDir = `${root}test/topics/cases/`;
const cases: Case[] = readdirSync(casesDir)
  .filter((name) => name.endsWith('.jsonl'))
  .flatMap((name) => readFileSync(casesDir + name, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Case));

const topicsOf = (title: string, summary = '') => matcher.match({ title, summary }).map((m) => m.topicId);

describe('feeds/topics.yaml', () => {
  it('defines the three tracked topics', () => {
    expect(matcher.topics.map((t) => t.id)).toEqual(['m23', 'qatar-talks', 'ceasefire']);
    for (const topic of matcher.topics) expect(topic.description.length).toBeGreaterThan(20);
  });

  it('has at least 40 hand-written cases, positives and look-alikes both', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(cases.filter((c) => c.topics.length === 0).length).toBeGreaterThanOrEqual(20);
    expect(cases.filter((c) => c.lang === 'fr').length).toBeGreaterThanOrEqual(10);
  });

  it.each(cases)('labels case $id as expected', (c) => {
    expect(matcher.match({ title: c.title, summary: c.summary, language: c.lang }).map((m) => m.topicId)).toEqual(c.topics);
  });

  it('does not take look-alikes of M23 and AFC for the movement', () => {
    expect(topicsOf('Lorry fire closes the M23 southbound')).toEqual([]);
    expect(topicsOf('Messier 23 rises in Sagittarius')).toEqual([]);
    expect(topicsOf('New M234 tram line')).toEqual([]);
    expect(topicsOf('AFC Bournemouth 2-1 Fulham')).toEqual([]);
    expect(topicsOf('AFCON draw pairs DR Congo with Senegal')).toEqual([]);
  });

  it('does not take ceasefires and Doha talks in other conflicts for this one', () => {
    expect(topicsOf('Gaza ceasefire talks resume in Doha', 'Israel and Hamas negotiators met Qatari mediators.')).toEqual([]);
    expect(topicsOf('Doha hosts Afghanistan talks', 'Taliban envoys met Western diplomats.')).toEqual([]);
    expect(topicsOf('Ituri: community truce signed in Bunia', 'CODECO and Zaire militia leaders pledged peace.')).toEqual([]);
  });

  it('reads French with or without accents and with any hyphen', () => {
    expect(topicsOf('Nord-Kivu : le cessez-le-feu violé par le M23')).toEqual(['m23', 'ceasefire']);
    expect(topicsOf('NORD KIVU : LE CESSEZ LE FEU VIOLE PAR LE M23')).toEqual(['m23', 'ceasefire']);
    expect(topicsOf('Nord‐Kivu : le cessez‐le‐feu violé par le M23')).toEqual(['m23', 'ceasefire']);
    expect(topicsOf('Trêve fragile entre l’armée et l’AFC à Masisi')).toEqual(['m23', 'ceasefire']);
    expect(topicsOf('Reprise des négociations de Doha entre Kinshasa et le M23')).toEqual(['m23', 'qatar-talks']);
  });

  it('says which terms and fields decided a match', () => {
    const [m23, talks] = matcher.match({ title: 'Doha talks: M23 envoys back', summary: '<p>The rebels met Qatar&#39;s mediators.</p>' });
    expect(m23?.topicId).toBe('m23');
    expect(m23?.evidence).toEqual(expect.arrayContaining([{ term: 'M23', field: 'title' }]));
    expect(talks?.topicId).toBe('qatar-talks');
    expect(talks?.evidence).toEqual(expect.arrayContaining([{ term: 'Doha talks', field: 'title' }, { term: 'Qatar', field: 'summary' }]));
    for (const evidence of [...m23!.evidence, ...talks!.evidence]) expect(['title', 'summary']).toContain(evidence.field);
  });

  it('implies the M23 topic for every Doha-talks and ceasefire match', () => {
    for (const c of cases) {
      const got = topicsOf(c.title, c.summary);
      if (got.includes('qatar-talks') || got.includes('ceasefire')) expect(got).toContain('m23');
    }
  });
});
