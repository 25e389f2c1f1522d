import { describe, expect, it } from 'vitest';
import { formatAlert } from '../../../src/chat/format-story.js';
import { createTelegramPlatform } from '../../../src/platforms/telegram/telegram-platform.js';
import { createFakeServices, makeStory, registry } from '../../commands/fake-services.js';
import { startFakeTelegram } from '../../fakes/telegram-api.js';

function createLogger() {
  const entries: { level: string; details: object; message: string }[] = [];
  const at = (level: string) => (details: object, message: string) => void entries.push({ level, details, message });
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
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
    const paced = createTelegramPlatform({
      token: limited.token,
      apiRoot: limited.apiRoot,
      registry,
      services: createFakeServices(),
      logger: createLogger(),
      pace: { perSecond: 10, perChatPerMinute: 20 },
    });
    try {
      const started = Date.now();
      const results = await Promise.all(
        Array.from({ length: 15 }, (_, i) => paced.sender.send({ platform: 'telegram', chatId: String(1000 + i) }, formatAlert([makeStory()]))),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      expect(limited.calls.filter((c) => c.response?.ok === false)).toEqual([]);
      expect(limited.sentMessages()).toHaveLength(15);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    } finally {
      await limited.close();
    }
  });
});
