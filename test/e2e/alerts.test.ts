import { afterEach, describe, expect, it } from 'vitest';
import { rssFeed, type FeedItemSpec, type FeedServer } from '../fakes/feed-server.js';
import { alertTitles, cleanUpE2e, makeE2eConfig, startE2eFeedServer, sleep, spawnBot } from './bot-process.js';

afterEach(cleanUpE2e);

const BACKLOG = 'M23 rebels tighten grip on Rubaya coltan mines';
const NEWS = 'M23 fighters seize Nyabiondo after heavy clashes with the FARDC';
const OLD = 'M23 reopens the Bunagana border post to traders';
const NEWS_SUMMARY = 'M23 fighters took control of Nyabiondo in Masisi territory on Monday after heavy clashes with the FARDC.';

/** Resolves once `path` has been requested `count` more times than now (each poll of a feed finishes before the next starts). */
async function polls(feeds: FeedServer, path: string, count: number, timeoutMs = 10_000): Promise<void> {
  const target = feeds.requestsFor(path).length + count;
  const until = Date.now() + timeoutMs;
  while (feeds.requestsFor(path).length < target) {
    if (Date.now() > until) throw new Error(`${path} was not polled ${count} more times within ${timeoutMs} ms`);
    await sleep(50);
  }
}

describe('a subscribed console channel', () => {
  it('gets exactly one alert per new story, an update line for a syndicated copy, and stops cleanly on SIGTERM', async () => {
    const server = await startE2eFeedServer();
    const feeds = server;
    const wireItems: FeedItemSpec[] = [];
    const dailyItems: FeedItemSpec[] = [];
    feeds.route('/wire.xml', { body: () => rssFeed({ title: 'Wire', items: wireItems }) });
    feeds.route('/daily.xml', { body: () => rssFeed({ title: 'Daily', items: dailyItems }) });
    // A newly added feed that answers only once the subscription exists (503 before, retried after 1 s):
    // its first fetch then starts after the subscription, so only the first-fetch rule keeps its backlog quiet.
    let openedAt = Number.POSITIVE_INFINITY;
    const lateFetches: number[] = [];
    const lateBody = () => rssFeed({ title: 'Late', items: [{ title: BACKLOG, link: 'https://late.example/rubaya', guid: 'late-1', description: 'M23 rebels tightened their grip on the Rubaya coltan mines in North Kivu.', pubDate: new Date() }] });
    feeds.route('/late.xml', {
      respond: (_req, res) => {
        if (Date.now() < openedAt) {
          res.writeHead(503, { 'content-type': 'text/plain' }).end('not yet');
          return;
        }
        lateFetches.push(Date.now());
        res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(lateBody());
      },
    });
    const config = await makeE2eConfig([
      { id: 'wire', url: feeds.url('/wire.xml'), title: 'Wire Agency' },
      { id: 'daily', url: feeds.url('/daily.xml'), title: 'Daily Courier' },
      { id: 'late', url: feeds.url('/late.xml'), title: 'Late Gazette' },
    ]);
    const bot = spawnBot(['--config', config.dir, '--db', config.dbPath, 'start']);
    await bot.waitFor(/sitrep ready:/, 20_000, 'the ready line');

    bot.send('/subscribe m23 alerts');
    await bot.waitFor(/Only reports that arrive from now on will be sent\./, 5_000, 'the subscription answer');
    openedAt = Date.now();
    // Two more requests to each feed, two of them answered for the late one: every first fetch has been handled.
    await Promise.all([polls(feeds, '/wire.xml', 2), polls(feeds, '/daily.xml', 2)]);
    while (lateFetches.length < 2) await sleep(50);
    expect(lateFetches[0]).toBeGreaterThanOrEqual(openedAt);
    expect(alertTitles(bot.stdout(), [BACKLOG])).toEqual([]);
    // The backlog is stored all the same.
    bot.send('/latest m23');
    await bot.waitFor((out) => out.includes(`• ${BACKLOG}`), 5_000, 'the backlog story in /latest');

    wireItems.push({ title: NEWS, link: 'https://wire.example/nyabiondo', guid: 'wire-1', description: NEWS_SUMMARY, pubDate: new Date() });
    // Old news first seen now (published 3 days ago, past the 48 h cut-off): stored, never alerted.
    wireItems.push({ title: OLD, link: 'https://wire.example/bunagana', guid: 'wire-0', description: OLD, pubDate: new Date(Date.now() - 72 * 3_600_000) });
    const out = await bot.waitFor((text) => alertTitles(text, [NEWS]).length > 0, 10_000, 'the alert');
    const alert = out.slice(out.indexOf(`## ${NEWS}`)).split('\n\n')[0]!;
    expect(alert.split('\n')[0]).toBe(`## ${NEWS} <https://wire.example/nyabiondo>`);
    expect(alert).toMatch(/^ {2}Wire Agency · just now/m);
    expect(alert).toMatch(/^ {2}Matched m23: .*M23/m);

    // The same item on later polls is not news.
    await polls(feeds, '/wire.xml', 2);
    expect(alertTitles(bot.stdout(), [NEWS])).toHaveLength(1);

    // A syndicated copy from another outlet edits the alert instead of sending a new one.
    dailyItems.push({ title: NEWS, link: 'https://daily.example/africa/nyabiondo', guid: 'daily-1', description: NEWS_SUMMARY, pubDate: new Date() });
    await bot.waitFor(/^↻ .*\+1 sources? \(.+\): /m, 10_000, 'the update line');
    await polls(feeds, '/daily.xml', 2);
    const after = bot.stdout();
    expect(after).toContain(`↻ Wire Agency +1 source (Daily Courier): ${NEWS}`);
    expect(alertTitles(after, [NEWS, BACKLOG, OLD])).toEqual([NEWS]);

    const signalledAt = Date.now();
    bot.child.kill('SIGTERM');
    const exit = await bot.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(5_000);
  });
});
