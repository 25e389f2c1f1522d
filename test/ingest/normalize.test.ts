import { describe, it, expect } from 'vitest';
import { cleanUrl, normalizeItems, publishedDate, SUMMARY_MAX_CHARS, UNTITLED } from '../../src/ingest/normalize.js';
import { parseFeedText, type ParsedFeed } from '../../src/ingest/parse.js';
import { parseFeed } from '../../src/ingest/parse-feed.js';
import { htmlToText, truncateAtWord } from '../../src/ingest/feed-text.js';

/** The text an XML parser gives for escaped markup (the five XML entities). */
const decodeXml = (text: string) =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

const FETCHED_AT = Date.parse('2025-06-01T12:00:00Z');

type ItemSpec = { title?: string; link?: string; guid?: string; description?: string; pubDate?: string; extra?: string };
function makeItem({ title, link, guid, description, pubDate, extra = '' }: ItemSpec): string {
  return (
    '<item>' +
    (title !== undefined ? `<title>${title}</title>` : '') +
    (link !== undefined ? `<link>${link}</link>` : '') +
    (guid !== undefined ? `<guid>${guid}</guid>` : '') +
    (description !== undefined ? `<description>${description}</description>` : '') +
    (pubDate !== undefined ? `<pubDate>${pubDate}</pubDate>` : '') +
    extra +
    '</item>'
  );
}
const makeFeed = (items: string, channel = '<link>https://news.example.org/section/</link>') =>
  `<rss version="2.0"><channel><title>Feed</title>${channel}${items}</channel></rss>`;

async function normalize(xml: string, ctx: { language?: string | null; baseUrl?: string } = {}) {
  const parsed = await parseFeedText(xml);
  if (!parsed.ok) throw new Error(parsed.reason);
  return normalizeItems(parsed.feed, { feedId: 'feed-1', fetchedAt: FETCHED_AT, ...ctx });
}

describe('normalizeItems', () => {
  it('removes tracking parameters and keeps the others', async () => {
    const link = 'https://news.example.org/a?id=7&amp;utm_source=rss&amp;utm_medium=feed&amp;fbclid=x&amp;gclid=y&amp;at_medium=RSS&amp;ocid=z&amp;mc_cid=1&amp;wt_mc=rss.red.ho.ho.rdf.beitrag.beitrag&amp;wt_zmc=x';
    const [item] = await normalize(makeFeed(makeItem({ title: 'T', link })));
    expect(item?.url).toBe('https://news.example.org/a?id=7');
  });

  it('never keeps a login in a link, not even one a relative link inherits from the feed URL', async () => {
    const doc = '<rss version="2.0"><channel><title>Wire</title>' + makeItem({ title: 'T', link: '/news/1' }) + makeItem({ title: 'U', link: 'https://bob:pw@news.example.org/2' }) + '</channel></rss>';
    const items = await normalize(doc, { baseUrl: 'http://alice:s3cret@127.0.0.1:8080/feed.xml' });
    expect(items.map((i) => i.url)).toEqual(['http://127.0.0.1:8080/news/1', 'https://news.example.org/2']);
  });

  it('resolves a relative link against the feed link', async () => {
    const [item] = await normalize(makeFeed(makeItem({ title: 'T', link: '../story/42' })));
    expect(item?.url).toBe('https://news.example.org/story/42');
  });

  it('resolves against the document URL when the feed has no link', async () => {
    const [item] = await normalize(makeFeed(makeItem({ title: 'T', link: '/story/1' }), ''), {
      baseUrl: 'https://final.example.net/feeds/rss.xml',
    });
    expect(item?.url).toBe('https://final.example.net/story/1');
  });

  it('drops a javascript: link but keeps the item', async () => {
    const [item] = await normalize(makeFeed(makeItem({ title: 'Kept', link: 'javascript:alert(1)' })));
    expect(item?.title).toBe('Kept');
    expect(item?.url).toBeNull();
  });

  it('strips HTML from title and summary, drops script contents and decodes entities', async () => {
    const description =
      '&lt;p&gt;M23 &amp;amp; FARDC &lt;b&gt;clash&lt;/b&gt; near&amp;nbsp;Sake&lt;/p&gt;&lt;script&gt;steal(document.cookie)&lt;/script&gt;&lt;style&gt;p{color:red}&lt;/style&gt;';
    const [item] = await normalize(makeFeed(makeItem({ title: '&lt;i&gt;Ceasefire&lt;/i&gt;   holds', description })));
    expect(item?.title).toBe('Ceasefire holds');
    expect(item?.summary).toBe('M23 & FARDC clash near Sake');
  });

  it('bounds the summary at a word boundary with an ellipsis', async () => {
    const long = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');
    const [item] = await normalize(makeFeed(makeItem({ title: 'T', description: long })));
    expect(item?.summary.length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
    expect(item?.summary.endsWith('…')).toBe(true);
    expect(item?.summary).toMatch(/word\d+…$/);
  });

  it('summarizes a long HTML article exactly as if the whole article were converted', async () => {
    const paragraph = (i: number) => `&lt;p&gt;Paragraph ${i}: M23 &amp;amp; FARDC fighting near &lt;b&gt;Sake&lt;/b&gt;, day ${i}.&lt;/p&gt;`;
    const article = Array.from({ length: 400 }, (_, i) => paragraph(i)).join('');
    // An article whose first kilobytes are mostly a script: they hold too little text for a summary.
    const scripted = `&lt;p&gt;Intro.&lt;/p&gt;&lt;script&gt;${'x'.repeat(20_000)}&lt;/script&gt;${article}`;
    const items = await normalize(makeFeed(makeItem({ title: 'A', description: article }) + makeItem({ title: 'B', description: scripted })));
    const summaryOf = (html: string) => truncateAtWord(htmlToText(decodeXml(html)), SUMMARY_MAX_CHARS);
    expect(summaryOf(article).startsWith('Paragraph 0: M23 & FARDC fighting near Sake, day 0.')).toBe(true);
    expect(summaryOf(scripted).startsWith('Intro. Paragraph 0:')).toBe(true);
    expect(items.map((item) => item.summary)).toEqual([summaryOf(article), summaryOf(scripted)]);
  });

  it('takes a title from the summary, else the link, else calls the entry untitled', async () => {
    const items = await normalize(
      makeFeed(
        makeItem({ description: 'Talks in Doha resumed on Monday.', guid: 'a' }) +
          makeItem({ link: 'https://x.org/', guid: 'b' }) +
          makeItem({ guid: 'c' }),
      ),
    );
    expect(items.map((i) => i.title)).toEqual(['Talks in Doha resumed on Monday.', 'https://x.org/', UNTITLED]);
  });

  it('clamps a date in the future to fetchedAt and marks it estimated', async () => {
    const [item] = await normalize(makeFeed(makeItem({ title: 'T', pubDate: 'Mon, 01 Jan 2035 00:00:00 GMT' })));
    expect(item?.publishedAt).toBe(FETCHED_AT);
    expect(item?.publishedAtEstimated).toBe(true);
  });

  it('estimates a missing or unparsable date as fetchedAt, keeps a good one', async () => {
    const items = await normalize(
      makeFeed(
        makeItem({ title: 'No date', guid: '1' }) +
          makeItem({ title: 'Bad date', guid: '2', pubDate: 'sometime last week' }) +
          makeItem({ title: 'Good date', guid: '3', pubDate: 'Sun, 01 Jun 2025 08:30:00 GMT' }),
      ),
    );
    expect(items.map((i) => [i.publishedAt, i.publishedAtEstimated])).toEqual([
      [FETCHED_AT, true],
      [FETCHED_AT, true],
      [Date.parse('2025-06-01T08:30:00Z'), false],
    ]);
  });

  it('flattens xml2js objects in title, guid and link', async () => {
    const xml =
      '<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title><entry>' +
      '<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Goma <b>airport</b> reopens</div></title>' +
      '<id type="x">urn:entry:1</id><link href="https://example.org/goma"/></entry></feed>';
    const [item] = await normalize(xml);
    expect(item?.title).toContain('Goma');
    expect(item?.title).toContain('airport');
    expect(typeof item?.title).toBe('string');
    expect(item?.url).toBe('https://example.org/goma');
  });

  it('dedupes items with the same id within one document', async () => {
    const items = await normalize(makeFeed(makeItem({ title: 'A', guid: 'same' }) + makeItem({ title: 'A again', guid: 'same' })));
    expect(items.map((i) => i.title)).toEqual(['A']);
  });

  it('keeps a second story that reuses an earlier entry\'s guid under another link, with a stable id of its own', async () => {
    const doc = makeFeed(
      makeItem({ title: 'M23 shells Rutshuru', guid: 'dup', link: 'https://news.example/rutshuru' }) +
        makeItem({ title: 'Talks open in Bunia', guid: 'dup', link: 'https://news.example/bunia' }) +
        makeItem({ title: 'M23 shells Rutshuru (listed again)', guid: 'dup', link: 'https://news.example/rutshuru' }),
    );
    const items = await normalize(doc);
    expect(items.map((i) => i.title)).toEqual(['M23 shells Rutshuru', 'Talks open in Bunia']);
    expect(new Set(items.map((i) => i.id)).size).toBe(2);
    expect((await normalize(doc)).map((i) => i.id)).toEqual(items.map((i) => i.id));
  });

  it('keeps the guid\'s id for the earliest of the entries sharing it, wherever the feed lists them', async () => {
    const older = makeItem({ title: 'M23 shells Rutshuru', guid: 'site', link: 'https://news.example/rutshuru', pubDate: 'Sat, 31 May 2025 08:00:00 GMT' });
    const newer = makeItem({ title: 'Talks stall in Doha', guid: 'site', link: 'https://news.example/doha', pubDate: 'Sat, 31 May 2025 10:00:00 GMT' });
    const [alone] = await normalize(makeFeed(older));
    // The next poll lists the new story first, as feeds do.
    const both = await normalize(makeFeed(newer + older));
    expect(both.map((i) => i.title)).toEqual(['Talks stall in Doha', 'M23 shells Rutshuru']);
    expect(both[1]?.id).toBe(alone?.id);
    expect(both[0]?.id).not.toBe(alone?.id);
    expect((await normalize(makeFeed(older + newer))).map((i) => i.id)).toEqual([both[1]?.id, both[0]?.id]);
  });

  it('uses the item language, then the feed, then the config', async () => {
    const extra = '<dc:language>fr</dc:language>';
    const ns = ' version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"';
    const withItem = await normalize(`<rss${ns}><channel><language>en-US</language>${makeItem({ title: 'T', extra })}</channel></rss>`);
    expect(withItem[0]?.language).toBe('fr');
    const withFeed = await normalize(`<rss${ns}><channel><language>en-US</language>${makeItem({ title: 'T' })}</channel></rss>`);
    expect(withFeed[0]?.language).toBe('en');
    const withConfig = await normalize(makeFeed(makeItem({ title: 'T' })), { language: 'sw' });
    expect(withConfig[0]?.language).toBe('sw');
  });

  it("takes an Atom feed's language from xml:lang on <feed>, after <language> or dc:language", async () => {
    const entry = '<entry><title>Goma</title><id>urn:1</id><updated>2025-05-30T10:00:00Z</updated></entry>';
    const atom = (attributes: string, inside = '') =>
      `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"${attributes}><title>F</title>${inside}${entry}</feed>`;
    expect((await normalize(atom(' xml:lang="fr-CD"')))[0]?.language).toBe('fr');
    expect((await normalize(atom(" xml:lang = 'sw'")))[0]?.language).toBe('sw');
    expect((await normalize(atom(' xml:lang=""'), { language: 'en' }))[0]?.language).toBe('en');
    const dc = ' xmlns:dc="http://purl.org/dc/elements/1.1/" xml:lang="fr"';
    expect((await normalize(atom(dc, '<dc:language>en</dc:language>')))[0]?.language).toBe('en');
    // The attribute of the root only: an xml:lang further down is some element's own.
    expect((await normalize(atom('', '<subtitle xml:lang="fr">x</subtitle>'), { language: 'en' }))[0]?.language).toBe('en');
  });

  it("takes an entry's own xml:lang over its feed's, and the entry's dc:language over both", async () => {
    const entry = (attributes: string, inside = '') =>
      `<entry${attributes}><title>Goma</title><id>urn:${attributes.length}:${inside.length}</id>${inside}<updated>2025-05-30T10:00:00Z</updated></entry>`;
    const dc = ' xmlns:dc="http://purl.org/dc/elements/1.1/"';
    const items = await normalize(
      `<feed xmlns="http://www.w3.org/2005/Atom"${dc} xml:lang="en"><title>F</title>` +
        entry(' xml:lang="fr-CD"') +
        entry('') +
        entry(' xml:lang="fr"', '<dc:language>sw</dc:language>') +
        entry(' xml:lang=""') +
        '</feed>',
    );
    expect(items.map((i) => i.language)).toEqual(['fr', 'en', 'sw', 'en']);
    // RSS allows the attribute on <item> too.
    const rss = await normalize(makeFeed(makeItem({ title: 'T', guid: 'a' }).replace('<item>', '<item xml:lang="fr">') + makeItem({ title: 'U', guid: 'b' })), {
      language: 'en',
    });
    expect(rss.map((i) => i.language)).toEqual(['fr', 'en']);
  });

  it('survives an empty parsed feed object', () => {
    expect(normalizeItems({ items: [] } as ParsedFeed, { feedId: 'f', fetchedAt: FETCHED_AT })).toEqual([]);
  });
});

describe('ids', () => {
  it('stay the same across two parses, also for undated items without guid or link', async () => {
    const xml = new TextEncoder().encode(
      makeFeed(makeItem({ title: 'Undated, no link' }) + makeItem({ title: 'G', guid: 'g-1' }) + makeItem({ title: 'L', link: 'https://x.org/l' })),
    );
    const first = await parseFeed(xml, { feedId: 'kivu', fetchedAt: FETCHED_AT });
    const second = await parseFeed(xml, { feedId: 'kivu', fetchedAt: FETCHED_AT + 3_600_000 });
    if (!first.ok || !second.ok) throw new Error('parse failed');
    expect(first.items.map((i) => i.id)).toEqual(second.items.map((i) => i.id));
    expect(new Set(first.items.map((i) => i.id)).size).toBe(3);
    expect(first.items[0]?.id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('differ between feeds for the same guid', async () => {
    const xml = new TextEncoder().encode(makeFeed(makeItem({ title: 'G', guid: 'g-1' })));
    const a = await parseFeed(xml, { feedId: 'a', fetchedAt: FETCHED_AT });
    const b = await parseFeed(xml, { feedId: 'b', fetchedAt: FETCHED_AT });
    expect(a.ok && b.ok && a.items[0]?.id !== b.items[0]?.id).toBe(true);
  });

  it('ignore tracking parameters when an item has only a link', async () => {
    const one = await normalize(makeFeed(makeItem({ title: 'T', link: 'https://x.org/s?utm_source=a' })));
    const two = await normalize(makeFeed(makeItem({ title: 'T', link: 'https://x.org/s?utm_source=b' })));
    expect(one[0]?.id).toBe(two[0]?.id);
  });
});

describe('helpers', () => {
  it('cleanUrl keeps only http(s) and leaves an untouched query as it was', () => {
    expect(cleanUrl('mailto:a@b.org')).toBeNull();
    expect(cleanUrl('data:text/html,x')).toBeNull();
    expect(cleanUrl('https://x.org/a?q=a%20b&p=1')).toBe('https://x.org/a?q=a%20b&p=1');
    expect(cleanUrl('https://x.org/a#xtor=RSS-1')).toBe('https://x.org/a');
  });

  it('publishedDate reads Central and West Africa Time and French month names, and takes a 1970 date for none', () => {
    expect(publishedDate('Sat, 29 Nov 2025 10:00:00 CAT', FETCHED_AT + 400 * 86_400_000)).toEqual({ publishedAt: Date.UTC(2025, 10, 29, 8), publishedAtEstimated: false });
    expect(publishedDate('Sat, 29 Nov 2025 10:00:00 WAT', FETCHED_AT + 400 * 86_400_000).publishedAt).toBe(Date.UTC(2025, 10, 29, 9));
    expect(publishedDate('mar., 3 déc. 2024 08:15:00 +0100', FETCHED_AT + 400 * 86_400_000).publishedAt).toBe(Date.UTC(2024, 11, 3, 7, 15));
    expect(publishedDate('12 août 2024 10:00 GMT', FETCHED_AT + 400 * 86_400_000).publishedAt).toBe(Date.UTC(2024, 7, 12, 10));
    expect(publishedDate('Mar 03 2025 10:00:00 CAT', FETCHED_AT).publishedAt).toBe(Date.UTC(2025, 2, 3, 8));
    expect(publishedDate('1er mars 2025 à 10h30 cat', FETCHED_AT).publishedAt).toBe(Date.UTC(2025, 2, 1, 8, 30));
    expect(publishedDate('Thu, 01 Jan 1970 00:00:00 GMT', FETCHED_AT)).toEqual({ publishedAt: FETCHED_AT, publishedAtEstimated: true });
    expect(publishedDate('0001-01-01T00:00:00Z', FETCHED_AT)).toEqual({ publishedAt: FETCHED_AT, publishedAtEstimated: true });
    expect(publishedDate('Sat, 29 Nov 2025 10:00:00 XYZ', FETCHED_AT)).toEqual({ publishedAt: FETCHED_AT, publishedAtEstimated: true });
  });

  it('publishedDate trusts a date a few minutes ahead (clock skew)', () => {
    expect(publishedDate(new Date(FETCHED_AT + 5 * 60_000).toISOString(), FETCHED_AT)).toEqual({
      publishedAt: FETCHED_AT + 5 * 60_000,
      publishedAtEstimated: false,
    });
  });
});
