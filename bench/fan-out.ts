/**
 * Workload 4, fan-out: one new M23 story alerts 2,000 subscribed private Telegram chats through the real
 * chain (classifier → fan-out → outbox → dispatcher → Telegram sender with grammY, auto-retry and the send
 * pacer on the default settings: `telegram.perSecond: auto`, which starts at Telegram's documented 30 a
 * second and has to find the fake's limit from its 429s) against the fake Bot API allowing 100 messages a
 * second (429 beyond).
 * The time until every chat has its message is compared with the ideal 2,000 / 100 = 20 s; the fake counts
 * what each chat received: exactly one message each.
 */
import { join } from 'node:path';
import { commands } from '../commands/index.js';
import { createRegistry } from '../src/chat/registry.js';
import { textMessage } from '../src/chat/message.js';
import { formatAlert } from '../src/chat/format-story.js';
import { systemClock } from '../src/clock.js';
import { defaultSettings } from '../src/config/settings-schema.js';
import { createDispatcher } from '../src/delivery/dispatcher.js';
import { createFanOut } from '../src/delivery/fan-out.js';
import { createSubscriptions } from '../src/delivery/subscriptions.js';
import { createTelegramPlatform } from '../src/platforms/telegram/telegram-platform.js';
import { createStoryQueries } from '../src/topics/story-store.js';
import { createFakeServices } from '../test/commands/fake-services.js';
import { startFakeTelegram } from '../test/fakes/telegram-api.js';
import { openBenchStore, tempDir } from './bench-store.js';
import { loadDefaultTopics } from './generated-topics.js';
import { atMost, exactly, ms, type Workload } from './table.js';

const CHATS = 2_000;
const PER_SECOND = 100;
const IDEAL_MS = (CHATS / PER_SECOND) * 1000;
const GIVE_UP_MS = 90_000;

const silent = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };
/** The fake's answer delay (SITREP_BENCH_TELEGRAM_LATENCY_MS, default 0): a round trip as far as Telegram's servers. */
const LATENCY_MS = Number(process.env.SITREP_BENCH_TELEGRAM_LATENCY_MS ?? 0);

export const fanOut: Workload = {
  name: 'fan-out',
  async run(log) {
    const fake = await startFakeTelegram();
    fake.setRateLimit({ perSecond: PER_SECOND });
    fake.setLatency(LATENCY_MS);
    const dir = tempDir('fan-out');
    const topics = loadDefaultTopics();
    const bench = openBenchStore(join(dir.path, 'fan-out.db'), topics, systemClock);
    // No settings.yaml: what a user who never heard of the fake's limit runs.
    const settings = defaultSettings();
    try {
      const db = bench.store.db;
      const subscriptions = createSubscriptions(db, systemClock, { digestTime: settings.digest.time, timezone: settings.digest.timezone });
      db.transaction(() => {
        for (let i = 0; i < CHATS; i++) subscriptions.subscribe({ platform: 'telegram', chatId: String(100_000 + i) }, { topic: 'm23', mode: 'alerts' });
      })();

      const telegram = createTelegramPlatform({
        token: fake.token,
        apiRoot: fake.apiRoot,
        registry: createRegistry(commands),
        services: createFakeServices(),
        logger: silent,
        pace: settings.telegram,
      });
      const stories = createStoryQueries(db, new Map([['wire', 'Wire']]), topics.topics.map((t) => t.id));
      const dispatcher = createDispatcher({
        db,
        senders: new Map([['telegram', telegram.sender]]),
        clock: systemClock,
        settings,
        loadStory: (id) => stories.story(id),
        formatAlert,
        buildDigestMessage: () => textMessage('digest'),
        logger: silent,
      });
      const fanOutChain = createFanOut({ db, clock: systemClock, settings });

      // Subscriptions only receive stories first seen after they were made.
      await new Promise((resolve) => setTimeout(resolve, 5));
      const now = Date.now();
      const item = {
        id: 'wire-1',
        feedId: 'wire',
        url: 'https://wire.example/m23-goma',
        title: 'M23 rebels advance on Goma as talks in Doha stall',
        summary: 'Fighting between the M23 and the Congolese army spread north of Goma on Tuesday, residents said.',
        language: 'en',
        publishedAt: now - 60_000,
        publishedAtEstimated: false,
        fetchedAt: now,
      };
      const start = performance.now();
      const fresh = bench.store.insertItems('wire', [item], now);
      const changes = bench.classifier.processNewItems(fresh);
      const report = fanOutChain.fanOut(changes, fresh, { firstFetch: false });
      let passes = 0;
      const pending = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM outbox WHERE state IN ('pending', 'sending')");
      while (pending.get()!.n > 0 && performance.now() - start < GIVE_UP_MS) {
        await dispatcher.runOnce();
        passes++;
      }
      const elapsed = performance.now() - start;

      const perChat = new Map<string, number>();
      for (const message of fake.sentMessages()) perChat.set(String(message.chatId), (perChat.get(String(message.chatId)) ?? 0) + 1);
      const missing = CHATS - perChat.size;
      const twice = [...perChat.values()].filter((n) => n > 1).length;
      const refused = fake.calls.filter((call) => call.response && !call.response.ok && call.response.error_code === 429).length;
      const left = pending.get()!.n;
      log(`fan-out: ${report.enqueued} outbox rows, delivered to ${perChat.size} chats in ${ms(elapsed)} (${passes} dispatcher passes, ${refused} × 429, ${left} rows left)`);
      return [
        atMost(
          {
            workload: '4 fan-out',
            compared: `one alert to ${CHATS} Telegram chats at ${PER_SECOND}/s vs ideal${LATENCY_MS > 0 ? ` (${LATENCY_MS} ms round trip)` : ''}`,
            measured: `${ms(elapsed)} vs ${ms(IDEAL_MS)}`,
            ratio: elapsed / IDEAL_MS,
            note: `real classifier, fan-out, outbox, dispatcher, grammY + auto-retry + send pacer on default settings (perSecond auto, from 30/s); the fake answered ${refused} requests with 429`,
          },
          1.15,
        ),
        exactly(
          {
            workload: '4 fan-out',
            compared: 'messages per chat, counted at the fake Bot API',
            measured: `${perChat.size} chats, ${missing} without, ${twice} twice`,
          },
          missing === 0 && twice === 0 && report.enqueued === CHATS,
          'exactly 1 each',
        ),
      ];
    } finally {
      bench.close();
      await fake.close();
      dir.remove();
    }
  },
};
