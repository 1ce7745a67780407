import type { Channel, Purpose } from '../../../shared/domain/consent/types';
import { PLACEHOLDER_OWNER } from '../../../shared/contract/settings';

/** Languages the printed sheets and posters come in (the form's own language). */
export type PrintLanguage = 'en' | 'ru';

/** A staff member's name as a printout shows it: the register's own placeholder owner in the printout's language. */
export function printedStaffName(name: string, language: PrintLanguage): string {
  return name === PLACEHOLDER_OWNER && language === 'ru' ? 'Владелец' : name;
}

/** The fixed words printed around the shop's own wording. */
export interface PrintLabels {
  columns: { number: string; name: string; phone: string; date: string; signature: string };
  channel: Record<Channel, string>;
  /** Short tick-box column headers, one per purpose. */
  purposeColumn: Record<Purpose, string>;
  /** What a tick next to the purpose means, naming the business. */
  purposeStatement: Record<Purpose, (business: string) => string>;
  sheet: string;
  form: string;
  page: string;
  printed: string;
  wordingFingerprint: string;
  tickChannels: string;
  /** Individual sheet: above the per-purpose tick boxes (several purposes, or just one). */
  tickEachPurpose: string;
  tickPurpose: string;
  /** Group sheet, one purpose: the signature alone covers it. */
  groupSignConfirms: string;
  /** Group sheet, several purposes: each has its own tick column. */
  groupTickEachPurpose: string;
  customerSignature: string;
  /** The separate personal-data document (152-FZ): its title, the line naming the document it goes with, and its intro on a group sheet. */
  personalData: { title: string; goesWith: (serial: string) => string; groupSign: string };
  /** The dashed line between two tear-off slips. */
  cutHere: string;
  staff: { filledInByStaff: string; enteredOn: string; by: string };
  poster: {
    scanToSubscribe: string;
    orSend: string;
    to: string;
    onChannel: Record<Channel, string>;
    howToStop: string;
  };
}

const EN: PrintLabels = {
  columns: { number: 'No.', name: 'Name', phone: 'Phone', date: 'Date', signature: 'Signature' },
  channel: { whatsapp: 'WhatsApp', sms: 'SMS' },
  purposeColumn: { marketing: 'Marketing', service: 'Service', personal_data: 'PD' },
  purposeStatement: {
    marketing: (business) => `I agree to receive advertising and offers from ${business}`,
    service: (business) => `I agree to receive service messages about my orders from ${business}`,
    personal_data: () => 'I agree to the processing of my personal data as described above',
  },
  sheet: 'Sheet',
  form: 'Form',
  page: 'Page',
  printed: 'Printed',
  wordingFingerprint: 'Wording fingerprint (SHA-256)',
  tickChannels: 'Tick the channels you agree to',
  tickEachPurpose: 'Tick each item you agree to — each is a separate consent',
  tickPurpose: 'Tick the box to give your consent',
  groupSignConfirms: 'Tick the channels you agree to. By signing, I confirm:',
  groupTickEachPurpose: 'Tick the channels and each item you agree to (each is a separate consent), then sign:',
  customerSignature: "Customer's signature",
  personalData: {
    title: 'Consent to the processing of personal data — a separate document',
    goesWith: (serial) => `Given together with consent sheet ${serial}, as a separate document`,
    groupSign: 'Tick the box and sign on your own line. By signing, I confirm:',
  },
  cutHere: 'cut here — each part is a separate document',
  staff: { filledInByStaff: 'Filled in by staff:', enteredOn: 'entered on', by: 'by' },
  poster: {
    scanToSubscribe: 'Scan to subscribe',
    orSend: 'or send',
    to: 'to',
    onChannel: { whatsapp: 'on WhatsApp', sms: 'by text message' },
    howToStop: 'How to unsubscribe',
  },
};

/** A name inside Russian text goes in «» so it need not be declined («от «Лавка у дома»»), unless it has its own quotes. */
export function quotedRu(name: string): string {
  return /[«"“„]/.test(name) ? name : `«${name}»`;
}

const RU: PrintLabels = {
  columns: { number: '№', name: 'Имя', phone: 'Телефон', date: 'Дата', signature: 'Подпись' },
  channel: { whatsapp: 'WhatsApp', sms: 'SMS' },
  purposeColumn: { marketing: 'Реклама', service: 'Заказы', personal_data: 'ПД' },
  purposeStatement: {
    marketing: (business) => `Согласен(на) получать рекламу и предложения от продавца — ${quotedRu(business)}`,
    service: (business) => `Согласен(на) получать служебные сообщения о моих заказах от продавца — ${quotedRu(business)}`,
    personal_data: () => 'Согласен(на) на обработку моих персональных данных на условиях, изложенных выше',
  },
  sheet: 'Лист',
  form: 'Форма',
  page: 'Страница',
  printed: 'Напечатано',
  wordingFingerprint: 'Отпечаток текста согласия (SHA-256)',
  tickChannels: 'Отметьте, по каким каналам вы согласны получать сообщения',
  tickEachPurpose: 'Отметьте каждый пункт, с которым вы согласны, — это отдельные согласия',
  tickPurpose: 'Поставьте отметку, чтобы дать согласие',
  groupSignConfirms: 'Отметьте каналы, по которым согласны получать сообщения. Своей подписью я подтверждаю:',
  groupTickEachPurpose: 'Отметьте каналы и каждый пункт, с которым вы согласны (это отдельные согласия), и распишитесь:',
  customerSignature: 'Подпись клиента',
  personalData: {
    title: 'Согласие на обработку персональных данных — отдельный документ',
    goesWith: (serial) => `Дано вместе с листом согласия ${serial}, отдельным документом`,
    groupSign: 'Поставьте отметку и распишитесь в своей строке. Своей подписью я подтверждаю:',
  },
  cutHere: 'линия отреза — каждая часть является отдельным документом',
  staff: { filledInByStaff: 'Заполняет сотрудник:', enteredOn: 'внесено в базу', by: 'кем' },
  poster: {
    scanToSubscribe: 'Наведите камеру, чтобы подписаться',
    orSend: 'или отправьте',
    to: 'на номер',
    onChannel: { whatsapp: 'в WhatsApp', sms: 'по SMS' },
    howToStop: 'Как отписаться',
  },
};

/** The printed words for a sheet or poster in `language`. */
export function printLabels(language: PrintLanguage): PrintLabels {
  return language === 'ru' ? RU : EN;
}
