import { describe, expect, it } from 'vitest';
import { formatAlert } from '../../src/chat/format-story.js';
import { settingsFileSchema, toSettings } from '../../src/config/settings-schema.js';
import { createPlatforms } from '../../src/platforms/index.js';
import { createFakeServices, makeStory, registry } from '../commands/fake-services.js';
import { startFakeTelegram } from '../fakes/telegram-api.js';

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => silent };

describe('createPlatforms', () => {
  it("paces the Telegram sender as settings.yaml's telegram section says", async () => {
    // A Bot API that allows 10 messages a second: a fixed pace of 10 never runs into its 429s.
    const fake = await startFakeTelegram();
    fake.setRateLimit({ perSecond: 10 });
    const settings = toSettings(settingsFileSchema.parse({ telegram: { perSecond: 10 } }));
    const [telegram] = await createPlatforms({
      env: { configDir: '.', dbPath: ':memory:', logLevel: 'silent', logLevelSet: true, telegram: { token: fake.token, apiRoot: fake.apiRoot, webhook: null }, discord: null },
      telegramPace: settings.telegram,
      registry,
      services: createFakeServices(),
      logger: silent as never,
      kv: { get: () => null, set: () => {} },
      onChannelGone: () => {},
    });
    try {
      const started = Date.now();
      const results = await Promise.all(
        Array.from({ length: 15 }, (_, i) => telegram!.sender.send({ platform: 'telegram', chatId: String(2000 + i) }, formatAlert([makeStory()]))),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      expect(fake.calls.filter((c) => c.response?.ok === false)).toEqual([]);
      expect(fake.sentMessages()).toHaveLength(15);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    } finally {
      await fake.close();
    }
  });
});
