/**
 * Feed text → rss-parser output. Parses with `defaultRSS: 2`; when that fails, applies the repairs
 * of feeds-wild/BASELINE.md one after another (cumulatively) and retries after each. Inputs that
 * are no feed at all get a short, fixed-form reason instead of a parser stack trace.
 */
import Parser from 'rss-parser';
import {
  addMissingChannel,
  closeOpenTags,
  hasPrefixedItems,
  repairEntities,
  reserializeLeniently,
  stripFeedPrefixes,
} from './xml-repair.js';
import { nestsDeeperThan, rootElement, xmlLangOf } from './xml-scan.js';
import { withFastXmlReader, type Xml2jsParser } from './xml2js-fast-path.js';
import { errorText } from '../error-text.js';

/**
 * Extra fields we ask rss-parser to keep: the language, wherever a feed puts it. `xmlLang` is the root
 * element's xml:lang (Atom's way), which rss-parser drops with every attribute; parseFeedText adds it.
 * An entry's own attributes (xml2js's `$`, where an Atom entry's xml:lang sits) come as `attributes`.
 */
type FeedExtras = { language?: unknown; 'dc:language'?: unknown; xmlLang?: string };
type ItemExtras = { 'dc:language'?: unknown; updated?: unknown; published?: unknown; 'dc:date'?: unknown; attributes?: unknown };

/** What rss-parser gives back. Its types say string, but fields may hold xml2js objects: flatten before use. */
export type ParsedFeed = Parser.Output<ItemExtras> & FeedExtras;

/** Outcome of parsing one document's text. `repairs` names each repair that was needed, in order. */
export type ParseTextOutcome = { ok: true; feed: ParsedFeed; repairs: string[] } | { ok: false; reason: string };

/** Every failure reason starts with one of these (tests and health reports rely on the fixed forms). */
export const PARSE_FAILURE_FORMS = [/^empty body$/, /^not a feed \(.+\)$/, /^malformed feed: .+$/, /^body larger than .+ bytes once unpacked$/];

/** What sitrep asks of rss-parser: RSS 2 when a feed does not say, and the extra fields normalize reads. */
export const PARSER_OPTIONS: Parser.ParserOptions<FeedExtras, ItemExtras> = {
  defaultRSS: 2,
  customFields: {
    feed: ['language', 'dc:language'],
    // keepArray: xml2js keeps attributes as one object, not in an array like child elements.
    item: ['dc:language', 'updated', 'published', 'dc:date', ['$', 'attributes', { keepArray: true }]],
  },
};

/**
 * A fresh rss-parser for each attempt (about 5 µs). One parser for every document carried xml2js's state
 * from one attempt to the next, the repairs of one document included: after two sax errors the next text's
 * errors went unheard (a partial tree passed as a feed), a text cut off in its root tag was never answered
 * (its feed held in flight for good), and an unanswered text received the next one's feed.
 * rss-parser reads XML through its xml2js parser (untyped, hence the cast): the fast reader answers for
 * plainly well-formed text and passes everything else, with its errors and repairs, to that parser.
 */
function newParser(): Parser<FeedExtras, ItemExtras> {
  const parser = new Parser<FeedExtras, ItemExtras>(PARSER_OPTIONS);
  const internals = parser as unknown as { xmlParser: Xml2jsParser };
  internals.xmlParser = withFastXmlReader(internals.xmlParser);
  return parser;
}

// Repairs rebuild the document as a tree (htmlparser2 keeps its open elements in an array it shifts, which is
// quadratic in the depth): 160,000 unclosed tags in 480 KB held the event loop for 30 s, so a broken feed could
// silence the bot. No feed nests anywhere near this deep (37 levels at most in feeds-wild).
const MAX_REPAIR_DEPTH = 1000;

const STRIPPED_PREFIXES = 'stripped Atom/RSS namespace prefixes';
const REPAIRS: Array<[string, (text: string) => string]> = [
  ['escaped bare & and unknown entities', repairEntities],
  ['closed tags left open at end of file', closeOpenTags],
  [STRIPPED_PREFIXES, stripFeedPrefixes],
  ['added missing <channel>', addMissingChannel],
  ['re-serialized leniently (htmlparser2)', reserializeLeniently],
];

/** Parses feed text, repairing broken XML where it can; never throws or rejects. */
export async function parseFeedText(text: string): Promise<ParseTextOutcome> {
  try {
    return await parseWithRepairs(text);
  } catch (error) {
    return { ok: false, reason: `malformed feed: ${firstLine(error)}` };
  }
}

async function parseWithRepairs(input: string): Promise<ParseTextOutcome> {
  const text = input.replace(/^\uFEFF/, '');
  if (text.trim() === '') return { ok: false, reason: 'empty body' };

  const rootTag = rootElement(text);
  const root = rootTag?.name ?? null;
  const notFeed = notAFeedReason(text, root);
  if (notFeed) {
    const carved = carveEmbeddedFeed(text);
    if (carved) {
      const result = await parseWithRepairs(carved);
      if (result.ok) return { ...result, repairs: ['took the Atom feed embedded in an XHTML page', ...result.repairs] };
    }
    return { ok: false, reason: notFeed };
  }

  const xmlLang = rootTag ? xmlLangOf(rootTag.startTag) : null;
  const withLang = (feed: ParsedFeed): ParsedFeed => (xmlLang === null ? feed : Object.assign(feed, { xmlLang }));
  let current = text;
  const applied: string[] = [];
  // Prefixed entries parse "fine" (as nothing): strip the prefixes before the first try, not after a failure.
  if (hasPrefixedItems(current)) {
    current = stripFeedPrefixes(current);
    applied.push(STRIPPED_PREFIXES);
  }
  let lastError = await tryParse(current);
  if (lastError.ok) return { ok: true, feed: withLang(lastError.feed), repairs: applied };
  if (nestsDeeperThan(current, MAX_REPAIR_DEPTH)) {
    return { ok: false, reason: `malformed feed: ${lastError.message} (not repaired: elements nested more than ${MAX_REPAIR_DEPTH} deep)` };
  }
  for (const [label, repair] of REPAIRS) {
    const next = repair(current);
    if (next === current) continue;
    current = next;
    applied.push(label);
    lastError = await tryParse(current);
    if (lastError.ok) return { ok: true, feed: withLang(lastError.feed), repairs: applied };
  }
  return { ok: false, reason: `malformed feed: ${lastError.message}` };
}

async function tryParse(text: string): Promise<{ ok: true; feed: ParsedFeed } | { ok: false; message: string }> {
  try {
    const feed = (await newParser().parseString(text)) as ParsedFeed;
    if (!feed || !Array.isArray(feed.items)) return { ok: false, message: 'no items list' };
    return { ok: true, feed };
  } catch (error) {
    return { ok: false, message: firstLine(error) };
  }
}

/** Why a document whose root is not a feed root is no feed, or null when the root looks like a feed. */
function notAFeedReason(text: string, root: string | null): string | null {
  if (root === null) {
    if (/^\s*[{[]/.test(text)) return 'not a feed (JSON document)';
    if (withoutCommentsAndDeclarations(text).trim() === '') return 'empty body';
    return /<html|<body/i.test(text) ? 'not a feed (HTML page)' : 'not a feed (no XML root element)';
  }
  const local = root.replace(/^.*:/, '');
  if (local === 'rss' || local === 'feed' || local === 'RDF') return null;
  if (['html', 'head', 'body'].includes(root.toLowerCase()) || /^\s*<!doctype\s+html/i.test(text)) return 'not a feed (HTML page)';
  if (root === 'CHANNEL') return 'not a feed (CDF document)';
  if (local === 'item' || local === 'entry') return `not a feed (a lone <${local}> fragment)`;
  return `not a feed (root element <${root.slice(0, 40)}>)`;
}

function withoutCommentsAndDeclarations(text: string): string {
  return text.replace(/<!--[\s\S]*?(-->|$)|<\?[\s\S]*?(\?>|$)|<![\s\S]*?(>|$)/g, '');
}

/** An Atom `<feed>` inside an XHTML page can be cut out and parsed on its own. */
function carveEmbeddedFeed(text: string): string | null {
  const start = text.search(/<feed[\s>][^>]*?xmlns=["']http:\/\/www\.w3\.org\/2005\/Atom["']/);
  if (start < 0) return null;
  const end = text.lastIndexOf('</feed>');
  return end > start ? text.slice(start, end + '</feed>'.length) : null;
}

function firstLine(error: unknown): string {
  const message = errorText(error);
  const line = (message.split('\n')[0] ?? '').trim().slice(0, 200);
  return line === '' ? 'unknown error' : line;
}
