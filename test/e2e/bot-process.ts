/**
 * Test helpers for end-to-end runs: `node bin/sitrep.js …` as a real child process (stdin a pipe the test
 * writes into, stdout collected), a throwaway config folder pointing at a local feed server, and cleanup of
 * every child a test started.
 */
import { startFeedServer, type FeedServer } from '../fakes/feed-server.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, whatever the working directory. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A feed the temp config lists. */
export type E2eFeed = { id: string; url: string; title: string };

/** A temp config folder and database. */
export type E2eConfig = { dir: string; dbPath: string; cleanup: () => Promise<void> };

/**
 * Writes sources.yaml (feeds polled every second, the shipped topics.yaml) and settings.yaml into a temp
 * folder. `topicsFile` is written relative to the folder, as a user would.
 */
export async function makeE2eConfig(feeds: readonly E2eFeed[], settingsYaml = 'alerts:\n  perChannelPerHour: 1000\n'): Promise<E2eConfig> {
  const dir = await mkdtemp(join(tmpdir(), 'sitrep-e2e-'));
  const topics = relative(dir, join(repoRoot, 'feeds/topics.yaml'));
  const lines = [
    `topicsFile: ${JSON.stringify(topics)}`,
    'defaults:',
    '  interval: 1s',
    '  timeout: 5s',
    'feeds:',
    ...feeds.flatMap((feed) => [`  - id: ${feed.id}`, `    url: ${JSON.stringify(feed.url)}`, `    title: ${JSON.stringify(feed.title)}`]),
  ];
  await writeFile(join(dir, 'sources.yaml'), `${lines.join('\n')}\n`);
  await writeFile(join(dir, 'settings.yaml'), settingsYaml);
  const cleanup = () => rm(dir, { recursive: true, force: true });
  leftovers.push(cleanup);
  return { dir, dbPath: join(dir, 'sitrep.db'), cleanup };
}

// What tests started and cleanUpE2e() removes: temp folders and feed servers.
const leftovers: Array<() => Promise<void>> = [];

/** A feed server that cleanUpE2e() closes. */
export async function startE2eFeedServer(): Promise<FeedServer> {
  const server = await startFeedServer();
  leftovers.push(() => server.close());
  return server;
}

/** Kills every bot, closes every feed server and removes every temp folder a test left (use as afterEach). */
export async function cleanUpE2e(): Promise<void> {
  await killAllBots();
  for (const cleanup of leftovers.splice(0).reverse()) await cleanup();
}

/** A running `sitrep` child process. */
export type BotProcess = {
  child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Writes one line to the bot's stdin (the pipe stays open). */
  send(line: string): void;
  /** Closes stdin (end of input). */
  endInput(): void;
  /** Resolves with stdout once `test` holds for it; rejects after `timeoutMs` showing what was printed. */
  waitFor(test: RegExp | ((out: string) => boolean), timeoutMs?: number, what?: string): Promise<string>;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
};

const running = new Set<ChildProcess>();

/** Spawns `node bin/sitrep.js <args>` in the repository root, without platform tokens (so the console runs). */
export function spawnBot(args: readonly string[], env: Record<string, string> = {}, cwd = repoRoot): BotProcess {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/sitrep.js'), ...args], {
    cwd,
    env: {
      ...process.env,
      DISCORD_TOKEN: '',
      TELEGRAM_BOT_TOKEN: '',
      SITREP_CONFIG: '',
      SITREP_DB: '',
      SITREP_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const wake of waiters) wake();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  // A child killed while the test writes must not fail the test with EPIPE.
  child.stdin!.on('error', () => {});
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolveExit) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      for (const wake of waiters) wake();
      resolveExit({ code, signal, at: Date.now() });
    });
  });

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    send: (line) => {
      child.stdin!.write(`${line}\n`);
    },
    endInput: () => {
      child.stdin!.end();
    },
    waitFor: (test, timeoutMs = 15_000, what = String(test)) =>
      new Promise<string>((resolveWait, reject) => {
        const holds = () => (typeof test === 'function' ? test(out) : test.test(out));
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        const check = () => {
          if (holds()) {
            done();
            resolveWait(out);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`sitrep exited before ${what}\n--- stdout ---\n${out}\n--- stderr ---\n${err}`));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n--- stdout ---\n${out}\n--- stderr ---\n${err}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    exited,
  };
}

/** Kills every child a test left running (call in afterEach). */
export async function killAllBots(): Promise<void> {
  const children = [...running];
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolveKill) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolveKill();
          child.once('exit', () => resolveKill());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** Alert headings on stdout: `## <title> <link>` lines, titles only. */
export function alertTitles(out: string, known: readonly string[]): string[] {
  return out
    .split('\n')
    .filter((line) => line.startsWith('## '))
    .map((line) => line.slice(3).replace(/ <https?:[^>]*>$/, ''))
    .filter((title) => known.includes(title));
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}
