import { describe, expect, it } from 'vitest';
import { createFakeServices, runConsole } from './fake-services.js';

describe('/unsubscribe', () => {
  it('removes one topic, then everything by default', async () => {
    const services = createFakeServices();
    const out = await runConsole(['/subscribe m23', '/subscribe qatar-talks', '/unsubscribe m23', '/subscriptions', '/unsubscribe', '/subscriptions'], services);
    expect(out).toContain('Unsubscribed from m23.');
    const list = out.split('## This chat receives')[1] ?? '';
    expect(list).toContain('• qatar-talks — alerts and a daily digest');
    expect(list).not.toContain('• m23 —');
    expect(out).toContain('Unsubscribed from everything (1 subscription). Nothing more will be sent here.');
    expect(out.trim().endsWith('This chat has no subscriptions. Subscribe with /subscribe all, or e.g. /subscribe m23 digest 08:00 Africa/Kinshasa.')).toBe(true);
  });

  it('says why one topic cannot be left out of an all subscription, and how to get there', async () => {
    const out = await runConsole(['/subscribe all', '/unsubscribe ceasefire']);
    expect(out).toContain('This chat is subscribed to all topics, so ceasefire cannot be left out alone: /unsubscribe all, then /subscribe the topics you want.');
  });

  it('says when there was nothing to remove, and rejects unknown topics', async () => {
    const out = await runConsole(['/unsubscribe ceasefire', '/unsubscribe peace']);
    expect(out).toContain('This chat was not subscribed to ceasefire.');
    expect(out).toContain('Unknown topic "peace". Choose one of: m23, qatar-talks, ceasefire, all.');
  });
});
