import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Parser from 'rss-parser';
import { atomFeed, rssFeed, startFeedServer, type FeedServer } from './feed-server.js';

const items = [
  { title: 'Doha : M23 & Kinshasa <signent>', link: 'https://example.org/a?x=1&y=2', guid: 'a', description: 'Cessez-le-feu', pubDate: new Date('2025-06-01T10:00:00Z') },
  { title: 'Second item', link: 'https://example.org/b' },
];

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});

describe('feed XML helpers', () => {
  it('builds RSS that rss-parser reads back with escaped text intact', async () => {
    const feed = await new Parser().parseString(rssFeed({ title: 'RFI & co', language: 'fr', items }));
    expect(feed.title).toBe('RFI & co');
    expect(feed.items.map((i) => i.title)).toEqual(['Doha : M23 & Kinshasa <signent>', 'Second item']);
    expect(feed.items[0]?.link).toBe('https://example.org/a?x=1&y=2');
    expect(feed.items[0]?.guid).toBe('a');
    expect(feed.items[0]?.isoDate).toBe('2025-06-01T10:00:00.000Z');
  });

  it('builds Atom that rss-parser reads back', async () => {
    const feed = await new Parser().parseString(atomFeed({ title: 'Atom feed', items }));
    expect(feed.title).toBe('Atom feed');
    expect(feed.items.map((i) => i.title)).toEqual(['Doha : M23 & Kinshasa <signent>', 'Second item']);
    expect(feed.items[0]?.link).toBe('https://example.org/a?x=1&y=2');
    expect(feed.items[0]?.isoDate).toBe('2025-06-01T10:00:00.000Z');
  });
});

describe('startFeedServer', () => {
  it('answers 304 only to a matching If-None-Match and records the request headers', async () => {
    server.route('/v.xml', { body: 'x', etag: '"1"' });
    const miss = await fetch(server.url('/v.xml'), { headers: { 'if-none-match': '"0"' } });
    const hit = await fetch(server.url('/v.xml'), { headers: { 'if-none-match': '"1"' } });
    expect([miss.status, hit.status]).toEqual([200, 304]);
    expect(server.requestsFor('/v.xml').map((r) => r.headers['if-none-match'])).toEqual(['"0"', '"1"']);
  });

  it('serves a body function afresh on every request', async () => {
    let n = 0;
    server.route('/n.xml', { body: () => `n=${++n}` });
    expect(await (await fetch(server.url('/n.xml'))).text()).toBe('n=1');
    expect(await (await fetch(server.url('/n.xml'))).text()).toBe('n=2');
  });

  it('answers 500 routes that each wait 100 ms concurrently, all within two seconds', async () => {
    for (let i = 0; i < 500; i++) server.route(`/bench/${i}.xml`, { body: rssFeed({ title: `f${i}`, items }), delayMs: 100 });
    const started = performance.now();
    const statuses = await Promise.all(
      Array.from({ length: 500 }, async (_, i) => {
        const response = await fetch(server.url(`/bench/${i}.xml`));
        await response.text();
        return response.status;
      }),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('closes even while a response hangs', async () => {
    const other = await startFeedServer();
    other.route('/hang.xml', { hang: 'body' });
    const response = await fetch(other.url('/hang.xml'));
    expect(response.status).toBe(200);
    const reading = response.text().catch((error: unknown) => error);
    await other.close();
    expect(await reading).toBeInstanceOf(Error);
  });
});
