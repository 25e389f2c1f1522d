/**
 * The environment, read once and checked. Only src/config reads process.env. An empty variable counts as
 * unset, and secret values never appear in a problem message.
 */
import type { ConfigProblem } from './problems.js';

/** pino's level names. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** One of pino's level names. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The environment sitrep runs in, validated. Platforms are null when their token is unset. */
export type Env = {
  configDir: string;
  dbPath: string;
  logLevel: LogLevel;
  /** Whether SITREP_LOG_LEVEL was set (a command with its own quieter default yields to it). */
  logLevelSet: boolean;
  telegram: null | {
    token: string;
    /** Bot API root (a local Bot API server or a test fake); null means Telegram's own. */
    apiRoot: string | null;
    /** Webhook mode when set; long polling otherwise. */
    webhook: null | { url: string; port: number; secret: string | null };
  };
  discord: null | {
    token: string;
    /** REST base for discord.js `rest.api`; null means Discord's own. */
    apiBase: string | null;
    /** Register commands in this guild only (instant) instead of globally. */
    guildId: string | null;
  };
};

/** Defaults of DESIGN.md. */
export const DEFAULT_CONFIG_DIR = './feeds';
/** Defaults of DESIGN.md. */
export const DEFAULT_DB_PATH = './data/sitrep.db';

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return nonEmpty(env[name]);
}

function isHttpUrl(text: string, protocols: readonly string[]): boolean {
  try {
    const url = new URL(text);
    return protocols.includes(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Reads and checks every variable; all problems are returned together. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): { ok: true; env: Env } | { ok: false; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ file: 'environment', path, message });

  const url = (name: string, protocols: readonly string[], hint: string): string | null => {
    const text = value(env, name);
    if (text === undefined) return null;
    if (!isHttpUrl(text, protocols)) problem(name, hint);
    return text;
  };

  const logLevel = value(env, 'SITREP_LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) problem('SITREP_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);

  // Telegram. The token and webhook secret are secrets: checked, never echoed.
  const telegramToken = value(env, 'TELEGRAM_BOT_TOKEN');
  if (telegramToken !== undefined && !/^\d+:[A-Za-z0-9_-]+$/.test(telegramToken)) {
    problem('TELEGRAM_BOT_TOKEN', 'must look like 123456:ABC… (the token @BotFather gave; check for spaces or quotes)');
  }
  const apiRoot = url('TELEGRAM_API_ROOT', ['http:', 'https:'], 'must be an http(s) URL such as http://127.0.0.1:8081');
  const webhookUrl = url('TELEGRAM_WEBHOOK_URL', ['https:'], 'must be an https URL (Telegram only calls webhooks over https)');
  const portText = value(env, 'TELEGRAM_WEBHOOK_PORT');
  const port = portText === undefined ? 8443 : Number(portText);
  if (portText !== undefined && !(/^\d+$/.test(portText) && port >= 1 && port <= 65535)) {
    problem('TELEGRAM_WEBHOOK_PORT', 'must be a port number from 1 to 65535');
  }
  const secret = value(env, 'TELEGRAM_WEBHOOK_SECRET') ?? null;
  if (secret !== null && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
    problem('TELEGRAM_WEBHOOK_SECRET', 'must be 1 to 256 characters of A-Z, a-z, 0-9, "_" and "-"');
  }
  if (webhookUrl !== null && telegramToken === undefined) problem('TELEGRAM_WEBHOOK_URL', 'is set but TELEGRAM_BOT_TOKEN is not');
  // A port or secret without a webhook URL means someone expects webhook mode that will not start.
  for (const name of ['TELEGRAM_WEBHOOK_PORT', 'TELEGRAM_WEBHOOK_SECRET']) {
    if (value(env, name) !== undefined && webhookUrl === null) problem(name, 'is set but TELEGRAM_WEBHOOK_URL is not (webhook mode needs it)');
  }

  // Discord.
  const discordToken = value(env, 'DISCORD_TOKEN');
  if (discordToken !== undefined && /\s/.test(discordToken)) problem('DISCORD_TOKEN', 'must not contain spaces or line breaks');
  const apiBase = url('DISCORD_API_BASE', ['http:', 'https:'], 'must be an http(s) URL such as http://127.0.0.1:3000/api');
  const guildId = value(env, 'DISCORD_GUILD_ID') ?? null;
  if (guildId !== null && !/^\d{1,20}$/.test(guildId)) problem('DISCORD_GUILD_ID', 'must be a server id (digits only, a "snowflake")');

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    env: {
      configDir: resolveConfigDir({}, env),
      dbPath: resolveDbPath({}, env),
      logLevel: logLevel as LogLevel,
      logLevelSet: value(env, 'SITREP_LOG_LEVEL') !== undefined,
      telegram:
        telegramToken === undefined
          ? null
          : { token: telegramToken, apiRoot, webhook: webhookUrl === null ? null : { url: webhookUrl, port, secret } },
      discord: discordToken === undefined ? null : { token: discordToken, apiBase, guildId },
    },
  };
}

/** The config folder: the --config flag beats SITREP_CONFIG beats ./feeds. */
export function resolveConfigDir(globals: { config?: string }, env: NodeJS.ProcessEnv = process.env): string {
  return nonEmpty(globals.config) ?? value(env, 'SITREP_CONFIG') ?? DEFAULT_CONFIG_DIR;
}

/** The database file: the --db flag beats SITREP_DB beats ./data/sitrep.db. */
export function resolveDbPath(globals: { db?: string }, env: NodeJS.ProcessEnv = process.env): string {
  return nonEmpty(globals.db) ?? value(env, 'SITREP_DB') ?? DEFAULT_DB_PATH;
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === '' ? undefined : text;
}
