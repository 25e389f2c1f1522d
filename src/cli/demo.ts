/**
 * `sitrep demo`: the whole bot, offline. The bundled sample feeds (feeds/demo) are served from a loopback
 * server that releases one item at a time; a temporary database; the console subscribed to every topic.
 * Within seconds it shows alerts (a syndicated story growing "+N sources"), then a digest, then takes
 * commands until Ctrl-D / Ctrl-C (or, with piped input, until the input and the show have ended).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { startApp } from '../app.js';
import { formatDigest } from '../chat/format-digest.js';
import { systemClock } from '../clock.js';
import { loadEnvAndConfig } from '../config/setup.js';
import { reportProblems } from '../core.js';
import { startDripFeedServer } from '../demo/drip-feed-server.js';
import { createLogger } from '../logger.js';
import { CONSOLE_CHANNEL } from '../platforms/console/console-platform.js';
import { renderText } from '../platforms/console/render-text.js';
import { ownPackage } from '../package-root.js';
import { runUntilDone } from './run-until-done.js';

// The sample feeds ship with sitrep: found from its own folder, wherever the demo is run from.
const DEMO_CONFIG = join(ownPackage().root, 'feeds', 'demo');
const FIRST_RELEASE_AFTER_MS = 2_000;
const RELEASE_EVERY_MS = 1_200;
const DIGEST_AFTER_LAST_MS = 4_000;

/** Runs the demo; resolves to the exit code. */
export async function run(globals: { config?: string; db?: string }): Promise<number> {
  const configDir = globals.config ?? DEMO_CONFIG;
  const setup = await loadEnvAndConfig({ config: configDir });
  if (!setup.ok) return reportProblems(setup.problems, (text) => process.stderr.write(text));
  // The demo's screen is for the story; logs show only warnings unless a quieter or louder level was asked for.
  const logger = createLogger(setup.env.logLevel !== 'info' ? setup.env.logLevel : 'warn');

  const dripServer = await startDripFeedServer(setup.config.feeds, systemClock);
  const dataDir = mkdtempSync(join(tmpdir(), 'sitrep-demo-'));
  const out = process.stdout;
  // Piped commands (`printf '/status m23\n' | npm run demo`) are answered once the show is over, when there
  // is something to answer about; typed ones at once, as the person typing sees what has arrived so far.
  let showOver: () => void = () => {};
  const input = process.stdin.isTTY ? process.stdin : deferredInput(process.stdin, new Promise<void>((resolve) => (showOver = resolve)));
  const started = await startApp({
    globals: { config: configDir },
    clock: systemClock,
    logger,
    input,
    output: out,
    dbPath: globals.db ?? join(dataDir, 'sitrep.db'),
    forceConsole: true,
    loaded: {
      env: setup.env,
      config: {
        ...setup.config,
        feeds: dripServer.feeds,
        // The demo releases a day's news in seconds; the hourly alert limit would fold most of it.
        settings: { ...setup.config.settings, alerts: { ...setup.config.settings.alerts, perChannelPerHour: 1_000 } },
      },
    },
  });
  if (!started.ok) {
    await dripServer.close();
    return reportProblems(started.problems, (text) => process.stderr.write(text));
  }
  const { app } = started;
  await app.services.services.subscribe(CONSOLE_CHANNEL, { topic: 'all', mode: 'both' });
  out.write(`demo: the console is subscribed to every topic; ${dripServer.total} sample items (fictional) will arrive over the next ${Math.round((FIRST_RELEASE_AFTER_MS + dripServer.total * RELEASE_EVERY_MS) / 1000)} s.\n`);

  const show = (async () => {
    await sleep(FIRST_RELEASE_AFTER_MS);
    while (dripServer.releaseNext()) await sleep(RELEASE_EVERY_MS);
    await sleep(DIGEST_AFTER_LAST_MS);
    const digest = await app.services.services.digest(CONSOLE_CHANNEL);
    out.write(`\n=== Daily digest (the demo shows it now instead of at ${app.services.services.defaults().digestTime}) ===\n`);
    out.write(`${renderText(formatDigest(digest, { now: systemClock.now() }))}\n`);
    out.write('demo: all sample items are in. Try /status m23, /latest ceasefire 3, /search Doha, /sources, /help. Ctrl-D or Ctrl-C quits.\n');
  })().finally(() => showOver());

  try {
    return await runUntilDone(app, logger, show);
  } finally {
    await dripServer.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `source`, read only from when `start` resolves: until then its lines wait in the pipe. */
function deferredInput(source: NodeJS.ReadableStream, start: Promise<void>): PassThrough {
  const deferred = new PassThrough();
  void start.then(() => source.pipe(deferred));
  return deferred;
}
