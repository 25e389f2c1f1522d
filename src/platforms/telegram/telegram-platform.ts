/**
 * Telegram through grammY: registers the command menu, answers commands typed in private chats, groups and
 * forum topics (only chat administrators may change a group's subscriptions), and gives the dispatcher a
 * paced MessageSender. Long polling by default; a webhook server when `webhook` is set.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, webhookCallback } from 'grammy';
import type { Message as TgMessage } from 'grammy/types';
import type { ChannelRef, UserRef } from '../../chat/command.js';
import { executeCommand } from '../../chat/execute-command.js';
import type { CommandLogger } from '../../chat/execute-command.js';
import { parseCommandText } from '../../chat/parse-command.js';
import type { CommandRegistry } from '../../chat/registry.js';
import type { BotServices } from '../../chat/services.js';
import type { Clock } from '../../clock.js';
import type { MessageSender } from '../../delivery/sender.js';
import { toBotCommands } from './bot-commands.js';
import { classifyTelegramError, createRedactor } from './send-errors.js';
import { floodWait } from './flood-wait.js';
import { pacedApi } from './paced-api.js';
import { createSendPacer, DEFAULT_PACE } from './send-pacer.js';
import type { PaceLimits } from './send-pacer.js';
import { createTelegramSender } from './telegram-sender.js';
import type { TelegramLogger } from './telegram-sender.js';

/** Webhook mode: Telegram POSTs updates to `url`, which reaches our server on `port`. */
export type TelegramWebhook = {
  url: string;
  port: number;
  /** Checked on every request (X-Telegram-Bot-Api-Secret-Token); a random one is made when absent. */
  secret?: string | null;
  /** Interface to listen on; all of them by default. */
  host?: string;
};

/** What the Telegram platform is built from. */
export type TelegramPlatformOptions = {
  token: string;
  /** Bot API root (a local Bot API server, a test fake); Telegram's own when absent. */
  apiRoot?: string | null;
  webhook?: TelegramWebhook | null;
  registry: CommandRegistry;
  services: BotServices;
  logger: TelegramLogger;
  pace?: PaceLimits;
  /** Time for send pacing; the system clock by default. */
  clock?: Clock;
  /** First wait before long polling starts again after grammY gave it up (409, 401); doubles to 5 min. Default 5 s. */
  pollRestartMs?: number;
};

/** The running Telegram bot as app.ts sees it. */
export type TelegramPlatform = {
  sender: MessageSender;
  /** Fetches the bot's identity, sets the command menu, then polls (or serves the webhook). Rejects when the token or API root is wrong. */
  start(): Promise<void>;
  /** Turns away the messages still waiting for their turn in the pacer (shutdown); stop() does it too. */
  stopSending(): void;
  /** Stops polling / closes the webhook server and waits (briefly) for commands being answered. */
  stop(): Promise<void>;
  /** The bot's @username (without @) once started. */
  readonly botUsername: string | undefined;
  /** The port the webhook server listens on (the real one when asked for port 0); null in polling mode. */
  webhookPort(): number | null;
  /** Messages a second the pacer allows over all chats now (settings.yaml telegram.perSecond; `auto` moves). */
  sendRate(): number;
};

const ADMIN_STATUSES = new Set(['creator', 'administrator']);
const STOP_WAIT_MS = 2_000;
/** The longest wait before long polling starts again after it was given up. */
const POLL_RESTART_MAX_MS = 300_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Where a command was typed: the chat, and the forum topic when it was typed inside one. */
function channelOf(message: Pick<TgMessage, 'chat' | 'message_thread_id' | 'is_topic_message'>): ChannelRef {
  const channel: ChannelRef = { platform: 'telegram', chatId: String(message.chat.id) };
  const forum = message.chat.type === 'supergroup' && message.chat.is_forum === true;
  // Outside forums message_thread_id marks reply threads, which are not a place to post into.
  if (forum && message.is_topic_message === true && message.message_thread_id !== undefined) {
    channel.threadId = String(message.message_thread_id);
  }
  return channel;
}

function userOf(message: TgMessage): UserRef {
  if (message.sender_chat) {
    const title = 'title' in message.sender_chat ? message.sender_chat.title : undefined;
    return { id: String(message.sender_chat.id), ...(title ? { name: title } : {}) };
  }
  const from = message.from;
  if (!from) return { id: 'unknown' };
  return { id: String(from.id), name: from.username ? `@${from.username}` : from.first_name };
}

/** Builds the platform; nothing touches the network until start(). */
export function createTelegramPlatform(options: TelegramPlatformOptions): TelegramPlatform {
  const { token, registry, services, logger, webhook } = options;
  const redact = createRedactor(token);
  const bot = new Bot(token, options.apiRoot ? { client: { apiRoot: options.apiRoot } } : {});
  const pacer = createSendPacer(options.pace ?? DEFAULT_PACE, {
    ...(options.clock ? { clock: options.clock } : {}),
    onRateChange: (perSecond, change) =>
      change === 'lowered'
        ? logger.info({ perSecond }, 'telegram answered 429s: send rate lowered to what it accepted')
        : logger.debug?.({ perSecond }, 'telegram send rate raised: messages were waiting and no 429 came'),
  });
  // Installed first, so it sits under auto-retry (paced-api.ts).
  bot.api.config.use(pacedApi(pacer));
  // Between the two: auto-retry sees a wait on every 429, even one that names none (flood-wait.ts).
  bot.api.config.use(floodWait());
  // auto-retry waits out 429 retry_after. Network errors and 5xx are handed back at once instead: left to
  // auto-retry, a network outage would hold one send forever; the dispatcher retries with its own backoff.
  bot.api.config.use(
    autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60, rethrowHttpErrors: true, rethrowInternalServerErrors: true }),
  );
  const sender = createTelegramSender({ api: bot.api, logger, redact });

  /** Errors reach logs only as redacted text: grammY's HttpError carries the request URL, token included. */
  const describe = (error: unknown): string => redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  const commandLogger: CommandLogger = {
    error: (details, message) => {
      const safe = Object.fromEntries(
        Object.entries(details).map(([key, value]) => [key, value instanceof Error ? describe(value) : typeof value === 'string' ? redact(value) : value]),
      );
      logger.error(safe, message);
    },
  };

  async function isChannelAdmin(message: TgMessage): Promise<boolean> {
    if (message.chat.type === 'private') return true;
    // An anonymous administrator posts as the group itself.
    if (message.sender_chat?.id === message.chat.id) return true;
    if (!message.from) return false;
    try {
      const member = await bot.api.getChatMember(message.chat.id, message.from.id);
      return ADMIN_STATUSES.has(member.status);
    } catch (error) {
      throw new Error(`getChatMember failed: ${classifyTelegramError(error, channelOf(message), redact).reason}`);
    }
  }

  async function answer(message: TgMessage): Promise<void> {
    const botUsername = bot.botInfo.username;
    const typed = message.text ?? '';
    const parsed = parseCommandText(typed, { botUsername });
    if (!parsed) return; // not a command, or /cmd@otherbot
    // Telegram clients send /start when someone first opens the bot (with a deep-link payload at times):
    // the first thing they see should be what the bot can do, not "unknown command".
    const text = parsed.name === 'start' && !registry.get('start') ? '/help' : typed;
    const addressed = /^\/[^\s@]+@/.test(typed.trim());
    // In a group several bots may share a command name; only answer unknown ones when addressed to us.
    if (message.chat.type !== 'private' && !addressed && !registry.get(parsed.name)) return;
    const channel = channelOf(message);
    const reply = await executeCommand({
      registry,
      text,
      botUsername,
      channel,
      user: userOf(message),
      services,
      logger: commandLogger,
      isChannelAdmin: () => isChannelAdmin(message),
    });
    await sender.deliver(channel, reply, { replyTo: message.message_id });
  }

  // Commands are answered one at a time per chat (in order) but chats do not wait for each other, and the
  // update loop / webhook request never waits for an answer (a paced reply can take a while).
  const chatQueues = new Map<number, Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  function enqueue(message: TgMessage): void {
    const chatId = message.chat.id;
    const next = (chatQueues.get(chatId) ?? Promise.resolve())
      .then(() => answer(message))
      .catch((error: unknown) => logger.error({ err: describe(error), chatId: String(chatId) }, 'telegram command handling failed'));
    chatQueues.set(chatId, next);
    inFlight.add(next);
    void next.finally(() => {
      inFlight.delete(next);
      if (chatQueues.get(chatId) === next) chatQueues.delete(chatId);
    });
  }

  bot.on('message:text', (ctx) => {
    if (ctx.message.text.startsWith('/')) enqueue(ctx.message);
  });
  bot.catch((error) => logger.error({ err: describe(error.error) }, 'telegram update failed'));

  let running = false;
  let server: Server | null = null;
  let polling: Promise<void> | null = null;
  let restartTimer: ReturnType<typeof setTimeout> | null = null;
  const pollRestartMs = options.pollRestartMs ?? 5_000;

  async function startWebhook(hook: TelegramWebhook): Promise<void> {
    const secretToken = hook.secret || randomBytes(32).toString('base64url');
    const handle = webhookCallback(bot, 'http', { secretToken });
    server = createServer((req, res) => {
      void handle(req, res).catch((error: unknown) => {
        logger.warn({ err: describe(error) }, 'telegram webhook request failed');
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(hook.port, hook.host, () => {
        listening.off('error', reject);
        resolve();
      });
    });
    await bot.api.setWebhook(hook.url, { secret_token: secretToken, allowed_updates: ['message'], drop_pending_updates: false });
  }

  async function start(): Promise<void> {
    if (running) return;
    try {
      // getMe directly rather than bot.init(), which retries a wrong API root or an outage forever in silence.
      bot.botInfo = await bot.api.getMe();
    } catch (error) {
      throw new Error(`Telegram: could not reach the bot (${describe(error)})`);
    }
    running = true;
    try {
      await bot.api.setMyCommands(toBotCommands(registry));
    } catch (error) {
      // The menu is a convenience; typed commands work without it.
      logger.warn({ err: describe(error) }, 'telegram setMyCommands failed');
    }
    if (webhook) {
      try {
        await startWebhook(webhook);
      } catch (error) {
        await stop();
        throw new Error(`Telegram: webhook mode could not start (${describe(error)})`);
      }
    } else {
      startPolling(0);
    }
    logger.info({ username: bot.botInfo.username, mode: webhook ? 'webhook' : 'polling' }, 'telegram bot started');
  }

  /**
   * Long polling, started again after a wait whenever grammY gives it up: it retries network errors and 5xx
   * itself but stops for good on 409 (another instance polled, as during a deploy's overlap) and 401, which
   * would leave a bot that still sends alerts but never again answers a command.
   */
  function startPolling(failures: number): void {
    const startedAt = performance.now();
    polling = bot.start({ drop_pending_updates: false, allowed_updates: ['message'] }).catch((error: unknown) => {
      if (!running) return;
      // A poll that ran a good while before failing starts the waits over.
      const streak = performance.now() - startedAt > POLL_RESTART_MAX_MS ? 0 : failures;
      const delay = Math.min(pollRestartMs * 2 ** streak, POLL_RESTART_MAX_MS);
      logger.error({ err: describe(error), retryInMs: delay }, 'telegram long polling stopped; starting it again after a wait');
      restartTimer = setTimeout(() => {
        restartTimer = null;
        if (running) startPolling(streak + 1);
      }, delay);
    });
  }

  async function stop(): Promise<void> {
    if (!running) return;
    running = false;
    pacer.close();
    if (restartTimer) clearTimeout(restartTimer);
    restartTimer = null;
    if (server) {
      const closing = server;
      server = null;
      const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
      closing.closeAllConnections();
      await withTimeout(closed, STOP_WAIT_MS);
    }
    if (polling) {
      await withTimeout(
        bot.stop().catch((error: unknown) => logger.warn({ err: describe(error) }, 'telegram stop could not confirm updates')),
        STOP_WAIT_MS,
      );
      await withTimeout(polling, STOP_WAIT_MS);
      polling = null;
    }
    await withTimeout(Promise.allSettled([...inFlight]), STOP_WAIT_MS);
    logger.info({}, 'telegram bot stopped');
  }

  return {
    sender,
    start,
    stopSending: () => pacer.close(),
    stop,
    get botUsername() {
      return bot.isInited() ? bot.botInfo.username : undefined;
    },
    webhookPort: () => {
      const address = server?.address();
      return address && typeof address === 'object' ? (address as AddressInfo).port : null;
    },
    sendRate: () => pacer.perSecond(),
  };
}
