/**
 * A feed's date text → ms since epoch. Date.parse reads RFC 822 and ISO 8601, but feeds also write the zone
 * as a local abbreviation it does not know (CAT and WAT: Goma's and Kinshasa's time) and French month
 * names; both are rewritten into what it reads. NaN when the text is still no date.
 */

// Zone abbreviations Date.parse does not know (it knows UT, UTC, GMT, Z and the US zones), as offsets.
// Ambiguous ones (IST: India or Ireland; BST: British or Bangladesh) are left out: no date beats a wrong one.
const ZONE_OFFSETS: Record<string, string> = {
  WAT: '+0100', CAT: '+0200', EAT: '+0300', SAST: '+0200',
  WET: '+0000', WEST: '+0100', CET: '+0100', CEST: '+0200', MET: '+0100', MEST: '+0200', EET: '+0200', EEST: '+0300',
  MSK: '+0300', GST: '+0400', PKT: '+0500', ICT: '+0700', WIB: '+0700', HKT: '+0800', SGT: '+0800',
  JST: '+0900', KST: '+0900', AEST: '+1000', AEDT: '+1100',
};
const ZONE_RE = /\b([A-Za-z]{3,4})\s*$/;

// French month names (with or without accents, full or abbreviated) → English, which Date.parse reads.
const FRENCH_MONTHS: Array<[RegExp, string]> = [
  [/\bjanv(?:ier|\.)?/i, 'Jan'], [/\bf[ée]vr?(?:ier|\.)?/i, 'Feb'], [/\bmars\b/i, 'Mar'], [/\bavr(?:il|\.)?/i, 'Apr'],
  [/\bmai\b/i, 'May'], [/\bjuin\b/i, 'Jun'], [/\bjuil(?:let|\.)?/i, 'Jul'], [/\bao[ûu]t\b/i, 'Aug'],
  [/\bsept(?:embre|\.)?/i, 'Sep'], [/\boct(?:obre|\.)?/i, 'Oct'], [/\bnov(?:embre|\.)?/i, 'Nov'], [/\bd[ée]c(?:embre|\.)?/i, 'Dec'],
];
// French day names go: Date.parse skips an unknown word, but "mar." (mardi) would be read as March. Only with
// the period or written out, so an English "Mar 3" keeps its month.
const FRENCH_DAY_RE = /^\s*(?:(?:lun|mar|mer|jeu|ven|sam|dim)\.|(?:lun|mar|mercre|jeu|vendre|same)di|dimanche),?\s*/i;

/** ms since epoch of a feed's date text, or NaN. */
export function parseFeedDate(text: string): number {
  const direct = Date.parse(text);
  if (Number.isFinite(direct) || text.trim() === '') return direct;
  let rewritten = text
    .replace(FRENCH_DAY_RE, '')
    // "1er mars", "3 mars 2025 à 10h30".
    .replace(/\b(\d{1,2})er\b/i, '$1')
    .replace(/\s+à\s+/i, ' ')
    .replace(/\b(\d{1,2})\s*h\s*(\d{2})\b/i, '$1:$2');
  for (const [name, english] of FRENCH_MONTHS) rewritten = rewritten.replace(name, english);
  rewritten = rewritten.replace(ZONE_RE, (match, zone: string) => ZONE_OFFSETS[zone.toUpperCase()] ?? match);
  return Date.parse(rewritten);
}
