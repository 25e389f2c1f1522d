import { describe, expect, it } from 'vitest';
import { createFakeServices, NOW, runConsole } from './fake-services.js';

const HOUR = 3_600_000;

describe('/sources', () => {
  it('shows failing feeds first with failures and last error, then healthy ones', async () => {
    const services = createFakeServices({
      feeds: [
        { id: 'radio-okapi', title: 'Radio Okapi', enabled: true, lastSuccessAt: NOW - 2 * HOUR, lastAttemptAt: NOW - HOUR, consecutiveFailures: 0, lastError: null, repairs: [] },
        { id: 'actualite-cd', title: null, enabled: true, lastSuccessAt: NOW - 50 * HOUR, lastAttemptAt: NOW, consecutiveFailures: 3, lastError: 'HTTP 503', repairs: [] },
        { id: 'old', title: 'Old feed', enabled: false, lastSuccessAt: null, lastAttemptAt: null, consecutiveFailures: 0, lastError: null, repairs: [] },
      ],
    });
    const out = await runConsole(['/sources'], services);
    expect(out.trim()).toBe(
      [
        '## Feeds',
        '• actualite-cd — failing: 3 failures in a row, last error: HTTP 503; last success 2 d ago (30 May 10:00 UTC)',
        '• radio-okapi (Radio Okapi) — ok, last success 2 h ago (1 Jun 10:00 UTC)',
        '• old (Old feed) — disabled',
        '  3 feeds, 1 failing.',
      ].join('\n'),
    );
  });

  it('says when a feed gives items only because its XML was repaired, and which repairs it needed', async () => {
    const services = createFakeServices({
      feeds: [
        { id: 'kivu-morning', title: null, enabled: true, lastSuccessAt: NOW - HOUR, lastAttemptAt: NOW - HOUR, consecutiveFailures: 0, lastError: null, repairs: ['escaped bare & and unknown entities', 'closed tags left open at end of file'] },
      ],
    });
    const out = await runConsole(['/sources'], services);
    expect(out).toContain('• kivu-morning — ok with repairs to its XML (escaped bare & and unknown entities; closed tags left open at end of file), last success 1 h ago');
    expect(out).toContain('1 feed, 0 failing.');
  });
});
