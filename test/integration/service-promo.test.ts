// Found by a black-box round (failed before the fix): README — "A `service` message with promotion in it (a discount, an offer:
// LINT-PURPOSE-MISMATCH) is advertising, so it is planned, checked and sent as `marketing`". Promotion worded without
// the lexicon's words (English "half price", "£5 off", "2 for 1"; German under the de pack: "Rabatt", "Angebot",
// "Prozent") is planned as service and handed off to a customer who has only service consent and opted out of marketing.
import { expect, it } from 'vitest';
import { testBackend, TestClock } from '../support/backend';
import { ScriptedProvider } from '../support/scripted-provider';

const CASES = [
  { pack: 'uk', text: 'Corner Shop: everything is half price this weekend, come in and stock up!' },
  { pack: 'uk', text: 'Corner Shop: get £5 off your next shop when you spend £20 this week.' },
  { pack: 'uk', text: 'Corner Shop: 2 for 1 on all cakes until Sunday.' },
  { pack: 'de', text: 'Eckladen: Nur heute 20 Prozent Rabatt auf alle Brötchen!' },
  { pack: 'de', text: 'Eckladen: Unser Angebot der Woche – Kaffee zum halben Preis.' },
  // Control: the lexicon's own words are caught.
  { pack: 'uk', text: 'Corner Shop: 20% off all cakes until Sunday.' },
] as const;

it('promotional texts planned as service messages go only where marketing may go', async () => {
  const leaked: string[] = [];
  for (const c of CASES) {
    const clock = new TestClock(Date.parse('2026-03-02T10:00:00Z'));
    const provider = new ScriptedProvider(['sms', 'whatsapp']);
    const t = testBackend(clock, { adapterFactory: () => provider, sleep: async (ms) => clock.advance(Math.max(1, ms)) });
    try {
      const de = c.pack === 'de';
      await t.call('settings.update', {
        businessName: de ? 'Eckladen' : 'Corner Shop',
        senderName: de ? 'ECKLADEN' : 'CORNER',
        defaultCountry: de ? 'DE' : 'GB',
        timezone: de ? 'Europe/Berlin' : 'Europe/London',
        policyPack: c.pack,
      });
      await t.call('providers.save', { name: 'gw', kind: 'webhook', options: { url: 'https://example.invalid/hook' } });
      const f = await t.call('forms.create', {
        language: 'en',
        channels: ['sms'],
        purposes: ['service', 'marketing'],
        body: 'I agree to receive order updates and offers by SMS. Reply STOP to opt out.',
      });
      const A = de ? '+4915112345001' : '+447911123001';
      // Service consent (order updates) by a kiosk form; marketing explicitly refused with STOP.
      await t.call('consent.record', {
        phone: A,
        channel: 'sms',
        purpose: 'service',
        action: de ? 'request' : 'grant',
        method: 'kiosk',
        evidence: { formVersionId: f.id },
      });
      if (de) await t.call('inbound.receive', { from: A, text: 'JA', providerId: 'y1' });
      await t.call('inbound.receive', { from: A, text: 'STOP', providerId: 's1' });
      const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'service', text: c.text });
      if (!plan.lint.ok) console.log(c.text, JSON.stringify(plan.lint.errors), plan.purpose, plan.promotional);
      else await t.call('campaign.send', { batch: plan.batch, providers: ['gw'], wait: true });
      if (provider.recipients().length) leaked.push(`${c.pack}: "${c.text}" planned as ${plan.purpose} (promotional ${plan.promotional})`);
    } finally {
      t.cleanup();
    }
  }
  expect(leaked).toEqual([]);
});
