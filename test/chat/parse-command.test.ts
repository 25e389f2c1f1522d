import { describe, expect, it } from 'vitest';
import type { CommandDefinition } from '../../src/chat/command.js';
import { parseCommandText, textToRawOptions, tokenize, validateOptions } from '../../src/chat/parse-command.js';
import { commands } from '../../commands/index.js';

const topicIds = ['m23', 'qatar-talks', 'ceasefire'];
function def(name: string): CommandDefinition {
  const found = commands.find((c) => c.name === name);
  if (!found) throw new Error(`no command ${name}`);
  return found;
}
function fromText(text: string) {
  const parsed = parseCommandText(text, { botUsername: 'sitrep_bot' });
  if (!parsed) throw new Error(`not a command: ${text}`);
  const mapped = textToRawOptions(def(parsed.name), parsed, { topicIds });
  return mapped.ok ? validateOptions(def(parsed.name), mapped.raw, { topicIds }) : mapped;
}

describe('parseCommandText', () => {
  it('strips the bot suffix and lower-cases the command name', () => {
    expect(parseCommandText('/Status@sitrep_bot  M23 ', { botUsername: 'Sitrep_Bot' })).toEqual({
      name: 'status',
      args: ['M23'],
      rest: 'M23',
    });
  });

  it('ignores a command addressed to another bot', () => {
    expect(parseCommandText('/status@other_bot m23', { botUsername: 'sitrep_bot' })).toBeNull();
  });

  it('returns null for text that is not a command', () => {
    expect(parseCommandText('hello /status')).toBeNull();
    expect(parseCommandText('/')).toBeNull();
  });

  it('groups quoted words and collapses extra spaces', () => {
    expect(tokenize('  "peace deal"   Doha “M23 talks” it\'s ')).toEqual(['peace deal', 'Doha', 'M23 talks', "it's"]);
  });
});

describe('validateOptions', () => {
  it('accepts topic ids in any case and normalizes them', () => {
    expect(fromText('/status@sitrep_bot QATAR-Talks')).toEqual({ ok: true, options: { topic: 'qatar-talks' } });
  });

  it('names the accepted topics when the topic is unknown', () => {
    expect(fromText('/subscribe m24')).toEqual({
      ok: false,
      error: 'Unknown topic "m24". Choose one of: m23, qatar-talks, ceasefire, all.',
    });
    expect(fromText('/status all')).toEqual({
      ok: false,
      error: 'Unknown topic "all". Choose one of: m23, qatar-talks, ceasefire.',
    });
  });

  it('rejects counts that are not whole numbers in range', () => {
    for (const bad of ['0', '21', 'five', '2.5', '-3']) {
      expect(fromText(`/latest m23 ${bad}`)).toEqual({ ok: false, error: 'count must be a whole number from 1 to 20.' });
    }
    expect(fromText('/latest m23 20')).toEqual({ ok: true, options: { topic: 'm23', count: 20 } });
  });

  it('rejects a mode outside the choices', () => {
    expect(fromText('/subscribe m23 weekly')).toEqual({
      ok: false,
      error: 'Unknown mode "weekly". Choose one of: alerts, digest, both.',
    });
  });

  it('checks the time format and pads single-digit hours', () => {
    expect(fromText('/subscribe m23 digest 25:00')).toEqual({ ok: false, error: 'time must be HH:MM from 00:00 to 23:59, e.g. 08:00.' });
    expect(fromText('/subscribe m23 digest 8am')).toEqual({ ok: false, error: 'time must be HH:MM from 00:00 to 23:59, e.g. 08:00.' });
    expect(fromText('/subscribe m23 digest 7:30')).toEqual({ ok: true, options: { topic: 'm23', mode: 'digest', time: '07:30' } });
  });

  it('checks timezones with Intl and canonicalizes their spelling', () => {
    expect(fromText('/subscribe m23 both 08:00 Atlantis')).toEqual({
      ok: false,
      error: 'Unknown timezone "Atlantis". Use an IANA name such as Europe/Paris or Africa/Kinshasa.',
    });
    // A city typed alone is its zone, wherever it is typed.
    expect(fromText('/subscribe m23 both 08:00 Paris')).toMatchObject({ ok: true, options: { timezone: 'Europe/Paris' } });
    expect(fromText('/subscribe m23 Kinshasa')).toMatchObject({ ok: true, options: { topic: 'm23', timezone: 'Africa/Kinshasa' } });
    const ok = fromText('/subscribe all both 08:00 africa/kinshasa');
    expect(ok).toEqual({ ok: true, options: { topic: 'all', mode: 'both', time: '08:00', timezone: 'Africa/Kinshasa' } });
    expect(fromText('/subscribe m23 08:00 utc')).toMatchObject({ ok: true, options: { timezone: 'UTC' } });
    expect(fromText('/subscribe m23 08:00 US/Eastern')).toMatchObject({ ok: true, options: { timezone: 'America/New_York' } });
  });

  it('refuses an old alias without a region (EST, CET), naming the zone it stands for', () => {
    expect(fromText('/subscribe m23 07:30 EST')).toEqual({
      ok: false,
      error: 'Timezone "EST" is an old alias of America/Panama, which may not be the time you mean. Use a region/city name: America/Panama if it is, else another such as Africa/Kinshasa.',
    });
    expect(fromText('/subscribe m23 07:30 EST5EDT')).toMatchObject({ ok: false, error: expect.stringContaining('old alias of America/New_York') });
    expect(fromText('/subscribe m23 07:30 CET')).toMatchObject({ ok: false, error: expect.stringContaining('old alias of Europe/Brussels') });
  });

  it('accepts options by name in any order', () => {
    expect(fromText('/subscribe m23 time=06:15 mode=alerts')).toEqual({
      ok: true,
      options: { topic: 'm23', mode: 'alerts', time: '06:15' },
    });
  });

  it('names an unknown named option instead of reading it as the next value, but leaves a=b in search text alone', () => {
    expect(fromText('/subscribe m23 foo=bar')).toEqual({
      ok: false,
      error: 'Unknown option "foo". Options: topic, mode, time, timezone, backlog. Usage: /subscribe <topic|all> [mode] [time] [timezone] [backlog]',
    });
    expect(fromText('/search x=1 goma')).toEqual({ ok: true, options: { query: 'x=1 goma' } });
  });

  it('bounds the backlog count', () => {
    expect(fromText('/subscribe m23 both 08:00 UTC 11')).toEqual({ ok: false, error: 'backlog must be a whole number from 0 to 10.' });
    expect(fromText('/subscribe m23 both 08:00 UTC 0')).toMatchObject({ ok: true, options: { backlog: 0 } });
  });

  it('takes a lone number after /latest as the count, since no topic is a number', () => {
    expect(fromText('/latest 5')).toEqual({ ok: true, options: { count: 5 } });
    expect(fromText('/latest 21')).toEqual({ ok: false, error: 'count must be a whole number from 1 to 20.' });
    expect(fromText('/latest m23 5')).toEqual({ ok: true, options: { topic: 'm23', count: 5 } });
    expect(fromText('/latest 5 m23')).toEqual({ ok: true, options: { topic: 'm23', count: 5 } });
    expect(fromText('/latest -1')).toEqual({ ok: false, error: 'count must be a whole number from 1 to 20.' });
    expect(fromText('/latest 2.5')).toEqual({ ok: false, error: 'count must be a whole number from 1 to 20.' });
    expect(fromText('/latest 10 20')).toEqual({ ok: false, error: 'count is given twice. Usage: /latest [topic] [count]' });
    expect(fromText('/latest m23 ceasefire')).toEqual({ ok: false, error: 'topic is given twice. Usage: /latest [topic] [count]' });
    expect(fromText('/latest m23 five')).toEqual({ ok: false, error: 'count must be a whole number from 1 to 20.' });
    expect(fromText('/subscribe m23 ceasefire')).toEqual({ ok: false, error: 'topic is given twice. Usage: /subscribe <topic|all> [mode] [time] [timezone] [backlog]' });
  });

  it('gives a value typed out of place to the option it fits, so an error is about that option', () => {
    expect(fromText('/subscribe m23 Europe/Paris 07:30')).toEqual({ ok: true, options: { topic: 'm23', time: '07:30', timezone: 'Europe/Paris' } });
    expect(fromText('/subscribe m23 7:5')).toEqual({ ok: false, error: 'time must be HH:MM from 00:00 to 23:59, e.g. 08:00.' });
    expect(fromText('/subscribe m23 both 0730')).toEqual({ ok: false, error: 'time must be HH:MM from 00:00 to 23:59, e.g. 08:00.' });
    expect(fromText('/subscribe m23 alerts 3')).toEqual({ ok: true, options: { topic: 'm23', mode: 'alerts', backlog: 3 } });
    for (const typed of ['time =07:30', 'time = 07:30', 'time= 07:30']) {
      expect(fromText(`/subscribe m23 ${typed}`)).toEqual({ ok: true, options: { topic: 'm23', time: '07:30' } });
    }
  });

  it('reads a time with seconds as a time, so its error is about the time', () => {
    expect(fromText('/subscribe m23 07:30:00')).toEqual({ ok: false, error: 'time must be HH:MM from 00:00 to 23:59, e.g. 08:00.' });
  });

  it('quotes a refused option name cut to one short line too', () => {
    const result = fromText(`/subscribe m23 ${'k'.repeat(20_000)}=1`);
    expect(!result.ok && result.error).toMatch(/^Unknown option "k+…"\. Options: /);
    expect(!result.ok && result.error.length).toBeLessThan(300);
  });

  it('quotes a refused value cut to one short line, however long it was', () => {
    const result = fromText(`/status ${'x'.repeat(10_000)}`);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.length).toBeLessThan(200);
    expect(!result.ok && result.error).toMatch(/^Unknown topic "x+…"\. Choose one of/);
  });

  it('answers too many arguments with the usage line', () => {
    expect(fromText('/latest m23 5 extra')).toEqual({ ok: false, error: 'Too many arguments. Usage: /latest [topic] [count]' });
  });

  it('names a missing required option with the usage line', () => {
    expect(fromText('/subscribe')).toEqual({
      ok: false,
      error: 'Missing topic. Usage: /subscribe <topic|all> [mode] [time] [timezone] [backlog]',
    });
    expect(fromText('/search   ')).toEqual({ ok: false, error: 'Missing query. Usage: /search <query…>' });
  });

  it('gives the search query the rest of the line as typed', () => {
    expect(fromText('/search "peace deal"  Doha')).toEqual({ ok: true, options: { query: '"peace deal"  Doha' } });
  });

  it('bounds the search query length', () => {
    expect(fromText(`/search ${'x'.repeat(201)}`)).toEqual({ ok: false, error: 'query must be at most 200 characters.' });
  });

  it('validates structured values the same way (Discord passes numbers and strings)', () => {
    expect(validateOptions(def('latest'), { topic: 'M23', count: 3 }, { topicIds })).toEqual({
      ok: true,
      options: { topic: 'm23', count: 3 },
    });
    expect(validateOptions(def('latest'), { count: 30 }, { topicIds })).toEqual({
      ok: false,
      error: 'count must be a whole number from 1 to 20.',
    });
    expect(validateOptions(def('latest'), { colour: 'red' }, { topicIds })).toMatchObject({ ok: false });
  });
});
