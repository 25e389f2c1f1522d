import { describe, expect, it } from 'vitest';
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

  it('points an unknown command at /help', async () => {
    const out = await runConsole(['/foo']);
    expect(out.trim()).toBe('Unknown command /foo. Type /help for the list.');
  });
});
