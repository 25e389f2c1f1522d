/**
 * The composition root: the only place concrete things are wired together. Opens the core (config,
 * store, classifier), builds the services, the delivery chain (fan-out → outbox → dispatcher, digest
 * scheduler) and the chat platforms (Discord if DISCORD_TOKEN, Telegram if TELEGRAM_BOT_TOKEN, the
 * console when neither), then polls. `stop()` shuts everything down in reverse order within seconds.
 */
import { commands } from '../commands/index.js';
import { formatDigest } from './chat/format-digest.js';
import { formatAlert } from './chat/format-story.js';
import { createRegistry } from './chat/registry.js';
import type { ChannelRef } from './chat/command.js';
import { createAppServices, type AppServices } from './bot-services.js';
import type { Clock } from './clock.js';
import type { LoadedSetup } from './config/setup.js';
import { openCore } from './core.js';
import type { ConfigProblem } from './config/load-config.js';
import { createDispatcher } from './delivery/dispatcher.js';
import { createFanOut } from './delivery/fan-out.js';
import { createDigestScheduler } from './delivery/scheduler.js';
import type { MessageSender } from './delivery/sender.js';
import type { Logger } from './logger.js';
import { createConsolePlatform, type ConsoleEnd } from './platforms/console/console-platform.js';
import { createPlatforms, type ChatPlatform } from './platforms/index.js';

const PRUNE_EVERY_MS = 60 * 60 * 1000;
const STOP_GRACE_MS = 3_000;
// How long a console whose piped input ended keeps sending what is due before the bot stops.
const CONSOLE_DRAIN_MS = 5_000;
const STOP_SETTLE_MS = 300;

/** How to run the bot. */
export type AppOptions = {
  globals: { config?: string; db?: string };
  clock: Clock;
  logger: Logger;
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
  /** Replaces the database path (the demo's temporary one). */
  dbPath?: string;
  /** The environment and config already loaded (the demo adjusts them first), used instead of reading them again. */
  loaded?: LoadedSetup;
  /** Run the console even when a platform token is set (the demo does). */
  forceConsole?: boolean;
};

/** A running bot. */
export type RunningApp = {
  services: AppServices;
  /** Resolves when the console's input ended (piped stdin) or its output failed; null without a console. */
  consoleDone: Promise<ConsoleEnd> | null;
  stop(): Promise<void>;
};

/** Starts the bot, or returns every config problem (nothing is started then). */
export async function startApp(options: AppOptions): Promise<{ ok: true; app: RunningApp } | { ok: false; problems: ConfigProblem[] }> {
  const { clock, logger } = options;
  const opened = await openCore({
    globals: options.globals,
    clock,
    logger,
    ...(options.dbPath ? { dbPath: options.dbPath } : {}),
    ...(options.loaded ? { loaded: options.loaded } : {}),
  });
  if (!opened.ok) return opened;
  const { core } = opened;
  const { config, env } = core;

  let scheduler: ReturnType<typeof createDigestScheduler> | null = null;
  const appServices = createAppServices(core, clock, () => scheduler?.refresh());
  const registry = createRegistry(commands);

  const platforms: ChatPlatform[] = await createPlatforms({
    env,
    telegramPace: config.settings.telegram,
    registry,
    services: appServices.services,
    logger,
    kv: core.kv,
    onChannelGone: (channel, reason) => {
      appServices.subscriptions.store.deactivateChannel(channel, reason);
      logger.warn({ channel, reason }, 'channel gone: its subscriptions are deactivated');
    },
  });
  let consolePlatform: ReturnType<typeof createConsolePlatform> | null = null;
  if (platforms.length === 0 || options.forceConsole) {
    consolePlatform = createConsolePlatform({
      input: options.input,
      output: options.output,
      registry,
      services: appServices.services,
      logger,
    });
  }
  const senders = new Map<ChannelRef['platform'], MessageSender>();
  for (const platform of platforms) senders.set(platform.sender.platform, platform.sender);
  if (consolePlatform) senders.set('console', consolePlatform.sender);

  const dispatcher = createDispatcher({
    db: core.store.db,
    senders,
    clock,
    settings: config.settings,
    loadStory: (id) => core.stories.story(id),
    formatAlert,
    buildDigestMessage: ({ topics, since, until }) =>
      // Scheduled digests follow one another: each takes the reports first seen in its period.
      formatDigest(appServices.digests.buildDigest({ since, until, by: 'seen', ...(topics === 'all' ? {} : { topicIds: topics }) }), {
        now: clock.now(),
      }),
    logger,
  });
  // runOnce shares a pass in flight and runs one more after it when asked meanwhile; it never rejects.
  const dispatchNow = async () => {
    await dispatcher.runOnce();
  };
  scheduler = createDigestScheduler({ db: core.store.db, clock, settings: config.settings, logger, onEnqueued: () => void dispatchNow() });

  const fanOut = createFanOut({ db: core.store.db, clock, settings: config.settings });
  // Alerts are queued in the transaction that stores the items, so a crash loses neither; the
  // dispatcher is woken once they are committed.
  const poller = core.createPoller({
    stored: (changes, { items, firstFetch }) => void fanOut.fanOut(changes, items, { firstFetch }),
    committed: () => void dispatchNow(),
  });

  const prune = () => {
    const pruned = core.store.prune(clock.now(), config.settings.storage.retentionMs);
    if (pruned.items > 0) logger.info(pruned, 'pruned items past retention');
  };
  prune();
  const pruneTimer = setInterval(prune, PRUNE_EVERY_MS);
  pruneTimer.unref();

  for (const platform of platforms) await platform.start();
  dispatcher.start();
  scheduler.start();
  poller.start();
  // Without a console the output carries only the ready line: a broken one (stdout on a full disk) is
  // worth a warning, not the bot.
  if (!consolePlatform) options.output.on('error', (error: Error) => logger.warn({ err: error }, `output failed: ${error.message}`));

  const names = [...senders.keys()].join(', ');
  const enabledFeeds = config.feeds.filter((feed) => feed.enabled).length;
  options.output.write(
    `sitrep ready: ${enabledFeeds} feed${enabledFeeds === 1 ? '' : 's'}, topics ${core.matcher.topics.map((t) => t.id).join(', ')}; platforms: ${names}` +
      `${consolePlatform ? ' (type /help)' : ''}\n`,
  );
  // After the ready line, so that a terminal's first prompt comes below it.
  // Piped input that ended: what it asked for and was promised (a subscription's backlog) is printed before
  // the exit, not left queued for the next start.
  const consoleDone = consolePlatform
    ? consolePlatform.run().then(async (end) => {
        if (end === 'end of input') await dispatcher.drain(CONSOLE_DRAIN_MS);
        return end;
      })
    : null;

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(pruneTimer);
      scheduler?.stop();
      // Messages not yet on their way are turned away at once (pending again, for the next start); the
      // grace is for sends in flight: one still unanswered after it keeps its outbox row claimed, pending
      // again at the next start, and is the one case that can repeat a message.
      for (const platform of platforms) platform.stopSending?.();
      await Promise.allSettled([poller.stop(), dispatcher.stop(STOP_GRACE_MS)]);
      await Promise.allSettled(platforms.map((platform) => platform.stop()));
      // Sends the platforms' stop just ended record how they ended before the database closes.
      await dispatcher.stop(STOP_SETTLE_MS);
      core.close();
    })();
    return stopping;
  };
  return { ok: true, app: { services: appServices, consoleDone, stop } };
}
