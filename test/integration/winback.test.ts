import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { scopedBackend, TestClock, type Caller } from '../support/backend';
import { FAKE_TWILIO, startFakeTwilio, type FakeTwilio } from '../support/fake-providers';
import { importFile, writeFile } from '../support/imports';
import { readSaid } from '../../shared/contract/said';

/**
 * Win back unproven claims (issue #16 point 4): an imported list of 100 bare "yes" claims; those with a consented
 * service channel are asked, neutrally, to confirm; 10 reply YES → 10 proven consents whose evidence is the reply,
 * 90 still claims; those without a service consent are counted with the reason they cannot be asked.
 */
const FROM = '+15005550006';
const HOUR = 3_600_000;
const clock = new TestClock(Date.parse('2026-03-02T11:00:00Z'));
let twilio: FakeTwilio;
beforeAll(async () => {
  twilio = await startFakeTwilio({ ...FAKE_TWILIO, now: () => clock.now() });
});
afterAll(() => twilio.close());

const phone = (i: number) => `+4479111${String(23000 + i)}`;
const smsMarketing = async (call: Caller, p: string) =>
  (await call('contacts.get', { phone: p })).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;

/** A UK corner shop with a service-SMS consent wording and a Twilio number on the fake, its clock sleeping instantly. */
async function cornerShop() {
  const t = scopedBackend({ providerTimeoutMs: 2_000, sleep: async (ms) => clock.advance(Math.max(1, ms)) }, clock);
  await t.call('settings.update', {
    businessName: 'Corner Shop',
    senderName: 'CORNER',
    shopPhone: '+44 20 7946 0000',
    defaultCountry: 'GB',
    timezone: 'Europe/London',
    policyPack: 'uk',
  });
  const serviceForm = await t.call('forms.create', {
    language: 'en',
    channels: ['sms'],
    purposes: ['service'],
    body: 'I agree to receive order updates from Corner Shop by SMS. Reply STOP to opt out.',
  });
  await t.call('providers.save', {
    name: 'tw',
    kind: 'twilio',
    options: { accountSid: FAKE_TWILIO.accountSid, from: FROM, baseUrl: twilio.url, ratePerSecond: '100' },
    secrets: { authToken: FAKE_TWILIO.authToken },
  });
  return { t, serviceForm };
}

describe('win-back of unproven claims', () => {
  it('100 imported claims: the askable are asked, 10 YES → 10 proven consents with the reply as evidence, 90 still claims', async () => {
    const { t, serviceForm } = await cornerShop();
    await t.call('staff.add', { name: 'Anna' });
    const rows = Array.from({ length: 100 }, (_, i) => `Customer ${i},${phone(i)},yes`);
    const path = writeFile(t, 'claims.csv', ['Name,Phone,SMS consent', ...rows].join('\n'));
    const summary = await importFile(t, path, { dryRun: false });
    expect(summary).toMatchObject({ created: 100, claims: 100 });
    expect((await smsMarketing(t.call, phone(0))).status).toBe('unproven');
    // 95 of them signed up for order updates by SMS (a service consent): the request can reach them.
    for (let i = 0; i < 95; i++)
      await t.call('consent.record', {
        phone: phone(i),
        channel: 'sms',
        purpose: 'service',
        action: 'grant',
        method: 'paper_form',
        evidence: { formVersionId: serviceForm.id, sheetRef: 'S-000001' },
      });

    const preview = await t.call('contacts.winback', { importBatch: summary.batch!, channel: 'sms', dryRun: true });
    expect(preview).toMatchObject({
      considered: 100,
      askable: 95,
      byChannel: { sms: 95, whatsapp: 0 },
      asked: 0,
      blocked: [{ reason: 'no_service_consent', count: 5 }],
    });
    expect(preview.text.en).toContain('reply YES');
    expect(preview.text.en).not.toMatch(/%|discount|offer|sale/i);
    expect((await t.call('lint.check', { text: preview.text.en, channel: 'sms', purpose: 'service', kind: 'doi_request' })).ok).toBe(true);
    expect((await t.call('confirmations.list', {})).total).toBe(0);

    const asked = await t.call('contacts.winback', { importBatch: summary.batch!, channel: 'sms', staff: 'Anna' });
    expect(asked).toMatchObject({ askable: 95, asked: 95 });
    // Asking again asks nobody twice.
    const again = await t.call('contacts.winback', { importBatch: summary.batch!, channel: 'sms', dryRun: true });
    expect(again.askable).toBe(0);
    expect(again.blocked).toContainEqual({ reason: 'already_asked', count: 95 });
    // The claims stay claims while the question is out.
    expect((await smsMarketing(t.call, phone(1))).status).toBe('unproven');

    const sent = await t.call('confirmations.send', { wait: true, maxWaitSeconds: 30 });
    expect(sent.waves).toEqual([expect.objectContaining({ kind: 'winback', channel: 'sms', queued: 95, sent: 95, skipped: 0 })]);
    const out = twilio.messages.filter((m) => m.direction === 'outbound-api');
    expect(out).toHaveLength(95);
    expect(new Set(out.map((m) => m.to)).has(phone(97))).toBe(false);
    // The hand-off stood on the service consent, not on the claim.
    const recipients = await t.call('campaign.recipients', { batch: sent.waves[0]!.batch, limit: 1 });
    const proof = (await t.call('campaign.recipient', { id: recipients.recipients[0]!.id })).proof!;
    expect(proof).toMatchObject({ purpose: 'service', action: 'grant' });

    clock.advance(3 * HOUR);
    const replies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await t.call('inbound.receive', {
        from: phone(i * 9),
        channel: 'sms',
        text: i % 2 ? 'Yes' : 'YES please',
        providerId: `SM-yes-${i}`,
      });
      expect(r.classified).toBe('confirm');
      replies.push(r.messageId);
    }

    let proven = 0;
    let claims = 0;
    for (let i = 0; i < 100; i++) {
      const cell = await smsMarketing(t.call, phone(i));
      if (cell.status === 'granted') proven++;
      if (cell.status === 'unproven') claims++;
    }
    expect({ proven, claims }).toEqual({ proven: 10, claims: 90 });
    const page = await t.call('contacts.get', { phone: phone(9) });
    const confirm = page.timeline.find((e) => e.purpose === 'marketing' && e.action === 'confirm')!;
    const request = page.timeline.find((e) => e.purpose === 'marketing' && e.action === 'request')!;
    expect(confirm.evidence.inboundMessageId).toBe(String(replies[1]));
    // The request's source and note are stored by key (the contact page and the certificate say them in the reader's language).
    expect(readSaid(request.evidence.source!)).toMatchObject({ key: 'note.winbackSource', message: expect.stringMatching(/^win-back/) });
    expect(readSaid(request.evidence.note!)).toMatchObject({ key: 'note.winbackConfirmation', params: { text: expect.any(String) } });
    expect(page.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')).toMatchObject({
      status: 'granted',
      sendable: true,
      event: confirm.id,
    });

    const list = await t.call('confirmations.list', { limit: 500 });
    expect(list.counts).toMatchObject({ sent: 95, confirmed: 10, waiting: 85 });
    expect(list.confirmations.every((c) => c.kind === 'winback')).toBe(true);

    // Silence: after the pack's deadline a YES proves nothing; the claim is still a claim.
    clock.advance(72 * HOUR);
    await t.call('inbound.receive', { from: phone(1), channel: 'sms', text: 'YES' });
    expect((await smsMarketing(t.call, phone(1))).status).toBe('unproven');
    expect((await t.call('confirmations.list', { limit: 500 })).counts).toMatchObject({ confirmed: 10, expired: 85, waiting: 0 });
  });

  it('US rules, from the import report: SMS claims are asked on the claim itself, WhatsApp only with its opt-in; replies come back by sync; 3 YES → 3 proven, 9 still claims', async () => {
    const usClock = new TestClock(Date.parse('2026-03-02T21:00:00Z')); // 16:00 in New York, 11:00 in Honolulu: within every US zone's hours
    const us = await startFakeTwilio({ ...FAKE_TWILIO, now: () => usClock.now() });
    onTestFinished(() => us.close());
    const t = scopedBackend({ providerTimeoutMs: 2_000, sleep: async (ms) => usClock.advance(Math.max(1, ms)) }, usClock);
    await t.call('settings.update', {
      businessName: 'Corner Deli',
      shopPhone: '+1 202 555 0100',
      defaultCountry: 'US',
      timezone: 'America/New_York',
      policyPack: 'us',
    });
    await t.call('providers.save', {
      name: 'tw',
      kind: 'twilio',
      options: { accountSid: FAKE_TWILIO.accountSid, from: FROM, baseUrl: us.url, ratePerSecond: '100' },
      secrets: { authToken: FAKE_TWILIO.authToken },
    });
    const usPhone = (i: number) => `+1202555${String(1100 + i)}`;
    // One of them was in the register before the import: the import updates them, and they are still its people.
    await t.call('contacts.add', { phone: usPhone(0), name: 'Known before' });
    // 0-11 a bare SMS "yes"; 12-17 a bare WhatsApp "yes" (16-17 also agreed to WhatsApp service messages since); 18-19 nothing.
    const rows = Array.from({ length: 20 }, (_, i) => `Customer ${i},${usPhone(i)},${i < 12 ? 'yes' : ''},${i >= 12 && i < 18 ? 'yes' : ''}`);
    const path = writeFile(t, 'deli.csv', ['Name,Phone,SMS marketing,WhatsApp marketing', ...rows].join('\n'));
    const summary = await importFile(t, path, { dryRun: false });
    expect(summary).toMatchObject({ created: 19, updated: 1, claims: 18 });
    const waForm = await t.call('forms.create', {
      language: 'en',
      channels: ['whatsapp'],
      purposes: ['service'],
      body: 'I agree to receive order updates from Corner Deli on WhatsApp. Reply STOP to opt out.',
    });
    for (const i of [16, 17])
      await t.call('consent.record', {
        phone: usPhone(i),
        channel: 'whatsapp',
        purpose: 'service',
        action: 'grant',
        method: 'paper_form',
        evidence: { formVersionId: waForm.id, sheetRef: 'S-000001' },
      });

    // What the import report's dialog shows: every person of the import, how many can be asked, why the others cannot.
    const preview = await t.call('contacts.winback', { importBatch: summary.batch!, dryRun: true });
    expect(preview).toMatchObject({
      considered: 20,
      askable: 14,
      byChannel: { sms: 12, whatsapp: 2 },
      asked: 0,
      blocked: [
        { reason: 'whatsapp_needs_optin', count: 4 },
        { reason: 'not_claimed', count: 2 },
      ],
    });

    const asked = await t.call('contacts.winback', { importBatch: summary.batch!, channel: 'sms' });
    expect(asked).toMatchObject({ askable: 12, asked: 12 });
    const sent = await t.call('confirmations.send', { wait: true, maxWaitSeconds: 30 });
    expect(sent.waves).toEqual([expect.objectContaining({ kind: 'winback', channel: 'sms', queued: 12, sent: 12, skipped: 0 })]);
    expect(
      us.messages
        .filter((m) => m.direction === 'outbound-api')
        .map((m) => m.to)
        .sort(),
    ).toEqual(Array.from({ length: 12 }, (_, i) => usPhone(i)).sort());
    // Under the US rules the hand-off stood on the claim the file made (the person gave the shop their number).
    const recipients = await t.call('campaign.recipients', { batch: sent.waves[0]!.batch, limit: 1 });
    expect((await t.call('campaign.recipient', { id: recipients.recipients[0]!.id })).proof).toMatchObject({
      channel: 'sms',
      purpose: 'marketing',
      action: 'claim',
      method: 'import',
    });

    // Three answer YES at Twilio; one sync brings the replies in.
    usClock.advance(2 * HOUR);
    const yes = [0, 4, 8].map((i) => us.addInbound({ from: usPhone(i), to: FROM, body: 'YES' }));
    const synced = await t.call('providers.sync', {});
    expect(synced.providers[0]).toMatchObject({ name: 'tw', inbound: 3, confirmations: 3, error: null });
    const statuses = await Promise.all(Array.from({ length: 12 }, async (_, i) => (await smsMarketing(t.call, usPhone(i))).status));
    expect(statuses.filter((s) => s === 'granted')).toHaveLength(3);
    expect(statuses.filter((s) => s === 'unproven')).toHaveLength(9);
    const page = await t.call('contacts.get', { phone: usPhone(4) });
    expect(page.timeline.find((e) => e.purpose === 'marketing' && e.action === 'confirm')!.evidence.source).toContain(yes[1]!.sid);
  });

  it('an opt-out wins: a claim whose owner said STOP is never asked, and a STOP after the question declines it for good', async () => {
    const { t, serviceForm } = await cornerShop();
    const p = (i: number) => `+4479111${String(24000 + i)}`;
    const path = writeFile(t, 'three.csv', ['Name,Phone,SMS consent', ...[0, 1, 2].map((i) => `Customer ${i},${p(i)},yes`)].join('\n'));
    const summary = await importFile(t, path, { dryRun: false });
    for (const i of [0, 1, 2])
      await t.call('consent.record', {
        phone: p(i),
        channel: 'sms',
        purpose: 'service',
        action: 'grant',
        method: 'paper_form',
        evidence: { formVersionId: serviceForm.id, sheetRef: 'S-000002' },
      });
    // Customer 0 opts out of SMS marketing before anyone is asked: never asked.
    await t.call('inbound.receive', { from: p(0), channel: 'sms', text: 'STOP' });
    const preview = await t.call('contacts.winback', { importBatch: summary.batch!, channel: 'sms', dryRun: true });
    expect(preview).toMatchObject({ considered: 3, askable: 2, blocked: [{ reason: 'revoked', count: 1 }] });
    const before = twilio.messages.filter((m) => m.direction === 'outbound-api').length;
    await t.call('contacts.winback', { importBatch: summary.batch!, channel: 'sms' });
    await t.call('confirmations.send', { wait: true, maxWaitSeconds: 30 });
    const to = twilio.messages
      .filter((m) => m.direction === 'outbound-api')
      .slice(before)
      .map((m) => m.to)
      .sort();
    expect(to).toEqual([p(1), p(2)]);
    // Customer 1 answers STOP to the question, then YES: the opt-out stands, the claim is not turned into a consent.
    clock.advance(HOUR);
    await t.call('inbound.receive', { from: p(1), channel: 'sms', text: 'STOP' });
    clock.advance(60_000);
    const yes = await t.call('inbound.receive', { from: p(1), channel: 'sms', text: 'YES' });
    expect(yes).toMatchObject({ classified: 'confirm', events: [], noteSaid: { key: 'inbound.winbackDeclined' } });
    expect((await smsMarketing(t.call, p(1))).status).toBe('revoked');
    expect((await smsMarketing(t.call, p(0))).status).toBe('revoked');
    expect((await smsMarketing(t.call, p(2))).status).toBe('unproven');
    const outcomes = (await t.call('confirmations.list', { limit: 500 })).confirmations
      .filter((c) => c.phone === p(1) || c.phone === p(2))
      .map((c) => [c.phone, c.outcome]);
    expect(outcomes.sort()).toEqual([
      [p(1), 'declined'],
      [p(2), 'waiting'],
    ]);
    // Customer 1 may still subscribe again in their own words: START is an opt-in of its own.
    clock.advance(60_000);
    await t.call('inbound.receive', { from: p(1), channel: 'sms', text: 'START' });
    expect((await smsMarketing(t.call, p(1))).status).not.toBe('revoked');
  });

  it('refuses an import that does not exist or was undone, by name', async () => {
    const t = scopedBackend({}, new TestClock(Date.parse('2026-03-02T11:00:00Z')));
    await t.call('settings.update', { businessName: 'Corner Shop', defaultCountry: 'GB', timezone: 'Europe/London', policyPack: 'uk' });
    await expect(t.call('contacts.winback', { importBatch: 999, dryRun: true })).rejects.toThrow(/importBatch: no import 999/);
    const path = writeFile(t, 'few.csv', 'Name,Phone,SMS marketing\nA,+447911123001,yes\nB,+447911123002,yes');
    const summary = await importFile(t, path, { dryRun: false });
    expect((await t.call('contacts.winback', { importBatch: summary.batch!, dryRun: true })).considered).toBe(2);
    await t.call('import.undo', { batch: summary.batch! });
    await expect(t.call('contacts.winback', { importBatch: summary.batch!, dryRun: true })).rejects.toThrow(
      new RegExp(`importBatch: import ${summary.batch} was undone`),
    );
  });

  it('refuses a call that names neither contacts nor an import, or both', async () => {
    const t = scopedBackend({}, new TestClock(Date.parse('2026-03-02T11:00:00Z')));
    await expect(t.call('contacts.winback', { dryRun: true })).rejects.toThrow(/contact ids, an import, or everyone a search matches/);
    await expect(t.call('contacts.winback', { contactIds: [1], importBatch: 1, dryRun: true })).rejects.toThrow(
      /contact ids, an import, or everyone a search matches/,
    );
  });
});
