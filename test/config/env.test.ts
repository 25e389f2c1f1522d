import { describe, it, expect } from 'vitest';
import { readEnv, resolveConfigDir, resolveDbPath } from '../../src/config/env.js';
import { formatProblem } from '../../src/config/problems.js';

const TOKEN = '123456789:AAH-secret_token_value';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  const result = readEnv(env);
  return result.ok ? [] : result.problems.map(formatProblem);
}

describe('readEnv', () => {
  it('applies the defaults when nothing is set', () => {
    const result = readEnv({});
    expect(result).toEqual({
      ok: true,
      env: { configDir: './feeds', dbPath: './data/sitrep.db', logLevel: 'info', logLevelSet: false, telegram: null, discord: null },
    });
    expect(readEnv({ SITREP_LOG_LEVEL: 'warn' })).toMatchObject({ ok: true, env: { logLevel: 'warn', logLevelSet: true } });
  });

  it('treats an empty variable as unset', () => {
    const result = readEnv({ SITREP_CONFIG: '', TELEGRAM_BOT_TOKEN: '', DISCORD_TOKEN: '', TELEGRAM_API_ROOT: '', SITREP_LOG_LEVEL: '' });
    expect(result.ok && result.env).toMatchObject({ configDir: './feeds', telegram: null, discord: null, logLevel: 'info', logLevelSet: false });
  });

  it('enables Telegram in webhook mode with port and secret', () => {
    const result = readEnv({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081',
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/hook',
      TELEGRAM_WEBHOOK_PORT: '9000',
      TELEGRAM_WEBHOOK_SECRET: 'abc_DEF-123',
    });
    expect(result.ok && result.env.telegram).toEqual({
      token: TOKEN,
      apiRoot: 'http://127.0.0.1:8081',
      webhook: { url: 'https://bot.example.org/hook', port: 9000, secret: 'abc_DEF-123' },
    });
  });

  it('enables Discord with a guild and a REST base', () => {
    const result = readEnv({ DISCORD_TOKEN: 'discord.token.value', DISCORD_GUILD_ID: '112233445566778899', DISCORD_API_BASE: 'http://127.0.0.1:3000/api' });
    expect(result.ok && result.env.discord).toEqual({ token: 'discord.token.value', apiBase: 'http://127.0.0.1:3000/api', guildId: '112233445566778899' });
  });

  it('reports every bad variable at once, each by name', () => {
    const problems = problemsOf({
      TELEGRAM_BOT_TOKEN: 'not a token',
      TELEGRAM_API_ROOT: 'ftp://example.org',
      DISCORD_API_BASE: 'localhost:3000',
      DISCORD_GUILD_ID: 'my-guild',
      SITREP_LOG_LEVEL: 'verbose',
    });
    expect(problems).toEqual([
      'environment: SITREP_LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent',
      'environment: TELEGRAM_BOT_TOKEN: must look like 123456:ABC… (the token @BotFather gave; check for spaces or quotes)',
      'environment: TELEGRAM_API_ROOT: must be an http(s) URL such as http://127.0.0.1:8081',
      'environment: DISCORD_API_BASE: must be an http(s) URL such as http://127.0.0.1:3000/api',
      'environment: DISCORD_GUILD_ID: must be a server id (digits only, a "snowflake")',
    ]);
  });

  it('never echoes a secret value in a problem', () => {
    const badToken = 'SECRET-VALUE-1234';
    const badSecret = 'hunter2 with spaces';
    const problems = problemsOf({
      TELEGRAM_BOT_TOKEN: badToken,
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/hook',
      TELEGRAM_WEBHOOK_SECRET: badSecret,
      DISCORD_TOKEN: 'discord secret\n',
    });
    expect(problems).toHaveLength(3);
    const text = problems.join('\n');
    expect(text).not.toContain(badToken);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('discord secret');
  });

  it('requires https for the webhook URL and a real port number', () => {
    expect(problemsOf({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_URL: 'http://bot.example.org/hook', TELEGRAM_WEBHOOK_PORT: '70000' })).toEqual([
      'environment: TELEGRAM_WEBHOOK_URL: must be an https URL (Telegram only calls webhooks over https)',
      'environment: TELEGRAM_WEBHOOK_PORT: must be a port number from 1 to 65535',
    ]);
  });

  it('flags webhook settings that would be ignored', () => {
    expect(problemsOf({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: 'abc' })).toEqual([
      'environment: TELEGRAM_WEBHOOK_SECRET: is set but TELEGRAM_WEBHOOK_URL is not (webhook mode needs it)',
    ]);
    expect(problemsOf({ TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/hook' })).toEqual([
      'environment: TELEGRAM_WEBHOOK_URL: is set but TELEGRAM_BOT_TOKEN is not',
    ]);
  });
});

describe('resolveConfigDir and resolveDbPath', () => {
  it('prefers the flag, then the variable, then the default', () => {
    expect(resolveConfigDir({ config: 'flag-dir' }, { SITREP_CONFIG: 'env-dir' })).toBe('flag-dir');
    expect(resolveConfigDir({}, { SITREP_CONFIG: 'env-dir' })).toBe('env-dir');
    expect(resolveConfigDir({}, { SITREP_CONFIG: '' })).toBe('./feeds');
    expect(resolveDbPath({ db: 'flag.db' }, { SITREP_DB: 'env.db' })).toBe('flag.db');
    expect(resolveDbPath({}, { SITREP_DB: 'env.db' })).toBe('env.db');
    expect(resolveDbPath({}, {})).toBe('./data/sitrep.db');
  });
});
