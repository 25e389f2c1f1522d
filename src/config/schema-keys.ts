/** Finds the keys a zod object schema allows at a given path, so an unknown key can get a "did you mean". */
import type { z } from 'zod';

type AnyDef = { type: string; shape?: Record<string, unknown>; element?: unknown; innerType?: unknown; in?: unknown; out?: unknown; options?: unknown[]; valueType?: unknown; getter?: () => unknown };

function defOf(schema: unknown): AnyDef | null {
  const def = (schema as { _zod?: { def?: AnyDef } } | null)?._zod?.def;
  return def ?? null;
}

/** Strips wrappers (default, optional, pipe, lazy…) down to the schemas that hold data. */
function unwrap(schema: unknown): unknown[] {
  const def = defOf(schema);
  if (!def) return [];
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return unwrap(def.innerType);
    case 'pipe':
      return [...unwrap(def.in), ...unwrap(def.out)];
    case 'lazy':
      return def.getter ? unwrap(def.getter()) : [];
    case 'union':
      return (def.options ?? []).flatMap(unwrap);
    default:
      return [schema];
  }
}

/** Allowed keys of the object schema found at `path` inside `schema` (empty when there is none). */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: unknown[] = unwrap(schema);
  for (const part of path) {
    const next: unknown[] = [];
    for (const candidate of current) {
      const def = defOf(candidate);
      if (!def) continue;
      if (def.type === 'object' && typeof part === 'string' && def.shape && part in def.shape) next.push(...unwrap(def.shape[part]));
      else if (def.type === 'array' && typeof part === 'number') next.push(...unwrap(def.element));
      else if (def.type === 'record') next.push(...unwrap(def.valueType));
    }
    current = next;
  }
  return current.flatMap((candidate) => {
    const def = defOf(candidate);
    return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
  });
}
