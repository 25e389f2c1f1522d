import { describe, it, expect } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Parser from 'rss-parser';
import { repoRoot } from './config-folder.js';

const files = ['great-lakes-wire.xml', 'kivu-matin.xml', 'doha-desk.atom', 'continental-daily.xml'];

async function parseDemo(file: string) {
  return new Parser().parseString(await readFile(join(repoRoot, 'feeds/demo', file), 'utf8'));
}

describe('the demo sample feeds', () => {
  it('each parse with rss-parser, are marked as sample data and date every item in 2025', async () => {
    for (const file of files) {
      const feed = await parseDemo(file);
      expect(feed.items.length, file).toBeGreaterThanOrEqual(4);
      // rss-parser drops the Atom subtitle, so the marking is checked in the document itself.
      const text = await readFile(join(repoRoot, 'feeds/demo', file), 'utf8');
      expect(text, file).toMatch(/<(description|subtitle)>(SAMPLE DATA|DONNÉES D'EXEMPLE)/);
      for (const item of feed.items) {
        expect(item.isoDate?.slice(0, 4), `${file}: ${item.title}`).toBe('2025');
        expect(item.link, `${file}: ${item.title}`).toMatch(/^https:\/\/[a-z]+\.example\//);
      }
    }
  });

  it('carry the Doha story reworded by three outlets, and keep French accents intact', async () => {
    const titles = (await Promise.all(files.map(parseDemo))).flatMap((feed) => feed.items.map((item) => item.title ?? ''));
    const dohaResumption = titles.filter((t) => /(resume talks in Doha|new round between DR Congo government and M23|back at the negotiating table in Qatar)/.test(t));
    expect(dohaResumption).toHaveLength(3);
    expect(titles).toContain('Le cessez-le-feu globalement respecté à Goma et Bukavu, selon la société civile');
  });

  it('include the look-alikes the topics must not match', async () => {
    const titles = (await Promise.all(files.map(parseDemo))).flatMap((feed) => feed.items.map((item) => item.title ?? ''));
    for (const pattern of [/Gaza ceasefire/, /^M23 closed overnight/, /^AFC Bournemouth/, /Ebola.*Équateur|Équateur.*Ebola/]) {
      expect(titles.some((t) => pattern.test(t)), String(pattern)).toBe(true);
    }
  });
});
