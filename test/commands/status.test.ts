import { describe, expect, it } from 'vitest';
import { createFakeServices, makeCard, runConsole } from './fake-services.js';

describe('/status', () => {
  it('shows one topic with its trend, reason, what changed and dated facts', async () => {
    const services = createFakeServices();
    services.status = async (id) => makeCard(id, { changed: 'new: talks stalled (Al Jazeera, 2 h ago)' });
    const out = await runConsole(['/status@sitrep_bot M23'], services);
    expect(out).toContain('## M23 rebellion: escalating\n3 reports of clashes on m23 since Tuesday, against 1 of calm');
    expect(out).toContain('Changed: new: talks stalled (Al Jazeera, 2 h ago)');
    expect(out).toContain(
      '• Fighting reported (m23) <https://news.example/m23-goma> — Reuters · 3 h ago (1 Jun 09:00 UTC) · single source',
    );
    expect(out).not.toContain('qatar-talks');
  });

  it('shows every topic compactly when none is named', async () => {
    const services = createFakeServices();
    services.status = async (id) => makeCard(id, { facts: [1, 2, 3].map((n) => ({ ...makeCard(id).facts[0]!, title: `Fact ${n} on ${id}` })) });
    const out = await runConsole(['/status'], services);
    for (const name of ['M23 rebellion', 'Doha talks', 'Ceasefire']) expect(out).toContain(`## ${name}: escalating`);
    expect(out).toContain('Fact 1 on ceasefire');
    expect(out).not.toContain('Fact 2');
    expect(out).toContain("/status <topic> shows all of a topic's dated facts.");
  });

  it('lists the valid topics for an unknown one', async () => {
    const out = await runConsole(['/status m24']);
    expect(out.trim()).toBe('Unknown topic "m24". Choose one of: m23, qatar-talks, ceasefire.');
  });
});
