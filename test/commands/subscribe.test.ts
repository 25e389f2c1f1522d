import { describe, expect, it } from 'vitest';
import { createFakeServices, runConsole } from './fake-services.js';

describe('/subscribe', () => {
  it('leaves out what the user did not type, so the service keeps the chat\'s settings or the configured defaults', async () => {
    const services = createFakeServices();
    const out = await runConsole(['/subscribe all'], services);
    expect(services.data.calls.subscribe).toEqual([{ topic: 'all' }]);
    expect(out).toContain('• all — alerts and a daily digest at 08:00 (Africa/Kinshasa)');
    expect(out).toContain('Only reports that arrive from now on will be sent.');
  });

  it('passes mode, time, timezone and backlog through', async () => {
    const services = createFakeServices();
    const out = await runConsole(['/subscribe Qatar-Talks digest 7:30 europe/paris 3'], services);
    expect(services.data.calls.subscribe).toEqual([
      { topic: 'qatar-talks', mode: 'digest', digestTime: '07:30', timezone: 'Europe/Paris', backlog: 3 },
    ]);
    expect(out).toContain('• qatar-talks — a daily digest at 07:30 (Europe/Paris)');
    // Asked for by number, a digest-only subscription gets its backlog too.
    expect(out).toContain('The last 3 stories this chat has not had yet follow now');
    const digestOnly = await runConsole(['/subscribe m23 digest 07:30'], createFakeServices());
    expect(digestOnly).toContain('Only reports that arrive from now on will be sent.');
    const withAlerts = await runConsole(['/subscribe m23 both 07:30 UTC 3'], createFakeServices());
    expect(withAlerts).toContain('The last 3 stories this chat has not had yet follow now, if there are any; after that, only new reports.');
  });

  it('takes a time or a timezone typed where the mode could go, and keeps the mode of an existing subscription', async () => {
    const services = createFakeServices();
    await runConsole(['/subscribe m23 digest 09:00', '/subscribe m23 10:00 Europe/Paris', '/subscribe m23 Africa/Lagos', '/latest 5'], services);
    expect(services.data.calls.subscribe).toEqual([
      { topic: 'm23', mode: 'digest', digestTime: '09:00' },
      { topic: 'm23', digestTime: '10:00', timezone: 'Europe/Paris' },
      { topic: 'm23', timezone: 'Africa/Lagos' },
    ]);
    const out = await runConsole(['/subscriptions'], services);
    expect(out).toContain('• m23 — a daily digest at 10:00 (Africa/Lagos)');
  });

  it('takes the topic typed after a time, a timezone or a mode, and says it is missing when it is not typed at all', async () => {
    const services = createFakeServices();
    const out = await runConsole(['/subscribe 07:30 m23', '/subscribe Europe/Paris digest ceasefire', '/subscribe 07:30'], services);
    expect(services.data.calls.subscribe).toEqual([
      { topic: 'm23', digestTime: '07:30' },
      { topic: 'ceasefire', mode: 'digest', timezone: 'Europe/Paris' },
    ]);
    expect(out.trim().split('\n\n').at(-1)).toBe('Missing topic. Usage: /subscribe <topic|all> [mode] [time] [timezone] [backlog]');
  });

  it('refuses a named option given empty or twice', async () => {
    const services = createFakeServices();
    const out = await runConsole(['/subscribe m23 time=', '/subscribe m23 time=07:30 time=09:00', '/subscribe m23 mode=alerts digest', '/subscribe m23 25:00'], services);
    expect(out.trim().split('\n\n')).toEqual([
      'time= needs a value. Usage: /subscribe <topic|all> [mode] [time] [timezone] [backlog]',
      'time is given twice. Usage: /subscribe <topic|all> [mode] [time] [timezone] [backlog]',
      'mode is given twice. Usage: /subscribe <topic|all> [mode] [time] [timezone] [backlog]',
      'time must be HH:MM from 00:00 to 23:59, e.g. 08:00.',
    ]);
    expect(services.data.calls.subscribe).toEqual([]);
  });

  it('answers each kind of bad input with one line and subscribes nothing', async () => {
    const services = createFakeServices();
    const out = await runConsole(
      ['/subscribe', '/subscribe m24', '/subscribe m23 weekly', '/subscribe m23 both 8am', '/subscribe m23 both 08:00 Gotham', '/subscribe m23 both 08:00 UTC 50'],
      services,
    );
    expect(out.trim().split('\n\n')).toEqual([
      'Missing topic. Usage: /subscribe <topic|all> [mode] [time] [timezone] [backlog]',
      'Unknown topic "m24". Choose one of: m23, qatar-talks, ceasefire, all.',
      'Unknown mode "weekly". Choose one of: alerts, digest, both.',
      'time must be HH:MM from 00:00 to 23:59, e.g. 08:00.',
      'Unknown timezone "Gotham". Use an IANA name such as Europe/Paris or Africa/Kinshasa.',
      'backlog must be a whole number from 0 to 10.',
    ]);
    expect(services.data.calls.subscribe).toEqual([]);
  });
});
