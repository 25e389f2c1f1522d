import { describe, expect, it } from 'vitest';
import { createFakeServices, runConsole } from './fake-services.js';

describe('/subscriptions', () => {
  it('lists what this chat receives in words', async () => {
    const services = createFakeServices();
    const out = await runConsole(['/subscribe m23 alerts', '/subscribe ceasefire digest 18:00 Africa/Kigali', '/subscriptions'], services);
    const answer = out.trim().split('\n\n').at(-1);
    expect(answer).toBe(
      [
        '## This chat receives',
        '• ceasefire — a daily digest at 18:00 (Africa/Kigali)',
        '• m23 — alerts as news arrives',
        '  Change with /subscribe, stop with /unsubscribe [topic|all].',
      ].join('\n'),
    );
  });
});
