/**
 * `sitrep <command>`: turns argv into one of the CLI commands of DESIGN.md. Each command lives in
 * src/cli/<name>.ts and is loaded only when asked for, so `sitrep parse` never opens a database
 * and `sitrep match` starts fast.
 */
import { setFlagsFromString } from 'node:v8';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { errorText } from './error-text.js';

// V8 lets dead objects pile up in its old generation until it holds up to about four times what survived
// the last full collection. Ingesting promotes many short-lived objects (a feed's items live until their
// batch commits), so a first poll of 1,000 feeds of 200 items peaked at 150–260 MB of RSS with about 25 MB
// live. Growing by at most 30 % between collections held that peak to 145–185 MB, for a few more full
// collections of a few ms each. Read by V8 at each collection, so setting it here takes effect.
setFlagsFromString('--heap-growing-percent=30');

/** Flags every command accepts. */
export type GlobalOptions = { config?: string; db?: string };

/**
 * Argument parser of a flag that names a file or folder: an explicit empty value (`--db ""`, often an unset
 * shell variable) is a mistake to report, not the flag left out, which would fall back to the defaults.
 */
function nonEmpty(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('An empty value is not allowed: give one, or leave the flag out for the default.');
  return value;
}

/** Argument parser of a flag given at most once: commander would silently keep the last of several. */
function once(flag: string) {
  return (value: string, previous: string | undefined): string => {
    if (previous !== undefined) throw new InvalidArgumentError(`${flag} may be given once (it was already "${previous}").`);
    return value;
  };
}

const program = new Command();
program
  .name('sitrep')
  .description('News bot for the DR Congo–M23 conflict, the Doha talks and the ceasefire')
  .option('--config <dir>', 'folder holding sources.yaml and topics.yaml (env SITREP_CONFIG, default ./feeds)', nonEmpty)
  .option('--db <path>', 'SQLite database file (env SITREP_DB, default ./data/sitrep.db)', nonEmpty)
  .showHelpAfterError()
  .exitOverride();

function globals(): GlobalOptions {
  return program.opts<GlobalOptions>();
}

/**
 * For the commands that print and exit: a reader that went away (`sitrep parse … | head`) is the reader being
 * done, exit 0; a write that failed (stdout on a full disk) is one line on stderr and exit 1, not a stack
 * trace. `start` and `demo` handle their output themselves (the console stops cleanly, see app.ts).
 */
function guardStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    process.stderr.write(`sitrep: cannot write the output: ${error.message}\n`);
    process.exit(1);
  });
}

/** Runs a command module's `run` and turns its result into the process exit code. */
async function dispatch(load: () => Promise<{ run: (...args: never[]) => Promise<number> }>, ...args: unknown[]) {
  const name = program.args[0];
  if (name !== 'start' && name !== 'demo') guardStdout();
  const mod = await load();
  const code = await (mod.run as (...a: unknown[]) => Promise<number>)(...args);
  process.exitCode = code;
}

program
  .command('start')
  .description('run the bot: Discord if DISCORD_TOKEN, Telegram if TELEGRAM_BOT_TOKEN, the console when neither')
  .action(() => dispatch(() => import('./cli/start.js'), globals()));

program
  .command('demo')
  .description('the whole bot offline: bundled sample feeds, console channel, temporary database')
  .action(() => dispatch(() => import('./cli/demo.js'), globals()));

program
  .command('poll')
  .description('fetch every configured feed, store new items, print them with their topics')
  .option('--once', 'poll each feed once and exit (without it: keep polling until interrupted)')
  .option('--json', 'one JSON object per new item per line')
  .action((opts: { once?: boolean; json?: boolean }) => dispatch(() => import('./cli/poll.js'), globals(), opts));

program
  .command('parse')
  .description('parse feed files or URLs without a database and print normalized items')
  .argument('<file-or-url...>', 'feed files, file: URLs or http(s) URLs')
  .option('--json', 'one JSON object per item per line')
  .action((inputs: string[], opts: { json?: boolean }) =>
    dispatch(() => import('./cli/parse.js'), globals(), inputs, opts),
  );

program
  .command('match')
  .description('read JSON Lines items {id,title,summary,lang?} on stdin, write {id,topics} lines')
  .option('--json', 'JSON Lines output (the default); --no-json is not offered')
  .option('--explain', 'add the evidence (terms and fields) behind each match')
  .action((opts: { json?: boolean; explain?: boolean }) =>
    dispatch(() => import('./cli/match.js'), globals(), opts),
  );

program
  .command('status')
  .description('print the latest known status of a topic (all topics when none is named)')
  .argument('[topic]', 'topic id')
  .option('--json', 'the status card(s) as JSON')
  .action((topic: string | undefined, opts: { json?: boolean }) =>
    dispatch(() => import('./cli/status.js'), globals(), topic, opts),
  );

program
  .command('digest')
  .description('print the digest the bot would post')
  .option('--since <duration>', 'period to cover, e.g. 24h, 90m, 7d', '24h')
  .option('--topic <topic>', 'only this topic (one)', once('--topic'))
  .option('--json', 'the digest as JSON')
  .action((opts: { since: string; topic?: string; json?: boolean }) => dispatch(() => import('./cli/digest.js'), globals(), opts));

program
  .command('check-config')
  .description('validate the config folder and the environment; exit 1 listing every problem')
  .action(() => dispatch(() => import('./cli/check-config.js'), globals()));

program
  .command('schema')
  .description('write JSON Schemas for sources.yaml, settings.yaml and topics.yaml (for editors)')
  .option('--out <dir>', 'output folder', nonEmpty, 'schema')
  .action((opts: { out: string }) => dispatch(() => import('./cli/schema.js'), globals(), opts));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version exit 0; a wrong argument has already been explained by commander.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(`sitrep: ${errorText(error)}\n`);
    process.exitCode = 1;
  }
}
