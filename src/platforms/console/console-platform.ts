/**
 * The console as a chat platform: a REPL on a terminal, or a script reader on piped stdin
 * (`echo "/status m23" | sitrep start` prints the answer and exits at end of input). Alerts and digests
 * the dispatcher sends are printed through the same output; edits print a one-line update.
 */
import { clearLine, createInterface, cursorTo } from 'node:readline';
import type { ChannelRef, UserRef } from '../../chat/command.js';
import { executeCommand } from '../../chat/execute-command.js';
import type { CommandLogger } from '../../chat/execute-command.js';
import type { Message } from '../../chat/message.js';
import type { CommandRegistry } from '../../chat/registry.js';
import type { BotServices } from '../../chat/services.js';
import type { MessageSender, SendResult } from '../../delivery/sender.js';
import { inertText, renderText } from './render-text.js';

/** The one chat the console is. */
export const CONSOLE_CHANNEL: ChannelRef = { platform: 'console', chatId: 'console' };
const CONSOLE_USER: UserRef = { id: 'console' };
const PROMPT = 'sitrep> ';
// Enough to re-render recent alerts' "+N sources" edits; older ones just print a generic update line.
const REMEMBERED = 500;

/** What the console platform needs. */
export type ConsolePlatformOptions = {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
  registry: CommandRegistry;
  services: BotServices;
  logger: CommandLogger;
};

/** Why the console session ended: its input ended, or its output broke (a full disk, a closed pipe). */
export type ConsoleEnd = 'end of input' | 'console output failed';

/** The console platform: the dispatcher's sender, and `run()` that answers commands until input ends. */
export type ConsolePlatform = {
  sender: MessageSender;
  /** Reads lines until end of input, answering each command before reading the next; resolves at the end. */
  run(): Promise<ConsoleEnd>;
};

type StoryLines = Map<string, string>;

/** Each heading (story title) with the first note under it ("Reuters +2 sources · 3 h ago"). */
function storyLines(message: Message): StoryLines {
  const stories: StoryLines = new Map();
  message.blocks.forEach((block, i) => {
    if (block.type !== 'heading') return;
    const next = message.blocks[i + 1];
    stories.set(block.text, next?.type === 'note' ? next.spans.map((s) => s.text).join('') : '');
  });
  return stories;
}

/** The one-line updates an edit shows: "↻ Reuters +2 sources: <title>" for each story that changed. */
function updateLines(before: Message | undefined, after: Message): string[] {
  const old = before ? storyLines(before) : new Map<string, string>();
  const lines: string[] = [];
  for (const [title, note] of storyLines(after)) {
    if (old.get(title) === note) continue;
    const sources = note.split(' · ')[0] ?? '';
    lines.push(`↻ ${inertText(sources === '' ? 'updated' : sources)}: ${inertText(title)}`);
  }
  if (lines.length === 0) lines.push(`↻ updated: ${renderText(after).split('\n')[0] ?? ''}`);
  return lines;
}

/** Builds the console platform over the given streams (never process.stdin/stdout directly). */
export function createConsolePlatform(options: ConsolePlatformOptions): ConsolePlatform {
  const { input, output, registry, services, logger } = options;
  const tty = input.isTTY === true;
  const sent = new Map<string, Message>();
  let counter = 0;
  let rePrompt: (() => void) | null = null;
  // A stream that failed once (ENOSPC, EPIPE) is destroyed and takes no more writes: nothing the console is
  // for can be shown any more, so the session ends instead of answering into the void. Alerts it could not
  // print stay in the outbox for the next start.
  let outputFailed = false;
  let endSession: (() => void) | null = null;
  output.on('error', (error: Error) => {
    if (outputFailed) return;
    outputFailed = true;
    logger.error({ err: error }, `console output failed (${error.message}): answers and alerts cannot be shown, the console stops`);
    endSession?.();
  });

  /** Writes a block; resolves once the stream has taken it (so an alert counts as sent only when it is out). */
  function print(text: string): Promise<Error | null> {
    // On a terminal an alert can arrive while the prompt is shown: clear that line first, then re-prompt
    // (readline keeps whatever the user had typed).
    if (rePrompt) {
      clearLine(output, 0);
      cursorTo(output, 0);
    }
    const written = new Promise<Error | null>((resolve) => {
      output.write(`${text}\n`, (error?: Error | null) => resolve(error ?? null));
    });
    rePrompt?.();
    return written;
  }

  const notWritten = (error: Error): SendResult => ({ ok: false, kind: 'retry', reason: `console output failed: ${error.message}` });

  const sender: MessageSender = {
    platform: 'console',
    send: async (channel, message) => {
      if (channel.platform !== 'console') return { ok: false, kind: 'rejected', reason: `not a console channel: ${channel.platform}` };
      const id = `console-${++counter}`;
      sent.set(id, message);
      if (sent.size > REMEMBERED) sent.delete(sent.keys().next().value ?? '');
      const error = await print(`${renderText(message)}\n`);
      if (error) return notWritten(error);
      return { ok: true, messageIds: [id] };
    },
    edit: async (channel, messageIds, message) => {
      if (channel.platform !== 'console') return { ok: false, kind: 'rejected', reason: `not a console channel: ${channel.platform}` };
      const id = messageIds[0] ?? '';
      const error = await print(updateLines(sent.get(id), message).join('\n'));
      if (error) return notWritten(error);
      if (sent.has(id)) sent.set(id, message);
      return { ok: true, messageIds };
    },
  };

  async function run(): Promise<ConsoleEnd> {
    const rl = createInterface({ input, output: tty ? output : undefined, terminal: tty, crlfDelay: Infinity });
    endSession = () => rl.close();
    if (outputFailed) rl.close();
    if (tty) {
      rl.setPrompt(PROMPT);
      rePrompt = () => rl.prompt(true);
      rl.prompt();
    }
    try {
      for await (const raw of rl) {
        if (outputFailed) break;
        const line = raw.trim();
        if (line === '') {
          rePrompt?.();
          continue;
        }
        // Text that is not a command gets executeCommand's hint, like on every other platform.
        const answer = await executeCommand({
          registry,
          text: line,
          channel: CONSOLE_CHANNEL,
          user: CONSOLE_USER,
          services,
          logger,
          isChannelAdmin: async () => true,
        });
        await print(`${renderText(answer)}\n`);
      }
    } finally {
      rePrompt = null;
      endSession = null;
      rl.close();
    }
    return outputFailed ? 'console output failed' : 'end of input';
  }

  return { sender, run };
}
