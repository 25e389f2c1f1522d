import { describe, expect, it } from 'vitest';
import { createFakeServices, makeStory, NOW, runConsole } from './fake-services.js';

describe('/digest', () => {
  it('tells a chat without subscriptions how to subscribe', async () => {
    const out = await runConsole(['/digest']);
    expect(out.trim()).toBe(
      'This chat has no subscriptions, so there is no digest to show. Subscribe with /subscribe all, or e.g. /subscribe m23 digest 08:00 Africa/Kinshasa.',
    );
  });

  it("shows this chat's digest now", async () => {
    const services = createFakeServices({
      digest: {
        since: NOW - 24 * 3_600_000,
        until: NOW,
        sections: [{ topicId: 'm23', topicName: 'M23 rebellion', statusLine: 'Escalating: clashes near Goma.', stories: [makeStory()], more: 2 }],
      },
    });
    const out = await runConsole(['/subscribe m23', '/digest'], services);
    expect(out).toContain(
      '## M23 rebellion\nEscalating: clashes near Goma.\n• M23 rebels advance towards Goma <https://news.example/m23-goma> — Reuters · 3 h ago (1 Jun 09:00 UTC)',
    );
    expect(out).toContain('+2 more');
  });

  it('says there is nothing new in one line on a quiet day', async () => {
    const services = createFakeServices({
      digest: {
        since: NOW - 24 * 3_600_000,
        until: NOW,
        sections: [{ topicId: 'm23', topicName: 'M23 rebellion', statusLine: '', stories: [], more: 0 }],
      },
    });
    const out = await runConsole(['/subscribe m23', '/digest'], services);
    expect(out.trim().split('\n\n').at(-1)).toBe('No new reports on M23 rebellion since 31 May 12:00 UTC.');
  });
});
