import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scopedBackend, TestClock, type Caller } from '../support/backend';
import { FAKE_TWILIO, startFakeTwilio, type FakeTwilio } from '../support/fake-providers';

/**
 * Double opt-in that completes (issue #16 point 3): a `de` shop's paper row is recorded as a request, its
 * confirmation leaves through the outbox and a (fake) Twilio, the customer's JA confirms it with both events as
 * proof; silence lets it expire; STOP cancels it, before the wave or between the wave and the hand-off.
 */
const FROM = '+15005550006';
const HOUR = 3_600_000;
// Noon in Berlin: outside any quiet hours.
const START = Date.parse('2026-03-02T11:00:00Z');
const clock = new TestClock(START);
let twilio: FakeTwilio;
beforeAll(async () => {
  twilio = await startFakeTwilio({ ...FAKE_TWILIO, now: () => clock.now() });
});
afterAll(() => twilio.close());
afterEach(() => {
  twilio.reset();
  clock.t = START;
});

/** The German shop (de pack: double opt-in, requests lapse after 48 h) with its form and a Twilio number. */
async function germanShop() {
  const t = scopedBackend({ providerTimeoutMs: 2_000, sleep: async (ms) => clock.advance(Math.max(1, ms)) }, clock);
  await t.call('settings.update', {
    businessName: 'Laden am Eck',
    senderName: 'LADEN',
    shopPhone: '+49 30 901820',
    defaultCountry: 'DE',
    timezone: 'Europe/Berlin',
    policyPack: 'de',
  });
  const form = await t.call('forms.create', {
    language: 'en',
    channels: ['sms', 'whatsapp'],
    purposes: ['marketing'],
    body: 'I agree to receive offers from Laden am Eck by SMS. Reply STOP to opt out.',
  });
  await t.call('providers.save', {
    name: 'tw',
    kind: 'twilio',
    options: { accountSid: FAKE_TWILIO.accountSid, from: FROM, baseUrl: twilio.url, ratePerSecond: '50' },
    secrets: { authToken: FAKE_TWILIO.authToken },
  });
  return { ...t, form: form.id };
}

/** A paper row: the customer signed for SMS offers (under the de pack, a request until confirmed). */
const paperRow = (call: Caller, phone: string, form: number) =>
  call('consent.record', {
    phone,
    channel: 'sms',
    purpose: 'marketing',
    action: 'grant',
    method: 'paper_form',
    evidence: { formVersionId: form, sheetRef: 'S-000001' },
  });

const smsMarketing = async (call: Caller, phone: string) =>
  (await call('contacts.get', { phone })).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;
const sentTo = (phone: string) => twilio.messages.filter((m) => m.direction === 'outbound-api' && m.to === phone);

describe('double opt-in confirmations through the outbox', () => {
  it('a paper row → the confirmation leaves through Twilio → JA → granted with the request and the reply as proof', async () => {
    const t = await germanShop();
    const recorded = await paperRow(t.call, '+4915112345601', t.form);
    expect(recorded.events.map((e) => e.action)).toEqual(['request']);
    const requestEvent = recorded.events[0]!;
    expect((await smsMarketing(t.call, '+4915112345601')).status).toBe('pending');

    const before = await t.call('confirmations.list', {});
    expect(before.counts).toMatchObject({ queued: 1, sent: 0, waiting: 1 });
    expect(before.confirmations[0]).toMatchObject({ state: 'queued', batch: null, delivery: null, kind: 'request' });

    const out = await t.call('confirmations.send', { wait: true, maxWaitSeconds: 20 });
    expect(out.expired).toBe(0);
    expect(out.waves).toHaveLength(1);
    expect(out.waves[0]).toMatchObject({ channel: 'sms', language: 'en', kind: 'request', provider: 'tw', queued: 1, sent: 1, skipped: 0 });
    const messages = sentTo('+4915112345601');
    expect(messages).toHaveLength(1);
    expect(messages[0]!.body).toContain('reply YES');
    expect(messages[0]!.body).toContain('Laden am Eck');

    // The wave is a service campaign whose hand-off was proven by the pending request itself.
    const recipients = await t.call('campaign.recipients', { batch: out.waves[0]!.batch });
    expect(recipients.recipients[0]).toMatchObject({ status: 'sent', proofEvent: requestEvent.id });
    const listed = await t.call('confirmations.list', {});
    expect(listed.confirmations[0]).toMatchObject({ state: 'sending', batch: out.waves[0]!.batch, delivery: 'sent', outcome: 'waiting' });
    expect(listed.counts).toMatchObject({ queued: 0, sent: 1, waiting: 1 });

    // Sending again sends nothing twice.
    const again = await t.call('confirmations.send', { wait: true, maxWaitSeconds: 5 });
    expect(again.waves).toHaveLength(0);
    expect(sentTo('+4915112345601')).toHaveLength(1);

    clock.advance(2 * HOUR);
    const reply = await t.call('inbound.receive', { from: '+4915112345601', channel: 'sms', text: 'JA', providerId: 'SM-reply-1' });
    expect(reply.classified).toBe('confirm');
    const cell = await smsMarketing(t.call, '+4915112345601');
    expect(cell).toMatchObject({ status: 'granted', sendable: true });
    const page = await t.call('contacts.get', { phone: '+4915112345601' });
    const request = page.timeline.find((e) => e.action === 'request')!;
    const confirm = page.timeline.find((e) => e.action === 'confirm')!;
    expect(request.evidence).toMatchObject({ formVersionId: t.form, sheetRef: 'S-000001' });
    expect(confirm.evidence.inboundMessageId).toBe(String(reply.messageId));
    expect(cell.event).toBe(confirm.id);
    const done = await t.call('confirmations.list', {});
    expect(done.confirmations[0]!.outcome).toBe('confirmed');
    expect(done.counts).toMatchObject({ sent: 1, confirmed: 1, waiting: 0 });
  });

  it('an unanswered request expires after the pack’s 48 hours; one that expired before its wave is never sent', async () => {
    const t = await germanShop();
    await paperRow(t.call, '+4915112345602', t.form);
    await t.call('confirmations.send', { wait: true, maxWaitSeconds: 20 });
    expect(sentTo('+4915112345602')).toHaveLength(1);
    await paperRow(t.call, '+4915112345603', t.form);

    clock.advance(49 * HOUR);
    const late = await t.call('confirmations.send', { wait: true, maxWaitSeconds: 5 });
    expect(late).toMatchObject({ expired: 1, waves: [] });
    expect(sentTo('+4915112345603')).toHaveLength(0);
    expect((await smsMarketing(t.call, '+4915112345602')).status).toBe('expired');
    // A YES after the deadline confirms nothing.
    await t.call('inbound.receive', { from: '+4915112345602', channel: 'sms', text: 'JA' });
    expect((await smsMarketing(t.call, '+4915112345602')).status).toBe('expired');
    const list = await t.call('confirmations.list', {});
    expect(list.counts).toMatchObject({ queued: 0, sent: 1, confirmed: 0, expired: 2, waiting: 0 });
    expect(list.confirmations.find((c) => c.phone === '+4915112345603')).toMatchObject({
      state: 'cancelled',
      stateReason: 'expired',
      outcome: 'expired',
    });
  });

  it('STOP cancels: before the wave nothing is queued for them; after the wave the gate stops the hand-off', async () => {
    const t = await germanShop();
    await paperRow(t.call, '+4915112345604', t.form);
    await t.call('inbound.receive', { from: '+4915112345604', channel: 'sms', text: 'STOP' });
    const list = await t.call('confirmations.list', {});
    expect(list.confirmations[0]).toMatchObject({ state: 'cancelled', stateReason: 'opted_out', outcome: 'declined' });
    const out = await t.call('confirmations.send', { wait: true, maxWaitSeconds: 5 });
    expect(out.waves).toHaveLength(0);
    expect(sentTo('+4915112345604')).toHaveLength(0);

    // In a wave already, held back by the shop's send window (09:00–20:00; it is 22:00 in Berlin): quiet hours defer the
    // request like marketing, and a STOP meanwhile stops it at the hand-off.
    await t.call('settings.update', { policyOverrides: { quietHours: { start: '09:00', end: '20:00' } } });
    clock.t = Date.parse('2026-03-02T21:00:00Z');
    await paperRow(t.call, '+4915112345605', t.form);
    await paperRow(t.call, '+4915112345607', t.form);
    const wave = await t.call('confirmations.send', { wait: true, maxWaitSeconds: 1 });
    const batch = wave.waves[0]!.batch;
    expect(wave.waves[0]).toMatchObject({ queued: 2, sent: 0, pending: 2 });
    const deferred = await t.call('campaign.recipients', { batch });
    expect(deferred.recipients.map((r) => [r.status, r.dueAt])).toEqual([
      ['queued', '2026-03-03T08:00:00.000Z'],
      ['queued', '2026-03-03T08:00:00.000Z'],
    ]);
    await t.call('inbound.receive', { from: '+4915112345605', channel: 'sms', text: 'Stop' });
    clock.t = Date.parse('2026-03-03T08:30:00Z');
    const morning = await t.call('confirmations.send', { wait: true, maxWaitSeconds: 20 });
    expect(morning.waves).toEqual([expect.objectContaining({ batch, sent: 1, skipped: 1, pending: 0 })]);
    const after = await t.call('campaign.recipients', { batch });
    expect(after.recipients.find((r) => r.phone === '+4915112345605')).toMatchObject({ status: 'skipped', reason: 'revoked' });
    expect(sentTo('+4915112345605')).toHaveLength(0);
    expect(sentTo('+4915112345607')).toHaveLength(1);
    expect((await smsMarketing(t.call, '+4915112345605')).status).toBe('revoked');
  });

  it('refuses an unknown provider by name', async () => {
    const t = await germanShop();
    await paperRow(t.call, '+4915112345606', t.form);
    await expect(t.call('confirmations.send', { provider: 'nope', wait: true })).rejects.toThrow(/nope/);
  });
});
