/** Reading a Bot API request the way Telegram does: query, JSON, form and multipart bodies; chat ids in any form. */
import type { IncomingMessage } from 'node:http';

/** A method's parameters, whatever body they came in. */
export type Params = Record<string, unknown>;

export function num(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

/** Chat ids may arrive as numbers, numeric strings (form bodies) or @usernames. */
export function chatKey(value: unknown): number | string | undefined {
  return num(value) ?? (typeof value === 'string' && value !== '' ? value : undefined);
}

export async function readParams(req: IncomingMessage, url: URL): Promise<Params> {
  const params: Params = Object.fromEntries(url.searchParams);
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const type = req.headers['content-type'] ?? '';
  if (body.length === 0) return params;
  if (type.includes('application/json')) return { ...params, ...(JSON.parse(body.toString('utf8')) as Params) };
  if (type.includes('application/x-www-form-urlencoded')) {
    return { ...params, ...coerce(Object.fromEntries(new URLSearchParams(body.toString('utf8')))) };
  }
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
  if (type.includes('multipart/form-data') && boundary) {
    return { ...params, ...coerce(parseMultipart(body, boundary[1] ?? boundary[2] ?? '')) };
  }
  return params;
}

/** Form fields carry objects as JSON text, as Telegram expects. */
function coerce(fields: Params): Params {
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string' && /^[[{]/.test(value)) {
      try {
        fields[key] = JSON.parse(value);
      } catch {
        // Not JSON after all: keep the text.
      }
    }
  }
  return fields;
}

function parseMultipart(body: Buffer, boundary: string): Params {
  const fields: Params = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  while (pos >= 0) {
    const start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const part = body.subarray(start + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const content = part.subarray(headerEnd + 4);
    const name = /;\s*name="([^"]*)"/i.exec(headers)?.[1];
    // grammY writes filename unquoted (filename=notes.txt); browsers quote it.
    const fileMatch = /;\s*filename=(?:"([^"]*)"|([^;\r\n]*))/i.exec(headers);
    const filename = fileMatch ? (fileMatch[1] ?? fileMatch[2] ?? '') : undefined;
    if (name !== undefined) fields[name] = filename === undefined ? content.toString('utf8') : { filename, size: content.length };
    pos = next;
  }
  // grammY names a file part by a random id and points the field at it with attach://id.
  for (const [key, value] of Object.entries(fields)) {
    const file = typeof value === 'string' && value.startsWith('attach://') ? fields[value.slice(9)] : undefined;
    if (file !== undefined && typeof file === 'object') {
      fields[key] = file;
      delete fields[(value as string).slice(9)];
    }
  }
  return fields;
}
