import { describe, expect, it } from 'vitest';
import { formatAlert } from '../../../src/chat/format-story.js';
import { createTelegramPlatform } from '../../../src/platforms/telegram/telegram-platform.js';
import { createFakeServices, makeStory, registry } from '../../commands/fake-services.js';
import { startFakeTelegram } from '../../fakes/telegram-api.js';
import type { FakeTelegram } from '../../fakes/telegram-types.js';
import type { PaceLimits } from '../../../src/platforms/telegram/send-pacer.js';

function createLogger() {
  const entries: { level: string; details: object; message: string }[] = [];
  const at = (level: string) => (details: object, message: string) => void entries.push({ level, details, message });
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** The platform over a fake Bot API, as createPlatforms builds it for settings.yaml's pace. */
function platformOn(fake: FakeTelegram, pace?: PaceLimits, logger = createLogger()) {
  return createTelegramPlatform({ token: fake.token, apiRoot: fake.apiRoot, registry, services: createFakeServices(), logger, ...(pace ? { pace } : {}) });
}

/** Sends one alert to each of `count` private chats from `firstChat` on, all at once. */
function fanOut(platform: ReturnType<typeof createTelegramPlatform>, firstChat: number, count: number) {
  return Promise.all(
    Array.from({ length: count }, (_, i) => platform.sender.send({ platform: 'telegram', chatId: String(firstChat + i) }, formatAlert([makeStory()]))),
  );
}

describe('the Telegram sender when the outside world fails', () => {
  it('turns a network failure into retry without the token in the reason or the logs', async () => {
    // A port that was free a moment ago: nothing listens there now.
    const closed = await startFakeTelegram();
    const apiRoot = closed.apiRoot;
    await closed.close();
    const log = createLogger();
    const token = '987654:SecretTokenThatMustNotLeak_xyz';
    const offline = createTelegramPlatform({ token, apiRoot, registry, services: createFakeServices(), logger: log });
    const result = await offline.sender.send({ platform: 'telegram', chatId: '1' }, formatAlert([makeStory()]));
    expect(result).toMatchObject({ ok: false, kind: 'retry' });
    expect(JSON.stringify(result)).not.toContain('SecretTokenThatMustNotLeak');
    expect(JSON.stringify(log.entries)).not.toContain('SecretTokenThatMustNotLeak');
    await expect(offline.start()).rejects.toThrow(/could not reach/);
  });

  it('paces a fan-out so a rate-limited API never answers 429', async () => {
    const limited = await startFakeTelegram();
    limited.setRateLimit({ perSecond: 10 });
    const paced = platformOn(limited, { perSecond: 10, perChatPerMinute: 20 });
    try {
      const started = Date.now();
      const results = await fanOut(paced, 1000, 15);
      expect(results.every((r) => r.ok)).toBe(true);
      expect(limited.calls.filter((c) => c.response?.ok === false)).toEqual([]);
      expect(limited.sentMessages()).toHaveLength(15);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    } finally {
      await limited.close();
    }
  });

  it('on perSecond auto, finds a limit below its start from the 429s and delivers every message once', async () => {
    // 20 a second, under auto's start of 30: the first second overshoots, then the rate settles under 20.
    const limited = await startFakeTelegram();
    limited.setRateLimit({ perSecond: 20 });
    const log = createLogger();
    const platform = platformOn(limited, { perSecond: 'auto', perChatPerMinute: 20 }, log);
    try {
      const results = await fanOut(platform, 3000, 70);
      expect(results.every((r) => r.ok)).toBe(true);
      const perChat = new Map<string, number>();
      for (const m of limited.sentMessages()) perChat.set(String(m.chatId), (perChat.get(String(m.chatId)) ?? 0) + 1);
      expect(perChat.size).toBe(70);
      expect([...perChat.values()].every((n) => n === 1)).toBe(true);
      const refused = limited.calls.filter((c) => c.response?.ok === false && c.response.error_code === 429).length;
      // Only the overshoot of the first second: a pacer that ignored the 429s would collect one on most resends.
      expect(refused).toBeGreaterThan(0);
      expect(refused).toBeLessThanOrEqual(15);
      expect(platform.sendRate()).toBeLessThan(20);
      // The operator sees the limit found.
      expect(log.entries).toContainEqual(
        expect.objectContaining({ level: 'info', details: { perSecond: platform.sendRate() }, message: expect.stringContaining('send rate lowered') }),
      );
    } finally {
      await limited.close();
    }
  }, 20_000);

  it('on perSecond auto, goes past its start of 30 when the API takes more', async () => {
    const generous = await startFakeTelegram();
    generous.setRateLimit({ perSecond: 1000 });
    // No pace given: the default, perSecond auto.
    const platform = platformOn(generous);
    try {
      const started = Date.now();
      const results = await fanOut(platform, 5000, 150);
      expect(results.every((r) => r.ok)).toBe(true);
      expect(generous.sentMessages()).toHaveLength(150);
      // At a fixed 30 a second, 150 messages take four full windows; doubling (30, 60, 120) takes two.
      expect(Date.now() - started).toBeLessThan(3_500);
      expect(platform.sendRate()).toBeGreaterThan(30);
    } finally {
      await generous.close();
    }
  }, 20_000);
});
