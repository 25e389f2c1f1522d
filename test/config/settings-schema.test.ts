import { describe, it, expect } from 'vitest';
import { defaultSettings, isValidTimeZone, settingsFileSchema, toSettings } from '../../src/config/settings-schema.js';
import { formatProblem } from '../../src/config/problems.js';
import { validate } from '../../src/config/validate.js';

function problems(data: unknown): string[] {
  const result = validate(settingsFileSchema, data, 'feeds/settings.yaml');
  return result.ok ? [] : result.problems.map(formatProblem);
}

describe('settings.yaml schema', () => {
  it('has the documented defaults, durations in milliseconds', () => {
    expect(defaultSettings()).toEqual({
      alerts: { perChannelPerHour: 12, maxItemAgeMs: 48 * 3_600_000, backlogOnSubscribe: 0 },
      delivery: { maxAttempts: 8, retryBaseMs: 10_000, retryMaxMs: 30 * 60_000 },
      digest: { time: '08:00', timezone: 'UTC', maxStoriesPerTopic: 8 },
      storage: { retentionMs: 30 * 86_400_000 },
      poll: { backoffMaxMs: 6 * 3_600_000 },
      telegram: { perSecond: 'auto', perChatPerMinute: 20 },
    });
  });

  it("refuses a Telegram pace outside what Telegram can allow", () => {
    expect(problems({ telegram: { perSecond: 100 } })).toEqual([]);
    expect(problems({ telegram: { perSecond: 'auto' } })).toEqual([]);
    expect(problems({ telegram: { perSecond: 0 } })).toHaveLength(1);
    expect(problems({ telegram: { perSecond: 'fast' } })).toEqual([expect.stringContaining('must be "auto" or a whole number of messages from 1 to 1000')]);
    expect(problems({ telegram: { perSecond: 5000 } })).toHaveLength(1);
    expect(problems({ telegram: { perChatPerMinute: 2.5 } })).toHaveLength(1);
  });

  it('keeps the defaults of keys a partial file leaves out', () => {
    const settings = toSettings(settingsFileSchema.parse({ digest: { timezone: 'Africa/Kinshasa' }, alerts: { maxItemAge: '12h' } }));
    expect(settings.digest).toEqual({ time: '08:00', timezone: 'Africa/Kinshasa', maxStoriesPerTopic: 8 });
    expect(settings.alerts.maxItemAgeMs).toBe(12 * 3_600_000);
    expect(settings.alerts.perChannelPerHour).toBe(12);
  });

  it('refuses a time zone that does not exist', () => {
    expect(isValidTimeZone('Africa/Lubumbashi')).toBe(true);
    expect(isValidTimeZone('Africa/Goma')).toBe(false);
    expect(problems({ digest: { timezone: 'Africa/Goma' } })).toEqual([
      'feeds/settings.yaml: digest.timezone: must be an IANA time zone such as "UTC", "Africa/Kinshasa" or "Africa/Lubumbashi"',
    ]);
  });

  it('refuses a digest time that is not HH:MM', () => {
    for (const time of ['8:00', '24:00', '08:60', 'eight']) {
      expect(problems({ digest: { time } }), time).toEqual(['feeds/settings.yaml: digest.time: must be a time of day as HH:MM, such as "08:00"']);
    }
  });

  it('refuses a retry ceiling below the first retry delay, naming both keys, even beside other problems', () => {
    const line = 'feeds/settings.yaml: delivery.retryMax: must not be shorter than delivery.retryBase (1h)';
    expect(problems({ delivery: { retryBase: '1h', retryMax: '10s' } })).toEqual([line]);
    expect(problems({ delivery: { retryBase: '1h', retryMax: '10s' }, digest: { time: '25:00' } })).toEqual([
      line,
      'feeds/settings.yaml: digest.time: must be a time of day as HH:MM, such as "08:00"',
    ]);
    expect(problems({ delivery: { retryBase: '1h', retryMax: '10s', maxAttempts: 0 } })).toEqual([
      'feeds/settings.yaml: delivery.maxAttempts: must be at least 1',
      line,
    ]);
    // A delay that is itself wrong is reported once, not compared.
    expect(problems({ delivery: { retryBase: '2h', retryMax: '10s' } })).toEqual(['feeds/settings.yaml: delivery.retryBase: must be at most 1h']);
  });

  it('catches a misspelt section with a suggestion', () => {
    expect(problems({ alert: { perChannelPerHour: 5 } })).toEqual(['feeds/settings.yaml: unknown key "alert" (did you mean "alerts"?)']);
  });
});
