import { describe, expect, it } from 'vitest';
import type { Caller } from '../support/backend';
import type { ScriptedProvider } from '../support/scripted-provider';
import { importFile, writeFile } from '../support/imports';
import { grantPaper, scriptedShop } from '../support/shop';

const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';
const TEXT_EN = 'Corner Shop: 10% off bakery this week. Reply STOP to opt out';
const A = '+79120000001';
const B = '+79120000002';
const smsMarketing = async (call: Caller, phone: string) =>
  (await call('contacts.get', { phone })).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;
async function sendAll(t: { call: Caller; provider: ScriptedProvider }, text = TEXT): Promise<string[]> {
  const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text });
  await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
  return t.provider.recipients();
}

// An opt-out reaches every number of the person, whenever the numbers were linked: a STOP from a number given before it
// was merged into a contact, or before a file listed it among the contact's other numbers, stops the person (dated when
// it was given); and an opt-out from a contact reaches the numbers it keeps among its own.

describe('opt-outs and a person’s linked numbers', () => {
  it('merge: B wrote STOP after A consented, then B is merged into A: nothing goes to A; a consent A gives afterwards stands', async () => {
    const t = await scriptedShop();
    await grantPaper(t.call, A, 'sms', t.form.id);
    await grantPaper(t.call, B, 'sms', t.form.id);
    t.clock.advance(60_000);
    await t.call('inbound.receive', { from: B, text: 'СТОП' });
    t.clock.advance(60_000);
    await t.call('contacts.merge', { phone: B, intoPhone: A });
    expect(await sendAll(t)).toEqual([]);
    const carried = (await t.call('contacts.get', { phone: A })).timeline.find((e) => e.action === 'revoke' && e.channel === 'sms')!;
    expect(carried.occurredAt).toBe((await t.call('contacts.get', { phone: B })).timeline.find((e) => e.action === 'revoke')!.occurredAt);
    expect((await t.call('audit.verify', {})).ok).toBe(true);
    // The person consents again on A, after the STOP: that consent stands.
    t.clock.advance(60_000);
    await grantPaper(t.call, A, 'sms', t.form.id, { sheetRef: 'S-000009' });
    expect(await sendAll(t)).toEqual([A]);
  });

  const GB = { businessName: 'Corner Shop', senderName: 'CORNER', defaultCountry: 'GB', timezone: 'Europe/London', policyPack: 'uk' as const };
  const FORM = {
    language: 'en' as const,
    purposes: ['marketing' as const],
    body: 'I agree to receive offers from Corner Shop by SMS. Reply STOP to opt out.',
  };
  const P = '+447911123456';
  const P2 = '+447911123457';

  it('import, same file: a row keeps P2 among P’s numbers, a later row unsubscribes P2 (dated later): P is revoked', async () => {
    const t = await scriptedShop({ settings: GB, form: FORM }, '2026-03-02T12:00:00Z');
    const FILE = [
      'Name,Phone,SMS consent,Consent date,Consent source',
      `Ann,"${P}, ${P2}",yes,2025-06-01,web shop`,
      `Ann,${P2},unsubscribed,2026-03-01,web shop`,
    ].join('\n');
    await importFile(t, writeFile(t, 'a.csv', FILE), { dryRun: false });
    expect((await t.call('contacts.get', { phone: P })).contact.otherPhones).toEqual([P2]);
    // The same two rows in two files revoke P (person-optout.test.ts 'a later import’s unsubscribed row…').
    expect(await smsMarketing(t.call, P)).toMatchObject({ status: 'revoked', sendable: false });
    expect(await sendAll(t, TEXT_EN)).toEqual([]);
  });

  it('import: P2 wrote STOP as a contact of its own, then a file links P2 to P: nothing goes to P', async () => {
    const t = await scriptedShop({ settings: GB, form: FORM }, '2026-03-02T12:00:00Z');
    const first = ['Name,Phone,SMS consent,Consent date,Consent source', `Ann,${P},yes,2025-06-01,web shop`].join('\n');
    await importFile(t, writeFile(t, 'a.csv', first), { dryRun: false });
    await t.call('inbound.receive', { from: P2, text: 'STOP' });
    const second = ['Name,Phone', `Ann,"${P}, ${P2}"`].join('\n');
    await importFile(t, writeFile(t, 'b.csv', second), { dryRun: false });
    expect((await t.call('contacts.get', { phone: P })).contact.otherPhones).toEqual([P2]);
    expect(await sendAll(t, TEXT_EN)).toEqual([]);
  });

  it('a contact keeping another number among its own: an opt-out from the contact reaches that number’s own contact', async () => {
    const t = await scriptedShop({ settings: GB, form: FORM }, '2026-03-02T12:00:00Z');
    await grantPaper(t.call, P2, 'sms', t.form.id, { purposes: ['marketing'] });
    const f = ['Name,Phone,SMS consent,Consent date,Consent source', `Ann,"${P}, ${P2}",yes,2025-06-01,web shop`].join('\n');
    await importFile(t, writeFile(t, 'a.csv', f), { dryRun: false });
    expect((await t.call('contacts.get', { phone: P })).contact.otherPhones).toEqual([P2]);
    await t.call('inbound.receive', { from: P, text: 'STOP' });
    expect(await sendAll(t, TEXT_EN)).toEqual([]);
  });
});
