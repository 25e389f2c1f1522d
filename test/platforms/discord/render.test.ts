import { describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord-api-types/v10';
import { DISCORD_LIMITS, KIND_COLOURS, escapeDiscordText, renderDiscordMessages, type DiscordPayload } from '../../../src/platforms/discord/render.js';
import type { Block, Message, Span } from '../../../src/chat/message.js';

const ZWSP = '\u200b';

/** Every piece of visible text of the payloads, in reading order. */
function texts(payloads: DiscordPayload[]): string[] {
  return payloads.flatMap((p) => p.embeds.flatMap((e) => [e.title ?? '', e.description ?? '', ...(e.fields ?? []).flatMap((f) => [f.name, f.value])]));
}

/** Markdown links whose `[` is not escaped: the only links Discord would make live. */
function liveLinks(text: string): string[] {
  return [...text.matchAll(/(?<!\\)\[(?:[^\]\\]|\\.)*\]\(([^)\s]*)\)/g)].map((m) => m[1] ?? '');
}

const embedsOf = (message: Message): APIEmbed[] => renderDiscordMessages(message).flatMap((p) => p.embeds);

describe('renderDiscordMessages', () => {
  it('starts a new embed at each heading, with the url only when it is http(s)', () => {
    const embeds = embedsOf({
      kind: 'answer',
      blocks: [
        { type: 'heading', text: 'Doha talks', url: 'https://example.org/doha' },
        { type: 'text', spans: [{ text: 'Delegations met.' }] },
        { type: 'heading', text: 'M23', url: 'javascript:alert(1)' },
        { type: 'list', items: [[{ text: 'Goma' }], [{ text: 'Bukavu' }]] },
        { type: 'note', spans: [{ text: 'Source: Reuters' }] },
      ],
    });
    expect(embeds.map((e) => [e.title, e.url])).toEqual([['Doha talks', 'https://example.org/doha'], ['M23', undefined]]);
    expect(embeds[0]?.description).toBe('Delegations met.');
    expect(embeds[1]?.description).toBe('• Goma\n• Bukavu\n\n-# Source: Reuters');
  });

  it('colours embeds by kind', () => {
    for (const kind of ['alert', 'digest', 'answer', 'error'] as const) {
      expect(embedsOf({ kind, blocks: [{ type: 'text', spans: [{ text: 'x' }] }] })[0]?.color).toBe(KIND_COLOURS[kind]);
    }
    expect(new Set(Object.values(KIND_COLOURS)).size).toBe(4);
  });

  it('renders styles and http(s) links, percent-encoding parentheses in URLs', () => {
    const [embed] = embedsOf({
      blocks: [{ type: 'text', spans: [{ text: 'Read ' }, { text: 'the report', bold: true, url: 'https://example.org/a_(b)' }, { text: ' now ', italic: true }, { text: 'x`y', code: true }] }],
    });
    expect(embed?.description).toBe('Read [**the report**](https://example.org/a_%28b%29) *now* `xˋy`');
  });

  it('keeps hostile feed text harmless: no live non-http link, no mention, no markdown', () => {
    const hostile = '[click](javascript:alert(1)) **x** @everyone @here <@123> <@&456> <#789> ||s|| ~~t~~ # H > q `c` \\';
    const payloads = renderDiscordMessages({
      blocks: [
        { type: 'heading', text: hostile },
        { type: 'text', spans: [{ text: hostile }, { text: 'bad link', url: 'javascript:alert(1)' }, { text: 'data', url: 'data:text/html,x' }] },
        { type: 'field', label: hostile, spans: [{ text: hostile }] },
        { type: 'list', items: [[{ text: `@every` }, { text: 'one' }]] },
      ],
    });
    for (const text of texts(payloads)) {
      expect(liveLinks(text)).toEqual([]);
      expect(text).not.toMatch(/@(everyone|here)/);
      expect(text).not.toMatch(/<[@#]/);
      expect(text).not.toMatch(/(?<!\\)\*\*|(?<!\\)\|\||(?<!\\)~~|(?<!\\)`/);
    }
    const description = payloads[0]?.embeds[0]?.description ?? '';
    expect(description).toContain('\\[click\\]\\(javascript:alert\\(1\\)\\)');
    expect(description).toContain(`@${ZWSP}everyone`);
    expect(description).toContain('bad linkdata');
  });

  it('escapes list markers at the start of a line', () => {
    expect(escapeDiscordText('- not a list\n+ nor this')).toBe('\\- not a list\n\\+ nor this');
  });

  it('puts text that follows a field in a new embed, so reading order is kept', () => {
    const embeds = embedsOf({
      blocks: [
        { type: 'heading', text: 'Status' },
        { type: 'field', label: 'Trend', spans: [{ text: 'escalating' }], inline: true },
        { type: 'text', spans: [{ text: 'after the field' }] },
      ],
    });
    expect(embeds).toHaveLength(2);
    expect(embeds[0]?.fields).toEqual([{ name: 'Trend', value: 'escalating', inline: true }]);
    expect(embeds[1]).toMatchObject({ description: 'after the field' });
    expect(embeds[1]?.title).toBeUndefined();
  });

  it('returns nothing to send for a message without content', () => {
    expect(renderDiscordMessages({ blocks: [] })).toEqual([]);
    expect(renderDiscordMessages({ blocks: [{ type: 'text', spans: [] }] })).toEqual([]);
  });

  it('cuts a word longer than a description into pieces that keep every escape intact', () => {
    const word = '[x](javascript:y)'.repeat(600); // 10,200 raw characters without a space
    const payloads = renderDiscordMessages({ blocks: [{ type: 'text', spans: [{ text: word }] }] });
    const descriptions = payloads.flatMap((p) => p.embeds.map((e) => e.description ?? ''));
    expect(descriptions.length).toBeGreaterThan(1);
    for (const d of descriptions) {
      expect(d.length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
      expect(liveLinks(d)).toEqual([]);
      expect(d).not.toMatch(/^[[\]()]/); // a piece never starts with a character whose backslash stayed behind
    }
    expect(unescape(descriptions.join(''))).toBe(word);
  });
});

// --- the huge digest ---

const WORDS = ['M23', 'Goma', 'Doha', 'ceasefire', '[x](javascript:alert(1))', '@everyone', '*b*', '_u_', '`c`', '<@123>', '#tag', '>', '||s||', '~~t~~', 'back\\slash', 'Kinshasa🙂', '(a)', '-'];

/** Deterministic pseudo-random text of about `length` characters. */
function words(seed: number, length: number): string {
  let out = '';
  let x = seed;
  while (out.length < length) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += `${WORDS[x % WORDS.length]} `;
  }
  return out.trim();
}

/** Undoes escaping and layout markers so rendered text can be compared with the source. */
function unescape(text: string): string {
  return text.replaceAll(ZWSP, '').replace(/(^|\n)(• |-# )/g, '$1').replaceAll('…', '').replace(/\\(.)/g, '$1');
}

const squash = (s: string) => s.replace(/\s+/g, '');

function hugeDigest(): { message: Message; source: string } {
  const blocks: Block[] = [];
  const source: string[] = [];
  const spans = (text: string): Span[] => [{ text }];
  for (let topic = 0; topic < 12; topic += 1) {
    const heading = words(topic * 7 + 1, topic % 3 === 0 ? 400 : 40);
    blocks.push({ type: 'heading', text: heading, url: `https://example.org/${topic}` });
    source.push(heading);
    const intro = words(topic * 7 + 2, topic % 2 === 0 ? 9000 : 1500);
    blocks.push({ type: 'text', spans: spans(intro) });
    source.push(intro);
    const items = Array.from({ length: 30 }, (_, i) => words(topic * 100 + i, 200));
    blocks.push({ type: 'list', items: items.map(spans) });
    source.push(...items);
    for (let f = 0; f < 30; f += 1) {
      const label = words(topic * 1000 + f, f % 10 === 0 ? 300 : 20);
      const value = words(topic * 1000 + f + 500, f % 4 === 0 ? 2500 : 300);
      blocks.push({ type: 'field', label, spans: spans(value), inline: f % 2 === 0 });
      source.push(label, value);
    }
    const note = words(topic * 7 + 3, 500);
    blocks.push({ type: 'note', spans: spans(note) });
    source.push(note);
  }
  return { message: { kind: 'digest', blocks }, source: source.join('') };
}

describe('renderDiscordMessages on a huge digest', () => {
  const { message, source } = hugeDigest();
  const started = performance.now();
  const payloads = renderDiscordMessages(message);
  const elapsedMs = performance.now() - started;

  it('respects every Discord limit', () => {
    expect(payloads.length).toBeGreaterThan(5);
    for (const payload of payloads) {
      expect(payload.embeds.length).toBeGreaterThan(0);
      expect(payload.embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedsPerMessage);
      expect(texts([payload]).join('').length).toBeLessThanOrEqual(DISCORD_LIMITS.charactersPerMessage);
      for (const embed of payload.embeds) {
        expect(embed.title || embed.description || embed.fields?.length).toBeTruthy();
        expect(embed.title?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.title);
        expect(embed.description?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.description);
        expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.fields);
        expect(embed.color).toBe(KIND_COLOURS.digest);
        for (const field of embed.fields ?? []) {
          expect(field.name.length).toBeGreaterThan(0);
          expect(field.name.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldName);
          expect(field.value.length).toBeGreaterThan(0);
          expect(field.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
        }
      }
    }
  });

  it('drops no text: everything comes back, in order, once escaping is undone', () => {
    const got = squash(texts(payloads).map(unescape).join(''));
    // Compared without a diff dump: on failure the first differing position is what helps.
    const want = squash(source);
    let same = 0;
    while (same < want.length && got[same] === want[same]) same += 1;
    expect({ same, length: got.length }).toEqual({ same: want.length, length: want.length });
  });

  it('never splits a surrogate pair and never leaves a live link or mention', () => {
    for (const text of texts(payloads)) {
      expect(text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
      expect(liveLinks(text)).toEqual([]);
      expect(text).not.toMatch(/@everyone|<@\d/);
    }
  });

  it('renders fast enough for a live digest', () => {
    expect(elapsedMs).toBeLessThan(1500);
  });
});
