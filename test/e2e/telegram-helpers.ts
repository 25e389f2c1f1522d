/**
 * Helpers for the Telegram end-to-end tests: a temporary config folder, the real bot process spawned the
 * way a user runs it (`node bin/sitrep.js … start`), its output read line by line, and small waits on the
 * fake Bot API. Everything talks to 127.0.0.1 only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeCall, FakeSentMessage, FakeTelegram, FakeUserMessage } from '../fakes/telegram-types.js';
import { parseTelegramHtml } from '../fakes/telegram-html.js';
import { rssFeed } from '../fakes/feed-server.js';
import type { FeedItemSpec, FeedServer } from '../fakes/feed-server.js';

/** The repository root (where bin/sitrep.js lives). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The real topics file the bot ships with. */
export const TOPICS_FILE = join(REPO_ROOT, 'feeds', 'topics.yaml');

/** One feed of the temporary sources.yaml. */
export type TestFeed = { id: string; url: string; title: string };

/** Writes sources.yaml (1 s interval, the shipped topics) and settings.yaml into a new temp folder. */
export async function writeConfig(feeds: readonly TestFeed[], settingsYaml = ''): Promise<{ dir: string; dbPath: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'sitrep-tg-e2e-'));
  // load-config joins topicsFile onto the folder, so an absolute path does not work (reported); a
  // relative one still points at the real shipped file.
  const topicsFile = relative(dir, TOPICS_FILE);
  const lines = [
    'defaults:',
    '  interval: 1s',
    '  timeout: 5s',
    `topicsFile: ${JSON.stringify(topicsFile)}`,
    'feeds:',
    ...feeds.flatMap((feed) => [`  - id: ${feed.id}`, `    url: ${JSON.stringify(feed.url)}`, `    title: ${JSON.stringify(feed.title)}`, '    language: en']),
  ];
  await writeFile(join(dir, 'sources.yaml'), `${lines.join('\n')}\n`);
  if (settingsYaml) await writeFile(join(dir, 'settings.yaml'), settingsYaml);
  return { dir, dbPath: join(dir, 'sitrep.db'), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A running bot process and its output. */
export type BotProcess = {
  child: ChildProcess;
  stdout: string[];
  /** stderr lines: pino's JSON log lines (and anything else the process printed there). */
  stderr: string[];
  /** Parsed JSON log lines from stderr. */
  logs(): Record<string, unknown>[];
  /** Resolves with the first stdout line matching (already printed or still to come). */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the first log line passing `test`. */
  waitForLog(test: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
  /** SIGKILL if still running (for cleanup). */
  kill(): void;
};

/** Spawns `node bin/sitrep.js --config DIR --db PATH start` with Telegram pointed at the fake. */
export function spawnBot(options: { configDir: string; dbPath: string; fake: FakeTelegram; logLevel?: string }): BotProcess {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DISCORD_TOKEN', 'DISCORD_API_BASE', 'DISCORD_GUILD_ID', 'TELEGRAM_WEBHOOK_URL', 'TELEGRAM_WEBHOOK_PORT', 'TELEGRAM_WEBHOOK_SECRET', 'SITREP_CONFIG', 'SITREP_DB']) {
    delete env[name];
  }
  Object.assign(env, {
    TELEGRAM_BOT_TOKEN: options.fake.token,
    TELEGRAM_API_ROOT: options.fake.apiRoot,
    SITREP_LOG_LEVEL: options.logLevel ?? 'info',
    NO_COLOR: '1',
  });
  const child = spawn(process.execPath, ['bin/sitrep.js', '--config', options.configDir, '--db', options.dbPath, 'start'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const listeners = new Set<() => void>();
  const collect = (stream: NodeJS.ReadableStream | null, into: string[]) => {
    let rest = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      into.push(...parts);
      for (const listener of listeners) listener();
    });
  };
  collect(child.stdout, stdout);
  collect(child.stderr, stderr);
  const exited = new Promise<number | string>((resolveExit) => {
    child.once('exit', (code, signal) => {
      resolveExit(code ?? signal ?? 'unknown');
      for (const listener of listeners) listener();
    });
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
  });

  const logs = () =>
    stderr.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });

  function waitUntil<T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolveWait, reject) => {
      const check = () => {
        const found = find();
        if (found !== undefined) {
          done();
          resolveWait(found);
        } else if (ended) {
          done();
          reject(new Error(`bot exited before ${what}; stderr:\n${stderr.slice(-20).join('\n')}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} within ${timeoutMs} ms; stdout:\n${stdout.join('\n')}\nstderr:\n${stderr.slice(-20).join('\n')}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  }

  return {
    child,
    stdout,
    stderr,
    logs,
    exited,
    waitForStdout: (pattern, timeoutMs = 15_000) => waitUntil(() => stdout.find((line) => pattern.test(line)), `stdout line ${pattern}`, timeoutMs),
    waitForLog: (test, timeoutMs = 10_000) => waitUntil(() => logs().find(test), 'matching log line', timeoutMs),
    kill: () => {
      if (!ended) child.kill('SIGKILL');
    },
  };
}

/** Polls `find` every 50 ms until it gives a value; rejects after timeoutMs with `what` in the message. */
export async function eventually<T>(find: () => T | undefined | null | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined && found !== null && found !== false) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Real waiting, for "nothing more happens" checks. */
export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Messages the bot sent to a chat whose visible text contains `needle`. */
export function sentContaining(fake: FakeTelegram, chatId: number, needle: string): FakeSentMessage[] {
  return fake.sentMessages(chatId).filter((message) => message.plainText.includes(needle));
}

/** Waits for the bot's reply in `chatId` after `since` messages were already there. */
export function nextReply(fake: FakeTelegram, chatId: number, since: number, timeoutMs = 10_000): Promise<FakeSentMessage> {
  return eventually(() => fake.sentMessages(chatId)[since], `a reply in chat ${chatId}`, timeoutMs);
}

/** Calls (any method) that named `chatId`. */
export function callsToChat(fake: FakeTelegram, chatId: number, method?: string): FakeCall[] {
  return fake.calls.filter((call) => String(call.params.chat_id) === String(chatId) && (method === undefined || call.method === method));
}

/** Tags Telegram's HTML parser accepts; anything else in a sent text would be a rendering bug. */
const ALLOWED_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'blockquote', 'tg-spoiler']);

/** The tag names used in a Telegram HTML text (lowercase, without duplicates). */
export function tagsIn(html: string): string[] {
  return [...new Set([...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => (m[1] ?? '').toLowerCase()))];
}

/** True when `message` was sent as HTML that Telegram parses and that uses only allowed tags. */
export function isCleanTelegramHtml(message: FakeSentMessage): boolean {
  return message.parseMode === 'HTML' && parseTelegramHtml(message.text).ok && tagsIn(message.text).every((tag) => ALLOWED_TAGS.has(tag));
}

/** Sends `text` from `from` in `chat` (in forum topic `thread`) and resolves with the bot's reply there. */
export function ask(fake: FakeTelegram, chat: FakeUserMessage['chat'], from: FakeUserMessage['from'], text: string, thread?: number): Promise<FakeSentMessage> {
  const before = fake.sentMessages(chat.id).length;
  fake.sendUserMessage({ chat, from, text, ...(thread !== undefined ? { message_thread_id: thread } : {}) });
  return nextReply(fake, chat.id, before);
}

/** A feed whose items a test can add to while the bot polls it. */
export function liveFeed(server: FeedServer, path: string, title: string) {
  const items: FeedItemSpec[] = [];
  let down = false;
  server.route(path, {
    respond: (_req, res) => {
      if (down) res.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance');
      else res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(rssFeed({ title, items }));
    },
  });
  return {
    url: server.url(path),
    /** While down, every fetch answers 503. */
    down(value: boolean) {
      down = value;
    },
    /** Adds an item published now, or at `publishedAt` (a report the outlet dated earlier). */
    add(item: { title: string; slug: string; description?: string; publishedAt?: Date }) {
      items.unshift({
        title: item.title,
        link: `https://news.example.org${path}/${item.slug}`,
        guid: `${path}/${item.slug}`,
        description: item.description ?? item.title,
        pubDate: item.publishedAt ?? new Date(),
      });
    },
  };
}

/** One describe block's bot, fakes and temp folder. */
export type Harness = { fake: FakeTelegram; feeds: FeedServer; bot: BotProcess; cleanup: () => Promise<void> };

/** Kills the bot, closes the fakes and removes the temp folder. */
export async function closeHarness(h: Harness | undefined): Promise<void> {
  if (!h) return;
  h.bot.kill();
  await h.bot.exited;
  await Promise.allSettled([h.fake.close(), h.feeds.close()]);
  await h.cleanup();
}
