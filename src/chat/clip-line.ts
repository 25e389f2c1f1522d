/** Text for a platform's one-line labels (command menus, option descriptions, choice names). */

/**
 * The text as one line of at most `limit` characters, cut with "…"; `fallback` (cut to `limit`) when the
 * text is blank, since platforms refuse empty labels.
 */
export function clipLine(text: string, limit: number, fallback: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line === '') return fallback.slice(0, limit);
  return line.length <= limit ? line : `${line.slice(0, limit - 1).trimEnd()}…`;
}
