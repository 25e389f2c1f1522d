/**
 * Discord end to end: the real `sitrep start` process (bin/sitrep.js, discord.js inside) against the fake
 * Discord REST API and gateway and a local feed server, all on 127.0.0.1. One bot process carries the
 * story (registration, commands, subscriptions, alerts, edits, hostile text, deleted channel, 403/404,
 * SIGTERM); a second one on the same database shows that a restart registers nothing and repeats nothing,
 * and delivers the scheduled digest. Set E2E_DEBUG=1 to see the bot's info logs and every REST call.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord-api-types/v10';
import { startFakeDiscord } from '../fakes/discord-api.js';
import type { FakeDiscord, FakeGuild, RecordedCall } from '../fakes/discord-types.js';
import { rssFeed, startFeedServer, type FeedItemSpec, type FeedServer } from '../fakes/feed-server.js';
import { EPHEMERAL, embedText, member, sleep, slash, spawnBot, until, waitReady, writeConfig, type BotProcess } from './discord-helpers.js';

const TOKEN = 'fake-discord-token.e2e';
const VIEW_AND_SEND = (1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 16n);
const MANAGE_CHANNELS = 1n << 4n;
const COMMANDS = ['status', 'latest', 'topics', 'search', 'digest', 'subscribe', 'unsubscribe', 'subscriptions', 'sources', 'help'];
const HOSTILE = 'M23 rebels advance on Walikale @everyone <@123> [x](javascript:alert(1))';

describe('sitrep start with DISCORD_TOKEN against a fake Discord', () => {
  let fake: FakeDiscord;
  let guild: FakeGuild;
  let feeds: FeedServer;
  let config: { dir: string; db: string };
  let bot: BotProcess;
  let env: Record<string, string>;
  const kivu: FeedItemSpec[] = [];
  const agence: FeedItemSpec[] = [];
  let releaseKivu: () => void = () => {};
  // news will answer 403, alerts 404, old-news is deleted; briefing and the thread stay healthy; ops never subscribes.
  const ch = { news: '', alerts: '', briefing: '', digestRoom: '', ops: '', oldNews: '', thread: '' };
  let manager: { user: FakeDiscord['users']['alice']; permissions: string };
  let plainMember: { user: FakeDiscord['users']['bob']; permissions: string };
  let digestTime = '';
  let rubayaSeenAt = 0;

  const channelPosts = (channelId: string): RecordedCall[] => fake.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${channelId}/messages`);
  const allChannelPosts = (): RecordedCall[] => fake.calls.filter((c) => c.method === 'POST' && /^\/channels\/[^/]+\/messages$/.test(c.path));
  const commandPuts = (): RecordedCall[] => fake.calls.filter((c) => c.method === 'PUT' && c.path.endsWith('/commands'));
  // The fake also keeps interaction answers in a channel's messages; alerts and digests are the bot's own posts.
  const posted = (channelId: string) => fake.messages(channelId).filter((m) => m.webhook_id === undefined);
  const item = (title: string, slug: string): FeedItemSpec => ({ title, link: `https://news.example/${slug}`, guid: slug, pubDate: new Date() });

  beforeAll(async () => {
    fake = await startFakeDiscord({ token: TOKEN, defaultGuild: false });
    guild = fake.addGuild({ channels: ['news', 'alerts', 'briefing', 'digest-room', 'ops', 'old-news'].map((name) => ({ name })) });
    const idOf = (name: string) => String(guild.channels.find((c) => c.name === name)?.id);
    Object.assign(ch, { news: idOf('news'), alerts: idOf('alerts'), briefing: idOf('briefing'), digestRoom: idOf('digest-room'), ops: idOf('ops'), oldNews: idOf('old-news') });
    ch.thread = guild.threadId ?? '';
    manager = member(fake.users.alice, VIEW_AND_SEND | MANAGE_CHANNELS);
    plainMember = member(fake.users.bob, VIEW_AND_SEND);

    feeds = await startFeedServer();
    kivu.push(item('Backlog: Corneille Nangaa addresses AFC/M23 congress in Goma', 'backlog-nangaa'));
    const gate = new Promise<void>((resolve) => (releaseKivu = resolve));
    // The first fetch of Radio Kivu is held until the channels have subscribed, so its backlog is fetched after.
    feeds.route('/kivu.xml', {
      respond: (_req, res) =>
        void gate.then(() => {
          res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
          res.end(rssFeed({ title: 'Radio Kivu', items: kivu }));
        }),
    });
    feeds.route('/agence.xml', { body: () => rssFeed({ title: 'Agence Grands Lacs', items: agence }) });
    config = writeConfig([
      { id: 'radio-kivu', url: feeds.url('/kivu.xml'), title: 'Radio Kivu' },
      { id: 'agence-gl', url: feeds.url('/agence.xml'), title: 'Agence Grands Lacs' },
    ]);
    env = { ...(process.env.E2E_DEBUG ? { SITREP_LOG_LEVEL: 'info' } : {}), DISCORD_TOKEN: TOKEN, DISCORD_API_BASE: fake.restBase, DISCORD_GUILD_ID: guild.id };
    bot = spawnBot(config, env);
    await waitReady(bot);
  }, 30_000);

  afterAll(async () => {
    if (process.env.E2E_DEBUG) console.log(bot?.stderr(), fake.calls.map((c) => `${c.method} ${c.path}`).join('\n'));
    releaseKivu();
    await bot?.terminate();
    await feeds?.close();
    await fake?.close();
    if (config) rmSync(config.dir, { recursive: true, force: true });
  });

  it('logs in with the token and registers every command with one bulk PUT to the guild route', () => {
    const identify = fake.gatewayReceived.find((p) => p.op === 2)?.d as { token?: string; intents?: number };
    expect(identify).toMatchObject({ token: TOKEN, intents: 1 });
    const puts = commandPuts();
    expect(puts).toHaveLength(1);
    expect(puts[0]?.path).toBe(`/applications/${fake.applicationId}/guilds/${guild.id}/commands`);
    const body = puts[0]?.body as Array<{ name: string; description: string; default_member_permissions: string | null; options: Array<Record<string, unknown>> }>;
    expect(body.map((c) => c.name)).toEqual(COMMANDS);
    for (const command of body) expect(command.description.length).toBeGreaterThan(0);
    const byName = new Map(body.map((c) => [c.name, c]));
    for (const name of ['subscribe', 'unsubscribe']) expect(byName.get(name)?.default_member_permissions).toBe(String(MANAGE_CHANNELS));
    for (const name of COMMANDS.filter((n) => n !== 'subscribe' && n !== 'unsubscribe')) expect(byName.get(name)?.default_member_permissions).toBeNull();
    const topicOf = (name: string) => byName.get(name)?.options.find((o) => o.name === 'topic');
    const values = (name: string) => (topicOf(name)?.choices as Array<{ value: string }>).map((c) => c.value);
    expect(topicOf('subscribe')).toMatchObject({ type: 3, required: true });
    expect(values('subscribe')).toEqual(['m23', 'qatar-talks', 'ceasefire', 'all']);
    expect(topicOf('status')).toMatchObject({ type: 3, required: false });
    expect(values('status')).toEqual(['m23', 'qatar-talks', 'ceasefire']);
    expect(byName.get('status')?.options[0]?.name).toBe('topic');
    expect(byName.get('latest')?.options[0]?.name).toBe('topic');
    expect(byName.get('search')?.options[0]).toMatchObject({ name: 'query', type: 3, required: true });
    expect(byName.get('latest')?.options.find((o) => o.name === 'count')).toMatchObject({ type: 4, min_value: 1, max_value: 20, required: false });
    expect(fake.registeredCommands(guild.id)).toHaveLength(COMMANDS.length);
    expect(fake.registeredCommands()).toEqual([]);
  });

  it('refuses /subscribe without Manage Channels, ephemerally and without deferring', async () => {
    const answer = await slash(fake, 'subscribe', { topic: 'm23', mode: 'alerts' }, { guildId: guild.id, channelId: ch.ops, member: plainMember });
    expect(answer.callbackType).toBe(4);
    expect(answer.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(answer.text).toContain('Manage Channels');
  });

  it('subscribes channels when the member has Manage Channels (deferred, then edited with an embed)', async () => {
    for (const [channelId, topic] of [[ch.news, 'm23'], [ch.alerts, 'm23'], [ch.briefing, 'm23'], [ch.oldNews, 'm23'], [ch.thread, 'all']] as const) {
      const answer = await slash(fake, 'subscribe', { topic, mode: 'alerts' }, { guildId: guild.id, channelId, member: manager });
      expect(answer.callbackType).toBe(5);
      expect(answer.flags & EPHEMERAL).toBe(0);
      expect(answer.embeds[0]?.title).toBe('Subscribed');
      expect(answer.text).toContain('alerts as news arrives');
      expect(answer.allowedMentions).toEqual({ parse: [] });
    }
    // A daily digest at the next minute (UTC; the one after when that is under 4 s away), so the scheduled
    // path is reached without waiting a day: at most about a minute, spent mostly while the tests below run.
    const at = new Date(Date.now() + (new Date().getUTCSeconds() > 56 ? 120_000 : 60_000));
    digestTime = `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
    const digest = await slash(fake, 'subscribe', { topic: 'm23', mode: 'digest', time: digestTime, timezone: 'UTC' }, { guildId: guild.id, channelId: ch.digestRoom, member: manager });
    expect(digest.text).toContain(`a daily digest at ${digestTime}`);
    expect(digest.text).toContain('UTC');
    const listed = await slash(fake, 'subscriptions', {}, { guildId: guild.id, channelId: ch.news, member: plainMember });
    expect(listed.text).toContain('m23');
    expect(listed.text).toContain('alerts as news arrives');
  });

  it('stores the first fetch of a feed (its backlog) without alerting anyone', async () => {
    releaseKivu();
    // Two more polls after the backlog, and the dispatcher ticks every second.
    await until(() => feeds.requestsFor('/kivu.xml').length >= 3, 'three polls of Radio Kivu');
    await sleep(1200);
    // (The digest room's scheduled digest may already have come: it is not an alert.)
    expect(allChannelPosts().filter((c) => c.path !== `/channels/${ch.digestRoom}/messages`)).toEqual([]);
    const latest = await slash(fake, 'latest', { topic: 'm23' }, { guildId: guild.id, channelId: ch.briefing, member: plainMember });
    expect(latest.text).toContain('Corneille Nangaa addresses AFC/M23 congress');
  });

  it('posts exactly one alert for a new M23 item, without mentions, with title, source, link and why it matched', async () => {
    kivu.push(item('M23 rebels seize Rubaya mining town in eastern DR Congo', 'rubaya'));
    for (const channelId of [ch.news, ch.alerts, ch.briefing, ch.oldNews, ch.thread]) await until(() => posted(channelId).length === 1, `an alert in ${channelId}`);
    rubayaSeenAt = Date.now();
    const post = channelPosts(ch.briefing)[0];
    expect((post?.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [] });
    const alert = posted(ch.briefing)[0]!;
    const embed = alert.embeds[0] as APIEmbed;
    expect(embed.title).toBe('M23 rebels seize Rubaya mining town in eastern DR Congo');
    expect(embed.url).toBe('https://news.example/rubaya');
    expect(embed.description).toContain('Radio Kivu');
    expect(embed.description).toMatch(/Matched m23: M23/);
    // Channels that did not subscribe (bob's refused attempt) get nothing; the digest room, subscribed to a
    // daily digest, gets no alert (its scheduled digest may land at any moment of this test).
    expect(posted(ch.ops)).toEqual([]);
    expect(posted(ch.digestRoom).filter((m) => m.embeds.some((e) => (e as APIEmbed).title === embed.title))).toEqual([]);
  });

  it('edits the alert to "+1 source" when a second outlet carries the story, and posts nothing new', async () => {
    // The digest room is left out: its scheduled digest may land at any moment of this test.
    const alertPosts = () => allChannelPosts().filter((c) => c.path !== `/channels/${ch.digestRoom}/messages`).length;
    const postsBefore = alertPosts();
    agence.push(item('M23 rebels seize Rubaya mining town in eastern DR Congo', 'agence-rubaya'));
    const alertId = posted(ch.briefing)[0]!.id;
    const patch = await fake.waitForCall(`PATCH /channels/${ch.briefing}/messages/${alertId}`, { timeoutMs: 10_000 });
    expect((patch.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [] });
    await until(() => embedText(posted(ch.briefing)[0]).includes('Radio Kivu +1 source'), 'the edited alert');
    for (const channelId of [ch.news, ch.alerts, ch.oldNews, ch.thread]) await until(() => embedText(posted(channelId)[0]).includes('+1 source'), `the edit in ${channelId}`);
    await sleep(1200);
    expect(alertPosts()).toBe(postsBefore);
    for (const channelId of [ch.news, ch.alerts, ch.briefing, ch.oldNews, ch.thread]) expect(posted(channelId)).toHaveLength(1);
  });

  it('keeps a hostile title inert: no live mention, no javascript link, mentions disabled', async () => {
    kivu.push(item(HOSTILE, 'walikale'));
    await until(() => posted(ch.briefing).length === 2, 'the hostile alert');
    const post = channelPosts(ch.briefing)[1]!;
    expect((post.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [] });
    const embed = posted(ch.briefing)[1]!.embeds[0] as APIEmbed;
    const shown = JSON.stringify(embed);
    expect(shown).toContain('Walikale');
    expect(shown).not.toMatch(/@everyone/); // broken by a zero-width space
    expect(shown).toContain('@\u200beveryone');
    expect(shown).not.toContain('<@123>');
    expect(shown).not.toMatch(/\]\(javascript:/i);
    expect(embed.url).toBe('https://news.example/walikale');
  });

  it('answers every other command with embeds, and a bad option with an ephemeral sentence', async () => {
    const asks: Array<[string, Record<string, string | number>, string]> = [
      ['status', { topic: 'm23' }, 'M23'],
      ['status', {}, 'Ceasefire'],
      ['latest', { topic: 'm23', count: 3 }, 'Rubaya'],
      ['topics', {}, 'qatar-talks'],
      ['search', { query: 'Rubaya' }, 'Rubaya'],
      ['digest', {}, 'Rubaya'],
      ['sources', {}, 'Radio Kivu'],
      ['help', {}, '/subscribe'],
    ];
    for (const [name, options, expected] of asks) {
      const answer = await slash(fake, name, options, { guildId: guild.id, channelId: ch.briefing, member: plainMember });
      expect(answer.callbackType, `/${name}`).toBe(5);
      expect(answer.embeds.length, `/${name}`).toBeGreaterThan(0);
      expect(answer.flags & EPHEMERAL, `/${name}`).toBe(0);
      expect(answer.text, `/${name}`).toContain(expected);
      expect(answer.allowedMentions, `/${name}`).toEqual({ parse: [] });
    }
    // /unsubscribe in a channel of its own: subscribe, then unsubscribe, then nothing is listed.
    await slash(fake, 'subscribe', { topic: 'ceasefire', mode: 'alerts' }, { guildId: guild.id, channelId: ch.ops, member: manager });
    const gone = await slash(fake, 'unsubscribe', { topic: 'ceasefire' }, { guildId: guild.id, channelId: ch.ops, member: manager });
    expect(gone.embeds.length).toBeGreaterThan(0);
    expect((await slash(fake, 'subscriptions', {}, { guildId: guild.id, channelId: ch.ops, member: plainMember })).text).toContain('no subscriptions');
    const refused = await slash(fake, 'unsubscribe', { topic: 'm23' }, { guildId: guild.id, channelId: ch.news, member: plainMember });
    expect(refused.flags & EPHEMERAL).toBe(EPHEMERAL);

    const bad = await slash(fake, 'status', { topic: 'nonsense' }, { guildId: guild.id, channelId: ch.briefing, member: plainMember });
    expect(bad.callbackType).toBe(4);
    expect(bad.flags & EPHEMERAL).toBe(EPHEMERAL);
    const sentence = bad.embeds.map((e) => e.description ?? '').join(' ') || bad.content;
    expect(sentence).toMatch(/nonsense/);
    expect(sentence).toMatch(/^[A-Z"/].*[.!]$/s);
    const badCount = await slash(fake, 'latest', { count: 99 }, { guildId: guild.id, channelId: ch.briefing, member: plainMember });
    expect(badCount.flags & EPHEMERAL).toBe(EPHEMERAL);
  });

  it('ends the subscriptions of a channel deleted in Discord at once, without a crash or a post attempt', async () => {
    const before = channelPosts(ch.oldNews).length;
    fake.deleteChannel(ch.oldNews);
    await until(() => bot.logLines().some((l) => /gone/.test(String(l.msg)) && JSON.stringify(l).includes(ch.oldNews)), 'a log line for the deleted channel');
    expect((await slash(fake, 'subscriptions', {}, { guildId: guild.id, channelId: ch.briefing, member: plainMember })).text).toContain('m23');
    kivu.push(item('Qatar hosts new round of Doha talks between Kinshasa and AFC/M23', 'doha-round'));
    await until(() => embedText(posted(ch.briefing).at(-1)).includes('Doha'), 'the Doha alert in briefing');
    await sleep(1200);
    expect(channelPosts(ch.oldNews).length).toBe(before);
    expect(bot.child.exitCode).toBeNull();
  });

  it('deactivates a channel answering 403 Missing Access and another answering 404 Unknown Channel; others keep getting alerts', async () => {
    fake.failChannel(ch.news, { status: 403, code: 50001, message: 'Missing Access' });
    fake.failChannel(ch.alerts, { status: 404, code: 10003, message: 'Unknown Channel' });
    const newsBefore = channelPosts(ch.news).length;
    const alertsBefore = channelPosts(ch.alerts).length;
    kivu.push(item('Uvira falls as M23 fighters push south in South Kivu', 'uvira'));
    await until(() => embedText(posted(ch.briefing).at(-1)).includes('Uvira'), 'the Uvira alert in briefing');
    await until(() => channelPosts(ch.news).length > newsBefore && channelPosts(ch.alerts).length > alertsBefore, 'one attempt on each failing channel');
    const gone = await until(() => {
      const lines = bot.logLines().filter((l) => /gone/.test(String(l.msg)));
      return lines.some((l) => JSON.stringify(l).includes(ch.news)) && lines.some((l) => JSON.stringify(l).includes(ch.alerts)) && lines;
    }, 'a log line per gone channel');
    expect(JSON.stringify(gone)).toMatch(/50001|Missing Access/);
    expect(JSON.stringify(gone)).toMatch(/10003|Unknown Channel/);

    kivu.push(item('M23 attack on Kalehe displaces thousands of Congolese families', 'kalehe'));
    await until(() => embedText(posted(ch.briefing).at(-1)).includes('Kalehe'), 'the Kalehe alert in briefing');
    await until(() => embedText(posted(ch.thread).at(-1)).includes('Kalehe'), 'the Kalehe alert in the thread');
    await sleep(1200);
    expect(channelPosts(ch.news).length).toBe(newsBefore + 1);
    expect(channelPosts(ch.alerts).length).toBe(alertsBefore + 1);
    // The interaction routes still work there: the channel now lists no subscription.
    expect((await slash(fake, 'subscriptions', {}, { guildId: guild.id, channelId: ch.news, member: plainMember })).text).toContain('no subscriptions');
    expect((await slash(fake, 'subscriptions', {}, { guildId: guild.id, channelId: ch.alerts, member: plainMember })).text).toContain('no subscriptions');
    expect(bot.child.exitCode).toBeNull();
  });

  it('exits within 5 s of SIGTERM; a restart on the same database sends no PUT and repeats no alert', async () => {
    const stopped = await bot.terminate();
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(5_000);
    const putsBefore = commandPuts().length;
    const briefingBefore = posted(ch.briefing).length;
    bot = spawnBot(config, env);
    await waitReady(bot);
    const answer = await slash(fake, 'topics', {}, { guildId: guild.id, channelId: ch.briefing, member: plainMember });
    expect(answer.text).toContain('m23');
    await sleep(1500);
    expect(commandPuts().length).toBe(putsBefore);
    expect(posted(ch.briefing)).toHaveLength(briefingBefore);
  }, 30_000);

  // Waits for the next UTC minute chosen at subscription (under a minute, mostly spent by the tests above);
  // the restart in between shows the outbox neither loses nor repeats the digest.
  it('posts the scheduled daily digest once at the subscribed time', async () => {
    const [hh, mm] = digestTime.split(':').map(Number);
    const due = new Date();
    due.setUTCHours(hh ?? 0, mm ?? 0, 0, 0);
    if (due.getTime() < Date.now() - 12 * 3_600_000) due.setUTCDate(due.getUTCDate() + 1);
    const wait = Math.max(0, due.getTime() - Date.now()) + 8_000;
    await until(() => posted(ch.digestRoom).length > 0, `the ${digestTime} UTC digest`, wait);
    const digest = posted(ch.digestRoom)[0]!;
    expect(digest.allowed_mentions).toEqual({ parse: [] });
    expect(digest.embeds[0]?.color).toBe(0x3498db);
    // The digest covers what arrived between the subscription and its time; the minute may come before the first alert.
    if (due.getTime() > rubayaSeenAt) expect(embedText(digest)).toContain('Rubaya');
    await sleep(1200);
    expect(posted(ch.digestRoom)).toHaveLength(1);
  }, 75_000);

  it('the restarted bot exits within 5 s of SIGTERM too', async () => {
    const stopped = await bot.terminate();
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(5_000);
  });
});
