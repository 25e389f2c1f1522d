import { describe, expect, it } from 'vitest';
import { runConsole } from './fake-services.js';

describe('/topics', () => {
  it('lists every topic with its id, name and description', async () => {
    const out = await runConsole(['/TOPICS']);
    expect(out).toContain('• m23 — M23 rebellion: The M23/AFC armed group in eastern DR Congo');
    expect(out).toContain('• qatar-talks — Doha talks:');
    expect(out).toContain('• ceasefire — Ceasefire:');
  });
});
