import { describe, expect, it } from 'vitest';
import { createFakeServices, NOW, runConsole } from './fake-services.js';

const HOUR = 3_600_000;

describe('/sources', () => {
  it('shows failing feeds first with failures and last error, then healthy ones', async () => {
    const services = createFakeServices({
      feeds: [
        { id: 'radio-okapi', title: 'Radio Okapi', enabled: true, lastSuccessAt: NOW - 2 * HOUR, lastAttemptAt: NOW - HOUR, consecutiveFailures: 0, lastError: null },
        { id: 'actualite-cd', title: null, enabled: true, lastSuccessAt: NOW - 50 * HOUR, lastAttemptAt: NOW, consecutiveFailures: 3, lastError: 'HTTP 503' },
        { id: 'old', title: 'Old feed', enabled: false, lastSuccessAt: null, lastAttemptAt: null, consecutiveFailures: 0, lastError: null },
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
});
