import type { Channel } from '../consent/types';
import { classifyInbound, DEFAULT_KEYWORDS } from '../keywords/classify';
import { fromRussianLayout } from './keyboard-layout';

/** The word that starts a subscription by message, per language; both are in the inbound classifier's list. */
export const OPT_IN_KEYWORD = { en: 'START', ru: 'ПОДПИСАТЬСЯ' } as const;

/** The short text a customer sends by hand from a poster: keyword and form code, nothing to mistype. */
export function optInKeywordText(formCode: string, language: 'en' | 'ru'): string {
  return `${OPT_IN_KEYWORD[language]} ${formCode}`;
}

/**
 * The message a WhatsApp QR pre-fills: the keyword and form code first (what the classifier reads), then the
 * shop's name, so the inbound message itself shows whom the person asked. Kept short: Cyrillic is
 * percent-encoded three times over in the link, and a denser QR code scans worse from across a counter.
 */
export function whatsappPrefill(formCode: string, language: 'en' | 'ru', businessName: string): string {
  const bare = optInKeywordText(formCode, language);
  const shop = businessName.trim();
  if (!shop) return bare;
  const named = `${bare} ${language === 'ru' && !/[«"“„]/.test(shop) ? `«${shop}»` : shop}`;
  // A shop called "Stop & Shop" must not turn the customer's opt-in into an opt-out: keep the name only
  // when the message still reads as this opt-in.
  const read = classifyInbound(named, DEFAULT_KEYWORDS, []);
  return read.intent === 'opt_in' && read.formCode?.toUpperCase() === formCode.toUpperCase() ? named : bare;
}

/** WhatsApp click-to-chat: https://wa.me/<digits>?text=<prefill> (digits only, no plus or zeros). */
export function whatsappLink(shopE164: string, text: string): string {
  return `https://wa.me/${shopE164.replace(/\D/g, '')}?text=${encodeURIComponent(text)}`;
}

/** The SMS QR payload phones' cameras understand: SMSTO:<number>:<text>. */
export function smsQrPayload(shopE164: string, text: string): string {
  return `SMSTO:${shopE164}:${text}`;
}

/** The opt-in QR for a channel: what the code encodes and the text the customer ends up sending. */
export function optInQr(
  channel: Channel,
  shopE164: string,
  formCode: string,
  language: 'en' | 'ru',
  businessName: string,
): { payload: string; text: string } {
  if (channel === 'whatsapp') {
    const text = whatsappPrefill(formCode, language, businessName);
    return { payload: whatsappLink(shopE164, text), text };
  }
  // SMS is paid per part: the bare keyword and code keep it to one.
  const text = optInKeywordText(formCode, language);
  return { payload: smsQrPayload(shopE164, text), text };
}

/** Sheet serials: S-000042 (global, so a missing sheet shows as a gap). */
export function formatSerial(n: number): string {
  return `S-${String(n).padStart(6, '0')}`;
}

/** What a printed sheet's QR encodes: its form code and serial. */
export function sheetQrText(formCode: string, serial: string): string {
  return `${formCode} ${serial}`;
}

/**
 * A serial as staff type it or a hand scanner types the sheet's QR: "S-000042", "s42", "42", "F7-3 S-000042" —
 * also on the Russian keyboard layout («Ы-000042», «А7-3 Ы-000042»). Null when nothing in it reads as a serial.
 */
export function parseSerial(typed: string): string | null {
  const t = fromRussianLayout(typed.trim());
  const m = /(?:^|\s)S-?0*(\d{1,9})\s*$/i.exec(t) ?? /^0*(\d{1,9})$/.exec(t);
  return m ? formatSerial(Number(m[1])) : null;
}

/** What a hand scanner types from a sheet's QR code: "F7-3 S-000042" (or «А7-3 Ы-000042» on the Russian layout). */
export function isSheetQrText(typed: string): boolean {
  return /^F\d{1,4}-\d{1,4}\s+S-?\d{1,9}$/i.test(fromRussianLayout(typed.trim()));
}
