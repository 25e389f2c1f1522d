/** The one id pattern of the config files: feed ids, topic ids, signal ids and vocab list names. */
import { z } from 'zod';

/** Lowercase letters, digits, "-" and "_", starting with a letter or digit. */
export const SLUG = /^[a-z0-9][a-z0-9-_]*$/;

/** A named thing's id (a feed, a topic): a slug of at most 64 characters. */
export function slugIdSchema(description: string) {
  return z
    .string()
    .max(64)
    .regex(SLUG, { error: 'must be a slug: lowercase letters, digits, "-" and "_", starting with a letter or digit' })
    .meta({ description });
}
