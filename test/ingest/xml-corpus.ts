/**
 * The documents the XML reader is checked against xml2js on: every file of feeds-wild as parse.ts sees
 * it (decoded, byte order mark stripped) and again after each of parse.ts's repairs in turn, the demo
 * feeds, and feeds built by the feed server's rssFeed/atomFeed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeFeedBytes } from '../../src/ingest/decode.js';
import { addMissingChannel, closeOpenTags, repairEntities, reserializeLeniently, stripFeedPrefixes } from '../../src/ingest/xml-repair.js';
import { atomFeed, rssFeed, type FeedSpec } from '../fakes/feed-server.js';

/** The corpus described in /work/shared/feeds-wild/BASELINE.md (2,748 feeds from eight parsers' test suites). */
export const FEEDS_WILD = process.env.FEEDS_WILD_DIR ?? '/work/shared/feeds-wild';
const DEMO_FEEDS = resolve(dirname(fileURLToPath(import.meta.url)), '../../feeds/demo');

/** One document: `file` is the feeds-wild file it came from, if any; `repaired` says it went through repairs. */
export type CorpusText = { name: string; text: string; file: string | null; repaired: boolean };

/** Every file under `dir` (sorted, depth first) but the corpus's notes and the demo folder's sources.yaml. */
export function listFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...listFiles(path));
    else if (!/\.(md|json|ya?ml)$/i.test(name)) files.push(path);
  }
  return files;
}

function decoded(path: string): string | null {
  const result = decodeFeedBytes(new Uint8Array(readFileSync(path)), null);
  return result === 'too-large' ? null : result.text.replace(/^\uFEFF/, '');
}

// parse.ts's repairs, in its order (prefix stripping it may also apply first).
const REPAIRS = [repairEntities, closeOpenTags, stripFeedPrefixes, addMissingChannel, reserializeLeniently];

const SPECS: FeedSpec[] = [
  { title: 'Empty', items: [] },
  {
    title: 'Kivu & "Doha" <desk>',
    language: 'fr',
    items: [
      { title: "M23 & FARDC: l'accord", link: 'https://example.org/a?x=1&y=2', guid: 'a-1', description: '<p>Goma — “cessez-le-feu” 🕊</p>', pubDate: new Date(0), language: 'fr' },
      { title: 'Second', description: '  spaced  \r\n text ', pubDate: 'Mon, 02 Jun 2025 08:00:00 GMT', language: 'en' },
      { title: 'Third' },
    ],
  },
];

/** Every corpus document, in a fixed order. */
export function corpusTexts(): CorpusText[] {
  const texts: CorpusText[] = [];
  for (const path of listFiles(FEEDS_WILD)) {
    const name = relative(FEEDS_WILD, path);
    let text = decoded(path);
    if (text === null) continue;
    texts.push({ name, text, file: name, repaired: false });
    for (const repair of REPAIRS) {
      const next = repair(text);
      if (next === text) continue;
      text = next;
      texts.push({ name: `${name} after ${repair.name}`, text, file: name, repaired: true });
    }
  }
  for (const path of listFiles(DEMO_FEEDS)) {
    const text = decoded(path);
    if (text !== null) texts.push({ name: relative(DEMO_FEEDS, path), text, file: null, repaired: false });
  }
  for (const [i, spec] of SPECS.entries()) {
    texts.push({ name: `rssFeed #${i}`, text: rssFeed(spec), file: null, repaired: false });
    texts.push({ name: `atomFeed #${i}`, text: atomFeed(spec), file: null, repaired: false });
  }
  return texts;
}
