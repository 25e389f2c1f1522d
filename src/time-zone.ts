/** The runtime's name for time zone `name` (IANA names such as Africa/Kinshasa, or UTC), or null when its ICU data does not know it. */
export function canonicalTimezone(name: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}
