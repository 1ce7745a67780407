import { afterEach, describe, expect, it } from 'vitest';
import { scopedBackend, TestClock, type Caller } from '../support/backend';
import { ScriptedProvider } from '../support/scripted-provider';
import { holdWriteLock } from '../support/write-lock';
import { importFile, writeFile } from '../support/imports';
import { grantPaper, russianShop, scriptedShop } from '../support/shop';
import { gateContact, gateRules } from '../../electron/core/campaigns/audience';

/**
 * "An opt-out from any of the numbers reaches all of them" (register/person.ts): whatever door an opt-out comes through —
 * staff recording a withdrawal (marketing or the personal-data consent), an import's unsubscribed or "do not contact"
 * row, an opt-out kept in the journal while the register was busy and entered later, a STOP from a number a contact
 * keeps among its other numbers — it is written through the one append for every number of the person, in the same
 * transaction, so the number campaigns reach (the primary) is not sent marketing. A complaint from any number of the
 * person keeps marketing away from the person (the gate reads complaints by person). Found by an adversarial review:
 * only an inbound STOP reached the person before.
 */
const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';
const TEXT_EN = 'Corner Shop: 10% off bakery this week. Reply STOP to opt out';
const A = '+79120000001';
const B = '+79120000002';
const C = '+79120000003';

const shop = scriptedShop;

const smsMarketing = async (call: Caller, phone: string) =>
  (await call('contacts.get', { phone })).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;

async function sendAll(t: { call: Caller; provider: ScriptedProvider }, text = TEXT): Promise<string[]> {
  const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text });
  await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
  return t.provider.recipients();
}

/** A, B and C consented; B is merged into A (one person: A is the number campaigns reach). */
async function mergedPerson() {
  const t = await shop();
  await grantPaper(t.call, A, 'sms', t.form.id);
  await grantPaper(t.call, B, 'sms', t.form.id);
  await grantPaper(t.call, C, 'sms', t.form.id);
  await t.call('contacts.merge', { phone: B, intoPhone: A });
  return t;
}

describe('an opt-out recorded for a merged number reaches the person', () => {
  it('a staff marketing withdrawal for the merged number revokes the primary too, through the one append', async () => {
    const t = await mergedPerson();
    const r = await t.call('consent.record', { phone: B, channel: 'sms', purpose: 'marketing', action: 'revoke', method: 'paper_form' });
    expect(new Set(r.events.map((e) => e.phone))).toEqual(new Set([A, B]));
    expect(r.events.every((e) => e.action === 'revoke' && e.method === 'paper_form')).toBe(true);
    expect(await smsMarketing(t.call, A)).toMatchObject({ status: 'revoked', sendable: false, blockedBy: 'revoked' });
    expect(await sendAll(t)).toEqual([C]);
    // Each contact's audit row names its own events; the chain and the projection check out.
    const rows = t.backend.db.prepare("SELECT entity, details FROM audit_log WHERE action = 'consent.recorded' ORDER BY id DESC LIMIT 2").all() as {
      entity: string;
      details: string;
    }[];
    const a = (await t.call('contacts.get', { phone: A })).contact.id;
    const b = (await t.call('contacts.get', { phone: B })).contact.id;
    expect(rows.map((x) => x.entity).sort()).toEqual([`contact:${a}`, `contact:${b}`].sort());
    expect((await t.call('audit.verify', {})).problems).toEqual([]);
  });

  it('a withdrawal recorded for the primary reaches the merged numbers', async () => {
    const t = await mergedPerson();
    await t.call('consent.record', { phone: A, channel: 'sms', purpose: 'marketing', action: 'revoke' });
    expect(await smsMarketing(t.call, B)).toMatchObject({ status: 'revoked' });
    expect(await smsMarketing(t.call, C)).toMatchObject({ status: 'granted', sendable: true });
  });

  it('a personal-data withdrawal for the merged number stops marketing to the primary (RU)', async () => {
    const t = await mergedPerson();
    await t.call('consent.record', { phone: B, channel: 'sms', purpose: 'personal_data', action: 'revoke' });
    const page = await t.call('contacts.get', { phone: A });
    expect(page.consents.find((c) => c.channel === 'sms' && c.purpose === 'personal_data')).toMatchObject({ status: 'revoked' });
    expect(page.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')).toMatchObject({ sendable: false });
    expect(await sendAll(t)).toEqual([C]);
  });

  it('a complaint recorded for the merged number withdraws marketing from the person; the complaint is kept once', async () => {
    const t = await mergedPerson();
    await t.call('complaints.record', { phone: B, note: 'спам' });
    expect(await smsMarketing(t.call, A)).toMatchObject({ status: 'revoked', sendable: false, blockedBy: 'revoked' });
    const listed = await t.call('contacts.list', { query: '912000000' });
    expect(listed.contacts.find((c) => c.phone === A)!.marketingBlockedBy.sms).toBe('revoked');
    const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    expect(p).toMatchObject({ audience: 2, eligible: 1 });
    expect(await sendAll(t)).toEqual([C]);
    expect((await t.call('complaints.list', {})).complaints.map((k) => k.phone)).toEqual([B]);
  });

  it('a complaint reply from the merged number keeps marketing away from the primary', async () => {
    const t = await mergedPerson();
    const r = await t.call('inbound.receive', { from: B, text: 'Это спам! Откуда у вас мой номер?' });
    expect(r.classified).toBe('complaint');
    expect(await sendAll(t)).toEqual([C]);
  });

  it('a complaint from a number later merged into the primary counts for the person too (a complaint is the person’s)', async () => {
    const t = await shop();
    await grantPaper(t.call, A, 'sms', t.form.id);
    await grantPaper(t.call, B, 'sms', t.form.id);
    await t.call('complaints.record', { phone: B, note: 'спам' });
    expect(await smsMarketing(t.call, A)).toMatchObject({ sendable: true });
    await t.call('contacts.merge', { phone: B, intoPhone: A });
    // The complaint's opt-out is carried to the person by the merge (optOutsCarried), and the complaint counts too.
    expect(await smsMarketing(t.call, A)).toMatchObject({ sendable: false, blockedBy: 'revoked' });
    expect(await sendAll(t)).toEqual([]);
  });

  it('an imported "unsubscribed / do not contact" row for the merged number stops marketing to the primary', async () => {
    const t = await mergedPerson();
    const text = ['Name,Phone,Email,SMS consent,Consent date,Consent source,Do not contact', `Anna,${B},,unsubscribed,2026-03-01,crm,yes`].join('\n');
    const path = writeFile(t, 'dnc.csv', text);
    const preview = await importFile(t, path, { dryRun: true });
    const s = await importFile(t, path, { dryRun: false });
    expect(s.revocations).toBeGreaterThan(0);
    expect(preview.revocations).toBe(s.revocations);
    expect(await smsMarketing(t.call, A)).toMatchObject({ status: 'revoked', sendable: false });
    expect(await sendAll(t)).toEqual([C]);
    expect((await t.call('audit.verify', {})).problems).toEqual([]);
  });

  it('an imported unsubscribed row (no "do not contact") for the merged number reaches the primary', async () => {
    const t = await mergedPerson();
    t.clock.advance(2 * 86_400_000);
    // Unsubscribed the day after the consents (a withdrawal dated before a consent would not undo it).
    const text = ['Name,Phone,SMS consent,Consent date', `Anna,${B},unsubscribed,2026-03-03`].join('\n');
    await importFile(t, writeFile(t, 'unsub.csv', text), { dryRun: false });
    expect(await smsMarketing(t.call, A)).toMatchObject({ status: 'revoked' });
    expect(await sendAll(t)).toEqual([C]);
  });
});

describe('a STOP from one of a contact’s other numbers (an import’s row with several numbers)', () => {
  const GB = { businessName: 'Corner Shop', senderName: 'CORNER', defaultCountry: 'GB', timezone: 'Europe/London', policyPack: 'uk' as const };
  const FORM = {
    language: 'en' as const,
    purposes: ['marketing' as const],
    body: 'I agree to receive offers from Corner Shop by SMS. Reply STOP to opt out.',
  };
  const P = '+447911123456';
  const P2 = '+447911123457';
  const Q = '+447911123458';
  const FILE = [
    'Name,Phone,Email,SMS consent,Consent date,Consent source,Do not contact',
    `Ann,"${P}, ${P2}",,yes,2025-06-01,web shop,`,
    `Bob,${Q},,yes,2025-06-01,web shop,`,
  ].join('\n');

  it('stops marketing to the contact that keeps it', async () => {
    const t = await shop({ settings: GB, form: FORM }, '2026-03-02T12:00:00Z');
    await importFile(t, writeFile(t, 'a.csv', FILE), { dryRun: false });
    expect((await t.call('contacts.get', { phone: P })).contact.otherPhones).toEqual([P2]);
    expect(await smsMarketing(t.call, P)).toMatchObject({ sendable: true });
    const r = await t.call('inbound.receive', { from: P2, text: 'STOP' });
    expect(new Set(r.events.map((e) => e.phone))).toEqual(new Set([P, P2]));
    expect(await smsMarketing(t.call, P)).toMatchObject({ status: 'revoked', sendable: false });
    expect(await sendAll(t, TEXT_EN)).toEqual([Q]);
    expect((await t.call('audit.verify', {})).problems).toEqual([]);
  });

  it('a later import’s unsubscribed row for the other number reaches the contact too', async () => {
    const t = await shop({ settings: GB, form: FORM }, '2026-03-02T12:00:00Z');
    await importFile(t, writeFile(t, 'a.csv', FILE), { dryRun: false });
    const text = ['Name,Phone,SMS consent,Consent date', `Ann,${P2},unsubscribed,2026-03-01`].join('\n');
    await importFile(t, writeFile(t, 'b.csv', text), { dryRun: false });
    expect(await smsMarketing(t.call, P)).toMatchObject({ status: 'revoked' });
    expect(await sendAll(t, TEXT_EN)).toEqual([Q]);
  });
});

// ── the journal: an opt-out kept while another process holds the register, entered once it is free ──

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

/** The wall clock (the long writer in its own process and the backend agree on time), moved on by `offset`. */
class WallClock extends TestClock {
  offset = 0;
  override now = (): number => Date.now() + this.offset;
}

describe('a staff opt-out for a merged number kept in the journal', () => {
  it('blocks the primary while waiting, and keeps blocking it once entered (and long after)', async () => {
    const provider = new ScriptedProvider(['sms']);
    const clock = new WallClock();
    const t = scopedBackend({ adapterFactory: () => provider }, clock);
    const { form } = await russianShop(t, { provider: true });
    await grantPaper(t.call, A, 'sms', form!.id);
    await grantPaper(t.call, B, 'sms', form!.id);
    await t.call('contacts.merge', { phone: B, intoPhone: A });
    const ctx = t.backend.ctx;
    const gateA = () =>
      gateContact(ctx, ctx.contacts.getByPhone(A)!, { channel: 'sms', purpose: 'marketing' }, ctx.clock.now(), gateRules(ctx)).verdict;

    const lock = await holdWriteLock(t.dbPath, cleanups);
    const r = await t.backend.dispatch('consent.record', { phone: B, channel: 'sms', purpose: 'marketing', action: 'revoke' });
    expect(r.ok).toBe(true);
    const whileWaiting = gateA();
    await lock.release();
    const end = Date.now() + 15_000;
    while (Date.now() < end && !(await t.call('contacts.get', { phone: A })).timeline.some((e) => e.action === 'revoke'))
      await new Promise((ok) => setTimeout(ok, 100));
    const entered = gateA();
    clock.offset += 11 * 60_000; // the journal no longer holds it: the register alone answers
    const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
    expect({ whileWaiting: whileWaiting.eligible, entered: entered.eligible, later: gateA().eligible, recipients: provider.recipients() }).toEqual({
      whileWaiting: false,
      entered: false,
      later: false,
      recipients: [],
    });
    expect(await smsMarketing(t.call, A)).toMatchObject({ status: 'revoked' });
  }, 60_000);
});

describe('the answer about a past moment', () => {
  it('a complaint or a number flag that came later does not change what consent.status says of before', async () => {
    const t = await shop();
    await grantPaper(t.call, A, 'sms', t.form.id);
    await grantPaper(t.call, C, 'sms', t.form.id);
    t.clock.advance(60_000);
    const before = new Date(t.clock.now()).toISOString();
    t.clock.advance(60_000);
    await t.call('complaints.record', { phone: A, note: 'спам' });
    t.backend.ctx.outbox.flagNumber({ phone: C, reason: 'invalid_number', code: '21614', provider: 'gw', at: t.clock.now() });
    const sms = async (phone: string, at?: string) =>
      (await t.call('consent.status', { phone, ...(at ? { at } : {}) })).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;
    // Then: both could be sent to (the complaint and the flag came later; they were answered as blocked before the fix).
    expect(await sms(A, before)).toMatchObject({ status: 'granted', sendable: true });
    expect(await sms(C, before)).toMatchObject({ status: 'granted', sendable: true });
    // Now: held back, each for its reason (a complaint withdraws marketing).
    expect(await sms(A)).toMatchObject({ status: 'revoked', sendable: false, blockedBy: 'revoked' });
    expect(await sms(C)).toMatchObject({ sendable: false, blockedBy: 'invalid_number' });
  });
});
