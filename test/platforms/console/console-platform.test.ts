import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatAlert } from '../../../src/chat/format-story.js';
import { CONSOLE_CHANNEL, createConsolePlatform } from '../../../src/platforms/console/console-platform.js';
import { createFakeServices, createMemoryLogger, makeStory, NOW, registry, runConsole } from '../../commands/fake-services.js';

function streams() {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { input, output, text: () => text };
}

describe('console platform', () => {
  it('answers piped commands in order and resolves at end of input', async () => {
    const out = await runConsole(['/topics', '', '   ', '/subscriptions']);
    const topicsAt = out.indexOf('## Tracked topics');
    const subsAt = out.indexOf('This chat has no subscriptions.');
    expect(topicsAt).toBeGreaterThanOrEqual(0);
    expect(subsAt).toBeGreaterThan(topicsAt);
    expect(out).not.toContain('sitrep> ');
  });

  it('keeps answers in input order even when an earlier command is slower', async () => {
    const services = createFakeServices();
    const slowStatus = services.status;
    services.status = async (id) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return slowStatus(id);
    };
    const out = await runConsole(['/status m23', '/topics'], services);
    expect(out.indexOf('## M23 rebellion: escalating')).toBeLessThan(out.indexOf('## Tracked topics'));
  });

  it('answers text that is not a command with a hint', async () => {
    const out = await runConsole(['status m23']);
    expect(out).toBe('Commands start with /, e.g. /status m23. Type /help for the list.\n\n');
  });

  it('shows a prompt only when the input is a terminal', async () => {
    const { input, output, text } = streams();
    Object.assign(input, { isTTY: true });
    const platform = createConsolePlatform({ input, output, registry, services: createFakeServices(), logger: createMemoryLogger() });
    const done = platform.run();
    input.end('/topics\n');
    await done;
    expect(text()).toContain('sitrep> ');
    expect(text()).toContain('## Tracked topics');
  });

  it('treats the console user as a chat admin', async () => {
    const services = createFakeServices();
    const out = await runConsole(['/subscribe ceasefire alerts'], services);
    expect(out).toContain('## Subscribed');
    expect([...services.data.subscriptions.keys()]).toEqual(['console:console']);
  });

  it('prints alerts sent through its sender and a one-line update when one is edited', async () => {
    const { input, output, text } = streams();
    const platform = createConsolePlatform({ input, output, registry, services: createFakeServices(), logger: createMemoryLogger() });
    const story = makeStory();
    const sent = await platform.sender.send(CONSOLE_CHANNEL, formatAlert([story], { now: NOW }));
    expect(sent).toEqual({ ok: true, messageIds: ['console-1'] });
    expect(text()).toContain('## M23 rebels advance towards Goma <https://news.example/m23-goma>\n  Reuters · 3 h ago');

    const grown = { ...story, sources: ['Reuters', 'AFP', 'BBC'] };
    const edited = await platform.sender.edit(CONSOLE_CHANNEL, ['console-1'], formatAlert([grown], { now: NOW }));
    expect(edited).toEqual({ ok: true, messageIds: ['console-1'] });
    expect(text().trimEnd().split('\n').at(-1)).toBe('↻ Reuters +2 sources (AFP, BBC): M23 rebels advance towards Goma');
    input.end();
    await platform.run();
  });

  it('refuses to send to a channel of another platform', async () => {
    const { output } = streams();
    const platform = createConsolePlatform({ input: new PassThrough(), output, registry, services: createFakeServices(), logger: createMemoryLogger() });
    const result = await platform.sender.send({ platform: 'telegram', chatId: '1' }, formatAlert([makeStory()]));
    expect(result).toMatchObject({ ok: false, kind: 'rejected' });
  });

  it('ends the session with a logged error when its output fails, running no command after that', async () => {
    const input = new PassThrough();
    // A full disk: every write fails, as process.stdout does on /dev/full.
    const output = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
      },
    });
    const services = createFakeServices();
    const logger = createMemoryLogger();
    const platform = createConsolePlatform({ input, output, registry, services, logger });
    const done = platform.run();
    const sent = await platform.sender.send(CONSOLE_CHANNEL, formatAlert([makeStory()], { now: NOW }));
    expect(sent).toMatchObject({ ok: false, kind: 'retry', reason: expect.stringContaining('ENOSPC') });
    input.write('/subscribe m23\n');

    expect(await done).toBe('console output failed');
    expect(logger.entries.map((e) => e.message)).toEqual([expect.stringMatching(/^console output failed \(ENOSPC.*the console stops$/)]);
    expect(await services.subscriptions(CONSOLE_CHANNEL)).toEqual([]);
  });
});
