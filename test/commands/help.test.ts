import { describe, expect, it } from 'vitest';
import { formatHelp } from '../../src/chat/format-misc.js';
import type { Message } from '../../src/chat/message.js';
import { usageLine } from '../../src/chat/registry.js';
import { commands } from '../../commands/index.js';
import { runConsole } from './fake-services.js';

describe('/help', () => {
  it('lists every registered command with its usage line and description', async () => {
    const out = await runConsole(['/help']);
    expect(commands.map((c) => c.name).sort()).toEqual(
      ['digest', 'help', 'latest', 'search', 'sources', 'status', 'subscribe', 'subscriptions', 'topics', 'unsubscribe'],
    );
    for (const command of commands) expect(out).toContain(`• ${usageLine(command)} — ${command.description}`);
    expect(out).toContain('• /subscribe <topic|all> [mode] [time] [timezone] [backlog] — Send this chat alerts and/or a daily digest (chat admins)');
    expect(out).toContain('Topics: m23, qatar-talks, ceasefire.');
  });

  it('on Discord, speaks of its slash-command form and of Manage Channels instead of typed options', () => {
    const text = (message: Message) =>
      message.blocks.map((block) => ('spans' in block ? block.spans.map((s) => s.text).join('') : 'items' in block ? block.items.map((i) => i.map((s) => s.text).join('')).join('\n') : '')).join('\n');
    const discord = text(formatHelp(commands, [], 'discord'));
    expect(discord).toContain('Discord offers each option as you type the command.');
    expect(discord).toContain('Send this chat alerts and/or a daily digest (needs Manage Channels)');
    expect(discord).not.toContain('time=07:30');
    const telegram = text(formatHelp(commands, [], 'telegram'));
    expect(telegram).toContain('options can also be named, e.g. /subscribe m23 time=07:30.');
    expect(telegram).toContain('(chat admins)');
  });

  it('points an unknown command at /help', async () => {
    const out = await runConsole(['/foo']);
    expect(out.trim()).toBe('Unknown command /foo. Type /help for the list.');
  });
});
