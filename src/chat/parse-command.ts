/**
 * Platform-neutral command input: text such as `/status@sitrep_bot M23` (Telegram, the console) becomes a
 * name and arguments, and every platform's raw option values (Discord passes them structured) go through
 * one zod validator that answers a user mistake with ONE line naming what is accepted.
 */
import { z } from 'zod';
import { chatTimezone } from '../time-zone.js';
import type { CommandDefinition, OptionSpec } from './command.js';
import { clipLine } from './clip-line.js';
import { usageLine } from './registry.js';

/** A command typed as text. */
export type ParsedCommand = {
  /** Lower-cased, without the slash or the @botname suffix. */
  name: string;
  /** Whitespace-separated arguments; quotes group words ("peace deal") and are removed. */
  args: string[];
  /** Everything after the command word, as typed (trimmed), for an option that takes the rest of the line. */
  rest: string;
};

/** The result of validating option values: typed options, or one line telling the user what is accepted. */
export type OptionsResult = { ok: true; options: Record<string, unknown> } | { ok: false; error: string };

const QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '„': '“', '‘': '’', '«': '»' };

/**
 * Reads `/name@bot arg "two words" …`. Returns null when the text is not a command, or is addressed to
 * another bot (`/status@otherbot` in a group), so platforms can ignore it silently.
 */
export function parseCommandText(text: string, options: { botUsername?: string } = {}): ParsedCommand | null {
  const trimmed = text.trim();
  const head = /^\/(\S+)/.exec(trimmed);
  if (!head?.[1]) return null;
  const [rawName = '', addressee] = head[1].split('@', 2);
  if (rawName === '') return null;
  if (addressee !== undefined && options.botUsername !== undefined) {
    if (addressee.toLowerCase() !== options.botUsername.replace(/^@/, '').toLowerCase()) return null;
  }
  const rest = trimmed.slice(head[0].length).trim();
  return { name: rawName.toLowerCase(), args: tokenize(rest), rest };
}

/** Splits on whitespace; a quote at the start of a word groups until its closing quote (or line end). */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
    if (i >= text.length) break;
    const close = QUOTES[text[i] ?? ''];
    if (close !== undefined) {
      const end = text.indexOf(close, i + 1);
      const stop = end === -1 ? text.length : end;
      tokens.push(text.slice(i + 1, stop));
      i = stop + 1;
      continue;
    }
    const start = i;
    while (i < text.length && !/\s/.test(text[i] ?? '')) i++;
    tokens.push(text.slice(start, i));
  }
  return tokens;
}

/**
 * Maps typed arguments onto a command's options: in declaration order, or by name (`time=07:30`), with an
 * option marked `rest` taking the remainder of the line. Too many arguments → the usage line.
 */
export function textToRawOptions(
  definition: CommandDefinition,
  parsed: ParsedCommand,
  context: { topicIds?: readonly string[] } = {},
): { ok: true; raw: Record<string, string> } | { ok: false; error: string } {
  const specs = Object.entries(definition.options);
  // With the topic ids known, a topic has a shape of its own too: `/latest m23 ceasefire` gives a topic twice.
  const looksLike = (spec: OptionSpec, value: string) => hasShapeOf(spec, value, context.topicIds);
  const hasShape = (spec: OptionSpec) => isShaped(spec) || (spec.type === 'topic' && context.topicIds !== undefined);
  const raw: Record<string, string> = {};
  // Options given as name=value (the rest are placed by position).
  const named = new Set<string>();
  const positional: string[] = [];
  const restIndex = specs.findIndex(([, spec]) => spec.type === 'string' && spec.rest);
  const args = restIndex === -1 ? joinSpacedAssignments(parsed.args, definition) : parsed.args;
  for (const arg of args) {
    const keyed = /^([a-z]+)=(.*)$/i.exec(arg);
    const key = keyed?.[1]?.toLowerCase();
    // Once a rest-of-line option is reached, `a=b` is just part of the text.
    const beforeRest = restIndex === -1 || positional.length < restIndex;
    if (key !== undefined && key in definition.options && beforeRest) {
      const value = keyed?.[2] ?? '';
      if (value.trim() === '') return { ok: false, error: `${key}= needs a value. Usage: ${usageLine(definition)}` };
      if (key in raw) return { ok: false, error: `${key} is given twice. Usage: ${usageLine(definition)}` };
      raw[key] = value;
      named.add(key);
    } else if (key !== undefined && beforeRest) {
      // "foo=bar" was meant as a named option: say so, rather than reading it as the next option's value.
      const names = specs.map(([name]) => name);
      return { ok: false, error: `Unknown option "${echo(key)}". ${names.length > 0 ? `Options: ${names.join(', ')}. ` : ''}Usage: ${usageLine(definition)}` };
    } else {
      positional.push(arg);
    }
  }
  const free = specs.filter(([key]) => !(key in raw));
  const filled = new Set<number>();
  let next = 0;
  for (let i = 0; i < positional.length; i++) {
    const value = positional[i] ?? '';
    // Values go to the options in order, but a value that cannot be the next option and can only be a later
    // one skips the optional ones between (`/subscribe m23 08:00 Europe/Paris`, `/latest 5`), and one that
    // fits only an optional option skipped that way goes back to it (`/latest 5 m23`).
    let target = next;
    const expected = free[next];
    if (!expected || !looksLike(expected[1], value)) {
      let found = -1;
      // Only optional options may be skipped: stop at the first required one.
      for (let later = next + 1; later < free.length && !free[later - 1]?.[1].required; later++) {
        if (looksLike(free[later]![1], value)) {
          found = later;
          break;
        }
      }
      // A value that cannot be the required option in its way, and has the shape of a later one, is that
      // one; a later value fills the required option (`/subscribe 07:30 m23`), or it is reported missing.
      if (found === -1 && expected && hasShape(expected[1])) {
        found = free.findIndex(([, spec], index) => index > next && hasShape(spec) && looksLike(spec, value));
      }
      if (found === -1) found = free.findIndex(([, spec], index) => index < next && !filled.has(index) && looksLike(spec, value));
      if (found !== -1) target = found;
    }
    const entry = free[target];
    if (!entry || !looksLike(entry[1], value)) {
      // `/subscribe m23 mode=alerts digest`, `/latest 10 20`: a value that can only be an option already given.
      const twice = specs.find(([key, spec]) => key in raw && hasShape(spec) && looksLike(spec, value));
      if (twice) return { ok: false, error: `${twice[0]} is given twice. Usage: ${usageLine(definition)}` };
    }
    if (!entry) return { ok: false, error: `Too many arguments. Usage: ${usageLine(definition)}` };
    const [key, spec] = entry;
    if (spec.type === 'string' && spec.rest) {
      // The first option taking the rest keeps the text exactly as typed (quotes included, for search).
      raw[key] = i === 0 && Object.keys(raw).length === 0 ? parsed.rest : positional.slice(i).join(' ');
      break;
    }
    raw[key] = value;
    filled.add(target);
    next = Math.max(next, target + 1);
  }
  return { ok: true, raw };
}

/**
 * `time = 07:30`, `time =07:30` and `time= 07:30` as `time=07:30`: spaces around the `=` of an option name
 * split it into several arguments, and the name would be read as a value.
 */
function joinSpacedAssignments(args: readonly string[], definition: CommandDefinition): string[] {
  const isName = (word: string | undefined) => word !== undefined && word.toLowerCase() in definition.options;
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const following = args[i + 1];
    const nameThenEquals = isName(arg) && following?.startsWith('=');
    const nameEquals = /^[a-z]+=$/i.test(arg) && isName(arg.slice(0, -1)) && following !== undefined;
    if (nameThenEquals && following === '=' && args[i + 2] !== undefined) {
      joined.push(`${arg}=${args[i + 2]}`);
      i += 2;
    } else if (nameThenEquals || nameEquals) {
      joined.push(`${arg}${following}`);
      i += 1;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

/** Whether an option's values have a shape of their own (a number, a choice, a time, a timezone). */
function isShaped(spec: OptionSpec): boolean {
  return spec.type === 'integer' || (spec.type === 'string' && !spec.rest && (spec.choices !== undefined || spec.format !== undefined));
}

// A number as people type one, whole or not, signed or not: a count's value, never a topic id.
const NUMBER_LIKE = /^[-+]?\d+(?:[.,]\d+)?$/;

/**
 * Whether a typed value has the shape of an option's values (not whether it is valid: `25:00` looks like a
 * time, and is then refused as one with a message that says why). A topic is one of `topicIds` when they are
 * known, else anything but a number (no topic id is one).
 */
function hasShapeOf(spec: OptionSpec, value: string, topicIds?: readonly string[]): boolean {
  switch (spec.type) {
    case 'topic':
      if (topicIds === undefined) return !NUMBER_LIKE.test(value);
      return topicIds.includes(value.toLowerCase()) || (spec.allowAll === true && value.toLowerCase() === 'all');
    case 'integer':
      return NUMBER_LIKE.test(value);
    case 'string':
      if (spec.rest) return true;
      if (spec.choices) return spec.choices.includes(value.toLowerCase());
      // 07:30, 7:5, 7h30, 7.30, and four digits that can be nothing else (0730, 1800).
      if (spec.format === 'hh:mm') return /^\d{1,2}[:hH.]\d{0,2}(?::\d{1,2})?$/.test(value) || /^[0-2]\d[0-5]\d$/.test(value);
      // Any zone chatTimezone knows, an alias it refuses included: the refusal then names the zone.
      if (spec.format === 'timezone') {
        const zone = chatTimezone(value);
        return value.includes('/') || zone.ok || zone.problem === 'alias';
      }
      return true;
  }
}

/** A refused value as an answer quotes it: one line, cut, since it may be a whole pasted page. */
function echo(value: unknown): string {
  return clipLine(String(value), ECHO_MAX_CHARS, '');
}
const ECHO_MAX_CHARS = 60;

function integerMessage(key: string, spec: Extract<OptionSpec, { type: 'integer' }>): string {
  if (spec.min !== undefined && spec.max !== undefined) return `${key} must be a whole number from ${spec.min} to ${spec.max}.`;
  if (spec.min !== undefined) return `${key} must be a whole number of at least ${spec.min}.`;
  if (spec.max !== undefined) return `${key} must be a whole number of at most ${spec.max}.`;
  return `${key} must be a whole number.`;
}

function optionSchema(key: string, spec: OptionSpec, topicIds: readonly string[]): z.ZodType {
  switch (spec.type) {
    case 'topic': {
      const accepted = spec.allowAll ? [...topicIds, 'all'] : [...topicIds];
      return z
        .string()
        .trim()
        .toLowerCase()
        .pipe(
          z.enum(accepted as [string, ...string[]], {
            error: (issue) => `Unknown topic "${echo(issue.input)}". Choose one of: ${accepted.join(', ')}.`,
          }),
        );
    }
    case 'integer': {
      const message = integerMessage(key, spec);
      let schema = z.number({ error: message }).int({ error: message });
      if (spec.min !== undefined) schema = schema.min(spec.min, { error: message });
      if (spec.max !== undefined) schema = schema.max(spec.max, { error: message });
      // Text platforms hand over "5"; Discord hands over 5. Only plain digits count as a number.
      return z.preprocess((v) => (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v) ? Number(v) : v), schema);
    }
    case 'string': {
      let schema = z.string({ error: `${key} must be text.` }).trim();
      if (spec.maxLength !== undefined) {
        schema = schema.max(spec.maxLength, { error: `${key} must be at most ${spec.maxLength} characters.` });
      }
      if (spec.choices) {
        const choices = [...spec.choices] as [string, ...string[]];
        return schema.toLowerCase().pipe(
          z.enum(choices, {
            error: (issue) => `Unknown ${key} "${echo(issue.input)}". Choose one of: ${choices.join(', ')}.`,
          }),
        );
      }
      if (spec.format === 'hh:mm') {
        return schema
          .regex(/^([01]?\d|2[0-3]):[0-5]\d$/, { error: `${key} must be HH:MM from 00:00 to 23:59, e.g. 08:00.` })
          .transform((v) => v.padStart(5, '0'));
      }
      if (spec.format === 'timezone') {
        return schema.transform((v, ctx) => {
          const zone = chatTimezone(v);
          if (zone.ok) return zone.zone;
          ctx.addIssue({
            code: 'custom',
            message:
              zone.problem === 'unknown'
                ? `Unknown timezone "${echo(v)}". Use an IANA name such as Europe/Paris or Africa/Kinshasa.`
                : `Timezone "${echo(v)}" is an old alias of ${zone.zone}, which may not be the time you mean. Use a region/city name: ${zone.zone} if it is, else another such as Africa/Kinshasa.`,
          });
          return z.NEVER;
        });
      }
      return schema;
    }
  }
}

/**
 * Validates raw option values (strings from text, or Discord's typed values) against the command's
 * OptionSpecs with zod. Empty values count as absent. Returns typed options or one user-facing line.
 */
export function validateOptions(
  definition: CommandDefinition,
  rawValues: Record<string, unknown>,
  context: { topicIds: readonly string[] },
): OptionsResult {
  for (const key of Object.keys(rawValues)) {
    if (!(key in definition.options)) {
      return { ok: false, error: `Unknown option "${echo(key)}". Usage: ${usageLine(definition)}` };
    }
  }
  const shape: Record<string, z.ZodType> = {};
  const present: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(definition.options)) {
    const value = rawValues[key];
    const absent = value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
    if (absent) {
      if (spec.required) return { ok: false, error: `Missing ${key}. Usage: ${usageLine(definition)}` };
      continue;
    }
    shape[key] = optionSchema(key, spec, context.topicIds);
    present[key] = value;
  }
  const result = z.object(shape).safeParse(present);
  if (result.success) return { ok: true, options: result.data };
  return { ok: false, error: result.error.issues[0]?.message ?? `Invalid options. Usage: ${usageLine(definition)}` };
}
