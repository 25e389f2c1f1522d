import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../../src/chat/registry.js';
import { telegramCommandDescription, telegramCommandName, toBotCommands } from '../../../src/platforms/telegram/bot-commands.js';
import { textMessage } from '../../../src/chat/message.js';

describe('Telegram command menu', () => {
  it('lists every command with its description, in registry order', () => {
    const run = async () => textMessage('ok');
    const registry = createRegistry([
      { name: 'status', description: 'Latest known status', options: {}, run },
      { name: 'help', description: '  Every\ncommand  ', options: {}, run },
    ]);
    expect(toBotCommands(registry)).toEqual([
      { command: 'status', description: 'Latest known status' },
      { command: 'help', description: 'Every command' },
    ]);
  });

  it('keeps names and descriptions within the Bot API limits', () => {
    expect(telegramCommandName('Digest-Now')).toBe('digest_now');
    expect(telegramCommandName('x'.repeat(40))).toHaveLength(32);
    const long = telegramCommandDescription('word '.repeat(100), '/x');
    expect(long.length).toBeLessThanOrEqual(256);
    expect(long.endsWith('…')).toBe(true);
    expect(telegramCommandDescription('   ', '/x')).toBe('/x');
  });
});
