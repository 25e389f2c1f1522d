import { describe, expect, it } from 'vitest';
import { createFakeServices, makeStory, runConsole } from './fake-services.js';

describe('/search', () => {
  it('searches the rest of the line and lists the results as stories', async () => {
    const services = createFakeServices({
      stories: [makeStory(), makeStory({ id: 's2', title: 'Doha peace deal signed', url: 'https://news.example/doha' })],
    });
    const out = await runConsole(['/search peace   deal'], services);
    expect(services.data.calls.search).toEqual([{ query: 'peace   deal', limit: 10 }]);
    expect(out).toContain('## Results for "peace   deal"\n• Doha peace deal signed <https://news.example/doha>');
    expect(out).not.toContain('Goma');
  });

  it('shows a query that has its own quotes without doubling them', async () => {
    const out = await runConsole(['/search "prise de Goma" -gaza']);
    expect(out).toContain('Nothing found for "prise de Goma" -gaza.');
    expect(await runConsole(['/search “prise de Goma”'])).toContain('Nothing found for “prise de Goma”.');
  });

  it('says a query of exclusions only has nothing to look for, without searching', async () => {
    const services = createFakeServices();
    const out = await runConsole(['/search -gaza -"west bank"', '/search -« bande de Gaza »'], services);
    expect(out).toContain('Nothing to look for in -gaza -"west bank": a word after - is excluded.');
    expect(out).toContain('Nothing to look for in -« bande de Gaza »: a word after - is excluded.');
    expect(services.data.calls.search).toEqual([]);
  });

  it('says when nothing matched, and asks for a query when none is given', async () => {
    const out = await runConsole(['/search Kinshasa airport', '/search']);
    expect(out).toContain('Nothing found for "Kinshasa airport".');
    expect(out).toContain('Missing query. Usage: /search <query…>');
  });

  it('says a query without a word has nothing to look for, without searching', async () => {
    const services = createFakeServices();
    const out = await runConsole(['/search ""', '/search « »', '/search - ?'], services);
    expect(out).toContain('Nothing to look for in "": give a word or "a phrase", e.g. /search ceasefire -gaza');
    expect(out).toContain('Nothing to look for in « »: give a word');
    expect(out).toContain('Nothing to look for in "- ?": give a word');
    expect(services.data.calls.search).toEqual([]);
  });
});
