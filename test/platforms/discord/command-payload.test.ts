import { describe, expect, it } from 'vitest';
import { defineCommand, type CommandDefinition } from '../../../src/chat/command.js';
import { textMessage } from '../../../src/chat/message.js';
import { createRegistry } from '../../../src/chat/registry.js';
import { buildCommandPayload, commandPayload, payloadHash } from '../../../src/platforms/discord/command-payload.js';
import { registry, TOPICS } from '../../commands/fake-services.js';

const byName = (name: string) => buildCommandPayload(registry, TOPICS).find((c) => c.name === name);

function makeCommand(overrides: Partial<CommandDefinition> = {}): CommandDefinition {
  return defineCommand({ name: 'probe', description: 'A probe', options: {}, run: async () => textMessage('ok'), ...overrides });
}

describe('slash-command payload', () => {
  it('lists every registered command, flat, in registry order', () => {
    const payload = buildCommandPayload(registry, TOPICS);
    expect(payload.map((c) => c.name)).toEqual(registry.list().map((c) => c.name));
    for (const command of payload) {
      expect(command.type).toBe(1);
      for (const option of command.options ?? []) expect([3, 4]).toContain(option.type);
    }
  });

  it('turns /subscribe topic into a required string with the topic ids and all as choices', () => {
    const topic = byName('subscribe')?.options?.[0];
    expect(topic).toMatchObject({ name: 'topic', type: 3, required: true });
    expect(topic && 'choices' in topic ? topic.choices?.map((c) => c.value) : null).toEqual(['m23', 'qatar-talks', 'ceasefire', 'all']);
  });

  it('offers the topics without all where the command does not allow it', () => {
    const topic = byName('status')?.options?.[0];
    expect(topic && 'choices' in topic ? topic.choices?.map((c) => c.value) : null).toEqual(['m23', 'qatar-talks', 'ceasefire']);
  });

  it('gives integers their bounds and string choices their values', () => {
    expect(byName('latest')?.options?.find((o) => o.name === 'count')).toMatchObject({ type: 4, min_value: 1, max_value: 20, required: false });
    const mode = byName('subscribe')?.options?.find((o) => o.name === 'mode');
    expect(mode && 'choices' in mode ? mode.choices?.map((c) => c.value) : null).toEqual(['alerts', 'digest', 'both']);
    expect(byName('search')?.options?.[0]).toMatchObject({ name: 'query', type: 3, required: true, max_length: 200 });
  });

  it('needs Manage Channels and a server for subscribe and unsubscribe only', () => {
    for (const command of buildCommandPayload(registry, TOPICS)) {
      const admin = command.name === 'subscribe' || command.name === 'unsubscribe';
      expect(command.default_member_permissions).toBe(admin ? '16' : null);
      expect(command.contexts).toEqual(admin ? [0] : [0, 1]);
      expect(command.dm_permission).toBe(!admin);
    }
  });

  it('puts required options before optional ones', () => {
    const command = makeCommand({
      options: { a: { type: 'integer', description: 'a' }, b: { type: 'string', description: 'b', required: true }, c: { type: 'topic', description: 'c' } },
    });
    expect(commandPayload(command, TOPICS).options?.map((o) => o.name)).toEqual(['b', 'a', 'c']);
  });

  it('keeps descriptions and choice names within 100 characters', () => {
    const long = 'x'.repeat(150);
    const payload = commandPayload(makeCommand({ description: long, options: { topic: { type: 'topic', description: long } } }), [{ id: 'm23', name: long, description: '' }]);
    expect(payload.description).toHaveLength(100);
    expect(payload.description.endsWith('…')).toBe(true);
    const topic = payload.options?.[0];
    expect(topic?.description).toHaveLength(100);
    expect(topic && 'choices' in topic ? topic.choices?.[0]?.name.length : 0).toBe(100);
  });

  it('leaves topic choices out when there are more than Discord shows', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ id: `t${i}`, name: `Topic ${i}`, description: '' }));
    const topic = commandPayload(makeCommand({ options: { topic: { type: 'topic', description: 'Topic' } } }), many).options?.[0];
    expect(topic && 'choices' in topic ? topic.choices : undefined).toBeUndefined();
  });

  it('refuses an option name Discord would refuse', () => {
    expect(() => commandPayload(makeCommand({ options: { Topic: { type: 'topic', description: 'x' } } }), TOPICS)).toThrow(/option name "Topic"/);
  });

  it('hashes the same payload the same way, and a change or another scope differently', () => {
    const payload = buildCommandPayload(registry, TOPICS);
    const same = payloadHash(buildCommandPayload(registry, TOPICS), 'app:global');
    expect(payloadHash(payload, 'app:global')).toBe(same);
    expect(payloadHash(payload, 'app:guild:1')).not.toBe(same);
    expect(payloadHash(buildCommandPayload(registry, TOPICS.slice(1)), 'app:global')).not.toBe(same);
    expect(payloadHash(buildCommandPayload(createRegistry(registry.list().slice(1)), TOPICS), 'app:global')).not.toBe(same);
  });
});
