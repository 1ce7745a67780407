import { describe, expect, it } from 'vitest';
import { scopedBackend, TestClock, type Caller } from '../support/backend';
import { ScriptedProvider } from '../support/scripted-provider';
import { grantPaper, russianShop } from '../support/shop';

/**
 * A merged number (issue #17 item 11, "merge two contacts") and campaigns: the merged-away number is one of the
 * person's other numbers, not a second person — a campaign reaches the person once, on the primary number, under the
 * consent the register holds for it; and a STOP the person sends from the old number still reaches the person.
 */
const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';
const A = '+79120000001';
const B = '+79120000002';
const C = '+79120000003';

async function shop() {
  // One message a second: each recipient is gated in its own slot, so a change between two hand-offs is seen.
  const provider = new ScriptedProvider(['sms'], () => ({ kind: 'accepted', providerMessageId: null }), 1);
  const clock = new TestClock(Date.parse('2026-03-02T09:00:00Z')); // 12:00 in Moscow
  const t = scopedBackend({ adapterFactory: () => provider, sleep: async (ms) => clock.advance(Math.max(1, ms)) }, clock);
  const { form } = await russianShop(t, { provider: true });
  await grantPaper(t.call, A, 'sms', form.id, { name: 'Анна Петрова' });
  await grantPaper(t.call, B, 'sms', form.id, { name: 'Анна П.' });
  await grantPaper(t.call, C, 'sms', form.id, { name: 'Борис' });
  return { ...t, provider };
}

const plan = (call: Caller) => call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
const smsMarketing = async (call: Caller, phone: string) =>
  (await call('contacts.get', { phone })).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;

describe('a merged number in a campaign', () => {
  it('is not a second recipient: the person gets one message, on the primary number, under its own consent', async () => {
    const t = await shop();
    expect((await plan(t.call)).eligible).toBe(3);
    await t.call('contacts.merge', { phone: B, intoPhone: A });

    const p = await plan(t.call);
    expect(p).toMatchObject({ audience: 2, eligible: 2 });
    const eligible = await t.call('campaign.audience', { batch: p.batch, reason: 'eligible' });
    expect(eligible.people.map((m) => m.phone).sort()).toEqual([A, C]);
    const proofA = eligible.people.find((m) => m.phone === A)!.proofEvent!;
    expect((await t.call('contacts.get', { phone: A })).timeline.find((e) => e.id === proofA)).toMatchObject({ phone: A, action: 'grant' });

    const done = await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
    expect(done).toMatchObject({ sent: 2, skipped: 0, failed: 0, pending: 0 });
    expect(t.provider.recipients().sort()).toEqual([A, C]);
    const recipients = await t.call('campaign.recipients', { batch: p.batch });
    expect(recipients.recipients.map((r) => r.phone).sort()).toEqual([A, C]);
    expect((await t.call('audit.verify', {})).ok).toBe(true);
  });

  it('a number merged while its campaign is sending is left out at hand-off (the gate asks again)', async () => {
    const t = await shop();
    const p = await plan(t.call);
    // B is queued with the others; while A's message is in flight, B is merged into A.
    t.provider.beforeAnswer = async () => {
      if (t.provider.calls.length === 1) await t.call('contacts.merge', { phone: B, intoPhone: A });
    };
    const done = await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
    expect(t.provider.recipients().sort()).toEqual([A, C]);
    expect(done).toMatchObject({ sent: 2, skipped: 1, skipReasons: { no_contact: 1 } });
    const skipped = await t.call('campaign.recipients', { batch: p.batch, statuses: ['skipped'] });
    expect(skipped.recipients.map((r) => [r.phone, r.reason])).toEqual([[B, 'no_contact']]);
  });

  it('a STOP from the merged number later revokes the person’s consent on the primary number too', async () => {
    const t = await shop();
    await t.call('contacts.merge', { phone: B, intoPhone: A });
    const reply = await t.call('inbound.receive', { from: B, text: 'СТОП' });
    expect(reply.classified).toBe('opt_out');
    // The revocation is recorded for the number it came from and for the person's primary number.
    expect(new Set(reply.events.map((e) => e.phone))).toEqual(new Set([A, B]));
    expect(reply.events.every((e) => e.action === 'revoke' && e.evidence.inboundMessageId === String(reply.messageId))).toBe(true);
    expect(await smsMarketing(t.call, A)).toMatchObject({ status: 'revoked', sendable: false });
    expect(await smsMarketing(t.call, B)).toMatchObject({ status: 'revoked', sendable: false });
    expect(await smsMarketing(t.call, C)).toMatchObject({ status: 'granted', sendable: true });

    const p = await plan(t.call);
    expect(p).toMatchObject({ audience: 2, eligible: 1 });
    await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
    expect(t.provider.recipients()).toEqual([C]);
    expect((await t.call('audit.verify', {})).ok).toBe(true);
  });

  it('a STOP from the primary number revokes it and the person’s other numbers', async () => {
    const t = await shop();
    await t.call('contacts.merge', { phone: B, intoPhone: A });
    const reply = await t.call('inbound.receive', { from: A, text: 'стоп' });
    expect(new Set(reply.events.map((e) => e.phone))).toEqual(new Set([A, B]));
    expect(await smsMarketing(t.call, B)).toMatchObject({ status: 'revoked' });
  });
});
