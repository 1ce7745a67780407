// Found by a black-box round (failed before the fix): merging a number into a person's primary carries only the merged number's *current* revoked cells. B said
// STOP (all marketing withdrawn for the person), then START on SMS from B. A — the primary — has an SMS consent older
// than that STOP. After merging B into A, A's SMS consent from before the STOP is in force again and campaigns send to
// A on it: the person's STOP never reaches A's SMS (README: "An opt-out from any of the person's numbers reaches the
// person"; "a merge never makes a revoked number sendable"). The START re-consented B's SMS, not A's.
import { expect, it } from 'vitest';
import { testBackend, TestClock } from '../support/backend';
import { ScriptedProvider } from '../support/scripted-provider';

it("a person's STOP (given from the number merged later) still withdraws the primary's older consent", async () => {
  const clock = new TestClock(Date.parse('2026-03-02T10:00:00Z'));
  const provider = new ScriptedProvider(['sms', 'whatsapp']);
  const t = testBackend(clock, { adapterFactory: () => provider, sleep: async (ms) => clock.advance(Math.max(1, ms)) });
  try {
    await t.call('settings.update', {
      businessName: 'Corner Shop',
      senderName: 'CORNER',
      defaultCountry: 'GB',
      timezone: 'Europe/London',
      policyPack: 'uk',
    });
    await t.call('providers.save', { name: 'gw', kind: 'webhook', options: { url: 'https://example.invalid/hook' } });
    const f = await t.call('forms.create', {
      language: 'en',
      channels: ['sms', 'whatsapp'],
      purposes: ['marketing'],
      body: 'I agree to receive offers from Corner Shop by SMS and WhatsApp. Reply STOP to opt out.',
    });
    const A = '+447911123001'; // primary
    const B = '+447911123002'; // the same person's other phone
    await t.call('inbound.receive', { from: A, text: `START ${f.code}`, providerId: 'a1' }); // 2 March: A opts in (SMS)
    clock.advance(86_400_000);
    await t.call('inbound.receive', { from: B, text: `START ${f.code}`, providerId: 'b1' });
    clock.advance(60_000);
    await t.call('inbound.receive', { from: B, text: 'STOP', providerId: 'b2' }); // 3 March: the person says STOP
    clock.advance(60_000);
    await t.call('inbound.receive', { from: B, text: `START ${f.code}`, providerId: 'b3' }); // ...then opts B's SMS back in
    clock.advance(86_400_000);
    await t.call('contacts.merge', { phone: B, intoPhone: A }); // 4 March: the shop learns A and B are one person
    const a = (await t.call('consent.status', { phone: A })).consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;
    const plan = await t.call('campaign.plan', {
      channel: 'sms',
      purpose: 'marketing',
      text: 'Corner Shop: 10% off bakery this week. Reply STOP to opt out',
    });
    await t.call('campaign.send', { batch: plan.batch, providers: ['gw'], wait: true });
    // A's consent of 2 March predates the person's STOP of 3 March; only B was opted back in.
    expect({ aStatus: a.status, sentTo: provider.recipients() }).toEqual({ aStatus: 'revoked', sentTo: [] });
  } finally {
    t.cleanup();
  }
});
