import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import YAML from 'yaml';
import { topicsFileSchema } from '../../src/config/topics-schema.js';
import { compileTopics } from '../../src/topics/matcher.js';
import { compileSignals, leadSentence, mainSignalKeys, signalKey } from '../../src/topics/signals.js';

// The shipped topics.yaml: these tests protect the signals users actually get.
const shipped = topicsFileSchema.parse(YAML.parse(readFileSync(new URL('../../feeds/topics.yaml', import.meta.url), 'utf8')));
const matcher = compileTopics(shipped);
const detector = compileSignals(shipped);

/** Signal keys of an item, for the topics the shipped matcher gives it. */
function signalsOf(title: string, summary = ''): string[] {
  const topics = matcher.match({ title, summary }).map((m) => m.topicId);
  return detector.detectSignals({ title, summary }, topics).map(signalKey);
}

describe('shipped signals', () => {
  it('declares the status signals of every default topic, each with a direction', () => {
    const keys = detector.signals.map(signalKey);
    expect(keys).toEqual(expect.arrayContaining([
      'ceasefire.agreed', 'ceasefire.holding', 'ceasefire.violated',
      'qatar-talks.scheduled', 'qatar-talks.under-way', 'qatar-talks.stalled', 'qatar-talks.signed', 'qatar-talks.collapsed',
      'm23.advance', 'm23.withdrawal', 'm23.foreign-support', 'm23.sanctions',
    ]));
    const direction = (key: string) => detector.signals.find((s) => signalKey(s) === key)?.direction;
    expect([direction('ceasefire.violated'), direction('ceasefire.agreed'), direction('m23.sanctions')]).toEqual(['escalating', 'de-escalating', 'neutral']);
  });

  it('sees a ceasefire violation in French, accents and hyphens written any way', () => {
    expect(signalsOf('Nord-Kivu : violation du cessez-le-feu par le M23 à Masisi')).toContain('ceasefire.violated');
    expect(signalsOf('NORD-KIVU : VIOLATION DU CESSEZ LE FEU PAR LE M23')).toContain('ceasefire.violated');
    expect(signalsOf('Nord-Kivu : reprise des combats à Masisi malgré le cessez-le-feu')).toContain('ceasefire.violated');
  });

  it('sees a signing in a present-tense headline, and not in a signing recalled as the frame of other news', () => {
    expect(signalsOf('M23 and Kinshasa sign deal in Doha')).toContain('qatar-talks.signed');
    expect(signalsOf('Kinshasa and M23 sign prisoner exchange protocol in Doha')).toContain('qatar-talks.signed');
    expect(signalsOf('DRC and M23 exchange prisoners in Goma', 'The exchange of 150 detainees was carried out under the protocol signed in Doha last month.')).not.toContain('qatar-talks.signed');
    expect(signalsOf('Echange de prisonniers entre Kinshasa et le M23', "L'échange s'est déroulé en application du protocole signé à Doha.")).not.toContain('qatar-talks.signed');
    // "signé" and "signe" (a sign) fold to one word.
    expect(signalsOf('Sud-Kivu : les rebelles du M23 se retirent de Mwenga', 'Le M23 a annoncé le retrait de ses combattants de Mwenga, « en signe de bonne volonté » avant la reprise des discussions de Doha.')).not.toContain('qatar-talks.signed');
    expect(signalsOf('Doha : Kinshasa et le M23 ont signé un accord-cadre')).toContain('qatar-talks.signed');
  });

  it('sees no withdrawal where others only ask the M23 to withdraw', () => {
    expect(signalsOf('UN Security Council urges M23 to withdraw from occupied areas')).not.toContain('m23.withdrawal');
    expect(signalsOf('Security Council statement on eastern Congo', 'The council called on the M23 to withdraw from areas it holds and to respect the ceasefire.')).not.toContain('m23.withdrawal');
    expect(signalsOf('Kinshasa appelle le M23 à se retirer de Goma')).not.toContain('m23.withdrawal');
    expect(signalsOf('M23 rebels withdraw from Uvira')).toContain('m23.withdrawal');
    expect(signalsOf('Sud-Kivu : les rebelles du M23 se retirent de Mwenga')).toContain('m23.withdrawal');
  });

  it('sees no news in a refusal, a denial, a call or a fear of it', () => {
    for (const refusal of ['M23 refuses to withdraw from Walikale despite Doha pledge', 'M23 says it will not withdraw from Goma', 'Le M23 refuse de se retirer de Goma', 'M23 denies withdrawing from Walikale', 'M23 yet to withdraw from Walikale despite pledge', 'Le M23 dément tout retrait de Walikale']) {
      expect(signalsOf(refusal), refusal).not.toContain('m23.withdrawal');
    }
    expect(signalsOf('AU urges Kinshasa and M23 to sign peace deal in Doha')).not.toContain('qatar-talks.signed');
    expect(signalsOf('Kinshasa and M23 expected to sign deal next week in Doha')).not.toContain('qatar-talks.signed');
    expect(signalsOf('M23 has not signed the Doha framework')).not.toContain('qatar-talks.signed');
    expect(signalsOf('Kinshasa and M23 hope to agree a ceasefire in Doha')).not.toContain('ceasefire.agreed');
    expect(signalsOf('UN fears M23 could seize Uvira')).not.toContain('m23.advance');
    expect(signalsOf('US warns M23 against advancing on Uvira')).not.toContain('m23.advance');
    expect(signalsOf('M23 rebels did not capture Uvira, army says')).not.toContain('m23.advance');
    expect(signalsOf('DRC-M23 talks in Doha have not collapsed, Qatar says')).not.toContain('qatar-talks.collapsed');
    expect(signalsOf('M23 threatens to quit Doha talks with Kinshasa')).not.toContain('qatar-talks.collapsed');
    expect(signalsOf('DRC-M23 talks in Doha have not stalled, Qatar says')).not.toContain('qatar-talks.stalled');
    expect(signalsOf('No violations of the M23 ceasefire reported, monitors say')).not.toContain('ceasefire.violated');
    expect(signalsOf('M23 quits Doha talks with Kinshasa')).toContain('qatar-talks.collapsed');
    expect(signalsOf('DRC-M23 talks in Doha stall over prisoner swap')).toContain('qatar-talks.stalled');
    // The news itself still counts.
    expect(signalsOf('M23 rebels seize Uvira')).toContain('m23.advance');
    expect(signalsOf('Kinshasa and M23 sign peace deal in Doha')).toContain('qatar-talks.signed');
  });

  it('reads no event in what a denial covers, up to the end of its clause', () => {
    expect(signalsOf('Kinshasa denies M23 captured Walikale')).not.toContain('m23.advance');
    expect(signalsOf('Army denies that M23 rebels have seized Uvira airport')).not.toContain('m23.advance');
    expect(signalsOf('Qatar denies DRC-M23 talks in Doha have stalled')).not.toContain('qatar-talks.stalled');
    expect(signalsOf('M23 denies violating the ceasefire near Minova')).not.toContain('ceasefire.violated');
    expect(signalsOf('Kinshasa dément la prise de Walikale par le M23')).not.toContain('m23.advance');
    expect(signalsOf('Walikale: the army says calm', 'Kinshasa denied reports that M23 rebels had captured the town overnight.')).not.toContain('m23.advance');
    // The denial does not reach news told in another clause.
    expect(signalsOf('M23 denies targeting civilians as it seizes Uvira')).toContain('m23.advance');
    expect(signalsOf('Rwanda denies backing rebels, but M23 captures Uvira')).toContain('m23.advance');
    expect(signalsOf('Kinshasa denies claims; M23 rebels seize Uvira airport')).toContain('m23.advance');
  });

  it('reads no event in what a negation or a rejected claim covers, and still reads a denial as news of foreign support', () => {
    expect(signalsOf('M23 says it has not violated the ceasefire')).not.toContain('ceasefire.violated');
    expect(signalsOf("M23 rebels didn't capture Uvira, army says")).not.toContain('m23.advance');
    expect(signalsOf('No sign of M23 withdrawal from Walikale')).not.toContain('m23.withdrawal');
    expect(signalsOf("Le M23 ne s'est pas retiré de Walikale")).not.toContain('m23.withdrawal');
    expect(signalsOf('M23 rejects accusations it violated the truce')).not.toContain('ceasefire.violated');
    expect(signalsOf('M23 dismisses reports it seized Uvira')).not.toContain('m23.advance');
    // A rejected deal is no rejected claim, and a negation in another clause leaves the news alone.
    expect(signalsOf('M23 rejects Doha deal and seizes Uvira')).toContain('m23.advance');
    expect(signalsOf('No let-up as M23 rebels seize Uvira')).toContain('m23.advance');
    expect(signalsOf('M23 not only seized Uvira, it now eyes Bukavu')).toContain('m23.advance');
    expect(signalsOf("Sud-Kivu : le M23 ne cesse d'avancer vers Uvira")).toContain('m23.advance');
    expect(signalsOf('Doha talks end with no deal as Kinshasa and M23 fail to agree')).toContain('qatar-talks.stalled');
    // Foreign support lists denials among its terms ("Rwanda denies"): a denial is its news.
    expect(signalsOf('Kigali again denies sending Rwandan troops to Goma')).toContain('m23.foreign-support');
  });

  it('reads no event in one only planned, threatened, halted or delayed, and a collapsing ceasefire as broken', () => {
    expect(signalsOf('M23 plans to seize Uvira, sources say')).not.toContain('m23.advance');
    expect(signalsOf('M23 says it will capture Bukavu')).not.toContain('m23.advance');
    expect(signalsOf('M23 threatens to attack Uvira')).not.toContain('m23.fighting');
    expect(signalsOf('M23 halts withdrawal from Walikale')).not.toContain('m23.withdrawal');
    expect(signalsOf('M23 withdrawal from Walikale delayed')).not.toContain('m23.withdrawal');
    expect(signalsOf('Retrait suspendu : le M23 reste à Walikale')).not.toContain('m23.withdrawal');
    expect(signalsOf('M23 begins withdrawal from Walikale, Qatar says')).toContain('m23.withdrawal');
    expect(signalsOf('Army repels M23 attack on Uvira')).toContain('m23.fighting');
    expect(signalsOf('Uvira falls as truce collapses in eastern Congo')).toContain('ceasefire.violated');
    expect(signalsOf('Eastern Congo truce breaks down as M23 attacks Uvira')).toContain('ceasefire.violated');
  });

  it('reads no event in a headline that asks, and still in one that reports and then asks', () => {
    expect(signalsOf('Will the M23 withdraw from Goma?')).not.toContain('m23.withdrawal');
    expect(signalsOf('Analysis: can the ceasefire between Kinshasa and M23 hold?')).not.toContain('ceasefire.holding');
    expect(signalsOf('Le M23 va-t-il se retirer de Goma ?')).not.toContain('m23.withdrawal');
    expect(signalsOf('M23 rebels seize Uvira: what next?')).toContain('m23.advance');
    // The lead still speaks for itself.
    expect(signalsOf('Will the M23 hold Uvira?', 'M23 rebels seized Uvira on Monday after heavy fighting.')).toContain('m23.advance');
  });

  it('sees clashes despite a truce in English', () => {
    expect(signalsOf('Army and M23 rebels clash despite truce near Sake')).toContain('ceasefire.violated');
  });

  it('tells a ceasefire pledged from one holding', () => {
    expect(signalsOf('DRC and M23 agree to a ceasefire in Doha')).toContain('ceasefire.agreed');
    const holding = signalsOf('Truce largely holding around Goma, residents say', 'Residents of Goma said the truce between the army and the M23 rebels was holding.');
    expect(holding).toContain('ceasefire.holding');
    expect(holding).not.toContain('ceasefire.violated');
    expect(signalsOf('M23 truce fails to hold as fighting resumes near Goma')).not.toContain('ceasefire.holding');
  });

  it('reads the stages of the Doha talks', () => {
    expect(signalsOf('Doha talks between Kinshasa and M23 stall over prisoner release')).toContain('qatar-talks.stalled');
    expect(signalsOf('Kinshasa and M23 sign declaration of principles in Doha')).toContain('qatar-talks.signed');
    expect(signalsOf('Doha : Kinshasa et l\'AFC/M23 signent une déclaration de principes')).toContain('qatar-talks.signed');
    expect(signalsOf('Doha talks between Kinshasa and M23 rebels collapse')).toContain('qatar-talks.collapsed');
  });

  it('tells an M23 advance from a withdrawal, and a withdrawal from leaving the talks', () => {
    expect(signalsOf('M23 rebels seize Walikale')).toEqual(expect.arrayContaining(['m23.advance']));
    expect(signalsOf('M23 rebels seize Walikale')).not.toContain('m23.withdrawal');
    expect(signalsOf('M23 withdraws from Walikale')).toContain('m23.withdrawal');
    expect(signalsOf("Uvira : l'AFC/M23 annonce son retrait de la ville")).toContain('m23.withdrawal');
    expect(signalsOf('M23 withdraws its delegation from Doha talks with Kinshasa')).not.toContain('m23.withdrawal');
  });

  it('takes a pledge with a longer wording as a pledge, and a violation report recalling the deal as no pledge', () => {
    expect(signalsOf('Kinshasa and M23 sign deal in Doha, committing to a permanent ceasefire')).toContain('ceasefire.agreed');
    expect(signalsOf('M23 and Kinshasa pledging a permanent ceasefire, mediators say')).toContain('ceasefire.agreed');
    expect(signalsOf('RDC : la déclaration de Doha prévoit un cessez-le-feu permanent entre Kinshasa et le M23')).toContain('ceasefire.agreed');
    const violation = signalsOf('Ceasefire violated near Minova as M23 attacks army positions', 'Fighting broke out near Minova on Sunday, breaking the ceasefire agreed in Doha.');
    expect(violation).toContain('ceasefire.violated');
    expect(violation).not.toContain('ceasefire.agreed');
    const uvira = signalsOf('M23 rebels enter Uvira in fresh blow to Doha ceasefire', 'The rebels entered the town days after signing a ceasefire declaration in Doha.');
    expect(uvira).not.toContain('ceasefire.agreed');
    expect(uvira).not.toContain('qatar-talks.signed');
  });

  it('does not take other troops pulling back for an M23 withdrawal, nor restarting talks for a stall', () => {
    const entered = signalsOf('M23 rebels enter Uvira', 'The rebels entered the town as Congolese soldiers and Burundian troops pulled back south.');
    expect(entered).toContain('m23.advance');
    expect(entered).not.toContain('m23.withdrawal');
    expect(signalsOf('Doha : le Qatar convoque les délégations de Kinshasa et du M23 pour tenter de relancer les pourparlers suspendus')).not.toContain('qatar-talks.stalled');
  });

  it('reads a capture in French and shelling as a verb, and the army withdrawing from a town the M23 took as no M23 withdrawal', () => {
    expect(signalsOf('Sud-Kivu : la cité de Kamanyola sous contrôle du M23')).toContain('m23.advance');
    const fell = signalsOf("Kamanyola tombe aux mains des rebelles de l'AFC/M23", "La cité frontalière est tombée après le retrait des FARDC vers le sud.");
    expect(fell).toContain('m23.advance');
    expect(fell).not.toContain('m23.withdrawal');
    expect(signalsOf('M23 rebels shell Sake market, killing at least 12')).toContain('m23.fighting');
  });

  it('names an item’s main signals: the heaviest of each topic', () => {
    const signal = (topicId: string, signalId: string, weight: number) => ({ topicId, signalId, label: signalId, direction: 'neutral' as const, weight });
    expect(
      mainSignalKeys([signal('m23', 'fighting', 1), signal('m23', 'advance', 2), signal('ceasefire', 'violated', 2), signal('m23', 'foreign-support', 1)]),
    ).toEqual(['m23.advance', 'ceasefire.violated']);
    expect(mainSignalKeys([signal('qatar-talks', 'under-way', 1), signal('qatar-talks', 'stalled', 1)])).toEqual(['qatar-talks.under-way', 'qatar-talks.stalled']);
    expect(mainSignalKeys([])).toEqual([]);
  });

  it('gives no signal for a topic the item did not match', () => {
    // A Gaza truce violated is not the DRC ceasefire: no topic, so no signal.
    expect(signalsOf('Gaza ceasefire violated as strikes resume')).toEqual([]);
    const topics = ['m23'];
    expect(detector.detectSignals({ title: 'M23 accused of violating ceasefire' }, topics).map(signalKey)).not.toContain('ceasefire.violated');
  });
});

describe('compileSignals', () => {
  const file = topicsFileSchema.parse({
    vocab: { truce: ['truce', 'ceasefire'] },
    topics: [
      {
        id: 'ceasefire',
        name: 'Ceasefire',
        terms: ['@truce'],
        signals: [
          { id: 'holding', label: 'Holding', direction: 'de-escalating', terms: ['ceasefire hold*', 'truce hold*'], unless: ['fails to hold'] },
          { id: 'talked-about', label: 'Talked about', terms: ['@truce'] },
        ],
      },
    ],
  });
  const compiled = compileSignals(file);

  it('fills direction and weight defaults and expands vocab lists', () => {
    expect(compiled.signals).toEqual([
      { topicId: 'ceasefire', signalId: 'holding', label: 'Holding', direction: 'de-escalating', weight: 1 },
      { topicId: 'ceasefire', signalId: 'talked-about', label: 'Talked about', direction: 'neutral', weight: 1 },
    ]);
    expect(compiled.detectSignals({ title: 'Ceasefire holds in Masisi' }, ['ceasefire']).map((s) => s.signalId)).toEqual(['holding', 'talked-about']);
  });

  it('lets an unless term cancel its signal only', () => {
    expect(compiled.detectSignals({ title: 'Truce holds, then fails to hold' }, ['ceasefire']).map((s) => s.signalId)).toEqual(['talked-about']);
  });

  it('reads the title and the lead sentence, not the background further down', () => {
    const summary = 'Residents said the ceasefire was holding on Monday. A ceasefire holds elsewhere too.';
    expect(leadSentence(summary)).toBe('Residents said the ceasefire was holding on Monday.');
    expect(leadSentence('<p>U.S. officials said on Monday the truce in Masisi held. Later text.</p>')).toBe('U.S. officials said on Monday the truce in Masisi held.');
    expect(compiled.detectSignals({ title: 'Masisi market reopens', summary: 'Traders returned to the market on Monday in large numbers. The truce holds.' }, ['ceasefire'])).toEqual([]);
  });
});
