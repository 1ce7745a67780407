// Found by a black-box round (failed before the fix): campaign.send with sync (the default) is documented to "fetch replies and opt-outs from the providers right
// before the first hand-off ... so a STOP that reached a provider is honoured first" (shared/contract/campaigns.ts,
// README "every campaign syncs right before it starts handing off"). When any sync ran less than a minute earlier (the
// app's 5-minute timer, Sync now, the previous campaign), the pre-send sync is skipped (ProviderSync.ensureFresh's
// 60 s freshness), and a STOP that reached Twilio in between is not in the register when that person's message goes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { scopedBackend, TestClock } from '../support/backend';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-providers/twilio';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'adv-blackbox-token';
const FROM = '+447700900000';
const clock = new TestClock(Date.parse('2026-03-03T10:00:00Z'));
let tw: FakeTwilio;
beforeAll(async () => {
  tw = await startFakeTwilio({ accountSid: SID, authToken: TOKEN, now: () => clock.now() });
});
afterAll(() => tw.close());

it('a STOP that reached the provider 15 s before the campaign starts is honoured before the first hand-off', async () => {
  const t = scopedBackend({ providerTimeoutMs: 2000, syncDeadlineMs: 10_000, sleep: async (ms) => clock.advance(Math.max(1, ms)) }, clock);
  await t.call('settings.update', {
    businessName: 'Corner Shop',
    senderName: 'CORNER',
    defaultCountry: 'GB',
    timezone: 'Europe/London',
    policyPack: 'uk',
  });
  const f = await t.call('forms.create', {
    language: 'en',
    channels: ['sms'],
    purposes: ['marketing'],
    body: 'I agree to receive offers from Corner Shop by SMS. Reply STOP to opt out.',
  });
  await t.call('providers.save', {
    name: 'tw',
    kind: 'twilio',
    options: { accountSid: SID, from: FROM, baseUrl: tw.url },
    secrets: { authToken: TOKEN },
  });
  const A = '+447911123001';
  const B = '+447911123002';
  tw.addInbound({ from: A, to: FROM, body: `START ${f.code}`, at: clock.now() - 3_600_000 });
  tw.addInbound({ from: B, to: FROM, body: `START ${f.code}`, at: clock.now() - 3_600_000 });
  await t.call('providers.sync', {}); // 10:00:00 — a sync (Sync now, or the app's timer)
  clock.advance(15_000);
  tw.addInbound({ from: A, to: FROM, body: 'STOP', at: clock.now() }); // 10:00:15 — A texts STOP
  clock.advance(15_000);
  const plan = await t.call('campaign.plan', {
    channel: 'sms',
    purpose: 'marketing',
    text: 'Corner Shop: 10% off bakery this week. Reply STOP to opt out',
  });
  await t.call('campaign.send', { batch: plan.batch, providers: ['tw'], wait: true }); // 10:00:30, sync: true (default)
  const sentTo = tw.messages.filter((m) => m.direction === 'outbound-api').map((m) => m.to);
  expect(sentTo).toEqual([B]);
});
