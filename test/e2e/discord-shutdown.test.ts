/**
 * SIGTERM while Discord has not yet answered an alert's post, then a restart on the same database: the real
 * bot process and the fake Discord. The post was carried out but its answer came too late for the bot to
 * record it, so the restarted bot sends it again; its nonce lets Discord answer with the message already
 * posted, and the channel shows the alert once.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord-api-types/v10';
import { startFakeDiscord } from '../fakes/discord-api.js';
import type { FakeDiscord } from '../fakes/discord-types.js';
import { rssFeed, startFeedServer, type FeedItemSpec, type FeedServer } from '../fakes/feed-server.js';
import { member, slash, spawnBot, until, waitReady, writeConfig, type BotProcess } from './discord-helpers.js';

const TOKEN = 'fake-discord-token.shutdown';
const VIEW_AND_SEND = (1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 16n);
const MANAGE_CHANNELS = 1n << 4n;
const TITLE = 'M23 rebels take control of Masisi centre';

describe('SIGTERM while an alert post is unanswered', () => {
  let fake: FakeDiscord | undefined;
  let feeds: FeedServer | undefined;
  let bot: BotProcess | undefined;
  let configDir = '';
  afterAll(async () => {
    await bot?.terminate();
    await Promise.allSettled([fake?.close(), feeds?.close()]);
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  }, 15_000);

  it('shows the alert once after the restart resends it', async () => {
    fake = await startFakeDiscord({ token: TOKEN });
    const guild = fake.guild!;
    const channelId = guild.textChannelId;
    feeds = await startFeedServer();
    const items: FeedItemSpec[] = [
      { title: 'Kinshasa hosts a regional trade fair', link: 'https://news.example/fair', guid: 'fair', pubDate: new Date(Date.now() - 3_600_000) },
    ];
    feeds.route('/wire.xml', { body: () => rssFeed({ title: 'Great Lakes Wire', items }) });
    const config = writeConfig([{ id: 'wire', url: feeds.url('/wire.xml'), title: 'Great Lakes Wire' }]);
    configDir = config.dir;
    const env = { DISCORD_TOKEN: TOKEN, DISCORD_API_BASE: fake.restBase, DISCORD_GUILD_ID: guild.id };
    bot = spawnBot(config, env);
    await waitReady(bot);
    // The backlog fetch is stored without alerting; subscribe after it.
    await until(() => feeds!.requestsFor('/wire.xml').length >= 2, 'two polls of the wire');
    const answer = await slash(fake, 'subscribe', { topic: 'm23', mode: 'alerts' }, { guildId: guild.id, channelId, member: member(fake.users.alice, VIEW_AND_SEND | MANAGE_CHANNELS) });
    expect(answer.embeds[0]?.title).toBe('Subscribed');

    const route = `POST /channels/${channelId}/messages`;
    const alerts = () => fake!.messages(channelId).filter((m) => m.webhook_id === undefined && (m.embeds as APIEmbed[]).some((e) => e.title === TITLE));
    const posts = () => fake!.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${channelId}/messages`).length;
    // Answered after the bot's 3 s grace for sends in flight: it stops without knowing the post went through.
    fake.delayRepliesNext(route, 10_000);
    items.push({ title: TITLE, link: 'https://news.example/masisi', guid: 'masisi', pubDate: new Date() });
    await until(() => alerts().length === 1, 'the alert in the channel', 15_000);
    expect((await bot.terminate()).code).toBe(0);

    const postsBefore = posts();
    bot = spawnBot(config, env);
    await waitReady(bot);
    await until(() => posts() > postsBefore, 'the restarted bot sending the unrecorded alert again', 15_000);
    // The resend was answered and recorded: later passes send nothing more.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(posts()).toBe(postsBefore + 1);
    expect(alerts()).toHaveLength(1);
  }, 60_000);
});
