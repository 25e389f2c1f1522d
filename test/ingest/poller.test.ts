import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createManualClock } from '../../src/clock.js';
import { fetchFeed } from '../../src/ingest/fetch.js';
import { parseFeed } from '../../src/ingest/parse-feed.js';
import { createPoller, type FeedSource, type PollerDeps } from '../../src/ingest/poller.js';
import { createSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import { rssFeed, startFeedServer, type FeedItemSpec } from '../fakes/feed-server.js';

const MINUTE = 60_000;
const T0 = Date.parse('2025-06-01T12:00:00Z');

function items(...guids: string[]): FeedItemSpec[] {
  return guids.map((guid) => ({ title: `M23 news ${guid}`, guid }));
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(overrides: Partial<PollerDeps> = {}) {
  const server = await startFeedServer();
  const clock = createManualClock(T0);
  const store: SqliteStore = createSqliteStore(':memory:', clock);
  cleanups.push(() => server.close(), () => store.close());
  const calls: Array<{ feedId: string; titles: string[]; firstFetch: boolean }> = [];
  const feed = (id: string, extra: Partial<FeedSource> = {}): FeedSource => ({
    id,
    url: server.url(`/${id}.xml`),
    intervalMs: 5 * MINUTE,
    enabled: true,
    ...extra,
  });
  const make = (feeds: FeedSource[], more: Partial<PollerDeps> = {}) => {
    const poller = createPoller({
      feeds,
      store,
      clock,
      fetchFeed,
      parseFeed,
      fetchOptions: { timeoutMs: 2000 },
      onNewItems: (feedId, fresh, { firstFetch }) => {
        calls.push({ feedId, titles: fresh.map((i) => i.title), firstFetch });
      },
      ...overrides,
      ...more,
    });
    cleanups.push(() => poller.stop());
    return poller;
  };
  return { server, clock, store, calls, feed, make };
}

describe('pollOnce', () => {
  it('stores the good feeds while a failing and a hanging one are recorded as failures', async () => {
    const { server, store, feed, make } = await setup();
    server.route('/okapi.xml', { body: rssFeed({ title: 'Okapi', items: items('1', '2') }) });
    server.route('/rfi.xml', { body: rssFeed({ title: 'RFI', items: items('a') }) });
    server.route('/broken.xml', { status: 500 });
    server.route('/hanging.xml', { hang: 'headers' });
    const poller = make([feed('okapi'), feed('broken'), feed('rfi'), feed('hanging', { timeoutMs: 300 })]);

    const reports = await poller.pollOnce();

    expect(reports.map((r) => [r.feedId, r.status, r.newItems])).toEqual([
      ['okapi', 'new', 2],
      ['broken', 'failed', 0],
      ['rfi', 'new', 1],
      ['hanging', 'failed', 0],
    ]);
    expect(reports[1]?.error).toMatch(/^HTTP 500/);
    expect(reports[3]?.error).toBe('timed out after 300 ms');
    expect(store.countItems()).toBe(3);
    const health = Object.fromEntries(store.listFeedHealth().map((s) => [s.feedId, s]));
    expect(health.broken).toMatchObject({ consecutiveFailures: 1, lastSuccessAt: null, nextAttemptAt: T0 + 5 * MINUTE });
    expect(health.broken?.lastError).toMatch(/^HTTP 500/);
    expect(health.okapi).toMatchObject({ consecutiveFailures: 0, lastSuccessAt: T0, lastError: null });

    await poller.pollOnce();
    expect(store.getFeedState('broken')).toMatchObject({ consecutiveFailures: 2, nextAttemptAt: T0 + 10 * MINUTE });
  });

  it('does not let a slow feed delay the others', async () => {
    const { server, feed, make } = await setup();
    server.route('/slow.xml', { delayMs: 1500, body: rssFeed({ title: 'Slow', items: items('s') }) });
    for (const id of ['fast1', 'fast2', 'fast3']) server.route(`/${id}.xml`, { body: rssFeed({ title: id, items: items(id) }) });
    const finished: Record<string, number> = {};
    const started = performance.now();
    const poller = make([feed('slow'), feed('fast1'), feed('fast2'), feed('fast3')], {
      concurrency: 2,
      onNewItems: (feedId) => {
        finished[feedId] = performance.now() - started;
      },
    });

    await poller.pollOnce();

    expect(finished.slow).toBeGreaterThanOrEqual(1400);
    // Relative, not absolute, so a loaded machine does not make it flaky: each fast feed is done long
    // before the slow one answers.
    for (const id of ['fast1', 'fast2', 'fast3']) expect(finished[id]).toBeLessThan(finished.slow! - 500);
  });

  it('never runs more fetches at once than its concurrency', async () => {
    const { server, feed, make } = await setup();
    let active = 0;
    let peak = 0;
    const ids = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6'];
    for (const id of ids) {
      server.route(`/${id}.xml`, {
        respond: (_req, res) => {
          active++;
          peak = Math.max(peak, active);
          setTimeout(() => {
            active--;
            res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed({ title: id, items: [] }));
          }, 80);
        },
      });
    }
    const reports = await make(ids.map((id) => feed(id)), { concurrency: 3 }).pollOnce();
    expect(reports.every((r) => r.status === 'unchanged')).toBe(true);
    expect(peak).toBe(3);
  });

  it('fetches the next feed while one is being parsed, and holds at most twice its concurrency of feeds', async () => {
    const { server, feed, make } = await setup();
    const ids = ['a', 'b', 'c'];
    for (const id of ids) server.route(`/${id}.xml`, { body: rssFeed({ title: id, items: items(id) }) });
    // Parsing of a and b waits until released: the CPU stage is "busy" while the network is free.
    const gates = new Map<string, () => void>();
    const parsing: string[] = [];
    const gatedParse: PollerDeps['parseFeed'] = async (bytes, context) => {
      parsing.push(context.feedId);
      if (context.feedId !== 'c') await new Promise<void>((resolve) => gates.set(context.feedId, resolve));
      return parseFeed(bytes, context);
    };
    const poll = make(ids.map((id) => feed(id)), { concurrency: 1, parseFeed: gatedParse }).pollOnce();
    // A failed expectation must not leave parses waiting for the poller's stop() at cleanup.
    cleanups.push(() => gates.forEach((release) => release()));
    const requested = (id: string) => server.requestsFor(`/${id}.xml`).length;
    const until = async (condition: () => boolean) => {
      for (let waited = 0; !condition(); waited += 10) {
        if (waited > 2000) throw new Error('timed out waiting');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };

    // a is parsing and holds no fetch slot, so b is fetched (concurrency 1) and reaches parsing too.
    await until(() => parsing.includes('b'));
    expect(requested('b')).toBe(1);
    // Two feeds in progress is the bound for concurrency 1: c waits, its body is not fetched yet.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(requested('c')).toBe(0);
    gates.get('a')!();
    await until(() => requested('c') === 1);
    gates.get('b')!();

    const reports = await poll;
    expect(reports.map((r) => [r.feedId, r.status, r.newItems])).toEqual([
      ['a', 'new', 1],
      ['b', 'new', 1],
      ['c', 'new', 1],
    ]);
  });

  it('sends the validators on the next poll and stores nothing new on 304', async () => {
    const { server, store, calls, feed, make } = await setup();
    server.route('/okapi.xml', {
      etag: '"v1"',
      lastModified: 'Sun, 01 Jun 2025 11:00:00 GMT',
      body: rssFeed({ title: 'Okapi', items: items('1', '2') }),
    });
    const poller = make([feed('okapi')]);

    expect((await poller.pollOnce())[0]).toEqual({ feedId: 'okapi', status: 'new', newItems: 2 });
    expect(await poller.pollOnce()).toEqual([{ feedId: 'okapi', status: 'unchanged', newItems: 0 }]);

    const [first, second] = server.requestsFor('/okapi.xml');
    expect(first?.headers['if-none-match']).toBeUndefined();
    expect(second?.headers['if-none-match']).toBe('"v1"');
    expect(second?.headers['if-modified-since']).toBe('Sun, 01 Jun 2025 11:00:00 GMT');
    expect(store.countItems()).toBe(2);
    expect(calls).toHaveLength(1);
    expect(store.getFeedState('okapi')).toMatchObject({ etag: '"v1"', consecutiveFailures: 0 });
  });

  it('fetches a feed whose URL changed as a new feed: no old validators, old failures or backoff, a silent backlog', async () => {
    const { server, clock, store, calls, feed, make } = await setup();
    server.route('/old.xml', { etag: '"v9"', lastModified: 'Wed, 01 Jan 2025 00:00:00 GMT', body: rssFeed({ title: 'Old', items: items('1') }) });
    await make([feed('outlet', { url: server.url('/old.xml') })]).pollOnce();
    server.route('/old.xml', { status: 500 });
    clock.advance(10 * MINUTE);
    await make([feed('outlet', { url: server.url('/old.xml') })]).pollOnce();
    expect(store.getFeedState('outlet')).toMatchObject({ consecutiveFailures: 1, etag: '"v9"' });

    // The same id, a new URL (the old one's validators would get a 304 from a server honouring them).
    server.route('/new.xml', { etag: '"n1"', body: rssFeed({ title: 'New', items: items('x', 'y') }) });
    const moved = make([feed('outlet', { url: server.url('/new.xml') })]);
    // Due at once, though the old URL's backoff was still running.
    moved.start();
    await vi.waitFor(() => expect(server.requestsFor('/new.xml')).toHaveLength(1));
    await moved.stop();
    const [request] = server.requestsFor('/new.xml');
    expect(request?.headers['if-none-match']).toBeUndefined();
    expect(request?.headers['if-modified-since']).toBeUndefined();
    expect(calls.at(-1)).toEqual({ feedId: 'outlet', titles: ['M23 news x', 'M23 news y'], firstFetch: true });
    expect(store.getFeedState('outlet')).toMatchObject({ consecutiveFailures: 0, etag: '"n1"', url: server.url('/new.xml') });
  });

  it('holds a gzip body sent without Content-Encoding to the feed\'s maxBytes once unpacked', async () => {
    const { server, store, feed, make } = await setup();
    const big = rssFeed({ title: 'Big', items: [{ title: 'M23 news big', guid: 'big', description: 'x'.repeat(300_000) }] });
    server.route('/big.xml', { respond: (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(gzipSync(big)) });
    const [report] = await make([feed('big', { maxBytes: 100_000 })]).pollOnce();
    expect(report).toEqual({ feedId: 'big', status: 'failed', newItems: 0, error: 'parse error: body larger than 100000 bytes once unpacked' });
    expect(store.countItems()).toBe(0);
    expect((await make([feed('big', { maxBytes: 1_000_000 })]).pollOnce())[0]).toMatchObject({ status: 'new', newItems: 1 });
  });

  it('flags only the first successful fetch of a feed as its backlog', async () => {
    const { server, clock, calls, feed, make } = await setup();
    server.route('/rfi.xml', { status: 503 });
    const poller = make([feed('rfi')]);

    await poller.pollOnce();
    expect(calls).toEqual([]);

    let shown = ['a', 'b'];
    server.route('/rfi.xml', { body: () => rssFeed({ title: 'RFI', items: items(...shown) }) });
    clock.advance(MINUTE);
    await poller.pollOnce();
    shown = ['c', 'a', 'b'];
    clock.advance(MINUTE);
    await poller.pollOnce();

    expect(calls).toEqual([
      { feedId: 'rfi', titles: ['M23 news a', 'M23 news b'], firstFetch: true },
      { feedId: 'rfi', titles: ['M23 news c'], firstFetch: false },
    ]);
  });

  it('waits for a longer Retry-After and counts parse failures as failures', async () => {
    const { server, store, feed, make } = await setup();
    server.route('/busy.xml', { status: 429, headers: { 'retry-after': '7200' } });
    server.route('/html.xml', { contentType: 'text/html', body: '<html><body>Not a feed</body></html>' });
    const reports = await make([feed('busy'), feed('html')]).pollOnce();

    expect(store.getFeedState('busy')).toMatchObject({ consecutiveFailures: 1, nextAttemptAt: T0 + 7_200_000 });
    expect(reports[1]).toEqual({ feedId: 'html', status: 'failed', newItems: 0, error: 'parse error: not a feed (HTML page)' });
    expect(store.getFeedState('html')).toMatchObject({ consecutiveFailures: 1, lastError: 'parse error: not a feed (HTML page)' });
  });

  it('stores the whole items of a feed cut off mid-item, says it was repaired, and takes the cut item whole next time', async () => {
    const { server, store, feed, make } = await setup();
    const whole = rssFeed({ title: 'Cut', items: [{ title: 'M23 news 1', guid: '1' }, { title: 'M23 rebels take the hills', guid: '2', link: 'https://cut.example/2' }] });
    const cut = whole.slice(0, whole.indexOf('rebels take') + 'rebels ta'.length);
    let body = cut;
    server.route('/cut.xml', { respond: (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body) });
    const infos: { msg: string | undefined; obj: object }[] = [];
    const poller = make([feed('cut')], { logger: { info: (obj, msg) => infos.push({ obj, msg }), warn: () => {}, error: () => {} } });

    expect(await poller.pollOnce()).toEqual([{ feedId: 'cut', status: 'new', newItems: 1 }]);
    expect(infos.find((entry) => entry.msg === 'feed XML repaired')?.obj).toEqual({ feedId: 'cut', repairs: ['closed tags left open at end of file'] });
    expect(store.getFeedState('cut')?.repairs).toEqual(['closed tags left open at end of file']);
    body = whole;
    expect(await poller.pollOnce()).toEqual([{ feedId: 'cut', status: 'new', newItems: 1 }]);
    expect(store.getFeedState('cut')?.repairs).toEqual([]);
    const stored = store.db.prepare('SELECT title, url FROM items ORDER BY title').all();
    expect(stored).toEqual([
      { title: 'M23 news 1', url: null },
      { title: 'M23 rebels take the hills', url: 'https://cut.example/2' },
    ]);
  });

  it('skips disabled feeds and survives a consumer that throws', async () => {
    const { server, store, feed, make } = await setup();
    server.route('/okapi.xml', { body: rssFeed({ title: 'Okapi', items: items('1') }) });
    const errors: object[] = [];
    const poller = make([feed('okapi'), feed('off', { enabled: false })], {
      onNewItems: () => Promise.reject(new Error('consumer broke')),
      logger: { info: () => {}, warn: () => {}, error: (obj) => errors.push(obj) },
    });

    expect(await poller.pollOnce()).toEqual([{ feedId: 'okapi', status: 'new', newItems: 1 }]);
    expect(server.requestsFor('/off.xml')).toHaveLength(0);
    expect(store.getFeedState('okapi')?.consecutiveFailures).toBe(0);
    expect(errors).toEqual([{ feedId: 'okapi', err: 'consumer broke' }]);
  });

  it('stores new items and what the in-transaction consumer writes together, or neither', async () => {
    const { server, store, feed, make } = await setup();
    server.route('/okapi.xml', { body: rssFeed({ title: 'Okapi', items: items('1', '2') }) });
    store.db.exec('CREATE TABLE consumed (item_id TEXT)');
    const record = store.db.prepare('INSERT INTO consumed (item_id) VALUES (?)');
    let crash = true;
    const poller = make([feed('okapi')], {
      transaction: (fn) => store.db.transaction(fn)(),
      onNewItemsInTransaction: (_feedId, fresh) => {
        for (const item of fresh) record.run(item.id);
        if (crash) throw new Error('died while queueing alerts');
      },
    });

    expect((await poller.pollOnce())[0]?.status).toBe('failed');
    expect(store.countItems()).toBe(0);
    expect(store.db.prepare('SELECT count(*) AS n FROM consumed').get()).toEqual({ n: 0 });

    crash = false;
    expect(await poller.pollOnce()).toEqual([{ feedId: 'okapi', status: 'new', newItems: 2 }]);
    expect(store.countItems()).toBe(2);
    expect(store.db.prepare('SELECT count(*) AS n FROM consumed').get()).toEqual({ n: 2 });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the scheduler', () => {
  it('polls each feed on its interval and a failing one only at its backoff time', async () => {
    const { server, clock, store, feed, make } = await setup();
    server.route('/okapi.xml', { body: rssFeed({ title: 'Okapi', items: items('1') }) });
    server.route('/broken.xml', { status: 500 });
    const poller = make([feed('okapi'), feed('broken', { intervalMs: 2 * MINUTE })], { tickMs: 10 });
    const hits = (id: string) => server.requestsFor(`/${id}.xml`).length;
    // Wait for the outcome to be recorded, not just for the request: backoff counts from the failure.
    const failures = (id: string) => store.getFeedState(id)?.consecutiveFailures ?? 0;
    const successes = (id: string) => store.getFeedState(id)?.lastSuccessAt ?? null;

    poller.start();
    await waitFor(() => successes('okapi') === T0 && failures('broken') === 1);

    clock.advance(2 * MINUTE); // broken backs off 2 min after its first failure
    await waitFor(() => failures('broken') === 2);
    clock.advance(3 * MINUTE - 1); // second failure: 4 min from T0 + 2 min; okapi due at T0 + 5 min
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect([hits('okapi'), hits('broken')]).toEqual([1, 2]);

    clock.advance(1);
    await waitFor(() => successes('okapi') === T0 + 5 * MINUTE);
    expect(hits('okapi')).toBe(2);
    expect(hits('broken')).toBe(2);
    clock.advance(MINUTE);
    await waitFor(() => failures('broken') === 3);
    expect(hits('broken')).toBe(3);
    await poller.stop();
  });

  it('resumes the backoff recorded before a restart', async () => {
    const { server, clock, store, feed, make } = await setup();
    server.route('/broken.xml', { status: 500 });
    store.recordFetchFailure('broken', { error: 'HTTP 500', at: T0 - MINUTE, nextAttemptAt: T0 + 10 * MINUTE });
    const poller = make([feed('broken')], { tickMs: 10 });

    poller.start();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(server.requestsFor('/broken.xml')).toHaveLength(0);
    clock.advance(10 * MINUTE);
    await waitFor(() => server.requestsFor('/broken.xml').length === 1);
    await poller.stop();
  });

  it('never fetches one feed twice at once, and stop() aborts a hung fetch after the grace period', async () => {
    const { server, clock, store, feed, make } = await setup();
    server.route('/hanging.xml', { hang: 'headers' });
    const poller = make([feed('hanging', { intervalMs: 1000, timeoutMs: 60_000 })], { tickMs: 5, stopGraceMs: 100 });

    poller.start();
    await waitFor(() => server.requestsFor('/hanging.xml').length === 1);
    for (let i = 0; i < 5; i++) {
      clock.advance(10_000);
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    expect(server.requestsFor('/hanging.xml')).toHaveLength(1);

    const stopping = performance.now();
    await poller.stop();
    const took = performance.now() - stopping;
    expect(took).toBeGreaterThanOrEqual(90);
    expect(took).toBeLessThan(1500);
    // Cut short by shutdown: not held against the feed.
    expect(store.getFeedState('hanging')).toBeNull();
  });
});
