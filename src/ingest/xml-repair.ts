/**
 * Text-level repairs for broken feed XML, each one a pure function (text → text) that returns its
 * input unchanged when it has nothing to fix. parse.ts applies them in the order of
 * feeds-wild/BASELINE.md: entities, truncation, namespace prefixes, missing channel, and last the
 * lossy re-serialization through htmlparser2.
 */
import { decodeHTMLStrict } from 'entities';
import { DomUtils, parseDocument } from 'htmlparser2';
import { iterateXml, scanXml, type XmlToken } from './xml-scan.js';

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
const ENTITY_REF = /&(#[0-9]+;|#x[0-9a-fA-F]+;|[A-Za-z_][\w.-]*;)?/g;

/**
 * Escapes bare `&` and a `<` that cannot start a tag, expands entities declared in the internal DTD
 * subset, turns HTML-only named entities into their characters and escapes unknown ones.
 */
export function repairEntities(text: string): string {
  const declared = internalEntities(text);
  return mapTokens(text, (token, raw) => {
    if (token.kind !== 'text' && token.kind !== 'tag') return raw;
    const inTag = token.kind === 'tag';
    const fixed = raw.replace(ENTITY_REF, (match, ref: string | undefined) => {
      if (!ref) return '&amp;';
      if (ref.startsWith('#')) return match;
      const name = ref.slice(0, -1);
      if (XML_ENTITIES.has(name)) return match;
      const value = declared.get(name);
      if (value !== undefined) return inTag ? escapeXml(value) : value;
      const decoded = decodeHTMLStrict(match);
      return decoded === match ? `&amp;${ref}` : escapeXml(decoded);
    });
    return inTag ? fixed : fixed.replace(/</g, '&lt;');
  });
}

/** General entities declared as `<!ENTITY name "value">` in the DOCTYPE. */
function internalEntities(text: string): Map<string, string> {
  const entities = new Map<string, string>();
  let doctype: XmlToken | undefined;
  for (const token of iterateXml(text.slice(0, 100_000))) {
    if (token.kind === 'doctype') {
      doctype = token;
      break;
    }
  }
  if (!doctype) return entities;
  const subset = text.slice(doctype.start, doctype.end);
  for (const m of subset.matchAll(/<!ENTITY\s+([A-Za-z_][\w.-]*)\s+(?:"([^"]*)"|'([^']*)')\s*>/g)) {
    entities.set(m[1] as string, m[2] ?? m[3] ?? '');
  }
  return entities;
}

/**
 * Completes a truncated document: finishes a cut-off comment/CDATA, drops a cut-off tag, closes open
 * elements. An item or entry the cut fell inside is dropped whole: stored half-written (a title cut
 * mid-word, no link), it would keep its id and never be completed by the next, whole, copy of the feed.
 */
export function closeOpenTags(text: string): string {
  const tokens = scanXml(text);
  let body = text;
  const last = tokens[tokens.length - 1];
  if (last && last.kind !== 'text' && !last.complete) {
    if (last.kind === 'comment') body += '-->';
    else if (last.kind === 'cdata') body += ']]>';
    else if (last.kind === 'pi') body += '?>';
    else body = text.slice(0, last.start); // a tag or DOCTYPE cut off mid-way: drop it
  }
  const stack: { name: string; start: number }[] = [];
  for (const token of tokens) {
    if (token.kind !== 'tag' || !token.complete || token.selfClosing) continue;
    if (!token.closing) stack.push({ name: token.name, start: token.start });
    else {
      const at = stack.findLastIndex((open) => open.name === token.name);
      if (at >= 0) stack.length = at;
    }
  }
  // One open item is the one the cut fell in; several mean items that are never closed, a different fault.
  const openItems = stack.filter((open) => ITEM_ELEMENT.test(open.name));
  const cutItem = openItems.length === 1 ? stack.indexOf(openItems[0]!) : -1;
  if (cutItem >= 0) {
    body = text.slice(0, stack[cutItem]!.start);
    stack.length = cutItem;
  }
  if (stack.length === 0) return body;
  return body + stack.reverse().map((open) => `</${open.name}>`).join('');
}

/** An RSS item or Atom entry, with or without a namespace prefix. */
const ITEM_ELEMENT = /^(?:[\w.-]+:)?(?:item|entry)$/;

const FEED_NAMESPACES = new Set([
  'http://www.w3.org/2005/Atom',
  'http://purl.org/atom/ns#',
  'http://purl.org/rss/1.0/',
  'http://my.netscape.com/rdf/simple/0.9/',
  'http://backend.userland.com/rss2',
  'http://blogs.law.harvard.edu/tech/rss',
]);
const RDF_NAMESPACE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';

/** The prefixes a document binds to the Atom/RSS namespaces, and the one it binds to RDF's when not `rdf`. */
function feedNamespacePrefixes(text: string): { feedPrefixes: Set<string>; rdfPrefix: string | null } {
  const feedPrefixes = new Set<string>();
  let rdfPrefix: string | null = null;
  for (const m of text.matchAll(/xmlns:([A-Za-z_][\w.-]*)\s*=\s*["']([^"']*)["']/g)) {
    const [, prefix, uri] = m as unknown as [string, string, string];
    if (FEED_NAMESPACES.has(uri.trim())) feedPrefixes.add(prefix);
    if (uri.trim() === RDF_NAMESPACE && prefix !== 'rdf') rdfPrefix = prefix;
  }
  return { feedPrefixes, rdfPrefix };
}

/**
 * True when an item or entry is written with a prefix bound to a feed namespace (`<p0:entry>` inside a plain
 * `<feed>`): such a document parses without error, but rss-parser skips those entries without a word.
 */
export function hasPrefixedItems(text: string): boolean {
  // Runs on every document: most have no prefixed item at all, which two substring searches tell at once.
  if (!text.includes(':entry') && !text.includes(':item')) return false;
  const { feedPrefixes } = feedNamespacePrefixes(text);
  for (const prefix of feedPrefixes) {
    if (new RegExp(`<${prefix.replace(/[.]/g, '\\.')}:(?:entry|item)[\\s/>]`).test(text)) return true;
  }
  return false;
}

/** Removes element prefixes bound to the Atom/RSS namespaces (`<a:feed>` → `<feed>`); names the RDF root `rdf:RDF`. */
export function stripFeedPrefixes(text: string): string {
  const { feedPrefixes, rdfPrefix } = feedNamespacePrefixes(text);
  if (feedPrefixes.size === 0 && !rdfPrefix) return text;
  return mapTokens(text, (token, raw) => {
    if (token.kind !== 'tag') return raw;
    const colon = token.name.indexOf(':');
    if (colon < 0) return raw;
    const prefix = token.name.slice(0, colon);
    const local = token.name.slice(colon + 1);
    const open = token.closing ? '</' : '<';
    if (feedPrefixes.has(prefix)) return open + local + raw.slice(open.length + token.name.length);
    if (prefix === rdfPrefix && local === 'RDF') return open + 'rdf:RDF' + raw.slice(open.length + token.name.length);
    return raw;
  });
}

/** Gives an `<rss>` or `rdf:RDF` root without a `<channel>` one, so it parses (items directly under `<rss>` move into it). */
export function addMissingChannel(text: string): string {
  const tokens = scanXml(text);
  const root = tokens.find((t): t is Extract<XmlToken, { kind: 'tag' }> => t.kind === 'tag' && !t.closing);
  if (!root || !root.complete) return text;
  if (tokens.some((t) => t.kind === 'tag' && t.name === 'channel')) return text;
  const name = root.name;
  if (name === 'rdf:RDF') {
    if (root.selfClosing) return `${text.slice(0, root.end - 2)}><channel></channel></rdf:RDF>${text.slice(root.end)}`;
    return `${text.slice(0, root.end)}<channel></channel>${text.slice(root.end)}`;
  }
  if (name.toLowerCase() !== 'rss') return text;
  if (root.selfClosing) return `${text.slice(0, root.end - 2)}><channel></channel></${name}>${text.slice(root.end)}`;
  const close = [...tokens].reverse().find((t) => t.kind === 'tag' && t.closing && t.name === name);
  const innerEnd = close ? close.start : text.length;
  return `${text.slice(0, root.end)}<channel>${text.slice(root.end, innerEnd)}</channel>${text.slice(innerEnd)}`;
}

/**
 * Last resort: re-serializes through htmlparser2's lenient XML mode (which balances any tag soup),
 * then moves `item`/`entry` elements that ended up nested somewhere odd back under the channel/feed.
 */
export function reserializeLeniently(text: string): string {
  // htmlparser2 writes `<?xml …?>` back without its closing `?`; sax needs no PIs, so drop them.
  const withoutPis = mapTokens(text, (token, raw) => (token.kind === 'pi' ? '' : raw));
  const doc = parseDocument(withoutPis, { xmlMode: true, decodeEntities: false });
  const root = DomUtils.findOne(() => true, doc.children, false);
  if (root) {
    const local = root.name.replace(/^.*:/, '');
    const container =
      local === 'rss' ? DomUtils.findOne((el) => el.name === 'channel', root.children, true) : local === 'feed' || local === 'RDF' ? root : null;
    if (container) {
      const itemName = local === 'feed' ? 'entry' : 'item';
      const stray = DomUtils.findAll((el) => el.name === itemName && el.parent !== container, [root]).filter(
        (el) => !hasAncestorNamed(el, itemName),
      );
      for (const el of stray) {
        DomUtils.removeElement(el);
        DomUtils.appendChild(container, el);
      }
    }
  }
  return DomUtils.getOuterHTML(doc, { xmlMode: true, decodeEntities: false });
}

function hasAncestorNamed(el: { parent: unknown }, name: string): boolean {
  let node = el.parent as { name?: string; parent: unknown } | null;
  while (node) {
    if (node.name === name) return true;
    node = node.parent as { name?: string; parent: unknown } | null;
  }
  return false;
}

function mapTokens(text: string, edit: (token: XmlToken, raw: string) => string): string {
  let out = '';
  for (const token of iterateXml(text)) out += edit(token, text.slice(token.start, token.end));
  return out;
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
