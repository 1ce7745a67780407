import type { Channel } from '../consent/types';

/**
 * The double opt-in request: only the request to confirm, the shop's name and how to decline — no offer of any
 * kind (DE-DOI-CONFIRM-NEUTRAL, OLG München 29 U 1682/12), and the confirm word the classifier reads (YES / ДА).
 */
export function confirmationText(language: 'en' | 'ru', businessName: string, channel: Channel): string {
  const via = channel === 'whatsapp' ? 'WhatsApp' : 'SMS';
  return language === 'ru'
    ? `${businessName}: вы просили присылать вам сообщения магазина в ${via}. Чтобы подтвердить, ответьте ДА. Если это были не вы, ничего не делайте — писать не будем.`
    : `${businessName}: you asked to get messages from the shop on ${via}. To confirm, reply YES. If this was not you, do nothing and we will not message you.`;
}

/**
 * The win-back request: the shop holds a claim it cannot prove (or a consent that lapsed) and asks, neutrally, whether
 * the person wants its messages — no offer of any kind, the confirm word the classifier reads, and that silence means no.
 */
export function winbackText(language: 'en' | 'ru', businessName: string, channel: Channel): string {
  const via = channel === 'whatsapp' ? 'WhatsApp' : 'SMS';
  return language === 'ru'
    ? `${businessName}: хотите получать сообщения магазина в ${via}? Чтобы подтвердить, ответьте ДА. Если нет, ничего не делайте — писать не будем.`
    : `${businessName}: would you like to get messages from the shop on ${via}? To confirm, reply YES. If not, do nothing and we will not message you.`;
}
