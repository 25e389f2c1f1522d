/**
 * Times as people read them in chat text and status lines: "27 Nov 08:00 UTC", "Tuesday 25 Nov",
 * "3 h ago". Shared by the chat formatters and the status trend, so neither depends on the other.
 */
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** An absolute UTC time as people read it in a chat: "27 Nov 08:00 UTC" (the year only when not `now`'s). */
export function absoluteTime(at: number, now?: number): string {
  const d = new Date(at);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const sameYear = now === undefined || new Date(now).getUTCFullYear() === d.getUTCFullYear();
  const year = sameYear ? '' : ` ${d.getUTCFullYear()}`;
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()] ?? ''}${year} ${hh}:${mm} UTC`;
}

/** "Tuesday 25 Nov" (UTC): a day as a reader says it, e.g. the start of a trend window. */
export function dayLabel(at: number): string {
  const d = new Date(at);
  return `${DAYS[d.getUTCDay()] ?? ''} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()] ?? ''}`;
}

/** How long ago, coarse on purpose: "just now", "25 min ago", "3 h ago", "4 d ago". */
export function relativeTime(at: number, now: number): string {
  // A clock a little behind the outlet's shows "just now" rather than a negative age.
  const age = now - at;
  if (age < MINUTE) return 'just now';
  if (age < HOUR) return `${Math.floor(age / MINUTE)} min ago`;
  if (age < 48 * HOUR) return `${Math.floor(age / HOUR)} h ago`;
  return `${Math.floor(age / (24 * HOUR))} d ago`;
}

/** "3 h ago (27 Nov 08:00 UTC)" when `now` is known, else the absolute time alone. */
export function storyTime(at: number, now?: number): string {
  return now === undefined ? absoluteTime(at) : `${relativeTime(at, now)} (${absoluteTime(at, now)})`;
}
