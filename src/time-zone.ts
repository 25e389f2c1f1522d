/** The runtime's name for time zone `name` (IANA names such as Africa/Kinshasa, or UTC), or null when its ICU data does not know it. */
export function canonicalTimezone(name: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

// Zone names without a region that mean what they say all year.
const UNIVERSAL_NAMES = new Set(['UTC', 'GMT', 'UCT', 'ZULU', 'UNIVERSAL', 'GREENWICH', 'ETC/UTC', 'ETC/GMT']);

let zonesByCity: Map<string, string> | null = null;

/**
 * The zone named after a city, typed alone ("Kinshasa", "new york"): the IANA zone whose last part it is,
 * or null. Each city names one zone in the runtime's list.
 */
function zoneOfCity(name: string): string | null {
  zonesByCity ??= new Map(Intl.supportedValuesOf('timeZone').map((zone) => [zone.split('/').pop()!.toLowerCase(), zone]));
  return zonesByCity.get(name.trim().toLowerCase().replace(/\s+/g, '_')) ?? null;
}

/**
 * The region's name for a zone typed in chat, or why it is refused: `unknown`, or `alias` for a name with no
 * region in it other than UTC (EST, CET, Japan: IANA's deprecated aliases). Those are not what people take
 * them for: EST is America/Panama, UTC−5 all year, so a digest set "in EST" for New York would come an hour
 * off all summer; the answer names the zone it stands for, so the user can choose.
 */
export function chatTimezone(name: string): { ok: true; zone: string } | { ok: false; problem: 'unknown' } | { ok: false; problem: 'alias'; zone: string } {
  const zone = canonicalTimezone(name);
  if (zone === null) {
    // A city typed alone is its zone ("Kinshasa" is Africa/Kinshasa).
    const ofCity = name.includes('/') ? null : zoneOfCity(name);
    return ofCity === null ? { ok: false, problem: 'unknown' } : { ok: true, zone: ofCity };
  }
  if (name.includes('/') || UNIVERSAL_NAMES.has(name.toUpperCase())) return { ok: true, zone };
  return { ok: false, problem: 'alias', zone };
}
