/**
 * settings.yaml: optional tuning of alerts, delivery, digests, storage, polling and Telegram's send pace.
 * Every key is optional; an absent file means every default below.
 */
import { z } from 'zod';
import { canonicalTimezone } from '../time-zone.js';
import { durationSchema, formatDuration } from './duration.js';

/** True when `zone` is an IANA time zone this Node (its ICU data) knows. */
export function isValidTimeZone(zone: string): boolean {
  return canonicalTimezone(zone) !== null;
}

const alertsSchema = z
  .strictObject({
    perChannelPerHour: z.number().int().min(1).max(1000).default(12).meta({ description: 'Most alerts one channel gets per hour; the rest wait.' }),
    maxItemAge: durationSchema({ min: '1m', max: '365d', default: '48h', description: 'Older items never trigger an alert.' }),
    backlogOnSubscribe: z.number().int().min(0).max(50).default(0).meta({ description: 'Stories delivered at once on /subscribe.' }),
  })
  .prefault({});

const deliverySchema = z
  .strictObject({
    maxAttempts: z.number().int().min(1).max(100).default(8).meta({ description: 'Tries per message before it is given up.' }),
    retryBase: durationSchema({ min: '1s', max: '1h', default: '10s', description: 'First retry delay; doubles each attempt.' }),
    retryMax: durationSchema({ min: '1s', max: '7d', default: '30m', description: 'Longest retry delay.' }),
  })
  // Checked on this section alone, once both durations are read (milliseconds by then), so it is reported
  // with every other problem of the file rather than only once the rest of the file is right.
  .superRefine(
    (delivery, ctx) => {
      if (delivery.retryMax < delivery.retryBase) {
        ctx.addIssue({
          code: 'custom',
          path: ['retryMax'],
          message: `must not be shorter than delivery.retryBase (${formatDuration(delivery.retryBase)})`,
        });
      }
    },
    { when: (payload) => !payload.issues.some((issue) => issue.path?.[0] === 'retryBase' || issue.path?.[0] === 'retryMax') },
  )
  .prefault({});

const digestSchema = z
  .strictObject({
    time: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time of day as HH:MM, such as "08:00"' })
      .default('08:00')
      .meta({ description: 'Default time of day for the daily digest (HH:MM).' }),
    timezone: z
      .string()
      .refine(isValidTimeZone, { error: 'must be an IANA time zone such as "UTC", "Africa/Kinshasa" or "Africa/Lubumbashi"' })
      .default('UTC')
      .meta({ description: 'Default IANA time zone of the digest time.' }),
    maxStoriesPerTopic: z.number().int().min(1).max(50).default(8).meta({ description: 'Stories per topic in one digest.' }),
  })
  .prefault({});

const storageSchema = z
  .strictObject({
    retention: durationSchema({ min: '1d', max: '3650d', default: '30d', description: 'Items older than this are deleted.' }),
  })
  .prefault({});

const pollSchema = z
  .strictObject({
    backoffMax: durationSchema({ min: '1m', max: '30d', default: '6h', description: 'Longest wait before retrying a failing feed.' }),
  })
  .prefault({});

// Telegram documents about 30 messages a second for a bot and 20 a minute into one group, but allows some
// bots more (paid broadcasts go to 1,000 a second). `auto` starts at 30 and finds the bot's own limit from
// Telegram's 429s (platforms/telegram/send-rate.ts); a number is a fixed rate, never exceeded.
const telegramSchema = z
  .strictObject({
    perSecond: z
      .union([z.literal('auto'), z.number().int().min(1).max(1000)], {
        error: 'must be "auto" or a whole number of messages from 1 to 1000',
      })
      .default('auto')
      .meta({ description: 'Messages the bot sends per second over all chats: a fixed number, or "auto" (from 30, up to what Telegram accepts).' }),
    perChatPerMinute: z.number().int().min(1).max(1000).default(20).meta({ description: 'Most messages per minute into one group or channel.' }),
  })
  .prefault({});

/** The whole settings.yaml file. */
export const settingsFileSchema = z
  .strictObject({
    alerts: alertsSchema,
    delivery: deliverySchema,
    digest: digestSchema,
    storage: storageSchema,
    poll: pollSchema,
    telegram: telegramSchema,
  })
  .meta({ title: 'sitrep settings.yaml', description: 'Optional tuning; every key has a default.' });

/** settings.yaml as parsed (durations in milliseconds under their YAML names). */
export type SettingsFile = z.output<typeof settingsFileSchema>;

/** Settings ready for use; every duration is in milliseconds and says so in its name. */
export type Settings = {
  alerts: { perChannelPerHour: number; maxItemAgeMs: number; backlogOnSubscribe: number };
  delivery: { maxAttempts: number; retryBaseMs: number; retryMaxMs: number };
  digest: { time: string; timezone: string; maxStoriesPerTopic: number };
  storage: { retentionMs: number };
  poll: { backoffMaxMs: number };
  telegram: { perSecond: number | 'auto'; perChatPerMinute: number };
};

/** Renames parsed durations to their `…Ms` names. */
export function toSettings(file: SettingsFile): Settings {
  return {
    alerts: {
      perChannelPerHour: file.alerts.perChannelPerHour,
      maxItemAgeMs: file.alerts.maxItemAge,
      backlogOnSubscribe: file.alerts.backlogOnSubscribe,
    },
    delivery: {
      maxAttempts: file.delivery.maxAttempts,
      retryBaseMs: file.delivery.retryBase,
      retryMaxMs: file.delivery.retryMax,
    },
    digest: { ...file.digest },
    storage: { retentionMs: file.storage.retention },
    poll: { backoffMaxMs: file.poll.backoffMax },
    telegram: { ...file.telegram },
  };
}

/** Settings when there is no settings.yaml. */
export function defaultSettings(): Settings {
  return toSettings(settingsFileSchema.parse({}));
}
