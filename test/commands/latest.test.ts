import { describe, expect, it } from 'vitest';
import { createFakeServices, makeStory, runConsole } from './fake-services.js';

describe('/latest', () => {
  it('asks for 5 stories of every topic by default', async () => {
    const services = createFakeServices();
    const out = await runConsole(['/latest'], services);
    expect(services.data.calls.latest).toEqual([{ topicId: null, count: 5 }]);
    expect(out).toContain('## Latest reports\n• M23 rebels advance towards Goma <https://news.example/m23-goma> — Reuters · 3 h ago');
  });

  it('takes a topic and a count', async () => {
    const services = createFakeServices({ stories: [makeStory({ sources: ['Reuters', 'AFP'] })] });
    const out = await runConsole(['/latest m23 3'], services);
    expect(services.data.calls.latest).toEqual([{ topicId: 'm23', count: 3 }]);
    expect(out).toContain('## Latest on M23 rebellion');
    expect(out).toContain('— Reuters +1 source (AFP) · 3 h ago');
  });

  it('says so when a topic has no reports', async () => {
    const out = await runConsole(['/latest ceasefire']);
    expect(out.trim()).toBe('No reports on Ceasefire yet.');
  });

  it('rejects a bad count, a second count and too many arguments', async () => {
    const out = await runConsole(['/latest m23 0', '/latest m23 3 4', '/latest m23 3 ceasefire', '/latest m23 3 extra']);
    expect(out).toContain('count must be a whole number from 1 to 20.');
    expect(out).toContain('count is given twice. Usage: /latest [topic] [count]');
    expect(out).toContain('topic is given twice. Usage: /latest [topic] [count]');
    expect(out).toContain('Too many arguments. Usage: /latest [topic] [count]');
  });
});
