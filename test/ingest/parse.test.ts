import { describe, it, expect } from 'vitest';
import { parseFeedText, PARSE_FAILURE_FORMS } from '../../src/ingest/parse.js';
import {
  addMissingChannel,
  closeOpenTags,
  repairEntities,
  stripFeedPrefixes,
} from '../../src/ingest/xml-repair.js';

const item = (title: string, link = 'https://example.org/a') => `<item><title>${title}</title><link>${link}</link></item>`;
const rss2 = (items: string, attrs = ' version="2.0"') => `<rss${attrs}><channel><title>Feed</title>${items}</channel></rss>`;

async function parsedOk(text: string) {
  const result = await parseFeedText(text);
  if (!result.ok) throw new Error(`expected a feed, got: ${result.reason}`);
  return result;
}

describe('parseFeedText', () => {
  it('parses a well-formed RSS 2.0 feed without repairs', async () => {
    const result = await parsedOk(rss2(item('Doha talks resume')));
    expect(result.repairs).toEqual([]);
    expect(result.feed.items.map((i) => i.title)).toEqual(['Doha talks resume']);
  });

  it('answers a document cut off inside its root tag, with xml2js\'s own reason, once each repair is read afresh', async () => {
    // One xml2js parser for every attempt carried a sax error over to the repaired text: this document then
    // never got an answer (its feed would never have been polled again), and `<rss</s>` failed with a TypeError.
    const never = new Promise<string>((resolve) => setTimeout(() => resolve('never answered'), 2000));
    const cut = parseFeedText('<?xml version="1.0"?>\n<rss version="2.0').then((r) => (r.ok ? 'ok' : r.reason));
    expect(await Promise.race([cut, never])).toBe('malformed feed: Unable to parse XML.');
    const stray = await parseFeedText('<rss</s>');
    expect(!stray.ok && stray.reason).toBe('malformed feed: Invalid character in tag name');
  });

  it('refuses to repair a broken document nested more than 1000 deep, at once, instead of holding the event loop', async () => {
    const deep = (n: number) => `<rss version="2.0"><channel><title>x</title><item><title>t</title><description>${'<a>'.repeat(n)}x & y</item></channel></rss>`;
    const started = performance.now();
    const result = await parseFeedText(deep(100_000));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(!result.ok && result.reason).toMatch(/^malformed feed: .+ \(not repaired: elements nested more than 1000 deep\)$/);
    // A broken document within the limit is still repaired.
    const shallow = await parseFeedText(deep(50));
    expect(shallow.ok && shallow.repairs.length).toBeGreaterThan(0);
  });

  it('accepts <rss> without a version attribute as RSS 2', async () => {
    const result = await parsedOk(rss2(item('No version'), ''));
    expect(result.feed.items).toHaveLength(1);
    expect(result.repairs).toEqual([]);
  });

  it('escapes a bare ampersand in text and in a link', async () => {
    const result = await parsedOk(rss2(item('Fish & Chips', 'https://example.org/?a=1&b=2')));
    expect(result.repairs).toContain('escaped bare & and unknown entities');
    expect(result.feed.items[0]?.title).toBe('Fish & Chips');
    expect(result.feed.items[0]?.link).toBe('https://example.org/?a=1&b=2');
  });

  it('keeps an unknown entity as literal text instead of failing', async () => {
    const result = await parsedOk(rss2(item('Odd &doesnotexist; entity')));
    expect(result.feed.items[0]?.title).toBe('Odd &doesnotexist; entity');
  });

  it('expands entities declared in the internal DTD subset', async () => {
    const doc = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY org "MONUSCO">]>${rss2(item('&org; patrols Goma'))}`;
    const result = await parsedOk(doc);
    expect(result.feed.items[0]?.title).toBe('MONUSCO patrols Goma');
  });

  it('leaves entities inside CDATA alone', () => {
    const doc = rss2('<item><title><![CDATA[A & B &amp; C]]></title></item><item><title>x & y</title></item>');
    expect(repairEntities(doc)).toContain('<![CDATA[A & B &amp; C]]>');
    expect(repairEntities(doc)).toContain('x &amp; y');
  });

  it('closes a truncated document and keeps its complete items', async () => {
    const doc = `<rss version="2.0"><channel><title>Cut</title>${item('First')}${item('Second')}<item><title>Thi`;
    const result = await parsedOk(doc);
    expect(result.repairs).toContain('closed tags left open at end of file');
    // The item the cut fell in is dropped, not stored as "Thi": the next whole copy of the feed brings it.
    expect(result.feed.items.map((i) => i.title)).toEqual(['First', 'Second']);
  });

  it('finishes a cut-off tag and CDATA section at end of file', () => {
    expect(closeOpenTags('<rss><channel><title>A</title></tit')).toBe('<rss><channel><title>A</title></channel></rss>');
    expect(closeOpenTags('<rss><channel><item><title>A</title></item><item><title>B</title></ite')).toBe(
      '<rss><channel><item><title>A</title></item></channel></rss>',
    );
    // Items never closed at all are another fault: each is kept (and closed) as before.
    expect(closeOpenTags('<rss><channel><item><title>A</title><item><title>B</title>')).toBe(
      '<rss><channel><item><title>A</title><item><title>B</title></item></item></channel></rss>',
    );
    expect(closeOpenTags('<rss><channel><description><![CDATA[half')).toBe(
      '<rss><channel><description><![CDATA[half]]></description></channel></rss>',
    );
  });

  it('strips a prefix bound to the Atom namespace', async () => {
    const doc =
      '<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>T</a:title>' +
      '<a:entry><a:title>Prefixed entry</a:title><a:id>urn:x</a:id></a:entry></a:feed>';
    expect(stripFeedPrefixes(doc)).toContain('<entry><title>Prefixed entry</title>');
    const result = await parsedOk(doc);
    expect(result.repairs).toContain('stripped Atom/RSS namespace prefixes');
    expect(result.feed.items[0]?.title).toBe('Prefixed entry');
  });

  it('keeps an entry written with an Atom prefix inside a plain feed, which parses without error otherwise', async () => {
    const doc =
      '<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>' +
      '<p0:entry xmlns:p0="http://www.w3.org/2005/Atom"><p0:title>Prefixed</p0:title><p0:id>urn:a</p0:id></p0:entry>' +
      '<entry><title>Plain</title><id>urn:b</id></entry></feed>';
    const result = await parsedOk(doc);
    expect(result.feed.items.map((i) => i.title)).toEqual(['Prefixed', 'Plain']);
    expect(result.repairs).toEqual(['stripped Atom/RSS namespace prefixes']);
    // An RSS feed that only uses atom:link for its self link is left as it is.
    const rss = `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T</title><atom:link href="https://x.example/rss" rel="self"/>${item('One')}</channel></rss>`;
    expect((await parsedOk(rss)).repairs).toEqual([]);
  });

  it('strips the RSS 1.0 prefix from channel and items in rdf:RDF', async () => {
    const doc =
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rss="http://purl.org/rss/1.0/">' +
      '<rss:channel rdf:about="x"><rss:title>C</rss:title></rss:channel>' +
      '<rss:item rdf:about="y"><rss:title>RDF item</rss:title><rss:link>https://example.org/y</rss:link></rss:item></rdf:RDF>';
    const result = await parsedOk(doc);
    expect(result.feed.items[0]?.title).toBe('RDF item');
  });

  it('treats an <rss> with no <channel> as an empty feed', async () => {
    const result = await parsedOk('<rss version="2.0"></rss>');
    expect(result.feed.items).toEqual([]);
    expect(result.repairs).toEqual(['added missing <channel>']);
  });

  it('keeps items placed directly under <rss>', async () => {
    const doc = `<rss version="2.0">${item('Loose item')}</rss>`;
    expect(addMissingChannel(doc)).toBe(`<rss version="2.0"><channel>${item('Loose item')}</channel></rss>`);
    const result = await parsedOk(doc);
    expect(result.feed.items.map((i) => i.title)).toEqual(['Loose item']);
  });

  it('treats an empty rdf:RDF as an empty feed', async () => {
    const result = await parsedOk('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF>');
    expect(result.feed.items).toEqual([]);
  });

  it('re-serializes mismatched inner tags and finds items nested inside an unclosed element', async () => {
    const doc =
      '<rss version="2.0"><channel><title>Pod</title><language>en</langauge>' +
      '<itunes:category text="Tech">' +
      `${item('Nested one')}${item('Nested two')}</channel></rss>`;
    const result = await parsedOk(doc);
    expect(result.repairs).toContain('re-serialized leniently (htmlparser2)');
    expect(result.feed.items.map((i) => i.title)).toEqual(['Nested one', 'Nested two']);
  });

  it('carves an Atom feed out of an XHTML page', async () => {
    const doc =
      '<html xmlns="http://www.w3.org/1999/xhtml"><body><feed xmlns="http://www.w3.org/2005/Atom"><title>In page</title>' +
      '<entry><title>Carved</title><id>urn:c</id></entry></feed></body></html>';
    const result = await parsedOk(doc);
    expect(result.feed.items[0]?.title).toBe('Carved');
  });

  it.each([
    ['', 'empty body'],
    ['  \n ', 'empty body'],
    ['<!-- nothing but a comment -->', 'empty body'],
    ['<!DOCTYPE html><html><head><title>Moved</title></head><body>here</body></html>', 'not a feed (HTML page)'],
    ['<head><title>Document Moved</title></head><body>x</body>', 'not a feed (HTML page)'],
    ['<CHANNEL HREF="http://example.org/"><TITLE>CDF</TITLE></CHANNEL>', 'not a feed (CDF document)'],
    ['<note><to>Tove</to></note>', 'not a feed (root element <note>)'],
    ['<entry><title>alone</title></entry>', 'not a feed (a lone <entry> fragment)'],
    ['{"version": "https://jsonfeed.org/version/1"}', 'not a feed (JSON document)'],
  ])('reports %j as %s', async (text, reason) => {
    expect(await parseFeedText(text)).toEqual({ ok: false, reason });
  });

  it('turns rss-parser throwing inside its callback into a malformed-feed reason and stays usable', async () => {
    // An Atom <link/> without attributes makes rss-parser read `.$.rel` of undefined inside xml2js' callback.
    const broken = await parseFeedText('<feed xmlns="http://www.w3.org/2005/Atom"><link/><entry><title>x</title></entry></feed>');
    expect(broken.ok).toBe(false);
    if (broken.ok) return;
    expect(broken.reason).toMatch(/^malformed feed: /);
    expect(PARSE_FAILURE_FORMS.some((form) => form.test(broken.reason))).toBe(true);
    const next = await parsedOk(rss2(item('Still works')));
    expect(next.feed.items[0]?.title).toBe('Still works');
  });
});
