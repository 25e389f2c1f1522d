import { describe, it, expect, afterEach } from 'vitest';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { makeConfigFolder, repoRoot, validTopics } from '../config/config-folder.js';

type RunResult = { code: number; stdout: string; stderr: string };

const cleanEnv: NodeJS.ProcessEnv = {
  ...process.env,
  // Empty counts as unset: the developer's own tokens never leak into these runs.
  SITREP_CONFIG: '',
  SITREP_DB: '',
  TELEGRAM_BOT_TOKEN: '',
  TELEGRAM_API_ROOT: '',
  TELEGRAM_WEBHOOK_URL: '',
  TELEGRAM_WEBHOOK_PORT: '',
  TELEGRAM_WEBHOOK_SECRET: '',
  DISCORD_TOKEN: '',
  DISCORD_API_BASE: '',
  DISCORD_GUILD_ID: '',
  SITREP_LOG_LEVEL: '',
};

function sitrep(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(repoRoot, 'bin/sitrep.js'), ...args], { cwd: repoRoot, env: { ...cleanEnv, ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

describe('sitrep check-config', () => {
  it('exits 1 and lists every problem of the environment and all files, without echoing secrets', async () => {
    const { dir, cleanup } = await makeConfigFolder({
      'sources.yaml': 'defaults:\n  intervall: 5m\nfeeds:\n  - id: a\n    url: gopher://x\n  - id: a\n    url: https://ok.example/rss\n',
      'topics.yaml': validTopics,
      'settings.yaml': 'digest:\n  timezone: Africa/Goma\n',
    });
    cleanups.push(cleanup);
    const result = await sitrep(['--config', dir, 'check-config'], { TELEGRAM_BOT_TOKEN: 'leaky-secret-value', DISCORD_API_BASE: 'not a url' });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'environment: TELEGRAM_BOT_TOKEN: must look like 123456:ABC… (the token @BotFather gave; check for spaces or quotes)',
      'environment: DISCORD_API_BASE: must be an http(s) URL such as http://127.0.0.1:3000/api',
      `${dir}/sources.yaml: defaults: unknown key "intervall" (did you mean "interval"?) (line 2)`,
      `${dir}/sources.yaml: feeds[0].url: must be an http(s) URL or a file path (the scheme "gopher:" is not supported) (line 5)`,
      `${dir}/sources.yaml: feeds[1].id: duplicate id "a": feeds[0] and feeds[1] both use it (line 6)`,
      `${dir}/settings.yaml: digest.timezone: must be an IANA time zone such as "UTC", "Africa/Kinshasa" or "Africa/Lubumbashi" (line 2)`,
      'check-config: 6 problems found',
    ]);
    expect(result.stderr).not.toContain('leaky-secret-value');
  });

  it('exits 0 on one feed URL listed under two ids, with a note saying what it costs', async () => {
    const { dir, cleanup } = await makeConfigFolder({
      'sources.yaml': 'feeds:\n  - id: a\n    url: https://ok.example/rss\n  - id: b\n    url: https://OK.example/rss\n',
      'topics.yaml': validTopics,
    });
    cleanups.push(cleanup);
    const result = await sitrep(['--config', dir, 'check-config']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`config ${dir}: OK`);
    expect(result.stdout).toContain(`  note: ${dir}/sources.yaml: feeds[1].url: duplicate url "https://OK.example/rss": feeds[0] and feeds[1] both use it (fetched twice, and counted as two outlets in "+N sources") (line 5)`);
  });

  it('exits 0 on the shipped feeds/ folder and says which platforms would run, never their tokens', async () => {
    const token = '123456:AAsecretTOKEN_value';
    const result = await sitrep(['--config', 'feeds', 'check-config'], { TELEGRAM_BOT_TOKEN: token, DISCORD_TOKEN: 'discord.secret.token', DISCORD_GUILD_ID: '123456789012345678' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^config feeds: OK\n {2}feeds: 9 enabled of 9 \(feeds\/sources\.yaml\)\n {2}topics: \d+ \(feeds\/topics\.yaml\)\n/);
    expect(result.stdout).toContain('platforms: Telegram (long polling), Discord (commands in one guild)');
    expect(result.stdout).not.toContain(token);
    expect(result.stdout).not.toContain('discord.secret.token');
  });

  it('exits 0 on feeds/demo, found through SITREP_CONFIG', async () => {
    const result = await sitrep(['check-config'], { SITREP_CONFIG: 'feeds/demo', SITREP_DB: '/tmp/demo.db' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('config feeds/demo: OK');
    expect(result.stdout).toContain('feeds: 4 enabled of 4 (feeds/demo/sources.yaml)');
    expect(result.stdout).toContain('(feeds/topics.yaml)');
    expect(result.stdout).toContain('platforms: none configured: `sitrep start` uses the console');
    expect(result.stdout).toContain('database: /tmp/demo.db');
  });
});
