import { describe, expect, it } from 'vitest';
import type { ChannelRef, CommandDefinition } from '../../src/chat/command.js';
import { executeCommand } from '../../src/chat/execute-command.js';
import type { Message } from '../../src/chat/message.js';
import { createRegistry } from '../../src/chat/registry.js';
import { createFakeServices, createMemoryLogger, registry } from '../commands/fake-services.js';

const channel: ChannelRef = { platform: 'telegram', chatId: '-100200' };
const user = { id: '42' };

function textOf(message: Message): string {
  return message.blocks
    .map((b) => ('spans' in b ? b.spans.map((s) => s.text).join('') : 'items' in b ? b.items.flat().map((s) => s.text).join(' ') : b.text))
    .join('\n');
}

describe('executeCommand', () => {
  it('answers an unknown command with a pointer to /help', async () => {
    const answer = await executeCommand({ registry, text: '/foo bar', channel, user, services: createFakeServices(), logger: createMemoryLogger() });
    expect(answer.kind).toBe('error');
    expect(textOf(answer)).toBe('Unknown command /foo. Type /help for the list.');
  });

  it('refuses an admin-only command when the user is not an admin, saying why', async () => {
    const services = createFakeServices();
    const answer = await executeCommand({
      registry,
      text: '/subscribe m23',
      channel,
      user,
      services,
      logger: createMemoryLogger(),
      isChannelAdmin: async () => false,
    });
    expect(textOf(answer)).toMatch(/^Only administrators of this chat can use \/subscribe: it changes what the whole chat receives\.$/);
    expect(services.data.calls.subscribe).toEqual([]);
  });

  it('refuses an admin-only command when the platform gave no way to check', async () => {
    const services = createFakeServices();
    const answer = await executeCommand({ registry, text: '/unsubscribe', channel, user, services, logger: createMemoryLogger() });
    expect(textOf(answer)).toMatch(/Only administrators/);
  });

  it('runs an admin-only command for an admin', async () => {
    const services = createFakeServices();
    await executeCommand({
      registry,
      text: '/subscribe m23 alerts',
      channel,
      user,
      services,
      logger: createMemoryLogger(),
      isChannelAdmin: async () => true,
    });
    expect(services.data.calls.subscribe).toEqual([
      { topic: 'm23', mode: 'alerts' },
    ]);
  });

  it('logs a failing handler and answers with a plain sentence, never the stack', async () => {
    const services = createFakeServices({ failWith: new Error('SQLITE_BUSY: database is locked') });
    const logger = createMemoryLogger();
    const answer = await executeCommand({ registry, text: '/latest', channel, user, services, logger });
    expect(textOf(answer)).toBe('Something went wrong while running /latest. It has been logged; please try again later.');
    expect(JSON.stringify(answer)).not.toMatch(/SQLITE|at .*\.ts/);
    expect(logger.entries).toHaveLength(1);
    expect(logger.entries[0]?.message).toBe('command failed');
    expect((logger.entries[0]?.details as { err: Error }).err.message).toBe('SQLITE_BUSY: database is locked');
  });

  it('takes structured options by name, as Discord passes them', async () => {
    const services = createFakeServices();
    await executeCommand({
      registry,
      name: 'latest',
      rawOptions: { topic: 'Ceasefire', count: 7 },
      channel,
      user,
      services,
      logger: createMemoryLogger(),
    });
    expect(services.data.calls.latest).toEqual([{ topicId: 'ceasefire', count: 7 }]);
  });

  it('returns the validation line instead of running the handler', async () => {
    const services = createFakeServices();
    const answer = await executeCommand({ registry, text: '/latest m23 99', channel, user, services, logger: createMemoryLogger() });
    expect(textOf(answer)).toBe('count must be a whole number from 1 to 20.');
    expect(answer.ephemeral).toBe(true);
    expect(services.data.calls.latest).toEqual([]);
  });

  it('hands the handler every registered command', async () => {
    let seen: readonly CommandDefinition[] = [];
    const probe: CommandDefinition = {
      name: 'probe',
      description: 'test',
      options: {},
      run: async ({ commands }) => {
        seen = commands;
        return { blocks: [] };
      },
    };
    const own = createRegistry([probe]);
    await executeCommand({ registry: own, text: '/PROBE', channel, user, services: createFakeServices(), logger: createMemoryLogger() });
    expect(seen.map((c) => c.name)).toEqual(['probe']);
  });
});

describe('createRegistry', () => {
  it('refuses duplicate names and a rest option that is not last', () => {
    const base: CommandDefinition = { name: 'x', description: 'x', options: {}, run: async () => ({ blocks: [] }) };
    expect(() => createRegistry([base, base])).toThrow(/registered twice/);
    expect(() =>
      createRegistry([
        {
          ...base,
          options: {
            query: { type: 'string', description: 'q', rest: true },
            count: { type: 'integer', description: 'n' },
          },
        },
      ]),
    ).toThrow(/must be last/);
  });
});
