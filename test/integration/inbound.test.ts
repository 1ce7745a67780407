import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../electron/core/db/open';
import { migrations } from '../../electron/core/db/migrations';
import { scopedBackend } from '../support/backend';

const setup = scopedBackend;

const cell = (r: { consents: { channel: string; purpose: string; status: string }[] }, channel: string, purpose: string) =>
  r.consents.find((c) => c.channel === channel && c.purpose === purpose)?.status;

describe('inbound replies', () => {
  it('STOP from an unknown number creates the contact and revokes all marketing at once', async () => {
    const t = setup();
    const r = await t.call('inbound.receive', { from: '+7 912 555-00-11', text: 'Стоп пожалуйста', channel: 'sms' });
    expect(r).toMatchObject({ classified: 'opt_out', duplicate: false });
    expect(r.events.map((e) => `${e.channel}/${e.action}/${e.method}`).sort()).toEqual([
      'sms/revoke/inbound_keyword',
      'whatsapp/revoke/inbound_keyword',
    ]);
    expect(r.events[0]?.evidence).toMatchObject({ inboundMessageId: String(r.messageId), note: 'Стоп пожалуйста' });
    const s = await t.call('consent.status', { phone: '+79125550011' });
    expect(cell(s, 'sms', 'marketing')).toBe('revoked');
  });

  it('a withdrawal of the personal-data consent revokes it and marketing on every channel, under any pack', async () => {
    const t = setup();
    await t.call('settings.update', { policyPack: 'uk', defaultCountry: 'GB' });
    for (const channel of ['sms', 'whatsapp'] as const)
      await t.call('consent.record', { phone: '+447911124001', channel, purpose: 'marketing', action: 'grant', method: 'verbal_in_store' });
    t.clock.advance(60_000);
    const r = await t.call('inbound.receive', { from: '+447911124001', text: 'Please delete my data', channel: 'sms' });
    expect(r.classified).toBe('opt_out');
    expect(r.events.map((e) => `${e.channel}/${e.purpose}/${e.action}`).sort()).toEqual([
      'sms/marketing/revoke',
      'sms/personal_data/revoke',
      'whatsapp/marketing/revoke',
      'whatsapp/personal_data/revoke',
    ]);
    const s = await t.call('consent.status', { phone: '+447911124001' });
    expect([cell(s, 'sms', 'marketing'), cell(s, 'whatsapp', 'marketing')]).toEqual(['revoked', 'revoked']);
  });

  it('an opt-in with a form code grants on the channel it came from, with the message as evidence', async () => {
    const t = setup();
    await t.call('forms.create', {
      title: 'Акции',
      language: 'ru',
      channels: ['whatsapp'],
      purposes: ['marketing', 'personal_data'],
      body: 'Согласен получать акции магазина в WhatsApp. Отписка: СТОП.',
    });
    const r = await t.call('inbound.receive', { from: '+79125550012', text: 'ПОДПИСАТЬСЯ F1-1', channel: 'whatsapp', providerId: 'wamid.A' });
    expect(r.classified).toBe('opt_in');
    expect(r.events.map((e) => `${e.purpose}/${e.action}/${e.formCode}`).sort()).toEqual(['marketing/grant/F1-1', 'personal_data/grant/F1-1']);
    const s = await t.call('consent.status', { phone: '+79125550012' });
    expect(s.consents.find((c) => c.channel === 'whatsapp' && c.purpose === 'marketing')).toMatchObject({ status: 'granted', sendable: true });
    // The same provider message delivered twice changes nothing.
    const again = await t.call('inbound.receive', { from: '+79125550012', text: 'ПОДПИСАТЬСЯ F1-1', channel: 'whatsapp', providerId: 'wamid.A' });
    expect(again).toMatchObject({ duplicate: true, events: [] });
    expect(t.backend.ctx.consent.countEvents()).toBe(2);
  });

  it('under double opt-in the opt-in is pending until YES from the same number confirms it', async () => {
    const t = setup();
    await t.call('settings.update', { policyPack: 'de', defaultCountry: 'DE' });
    await t.call('forms.create', {
      title: 'Angebote',
      language: 'en',
      channels: ['sms'],
      purposes: ['marketing'],
      body: 'I agree to receive offers from the shop by SMS. Reply STOP to stop.',
    });
    const optIn = await t.call('inbound.receive', { from: '+4915123456789', text: 'START F1-1', channel: 'sms' });
    expect(optIn.events[0]?.action).toBe('request');
    expect(cell(await t.call('consent.status', { phone: '+4915123456789' }), 'sms', 'marketing')).toBe('pending');
    t.clock.advance(60_000);
    const yes = await t.call('inbound.receive', { from: '+4915123456789', text: 'Yes!', channel: 'sms' });
    expect(yes).toMatchObject({ classified: 'confirm', events: [{ action: 'confirm' }] });
    expect(cell(await t.call('consent.status', { phone: '+4915123456789' }), 'sms', 'marketing')).toBe('granted');
    const stray = await t.call('inbound.receive', { from: '+4915123456789', text: 'JA', channel: 'sms' });
    expect(stray).toMatchObject({ classified: 'confirm', events: [], note: 'nothing pending to confirm on this channel' });
  });

  it('an unknown form code is kept as a message but records nothing', async () => {
    const t = setup();
    const r = await t.call('inbound.receive', { from: '+79125550013', text: 'START F9-9', channel: 'sms' });
    expect(r).toMatchObject({ classified: 'opt_in', formCode: 'F9-9', events: [], note: 'no consent wording with code F9-9; nothing recorded' });
  });

  it('complaints are recorded against the contact and listed', async () => {
    const t = setup();
    await t.call('inbound.receive', { from: '+79125550014', text: 'Это спам, откуда у вас мой номер?', channel: 'sms' });
    await t.call('complaints.record', { phone: '+79125550014', note: 'Called the shop, angry about the SMS' });
    const list = await t.call('complaints.list', {});
    expect(list.complaints.map((c) => c.note)).toEqual(['Called the shop, angry about the SMS', 'Это спам, откуда у вас мой номер?']);
    const v = await t.call('audit.verify', {});
    expect(v.ok).toBe(true);
  });

  it('stored messages are evidence: UPDATE and DELETE are refused', async () => {
    const t = setup();
    await t.call('inbound.receive', { from: '+79125550015', text: 'STOP', channel: 'sms' });
    expect(() => t.backend.db.prepare("UPDATE inbound_messages SET text = 'START'").run()).toThrow(/kept as received/);
    expect(() => t.backend.db.prepare('DELETE FROM inbound_messages').run()).toThrow(/kept as received/);
  });
});

describe('migration 1 → 2', () => {
  it('keeps every contact and event of a version-1 register', () => {
    const db = new Database(':memory:');
    migrate(db, 1);
    db.prepare(
      "INSERT INTO contacts (phone, national_number, reach, created_at, updated_at) VALUES ('+79120000001', '9120000001', 'mobile', 1, 1)",
    ).run();
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    migrate(db);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.prepare('SELECT phone FROM contacts').all()).toEqual([{ phone: '+79120000001' }]);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'inbound_messages'").get()).toEqual({ n: 1 });
    db.close();
  });
});
