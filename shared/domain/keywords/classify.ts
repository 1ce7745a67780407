/** What an inbound message asks for. */
export type InboundIntent = 'opt_out' | 'opt_in' | 'confirm' | 'help' | 'complaint' | 'other';

/**
 * Whether a reply of this intent withdraws marketing. A complaint ("this is spam", "how did you get my number",
 * "I'll report you") is the plainest wish not to be messaged: it withdraws marketing like a STOP (revocation "by any
 * reasonable means", TCPA 2024; an objection to direct marketing is absolute, GDPR art. 21(3); 38-FZ art. 18 part 1
 * "по требованию абонента"), so an export to the CRM and the register's proof show it too.
 */
export function withdrawsMarketing(intent: InboundIntent): boolean {
  return intent === 'opt_out' || intent === 'complaint';
}

/** The classification of one inbound message. */
export interface InboundClassification {
  intent: InboundIntent;
  /** The form code an opt-in names (e.g. `F7-3`), upper-cased. */
  formCode: string | null;
  /** The word or phrase that decided it, as normalised text. */
  matched: string | null;
  /**
   * An opt-out (or a complaint) that also withdraws the consent to process personal data ("отзываю согласие на обработку персональных
   * данных", "delete my data"): 152-FZ art. 9 part 2 lets the person withdraw it by any clear request, and GDPR
   * art. 17 reads "delete my data" as erasure, which is more than "stop the ads". Still intent `opt_out`: every door
   * (the opt-out journal, the stored reply, the API's `classified`) treats it as one; only what is revoked differs.
   */
  personalData: boolean;
}

/** Keyword lists; the pack's own opt-out keywords are added to these. */
export interface KeywordLists {
  optOut: readonly string[];
  optIn: readonly string[];
  confirm: readonly string[];
  help: readonly string[];
}

/** The lists every pack understands (FCC "reasonable" words, carrier defaults, Russian equivalents). */
export const DEFAULT_KEYWORDS: KeywordLists = {
  optOut: [
    'STOP',
    'STOPALL',
    'STOP ALL',
    'UNSUBSCRIBE',
    'CANCEL',
    'END',
    'QUIT',
    'REVOKE',
    'OPT OUT',
    'OPTOUT',
    'СТОП',
    'ОТПИСАТЬСЯ',
    'ОТПИСКА',
    'ОТМЕНА',
    'ХВАТИТ',
  ],
  optIn: ['START', 'SUBSCRIBE', 'JOIN', 'UNSTOP', 'ПОДПИСАТЬСЯ', 'ПОДПИСКА', 'СТАРТ'],
  confirm: ['YES', 'Y', 'JA', 'ДА', 'ПОДТВЕРЖДАЮ', 'СОГЛАСЕН', 'СОГЛАСНА'],
  help: ['HELP', 'INFO', 'ПОМОЩЬ', 'СПРАВКА'],
};

// JavaScript's \b only knows ASCII letters; these word edges also work for Cyrillic.
const words = (source: string): RegExp => new RegExp(source.replace(/\\b/g, '(?<![\\p{L}\\p{N}])').replace(/\\e/g, '(?![\\p{L}\\p{N}])'), 'u');

// Free-text withdrawals a reasonable person would read as "stop" (FCC 47 CFR 64.1200(a)(10): any reasonable means;
// 38-FZ art. 18 part 1: any clear request). Stems cover Russian word forms; a verb is matched only in the forms that
// ask (imperative, infinitive), so "мне не присылали код" or "не беспокойтесь" are not read as a request to stop,
// and "отпишу"/"отписал" (colloquial "I'll write back"/"I wrote back") are not "отписаться".
// The personal-data phrases (withdrawal of the 152-FZ consent, "delete my data") are opt-outs too and are also
// listed in PERSONAL_DATA_PHRASES below, which marks them so the reply revokes the personal-data consent as well.
const MESSAGES_EN = String.raw`(texts?|txts?|messages?|msgs?|sms|offers?|promos?|promotions?|marketing|e ?mails?|notifications?|alerts?|ads?|adverts?|spam|calls?|updates?)`;
const MESSAGES_RU = String.raw`(рассыл|сообщени|смс|sms|смски|эсэмэс|реклам|акци|спам|уведомлен|писем|письм|предложени|подписк|звонк|обработк)\p{L}*`;
const SEND_RU = String.raw`(пиши(те)?|писать|присылай(те)?|присылать|отправляй(те)?|отправлять|шли(те)?|слать|беспокой(те)?|беспокоить|звони(те)?|звонить|спамь(те)?|спамить|рассылай(те)?|рассылать|надоедай(те)?|донимай(те)?)\e`;
const OPT_OUT_PHRASES: readonly RegExp[] = [
  String.raw`\b(stop|quit|cease) (texting|messaging|sending|contacting|emailing|calling|spamming)\e`,
  String.raw`\b(don ?t|do not|never) (text|message|contact|send|sms|email|call)\e`,
  String.raw`\b(don ?t|do not|no longer) (want|need|wish)\e( to (receive|get))?( any)?( more)?( of)?( your| these| this| those| the)? ${MESSAGES_EN}\e`,
  String.raw`\bno (more|further) ${MESSAGES_EN}\e`,
  String.raw`^no more( please| thanks| thank you)?$`,
  String.raw`\b(remove|delete|erase) (me|us|my (number|phone|phone number|name|details|data|info|information|contact))\e`,
  String.raw`\bremove from (your |the |this )?(list|mailing list|database|texts)\e`,
  String.raw`^(please )?remove( me| us)?( please)?$`,
  String.raw`\btake (me|my (number|phone|name|details)) off\e`,
  String.raw`\bunsubscribe me\e`,
  String.raw`\bunsub\p{L}*|\bunsu?scri?be?\p{L}*`,
  String.raw`\bopt (me )?out\e|\bopt(ed|ing) ?out\e`,
  String.raw`\b(withdraw|revoke|retract)\p{L}* (my |all |the )?consent\e`,
  String.raw`\bcancel (my |the |this |your |all )?(subscription|texts|messages|sms|marketing|alerts|notifications|promos|promotions)\e`,
  String.raw`\bleave me alone\e`,
  // "Leave me alone": the imperative only ("отстал от поезда" is someone falling behind).
  String.raw`\bотстань(те)?\e`,
  String.raw`\bне ${SEND_RU}`,
  String.raw`\b(больше|более) не (надо|нужно)\e`,
  String.raw`\bне (надо|нужно) (мне |нам )?(больше |более )?(ваш\p{L}* |эт\p{L}* |никаких |ничего )?${MESSAGES_RU}`,
  String.raw`\bне (надо|нужно) (мне )?больше\e`,
  String.raw`\bне (надо|нужно) (мне )?(больше )?${SEND_RU}`,
  String.raw`\bне (хочу|хотим|желаю|буду) (больше |более |ничего )*(от вас )?(получать|читать)\e`,
  String.raw`\bне (хочу|хотим|желаю) (больше |более )?(никаких |ваших |ваши |этих |эти )?${MESSAGES_RU}`,
  String.raw`\b${MESSAGES_RU} (мне |больше |уже |более )*не (нужн|надо|интересн)\p{L}*`,
  String.raw`\bне нужн\p{L}* (мне )?(больше )?(ваш\p{L}* |эт\p{L}* )?${MESSAGES_RU}`,
  String.raw`\b(?!отпишу\e|отписал(а|о)?\e)отпи(с|ш)\p{L}*`,
  String.raw`\bпрекрат\p{L}* (\p{L}+ ){0,2}${MESSAGES_RU}`,
  String.raw`\bпрекрат\p{L}* (\p{L}+ )?${SEND_RU}`,
  String.raw`^(прошу |пожалуйста )?прекрат(ите|ить)( пожалуйста)?$`,
  String.raw`\bперестань\p{L}* (\p{L}+ )?${SEND_RU}`,
  String.raw`^(пожалуйста )?перестаньте( пожалуйста)?$`,
  String.raw`\bхватит (\p{L}+ )?${SEND_RU}`,
  String.raw`\bотказ\p{L}* от (\p{L}+ ){0,2}${MESSAGES_RU}`,
  String.raw`\bотказ\p{L}* от (вас|ваших услуг|всего|всех|согласия|получения|подписки)\e`,
  String.raw`^(я |мы )?(отказ|отказываюсь|отказываемся)( спасибо| пожалуйста)?$`,
  String.raw`\b(отзыва|отзову|отзовите|отозва)\p{L}* (\p{L}+ ){0,2}соглас\p{L}*`,
  String.raw`\bотзыв соглас\p{L}*`,
  String.raw`\b(удали|удалите|удалить) (меня|мо\p{L}* (номер|телефон|данн|контакт|персональн)|номер|данн|персональн|из (баз|рассыл|список|списк))\p{L}*`,
  String.raw`\b(убер|исключ|вычеркн)\p{L}* (меня|мо\p{L}* (номер|телефон|данн|контакт)|номер)\p{L}*`,
  String.raw`\bуничтож\p{L}* (мо\p{L}* )?(персональн\p{L}* )?данн\p{L}*`,
  String.raw`\bотмен\p{L}* (мою |эту |вашу |все )?${MESSAGES_RU}`,
  String.raw`\bнадоел\p{L}* (мне )?(ваш\p{L}* |эт\p{L}* )?${MESSAGES_RU}`,
].map(words);

// Withdrawals of the consent to process personal data (152-FZ art. 9 part 2) and requests to erase it (GDPR art. 17):
// the withdrawal names the processing or the data, so a bare "отзываю согласие" or "I withdraw my consent" stays a
// marketing opt-out; a deletion names the person's own data ("удалите мой заказ" is about an order).
const DATA_RU = String.raw`(обработк\p{L}*|персональн\p{L}*|данн\p{L}*|пдн|пд)\e`;
const DATA_EN = String.raw`(data|personal (information|info|details))\e`;
const PERSONAL_DATA_PHRASES: readonly RegExp[] = [
  String.raw`\b(отзыва|отзову|отзовите|отозва|отзыв)\p{L}* (\p{L}+ ){0,2}соглас\p{L}* (\p{L}+ ){0,3}${DATA_RU}`,
  String.raw`\b(удали|удалите|удалить|уничтож\p{L}*|сотри|сотрите|стереть) (все )?(мо\p{L}* (персональн\p{L}* )?|персональн\p{L}* )(данн\p{L}*|пдн)\e`,
  String.raw`\bпрекрат\p{L}* (\p{L}+ ){0,2}обработк\p{L}* (\p{L}+ ){0,2}(персональн|данн|пдн)\p{L}*`,
  String.raw`\bне обрабатыва\p{L}* (\p{L}+ ){0,2}(персональн|данн|пдн)\p{L}*`,
  String.raw`\b(withdraw|revoke|retract)\p{L}* (\p{L}+ ){0,2}consent (\p{L}+ ){0,6}${DATA_EN}`,
  String.raw`\b(delete|erase|destroy|wipe) (all )?(of )?my (personal )?(data|details|information|info)\e`,
  String.raw`\bstop (processing|using|storing) (my |our )?(personal )?data\e`,
].map(words);

const COMPLAINT_PHRASES: readonly RegExp[] = [
  String.raw`\bspam\p{L}*`,
  String.raw`\bспам\p{L}*`,
  String.raw`\bжалоб\p{L}*`,
  String.raw`\bпожалу\p{L}*сь\e`,
  String.raw`\breport(ed|ing)? (you|this)\e`,
  String.raw`\bhow did you get my (number|phone)\e`,
  String.raw`\bwho gave you my (number|phone)\e`,
  String.raw`\bоткуда у (вас|тебя) мой (номер|телефон)\e`,
  String.raw`\bкто (вам |тебе )?дал (вам |тебе )?мой (номер|телефон)\e`,
  String.raw`\bроскомнадзор\p{L}*|\bфас\e|\bftc\e|\bfcc\e`,
].map(words);

// Everyday words ("the END of the month", "CANCEL my order") count as an opt-out only when they open the message.
const START_ONLY = new Set(['END', 'CANCEL', 'QUIT', 'ОТМЕНА', 'ХВАТИТ']);

// "Can I stop by tomorrow?" visits the shop: a lower-case "stop" followed, with only spaces between, by "by". Written
// STOP, or cut off by punctuation ("Stop. By the way…"), it is still the keyword.
const STOP_BY = /(?<![\p{L}\p{N}])[Ss]top(?=[ \t\u00a0]+by(?![\p{L}\p{N}]))/gu;

// A refusal anywhere in the message: an opt-in must be unambiguous (GDPR art. 4(11); 38-FZ art. 18 "consent"), so
// "Subscribe? No thanks" or "Подписаться? Нет, не хочу" grant nothing. Normalised words ("don't" reads DON T).
const REFUSALS = new Set([
  'NO',
  'NOT',
  'NOPE',
  'NAH',
  'NEVER',
  'DONT',
  'WONT',
  'CANT',
  'CANNOT',
  'DIDNT',
  'DOESNT',
  'ISNT',
  'NOTHANKS',
  'НЕТ',
  'НЕ',
  'НЕА',
  'НИ',
  'НИКОГДА',
  'НИКАК',
  'НЕТУ',
  'NEIN',
  'NICHT',
  'KEIN',
  'KEINE',
  'NIE',
  'NON',
  'JAMAIS',
]);
const REFUSAL_PREFIX = /^НЕ(ИНТЕРЕС|НАД|НУЖ|ХОЧ)/u;
// "don't", "won't", "isn't"… normalise to two words, the second a lone T.
const NT = new Set(['DON', 'WON', 'CAN', 'ISN', 'AREN', 'DIDN', 'DOESN', 'WASN', 'WEREN', 'HAVEN', 'HASN', 'SHOULDN', 'WOULDN', 'COULDN', 'AIN']);

function refuses(words: string): boolean {
  const list = words.split(' ');
  return list.some((w, i) => REFUSALS.has(w) || REFUSAL_PREFIX.test(w) || (w === 'T' && NT.has(list[i - 1] ?? '')));
}

// Two or more one-letter words in a row.
const SPELLED = /(?<![^ ])\p{L}(?: \p{L}(?![^ ]))+/gu;

const FORM_CODE = /\b(F\d{1,4}-\d{1,4})\b/i;

// Invisible format characters (Unicode category Cf: zero-width space and joiners, word joiner, BOM, soft hyphen…)
// would split a word in two ("S\u200bTOP"); they carry no letters, so they go before anything else.
const FORMAT = /\p{Cf}/gu;

/**
 * Upper-case, accents off Latin letters (ARRÊT → ARRET; Й stays Й), stray combining marks dropped (a stress mark in
 * «сто́п»), Ё folded to Е, format characters removed, hyphens, dashes and other punctuation to spaces (OPT-OUT reads
 * OPT OUT, СТОП-СТОП reads СТОП СТОП).
 */
export function normalizeInbound(text: string): string {
  return text
    .replace(FORMAT, '')
    .normalize('NFKD')
    .replace(/([A-Za-z])\p{M}+/gu, '$1')
    .normalize('NFC')
    .replace(/(\p{L})\p{M}+/gu, '$1')
    .toUpperCase()
    .replace(/Ё/g, 'Е')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The form code an opt-in names, upper-cased: read before hyphens become spaces, whichever dash was typed. */
function formCodeOf(text: string): string | null {
  const dashed = text
    .replace(FORMAT, '')
    .normalize('NFKC')
    .replace(/[\p{Pd}\u2212]/gu, '-');
  return FORM_CODE.exec(dashed)?.[1]?.toUpperCase() ?? null;
}

// Look-alike letters (upper case, as normalizeInbound leaves them): a Latin C, T, O in "CTOП", a Cyrillic Р in "STOР".
const LATIN_TWIN: Readonly<Record<string, string>> = {
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  Х: 'X',
  У: 'Y',
};
const CYRILLIC_TWIN: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(LATIN_TWIN).map(([cyr, lat]) => [lat, cyr]));
const LATIN = /[A-Z]/;
const CYRILLIC = /[А-ЯЁ]/;

/** Every letter of a word, in the other alphabet where it has a twin; null when some letter of that alphabet has none. */
function inAlphabet(word: string, from: RegExp, twins: Readonly<Record<string, string>>): string | null {
  let out = '';
  for (const ch of word) {
    if (!from.test(ch)) out += ch;
    else if (twins[ch]) out += twins[ch];
    else return null;
  }
  return out;
}

/**
 * The readings of normalised text in which opt-out words are looked for, besides the text itself. A word mixing
 * alphabets ("CTOП", "Нe" with a Latin e) is read in Cyrillic; a word whose Cyrillic letters all have Latin twins is
 * read in Latin too ("СТОР" is STOP typed with Cyrillic letters, С being the Russian S; "SТОР" is STOP). Whole Latin
 * words are never read in Cyrillic, so English stays English; and none of this is used for opt-ins or confirmations,
 * so a look-alike can only ever add an opt-out (or a refusal), never a consent.
 */
function lookAlikeReadings(words: string): string[] {
  const list = words.split(' ');
  const cyrillic = list.map((w) => (CYRILLIC.test(w) && LATIN.test(w) ? (inAlphabet(w, LATIN, CYRILLIC_TWIN) ?? w) : w)).join(' ');
  const latin = list.map((w) => (CYRILLIC.test(w) ? (inAlphabet(w, CYRILLIC, { ...LATIN_TWIN, С: 'S' }) ?? w) : w)).join(' ');
  return [...new Set([words, cyrillic, latin])];
}

/**
 * The keyword the text starts with. `doubled`: a keyword typed with its last letter held down ("стопп", "STOPPP")
 * still counts; only for opt-outs, where a typo must not cost the customer their request. Normalised keywords hold
 * only letters, digits and spaces, so they go into the pattern as they are.
 */
function startsWithKeyword(words: string, keywords: readonly string[], doubled = false): string | null {
  for (const k of keywords) {
    const key = normalizeInbound(k);
    if (!key) continue;
    if (words === key || words.startsWith(`${key} `)) return key;
    if (doubled && words.startsWith(key + key.slice(-1)) && new RegExp(`^${key}${key.slice(-1)}+(?: |$)`, 'u').test(words)) return key;
  }
  return null;
}

function containsWord(words: string, keywords: readonly string[], doubled = false): string | null {
  const padded = ` ${words} `;
  for (const k of keywords) {
    const key = normalizeInbound(k);
    if (key.length < 3) continue;
    if (padded.includes(` ${key} `)) return key;
    if (doubled && padded.includes(` ${key}${key.slice(-1)}`) && new RegExp(` ${key}${key.slice(-1)}+ `, 'u').test(padded)) return key;
  }
  return null;
}

/** The opt-out keyword in one reading of the text: at its start, anywhere as a word, or spelled out letter by letter. */
function optOutKeyword(words: string, optOut: readonly string[], anywhere: readonly string[]): string | null {
  // A keyword spelled out letter by letter ("S T O P", "s-t-o-p") is still the keyword.
  const spelled = words.replace(SPELLED, (m) => m.replace(/ /g, ''));
  return (
    startsWithKeyword(words, optOut, true) ??
    containsWord(words, anywhere, true) ??
    (spelled !== words ? (startsWithKeyword(spelled, optOut, true) ?? containsWord(spelled, anywhere, true)) : null)
  );
}

function firstMatch(readings: readonly string[], phrases: readonly RegExp[]): string | null {
  for (const reading of readings) {
    const lower = reading.toLowerCase();
    for (const re of phrases) {
      const m = lower.match(re);
      if (m) return m[0];
    }
  }
  return null;
}

/**
 * Classify an inbound message. An opt-out anywhere in the text wins over everything else: a customer who
 * writes "YES STOP" or "спасибо, но отпишите меня" has asked to stop. An opt-in counts only when nothing in the
 * message refuses ("Subscribe? No thanks" is no consent).
 */
export function classifyInbound(text: string, lists: KeywordLists = DEFAULT_KEYWORDS, packOptOut: readonly string[] = []): InboundClassification {
  const words = normalizeInbound(text.replace(FORMAT, '').replace(STOP_BY, 'drop'));
  const lower = words.toLowerCase();
  const readings = lookAlikeReadings(words);
  const optOut = [...packOptOut, ...lists.optOut];
  const anywhere = optOut.filter((k) => !START_ONLY.has(normalizeInbound(k)));
  const personalData = firstMatch(readings, PERSONAL_DATA_PHRASES);
  let out: string | null = null;
  for (const reading of readings) out ??= optOutKeyword(reading, optOut, anywhere);
  out ??= firstMatch(readings, OPT_OUT_PHRASES) ?? personalData;
  const complaint = COMPLAINT_PHRASES.find((re) => re.test(lower));
  // A complaint withdraws marketing as a STOP does and is more: "СТОП. Это спам" is kept on the complaints list (the
  // shop's spam rate, the 90 days before a new consent counts), its personal-data withdrawal honoured too.
  if (complaint) return { intent: 'complaint', formCode: null, matched: lower.match(complaint)?.[0] ?? null, personalData: personalData !== null };
  if (out) return { intent: 'opt_out', formCode: null, matched: out, personalData: personalData !== null };
  const code = formCodeOf(text);
  const optIn = startsWithKeyword(words, lists.optIn) ?? (code ? containsWord(words, lists.optIn) : null);
  // A refusal is looked for in the look-alike readings too ("Нeт" with a Latin e): they can only take an opt-in away.
  if (optIn && !readings.some(refuses)) return { intent: 'opt_in', formCode: code, matched: optIn, personalData: false };
  const confirm = startsWithKeyword(words, lists.confirm);
  if (confirm) return { intent: 'confirm', formCode: code, matched: confirm, personalData: false };
  const help = startsWithKeyword(words, lists.help);
  if (help) return { intent: 'help', formCode: null, matched: help, personalData: false };
  return { intent: 'other', formCode: code, matched: null, personalData: false };
}
