import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseCsv } from '../../shared/domain/csv/parse';
import { grantPaper, scriptedShop } from '../support/shop';

// A consent counts only as long as the shop's pack allows now (its maximum consent age, how long a request waits):
// shortening either in the settings stops older consents at once, in every answer the register gives.

const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';
const DAY = 86_400_000;
const OLD = '+79120000001';
const NEW = '+79120000002';

type Cells = { channel: string; purpose: string; status: string; sendable: boolean; blockedBy: string | null; expiresAt: string | null }[];
const sms = (consents: Cells) => consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;

/** A shop with a paper consent signed 400 days ago (OLD) and one signed today (NEW), both by SMS; its provider takes `rate` a second. */
async function shopWithAnOldConsent(rate = 1000) {
  const t = await scriptedShop({}, '2025-01-10T09:00:00Z', rate);
  const signed = t.clock.now();
  await grantPaper(t.call, OLD, 'sms', t.form);
  t.clock.advance(400 * DAY);
  await grantPaper(t.call, NEW, 'sms', t.form);
  return { ...t, signed };
}

describe('the pack’s deadlines as they stand now', () => {
  it('a maximum age shortened below a consent’s age expires it on the contact page, in the list, the plan and the export; lifted, it counts again', async () => {
    const t = await shopWithAnOldConsent();
    expect((await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT })).eligible).toBe(2);

    await t.call('settings.update', { policyOverrides: { maxConsentAgeDays: 365 } });
    const cell = sms((await t.call('consent.status', { phone: OLD })).consents);
    expect(cell).toMatchObject({ status: 'expired', sendable: false, blockedBy: 'expired' });
    expect(cell.expiresAt).toBe(new Date(t.signed + 365 * DAY).toISOString());
    expect(sms((await t.call('consent.status', { phone: NEW })).consents)).toMatchObject({ status: 'granted', sendable: true });

    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    expect(plan.eligible).toBe(1);
    expect(plan.excluded.expired).toBe(1);

    const expired = await t.call('contacts.list', { filter: { marketing: { channel: 'sms', status: ['expired'] } } });
    expect(expired.contacts.map((c) => c.phone)).toEqual([OLD]);
    const listed = await t.call('contacts.list', {});
    const row = listed.contacts.find((c) => c.phone === OLD)!;
    expect(row.marketing.sms).toBe('expired');
    expect(row.marketingBlockedBy.sms).toBe('expired');

    const file = await t.call('export.create', { what: 'contacts' });
    const text = readFileSync(t.backend.files.get(file.fileId).path, 'utf8');
    const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, '').trim(), ',').map((r) => r.cells);
    const status = (phone: string) => rows.find((r) => r[header!.indexOf('phone')]!.includes(phone))![header!.indexOf('sms_marketing')];
    expect([status(OLD), status(NEW)]).toEqual(['expired', 'granted']);

    // Proof of the past is kept: the grant, the day it was signed, and that it was in force then.
    const then = await t.call('consent.status', { phone: OLD, at: new Date(t.signed + 100 * DAY).toISOString() });
    expect(sms(then.consents).status).toBe('granted');
    expect((await t.call('audit.verify', {})).ok).toBe(true);

    // Lifted again (the ru pack's own 1,095 days): the consent was never withdrawn, and counts.
    await t.call('settings.update', { policyOverrides: {} });
    expect(sms((await t.call('consent.status', { phone: OLD })).consents)).toMatchObject({ status: 'granted', sendable: true });
    expect((await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT })).eligible).toBe(2);
    expect((await t.call('audit.verify', {})).ok).toBe(true);
  });

  it('shortened between the plan and the send: the old consent’s message never leaves', async () => {
    const t = await shopWithAnOldConsent();
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    expect(plan.eligible).toBe(2);
    await t.call('settings.update', { policyOverrides: { maxConsentAgeDays: 365 } });
    await t.call('campaign.send', { batch: plan.batch, providers: ['gw'], wait: true, maxWaitSeconds: 600 });
    expect([...t.provider.taken.values()].map((m) => m.to)).toEqual([NEW]);
    const skipped = await t.call('campaign.recipients', { batch: plan.batch, statuses: ['skipped'], limit: 10 });
    expect(skipped.recipients.map((r) => [r.phone, r.reason])).toEqual([[OLD, 'expired']]);
  });

  it('shortened while the campaign goes out (one message a second): every message asked for after it goes by the new rule', async () => {
    const t = await shopWithAnOldConsent(1);
    // A second old consent, so one old recipient is handed over before the change and one after.
    const older = '+79120000003';
    await grantPaper(t.call, older, 'sms', t.form, { occurredAt: new Date(t.clock.now() - 400 * DAY).toISOString() });
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    expect(plan.eligible).toBe(3);
    let changedAfterCall = Number.POSITIVE_INFINITY;
    t.provider.beforeAnswer = async () => {
      if (changedAfterCall !== Number.POSITIVE_INFINITY) return;
      await t.call('settings.update', { policyOverrides: { maxConsentAgeDays: 365 } });
      changedAfterCall = t.provider.calls.length;
    };
    await t.call('campaign.send', { batch: plan.batch, providers: ['gw'], wait: true, maxWaitSeconds: 600 });
    // Every request that left after the change was committed went to the consent given today.
    const later = t.provider.calls.slice(changedAfterCall).map((m) => m.to);
    expect(later).not.toContain(OLD);
    expect(later).not.toContain(older);
    // And the old consents not handed over before it are skipped as expired.
    const skipped = await t.call('campaign.recipients', { batch: plan.batch, statuses: ['skipped'], limit: 10 });
    expect(skipped.recipients.length + t.provider.calls.length).toBe(3);
    expect(skipped.recipients.every((r) => r.reason === 'expired' && r.phone !== NEW)).toBe(true);
  });

  it('a request window shortened below a request’s age: the request lapses, and a late yes to it confirms nothing', async () => {
    const t = await scriptedShop({}, '2025-01-10T09:00:00Z');
    await t.call('consent.record', {
      phone: OLD,
      channel: 'sms',
      purpose: 'marketing',
      action: 'request',
      method: 'paper_form',
      evidence: { formVersionId: t.form.id, sheetRef: 'S-000001' },
    });
    t.clock.advance(10 * 60 * 60 * 1000);
    expect(sms((await t.call('consent.status', { phone: OLD })).consents).status).toBe('pending');
    await t.call('settings.update', { policyOverrides: { pendingExpiryHours: 6 } });
    expect(sms((await t.call('consent.status', { phone: OLD })).consents).status).toBe('expired');
    await expect(
      t.call('consent.record', {
        phone: OLD,
        channel: 'sms',
        purpose: 'marketing',
        action: 'confirm',
        method: 'inbound_keyword',
        evidence: { inboundMessageId: 'SM1' },
      }),
    ).rejects.toThrow(/CONFIRM_WITHOUT_REQUEST|nothing to confirm/i);
  });

  it('a consent given after the change is stamped under it and counts in full', async () => {
    const t = await shopWithAnOldConsent();
    await t.call('settings.update', { policyOverrides: { maxConsentAgeDays: 30 } });
    const [granted] = await grantPaper(t.call, '+79120000004', 'sms', t.form, { purposes: ['marketing'] });
    expect(granted!.events[0]!.expiresAt).toBe(new Date(t.clock.now() + 30 * DAY).toISOString());
    t.clock.advance(29 * DAY);
    expect(sms((await t.call('consent.status', { phone: '+79120000004' })).consents).status).toBe('granted');
    t.clock.advance(2 * DAY);
    expect(sms((await t.call('consent.status', { phone: '+79120000004' })).consents).status).toBe('expired');
  });
});
