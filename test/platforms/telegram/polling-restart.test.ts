import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramPlatform } from '../../../src/platforms/telegram/telegram-platform.js';
import { createFakeServices, registry } from '../../commands/fake-services.js';
import { startFakeTelegram } from '../../fakes/telegram-api.js';
import type { FakeTelegram } from '../../fakes/telegram-types.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function createLogger() {
  const entries: { level: string; details: object; message: string }[] = [];
  const at = (level: string) => (details: object, message: string) => void entries.push({ level, details, message });
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A second bot instance's long poll: Telegram ends the first one's with 409 Conflict. */
async function competingPoll(fake: FakeTelegram): Promise<void> {
  const response = await fetch(`${fake.apiRoot}/bot${fake.token}/getUpdates`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ timeout: 1, offset: -1 }),
  });
  await response.json();
}

describe('Telegram long polling', () => {
  it('starts again after a 409 conflict, so commands sent afterwards are still answered', async () => {
    const fake = await startFakeTelegram();
    cleanups.push(() => fake.close());
    const logger = createLogger();
    const platform = createTelegramPlatform({ token: fake.token, apiRoot: fake.apiRoot, registry, services: createFakeServices(), logger, pollRestartMs: 50 });
    await platform.start();
    cleanups.push(() => platform.stop());
    await fake.waitFor((call) => call.method === 'getUpdates');

    await competingPoll(fake);
    await expect.poll(() => logger.entries.some((e) => e.message.startsWith('telegram long polling stopped'))).toBe(true);
    const stopped = logger.entries.find((e) => e.message.startsWith('telegram long polling stopped'))!;
    expect(stopped).toMatchObject({ level: 'error', details: { retryInMs: 50 } });
    expect(JSON.stringify(stopped.details)).toMatch(/409|Conflict/);

    const update = fake.sendUserMessage({ chat: { id: 42, type: 'private' }, from: { id: 42, first_name: 'Alice' }, text: '/topics' });
    const reply = await fake.waitFor(
      (call) => call.method === 'sendMessage' && (call.params.reply_parameters as { message_id?: number } | undefined)?.message_id === update.message?.message_id,
    );
    expect(reply.response?.ok).toBe(true);
  });
});
