/**
 * Deterministic, realistic-looking news items for the bench: headlines and summaries built from an
 * everyday news vocabulary (English with some French), where about one item in ten names something a
 * topic tracks (the M23 war, the Doha talks, the ceasefire, or one of the generated topics' subjects).
 */
import { createRandom, type Random } from '../test/fakes/seeded-random.js';

export { createRandom, type Random };

const NOUNS =
  'government minister president parliament budget economy market inflation prices fuel bread water power grid school teachers students hospital doctors nurses patients vaccine health police court judge trial lawyer journalist newspaper radio television company workers union strike farmers harvest rain season road bridge port airport train bus traffic city council mayor village region province border customs trade exports imports mining copper cobalt gold diamonds oil gas bank loan debt currency tax reform election vote ballot campaign party opposition coalition leader spokesman official report survey study data census population church mosque festival music football match team coach league player stadium weather storm flood drought heat fire forest river lake coast fishermen boat tourism hotel internet phone network bank telecom startup investors factory plant energy solar dam project contract tender corruption scandal investigation audit protest crowd rally march curfew prison security army soldiers officers general attack incident accident victims families children women youth refugees camp aid food shortage famine cholera outbreak epidemic malaria clinic summit meeting visit delegation agreement talks statement decree law bill senate ministry agency programme fund donors partners embassy ambassador envoy'.split(' ');
const VERBS =
  'announces says warns calls rejects approves signs opens closes launches suspends resumes delays cuts raises plans backs blames denies confirms reports investigates arrests frees meets visits leaves returns wins loses faces demands promises expects urges welcomes condemns criticises defends reviews extends ends starts halts boosts'.split(' ');
const ADJECTIVES =
  'new major local national regional former interim senior public private foreign international economic political social annual monthly weekly rural urban northern southern western central coastal key rising falling record historic controversial planned emergency'.split(' ');
const PLACES =
  'Kinshasa Lubumbashi Kisangani Kananga Mbuji-Mayi Matadi Kolwezi Kampala Nairobi Kigali Bujumbura Luanda Lusaka Dar es Salaam Addis Ababa Lagos Abuja Accra Dakar Paris Brussels London Washington Geneva Johannesburg Harare Juba Khartoum Bangui Brazzaville'.split(' ');
const FILLERS = 'the a of in on at for with after before over under amid despite during from to by as and but while'.split(' ');
const FRENCH =
  'le gouvernement annonce la nouvelle loi sur les prix du carburant à la population selon le ministre des finances la grève des enseignants continue dans plusieurs écoles de la capitale'.split(' ');

/** Words and phrases of the three default topics that a real item about them would carry. */
export const DEFAULT_TOPIC_PHRASES = [
  'M23 rebels', 'the M23', 'AFC/M23', 'Rwanda-backed rebels', 'Corneille Nangaa', 'Goma', 'Bukavu', 'North Kivu', 'South Kivu',
  'eastern Congo', 'Walikale', 'Masisi', 'Rutshuru', 'Uvira', 'Doha talks', 'Qatari mediation', 'talks in Doha',
  'ceasefire', 'cessez-le-feu', 'truce', 'declaration of principles', 'prisoner exchange', 'Kinshasa and the M23',
  'les rebelles du M23', 'la prise de Goma', 'les pourparlers de Doha', 'Tshisekedi', 'Kagame', 'MONUSCO', 'FARDC',
];

/** One generated item: what the matcher and the stores read. */
export type GeneratedText = { title: string; summary: string };

/** What to mix into the topical tenth of items: lists of phrases, each list equally likely. */
export type TopicWords = readonly (readonly string[])[];

function sentence(random: Random, words: number, extra: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    const r = random.next();
    if (r < 0.32) out.push(random.pick(NOUNS));
    else if (r < 0.45) out.push(random.pick(VERBS));
    else if (r < 0.55) out.push(random.pick(ADJECTIVES));
    else if (r < 0.6) out.push(random.pick(PLACES));
    else if (r < 0.66) out.push(random.pick(FRENCH));
    else out.push(random.pick(FILLERS));
  }
  // Topic words land somewhere inside the text, not always at the start.
  for (const phrase of extra) out.splice(random.int(out.length + 1), 0, phrase);
  return out.join(' ');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * `count` items; `topicalShare` of them (default 0.1) carry one to three phrases from one list of
 * `topicWords` (the default topics' phrases when not given).
 */
export function generateTexts(count: number, seed: number, topicWords: TopicWords = [DEFAULT_TOPIC_PHRASES], topicalShare = 0.1): GeneratedText[] {
  const random = createRandom(seed);
  const items: GeneratedText[] = [];
  for (let i = 0; i < count; i++) {
    const topical = random.next() < topicalShare;
    const list = random.pick(topicWords);
    const phrases = topical ? Array.from({ length: 1 + random.int(3) }, () => random.pick(list)) : [];
    const inTitle = phrases.slice(0, 1);
    const title = capitalise(sentence(random, 7 + random.int(7), inTitle));
    const summary = `${capitalise(sentence(random, 30 + random.int(30), phrases.slice(1)))}.`;
    items.push({ title, summary });
  }
  return items;
}

/** A pronounceable made-up proper name (a town, a movement), unique per index. */
export function madeUpName(index: number): string {
  const syllables = ['ka', 'lo', 'mi', 'ru', 'ze', 'ta', 'vo', 'ni', 'sha', 'bu', 'de', 'gor', 'fe', 'ya', 'pli', 'ndo'];
  let n = index + 17;
  let name = '';
  for (let k = 0; k < 3 || n > 0; k++) {
    name += syllables[n % syllables.length];
    n = Math.floor(n / syllables.length);
  }
  return capitalise(name);
}
