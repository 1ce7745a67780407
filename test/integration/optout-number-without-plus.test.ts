// Found by a black-box round (both failed before the fix): a STOP entered by hand (Replies screen, `optin inbound`, consent.record revoke) with the customer's
// number as provider dashboards and WhatsApp show it — country code, no "+" — is filed under a different, new contact
// in a German shop ("4915112345001" read as a national number, +494915112345001), answered as a recorded opt-out, and
// the real customer stays sendable. In a Russian shop a foreign customer's number written that way is refused outright.
import { expect, it } from 'vitest';
import { testBackend, TestClock } from '../support/backend';

it('de: STOP from "4915112345001" reaches +4915112345001', async () => {
  const clock = new TestClock(Date.parse('2026-03-02T10:00:00Z'));
  const t = testBackend(clock);
  try {
    await t.call('settings.update', {
      businessName: 'Eckladen',
      senderName: 'ECKLADEN',
      defaultCountry: 'DE',
      timezone: 'Europe/Berlin',
      policyPack: 'eu',
    });
    const A = '+4915112345001';
    await t.call('consent.record', {
      phone: A,
      channel: 'sms',
      purpose: 'marketing',
      action: 'grant',
      method: 'inbound_keyword',
      evidence: { inboundMessageId: 'wamid.1' },
    });
    clock.advance(1000);
    const r = await t.call('inbound.receive', { from: '4915112345001', text: 'STOP', providerId: 'p1' });
    const cell = (await t.call('consent.status', { phone: A })).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;
    expect({ filedUnder: [...new Set(r.events.map((e) => e.phone))], customer: cell.status }).toEqual({ filedUnder: [A], customer: 'revoked' });
  } finally {
    t.cleanup();
  }
});

it('ru: STOP from a foreign customer\'s "447911123001" is recorded, not refused', async () => {
  const clock = new TestClock(Date.parse('2026-03-02T10:00:00Z'));
  const t = testBackend(clock);
  try {
    await t.call('settings.update', {
      businessName: 'Лавка у дома',
      senderName: 'LAVKA',
      defaultCountry: 'RU',
      timezone: 'Europe/Moscow',
      policyPack: 'ru',
    });
    const A = '+447911123001';
    await t.call('consent.record', {
      phone: A,
      channel: 'sms',
      purpose: 'marketing',
      action: 'grant',
      method: 'inbound_keyword',
      evidence: { inboundMessageId: 'x' },
    });
    clock.advance(1000);
    const r = await t.backend.dispatch('inbound.receive', { from: '447911123001', text: 'STOP', providerId: 'p1' });
    const cell = (await t.call('consent.status', { phone: A })).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;
    expect({ ok: r.ok, customer: cell.status }).toEqual({ ok: true, customer: 'revoked' });
  } finally {
    t.cleanup();
  }
});
