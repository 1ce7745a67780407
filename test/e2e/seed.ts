import type { Backend } from '../../electron/core/backend';
import { seed } from './fixtures';

const FIRST = ['Анна', 'Иван', 'Мария', 'Пётр', 'Ольга', 'John', 'Emma', 'Lukas'];
const LAST = ['Смирнова', 'Петров', 'Кузнецова', 'Соколов', 'Иванова', 'Smith', 'Müller', 'Brown'];

/** The phone of seeded customer `i` (0-based). */
export const phoneOf = (i: number): string => `+7912${String(1000000 + i)}`;
/** The name of seeded customer `i`. */
export const nameOf = (i: number): string => `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]} ${i}`;

/** A Russian shop with `contacts` customers (Cyrillic and Latin names), consent wording, staff and some history. */
export async function seedShop(backend: Backend, contacts = 300): Promise<void> {
  await seed(backend, 'settings.update', {
    businessName: 'Лавка у дома',
    senderName: 'LAVKA',
    shopPhone: '+7 912 000-00-00',
    businessAddress: 'Екатеринбург, ул. Ленина, 1',
    timezone: 'Asia/Yekaterinburg',
    defaultCountry: 'RU',
    policyPack: 'ru',
  });
  await seed(backend, 'staff.add', { name: 'Мария Кассир' });
  await seed(backend, 'forms.create', {
    title: 'Акции и скидки',
    language: 'ru',
    channels: ['sms', 'whatsapp'],
    purposes: ['marketing', 'personal_data'],
    body: 'Я согласен(на) получать рекламные сообщения магазина «Лавка у дома» по SMS и WhatsApp не чаще 4 раз в неделю. Отписаться: ответьте СТОП.',
  });
  for (let i = 0; i < contacts; i++) {
    await seed(backend, 'contacts.add', { phone: phoneOf(i), name: nameOf(i), tags: i % 5 === 0 ? ['vip'] : i % 7 === 0 ? ['опт'] : [] });
  }
  // Proven paper consents (granted), imports without evidence (unproven), double opt-in requests (pending).
  for (let i = 0; i < Math.min(contacts, 120); i += 2) {
    await seed(backend, 'consent.record', {
      phone: phoneOf(i),
      channel: 'sms',
      purpose: 'marketing',
      action: 'grant',
      method: 'paper_form',
      staff: 'Мария Кассир',
      evidence: { formVersionId: 1, sheetRef: `S-${100 + i}` },
      occurredAt: '2026-03-01T10:00:00+05:00',
    });
  }
  for (let i = 0; i < Math.min(contacts, 120); i += 4) {
    await seed(backend, 'consent.record', {
      phone: phoneOf(i),
      channel: 'sms',
      purpose: 'personal_data',
      action: 'grant',
      method: 'paper_form',
      evidence: { formVersionId: 1, sheetRef: `S-${100 + i}` },
      occurredAt: '2026-03-01T10:00:00+05:00',
    });
  }
  for (let i = 1; i < Math.min(contacts, 120); i += 3) {
    await seed(backend, 'consent.record', { phone: phoneOf(i), channel: 'whatsapp', purpose: 'marketing', action: 'grant', method: 'import' });
  }
  for (let i = 3; i < Math.min(contacts, 120); i += 10) {
    await seed(backend, 'consent.record', { phone: phoneOf(i), channel: 'whatsapp', purpose: 'marketing', action: 'request', method: 'qr_keyword' });
  }
  await seed(backend, 'consent.record', {
    phone: phoneOf(4),
    channel: 'sms',
    purpose: 'marketing',
    action: 'revoke',
    method: 'inbound_keyword',
    evidence: { inboundMessageId: 'SM123', note: 'СТОП' },
  });
}
