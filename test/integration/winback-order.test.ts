import { describe, expect, it } from 'vitest';
import type { Caller } from '../support/backend';
import { importFile, writeFile } from '../support/imports';
import { scriptedShop } from '../support/shop';

/**
 * A win-back "yes" is judged against the opt-outs that came before it, whatever order the replies are fetched in
 * (provider sync may bring a later reply first), and only a reply made after the question went out answers it.
 * Found by an adversarial review: a STOP fetched after a later YES left the person granted and messaged.
 */
const TEXT = 'Corner Shop: 10% off bakery this week. Reply STOP to opt out';
const P = '+447911124001';
const MIN = 60_000;

async function shop() {
  const t = await scriptedShop(
    {
      settings: {
        businessName: 'Corner Shop',
        senderName: 'CORNER',
        shopPhone: '+44 20 7946 0000',
        defaultCountry: 'GB',
        timezone: 'Europe/London',
        policyPack: 'uk',
      },
      form: {
        language: 'en',
        channels: ['sms'],
        purposes: ['service'],
        body: 'I agree to receive order updates from Corner Shop by SMS. Reply STOP to opt out.',
      },
    },
    '2026-03-02T11:00:00Z',
  );
  // A claimed marketing consent from a CRM file, and a proven service consent the win-back question may go on.
  const summary = await importFile(t, writeFile(t, 'c.csv', ['Name,Phone,SMS consent', `Ann,${P},yes`].join('\n')), { dryRun: false });
  await t.call('consent.record', {
    phone: P,
    channel: 'sms',
    purpose: 'service',
    action: 'grant',
    method: 'paper_form',
    evidence: { formVersionId: t.form.id, sheetRef: 'S-2' },
  });
  return { ...t, batch: summary.batch! };
}

async function ask(t: Awaited<ReturnType<typeof shop>>): Promise<void> {
  expect((await t.call('contacts.winback', { importBatch: t.batch, channel: 'sms' })).asked).toBe(1);
  expect((await t.call('confirmations.send', { wait: true, maxWaitSeconds: 30 })).waves[0]).toMatchObject({ kind: 'winback', sent: 1 });
  t.provider.taken.clear();
}

async function outcome(t: Awaited<ReturnType<typeof shop>> & { call: Caller }) {
  const status = (await t.call('contacts.get', { phone: P })).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!.status;
  const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
  await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
  return { status, recipients: t.provider.recipients() };
}

describe('a win-back question answered STOP, then YES', () => {
  for (const order of ['in order', 'YES fetched first'] as const)
    it(`${order}: the opt-out stands, nothing is sent, and audit verify is intact`, async () => {
      const t = await shop();
      await ask(t);
      t.clock.advance(30 * MIN);
      const stopAt = new Date(t.clock.now()).toISOString();
      t.clock.advance(MIN);
      const yesAt = new Date(t.clock.now()).toISOString();
      t.clock.advance(MIN);
      const replies = [
        { text: 'STOP', at: stopAt },
        { text: 'YES', at: yesAt },
      ];
      for (const r of order === 'in order' ? replies : replies.reverse()) await t.call('inbound.receive', { from: P, channel: 'sms', ...r });
      expect(await outcome(t)).toEqual({ status: 'revoked', recipients: [] });
      expect((await t.call('audit.verify', {})).ok).toBe(true);
    });

  it('a YES written before the question went out (fetched after it) answers nothing', async () => {
    const t = await shop();
    t.clock.advance(10 * MIN);
    const before = new Date(t.clock.now()).toISOString();
    t.clock.advance(10 * MIN);
    await ask(t);
    t.clock.advance(10 * MIN);
    const r = await t.call('inbound.receive', { from: P, channel: 'sms', text: 'Yes', at: before });
    expect(r.events).toEqual([]);
    expect(await outcome(t)).toEqual({ status: 'unproven', recipients: [] });
  });

  it('someone who complained ("this is spam") is not asked the win-back question: a complaint withdraws marketing', async () => {
    const t = await shop();
    const r = await t.call('inbound.receive', { from: P, channel: 'sms', text: 'This is spam, how did you get my number?' });
    expect(r.classified).toBe('complaint');
    t.clock.advance(91 * 24 * 60 * MIN);
    expect((await t.call('contacts.winback', { importBatch: t.batch, channel: 'sms' })).asked).toBe(0);
    await t.call('confirmations.send', { wait: true, maxWaitSeconds: 30 });
    expect(await outcome(t)).toEqual({ status: 'revoked', recipients: [] });
  });

  it('a YES after the question, with no STOP, is still the proof it was', async () => {
    const t = await shop();
    await ask(t);
    t.clock.advance(10 * MIN);
    await t.call('inbound.receive', { from: P, channel: 'sms', text: 'YES' });
    expect(await outcome(t)).toEqual({ status: 'granted', recipients: [P] });
  });
});
