import type { Channel, Purpose } from '../consent/types';
import type { PolicyPack } from '../policy/policy';
import { formatPhoneForPeople } from '../phone/normalize';

/** Who the wording names as the business (the shop's settings). */
export interface BusinessIdentity {
  businessName: string;
  businessAddress: string;
  shopPhone: string | null;
}

/** Starting wording for a new form: the owner edits it before saving a version. */
export interface FormTemplate {
  title: string;
  language: 'en' | 'ru';
  channels: Channel[];
  purposes: Purpose[];
  body: string;
}

const CHANNEL_WORDS = {
  en: { sms: 'text message (SMS)', whatsapp: 'WhatsApp' },
  ru: { sms: 'SMS', whatsapp: 'WhatsApp' },
} as const;

function channelPhrase(channels: readonly Channel[], language: 'en' | 'ru'): string {
  const words = channels.map((c) => CHANNEL_WORDS[language][c]);
  const and = language === 'ru' ? ' и ' : ' and ';
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')}${and}${words[words.length - 1]}`;
}

/** "no more than 4 messages a week" from the pack's frequency cap, or a plain promise of restraint. */
function frequencyPhrase(pack: PolicyPack, language: 'en' | 'ru'): string {
  const cap = pack.frequencyCap;
  if (language === 'ru') {
    if (!cap) return 'Сообщения приходят только когда у магазина есть акции или новости.';
    const period = cap.days === 7 ? 'в неделю' : cap.days === 30 ? 'в месяц' : `за ${cap.days} дн.`;
    return `Сообщений — не больше ${cap.messages} ${period}.`;
  }
  if (!cap) return 'Messages come only when the shop has offers or news.';
  const period = cap.days === 7 ? 'a week' : cap.days === 30 ? 'a month' : `every ${cap.days} days`;
  return `No more than ${cap.messages} messages ${period}.`;
}

/** How long the consent lasts, from the pack's maximum consent age. */
function validityPhrase(pack: PolicyPack, language: 'en' | 'ru'): string {
  const days = pack.maxConsentAgeDays;
  if (days === null) return language === 'ru' ? 'до его отзыва' : 'until I withdraw it';
  const years = days % 365 === 0 ? days / 365 : null;
  if (language === 'ru') {
    const span = years === null ? `${days} дн.` : years === 1 ? '1 год' : years < 5 ? `${years} года` : `${years} лет`;
    return `${span} с даты подписания или до его отзыва`;
  }
  const span = years === null ? `${days} days` : years === 1 ? 'one year' : `${years} years`;
  return `for ${span} from the date I sign or until I withdraw it`;
}

/** A name in Russian text: in «» (so it need not be declined) unless it carries its own quotes. */
function quotedName(name: string, language: 'en' | 'ru'): string {
  const n = name.trim();
  return language === 'ru' && !/[«"“„]/.test(n) ? `«${n}»` : n;
}

/**
 * The business as the wording names it: name, address, phone — whatever the settings hold. Russian wording puts it in
 * apposition after a noun ("продавцу — Цветочная лавка «Флора» —"): a shop's name is not declined.
 */
function identityPhrase(id: BusinessIdentity, language: 'en' | 'ru'): string {
  const extra = [id.businessAddress.trim(), id.shopPhone ? formatPhoneForPeople(id.shopPhone) : ''].filter(Boolean).join(', ');
  const name = quotedName(id.businessName, language);
  return extra ? `${name} (${extra})` : name;
}

/** Ways to stop, in the customer's words: the pack's keyword first. */
function stopPhrase(pack: PolicyPack, id: BusinessIdentity, language: 'en' | 'ru'): string {
  const keyword = language === 'ru' ? (pack.id === 'us' ? 'STOP' : 'СТОП') : 'STOP';
  const phone = id.shopPhone ? formatPhoneForPeople(id.shopPhone) : '';
  const call = phone ? (language === 'ru' ? `, позвонить по телефону ${phone}` : `, calling ${phone}`) : '';
  return language === 'ru'
    ? `Отказаться можно в любой момент и бесплатно: ответить ${keyword} на любое сообщение, сказать продавцу в магазине${call}.`
    : `I can withdraw at any time, free of charge, by replying ${keyword} to any message, telling staff in the shop${call}.`;
}

function doubleOptInPhrase(language: 'en' | 'ru'): string {
  return language === 'ru'
    ? 'После подписания мне придёт сообщение с просьбой подтвердить подписку ответом ДА; пока я не подтвержу, рекламу мне не присылают.'
    : 'After I sign, I will receive one message asking me to confirm by replying YES; nothing else is sent until I confirm.';
}

/** Russia: the 38-FZ advertising consent and, separately, the 152-FZ personal-data consent (RU-PD-SEPARATE). */
function russianTemplate(pack: PolicyPack, id: BusinessIdentity, language: 'en' | 'ru', channels: Channel[]): string {
  const who = identityPhrase(id, language);
  const via = channelPhrase(channels, language);
  const address = id.businessAddress.trim() || (language === 'ru' ? 'адресу магазина' : "the shop's address");
  if (language === 'ru') {
    return [
      '1. Согласие на получение рекламы',
      `Я даю продавцу — ${who} — согласие на получение рекламных и информационных сообщений об акциях, скидках и новинках по ${via} на номер мобильного телефона, который я указал(а) в этом листе. ${frequencyPhrase(pack, language)} Согласие действует до его отзыва. ${stopPhrase(pack, id, language)} (ч. 1 ст. 18 Федерального закона от 13.03.2006 № 38-ФЗ «О рекламе»)`,
      '2. Согласие на обработку персональных данных',
      `Отдельно от согласия на рекламу я даю оператору — ${who} — согласие на обработку моих персональных данных: фамилии, имени и номера мобильного телефона — с целью направления мне рекламных и информационных сообщений. Действия с данными: сбор, запись, систематизация, хранение, уточнение, использование, передача оператору связи и сервису рассылок только для доставки сообщений, блокирование, удаление, уничтожение; с использованием средств автоматизации и без них. Согласие действует ${validityPhrase(pack, language)}. Отозвать согласие можно письменным заявлением по адресу: ${address}, или сообщением СТОП; после отзыва данные уничтожаются в течение 30 дней, если закон не обязывает хранить их дольше. (ст. 9 Федерального закона от 27.07.2006 № 152-ФЗ «О персональных данных»)`,
    ].join('\n\n');
  }
  return [
    '1. Consent to receive advertising',
    `I agree to receive advertising and information messages about offers, discounts and new products from ${who} by ${via} at the mobile number I give on this sheet. ${frequencyPhrase(pack, language)} This consent lasts until I withdraw it. ${stopPhrase(pack, id, language)} (Federal Law No. 38-FZ "On Advertising", art. 18 part 1)`,
    '2. Consent to the processing of personal data',
    `Separately from the consent to advertising, I allow the operator ${who} to process my personal data — surname, first name and mobile number — in order to send me advertising and information messages. Actions: collection, recording, organisation, storage, correction, use, transfer to the telecom operator and the messaging service only to deliver the messages, blocking, erasure and destruction; with and without automated means. This consent lasts ${validityPhrase(pack, language)}. I can withdraw it by a written request to ${address} or by the message STOP; my data are then destroyed within 30 days unless the law requires keeping them longer. (Federal Law No. 152-FZ "On Personal Data", art. 9)`,
  ].join('\n\n');
}

/** United States: prior express written consent (47 CFR 64.1200(f)(9)) with the CTIA disclosures. */
function usTemplate(pack: PolicyPack, id: BusinessIdentity, language: 'en' | 'ru', channels: Channel[]): string {
  const cap = pack.frequencyCap;
  const via = channelPhrase(channels, language);
  const contact = [id.shopPhone ? formatPhoneForPeople(id.shopPhone) : '', id.businessAddress.trim()].filter(Boolean).join(', ');
  if (language === 'ru') {
    return [
      `Подписывая этот лист, я соглашаюсь получать от продавца — ${quotedName(id.businessName, language)} — повторяющиеся автоматические рекламные сообщения по ${via} на номер мобильного телефона, который я указал(а). Согласие не является условием покупки.`,
      `Частота сообщений может меняться${cap ? `, не больше ${cap.messages} в неделю` : ''}. Оператор может взимать плату за сообщения и передачу данных. Ответьте HELP, чтобы получить помощь, и STOP, чтобы отписаться в любой момент.${contact ? ` Связаться с нами: ${contact}.` : ''}`,
    ].join('\n\n');
  }
  return [
    `By signing, I agree to receive recurring automated marketing messages by ${via} from ${id.businessName} at the mobile number I provide. Consent is not a condition of any purchase.`,
    `Msg frequency varies${cap ? `, up to ${cap.messages} msgs per week` : ''}. Msg & data rates may apply. Reply HELP for help and STOP to cancel at any time.${contact ? ` Contact us: ${contact}.` : ''}`,
  ].join('\n\n');
}

/** EU, Germany, UK, Canada: express consent naming the business, what, how often, how to stop, what data. */
function consentTemplate(pack: PolicyPack, id: BusinessIdentity, language: 'en' | 'ru', channels: Channel[]): string {
  const who = identityPhrase(id, language);
  const via = channelPhrase(channels, language);
  const paragraphs =
    language === 'ru'
      ? [
          `Я согласен(на) получать от продавца — ${who} — новости, акции и специальные предложения по ${via} на номер мобильного телефона, который я указал(а) в этом листе. ${frequencyPhrase(pack, language)}`,
          `Согласие действует ${validityPhrase(pack, language)}. ${stopPhrase(pack, id, language)} Отзыв не влияет на сообщения, отправленные до него.`,
          `${quotedName(id.businessName, language)} использует моё имя и номер только для этих сообщений, передаёт их только сервису рассылок для доставки и хранит, пока действует согласие и сколько требует закон после его окончания.`,
        ]
      : [
          `I agree that ${who} may send me news, offers and promotions by ${via} to the mobile number I give on this sheet. ${frequencyPhrase(pack, language)}`,
          `My consent lasts ${validityPhrase(pack, language)}. ${stopPhrase(pack, id, language)} Withdrawing does not affect messages sent before.`,
          `${id.businessName} uses my name and number only for these messages, shares them only with its messaging provider to deliver them, and keeps them while my consent lasts and afterwards only as long as the law requires.`,
        ];
  if (pack.doubleOptIn) paragraphs.push(doubleOptInPhrase(language));
  return paragraphs.join('\n\n');
}

/** The pack's starting wording in one language, filled from the shop's identity. */
export function formTemplate(
  pack: PolicyPack,
  language: 'en' | 'ru',
  identity: BusinessIdentity,
  channels: readonly Channel[] = ['sms', 'whatsapp'],
): FormTemplate {
  const chosen = [...new Set(channels)].sort();
  const purposes: Purpose[] = pack.requiresPersonalDataConsent ? ['marketing', 'personal_data'] : ['marketing'];
  const body =
    pack.id === 'ru'
      ? russianTemplate(pack, identity, language, chosen)
      : pack.id === 'us'
        ? usTemplate(pack, identity, language, chosen)
        : consentTemplate(pack, identity, language, chosen);
  const title = language === 'ru' ? 'Согласие на получение акций и новостей' : 'Consent to receive offers and news';
  return { title, language, channels: chosen, purposes, body };
}
