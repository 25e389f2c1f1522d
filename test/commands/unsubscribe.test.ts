import { describe, expect, it } from 'vitest';
import { createFakeServices, runConsole } from './fake-services.js';

describe('/unsubscribe', () => {
  it('removes one topic, then everything by default', async () => {
    const services = createFakeServices();
    const out = await runConsole(['/subscribe all', '/unsubscribe m23', '/subscriptions', '/unsubscribe', '/subscriptions'], services);
    expect(out).toContain('Unsubscribed from m23.');
    expect(out).toContain('• qatar-talks — alerts and a daily digest');
    expect(out).toContain('Unsubscribed from everything (2 subscriptions). Nothing more will be sent here.');
    expect(out.trim().endsWith('This chat has no subscriptions. Subscribe with /subscribe all, or e.g. /subscribe m23 digest 08:00 Africa/Kinshasa.')).toBe(true);
  });

  it('says when there was nothing to remove, and rejects unknown topics', async () => {
    const out = await runConsole(['/unsubscribe ceasefire', '/unsubscribe peace']);
    expect(out).toContain('This chat was not subscribed to ceasefire.');
    expect(out).toContain('Unknown topic "peace". Choose one of: m23, qatar-talks, ceasefire, all.');
  });
});
