import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopedBackend, TestClock } from '../support/backend';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-providers/twilio';
import { grantPaper, russianShop } from '../support/shop';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'twilio-pool-token';
const MG = `MG${'0123456789abcdef'.repeat(2)}`;
const POOL_NUMBER = '+15005550007'; // a number of the Messaging Service's sender pool
const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';

const clock = new TestClock(Date.parse('2026-03-02T09:00:00Z'));
let twilio: FakeTwilio;
beforeAll(async () => {
  twilio = await startFakeTwilio({ accountSid: SID, authToken: TOKEN, now: () => clock.now() });
});
afterAll(() => twilio.close());

async function shop(options: Record<string, string>) {
  twilio.reset();
  const t = scopedBackend({ providerTimeoutMs: 800, syncDeadlineMs: 5_000, sleep: async (ms) => clock.advance(Math.max(1, ms)) }, clock);
  const { form } = await russianShop(t);
  await t.call('providers.save', {
    name: 'tw',
    kind: 'twilio',
    options: { accountSid: SID, baseUrl: twilio.url, ...options },
    secrets: { authToken: TOKEN },
  });
  return { ...t, form: form!.id };
}

describe('Twilio replies that never come back by sync', () => {
  for (const [label, options, to] of [
    ['a Messaging Service (no from)', { messagingServiceSid: MG }, POOL_NUMBER],
    ['a short code as from', { from: '55555' }, '55555'],
    ['a Messaging Service with from set too (reply to another pool number)', { messagingServiceSid: MG, from: '+15005550006' }, POOL_NUMBER],
  ] as const) {
    it(`an opt-out replied to ${label} stops the next campaign`, async () => {
      const t = await shop(options);
      await grantPaper(t.call, '+79120000001', 'sms', t.form);
      // Not one of Twilio's exact keywords, so Twilio itself does not block the number: only the app can honour it.
      twilio.addInbound({ from: '+79120000001', to, body: 'Please stop texting me' });
      clock.advance(60_000);
      const synced = await t.call('providers.sync', { provider: 'tw' });
      expect(synced.providers[0]).toMatchObject({ optOuts: 1, error: null });
      const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
      await t.call('campaign.send', { batch: p.batch, providers: ['tw'], wait: true });
      const handed = twilio.messages.filter((m) => m.direction === 'outbound-api' && m.to === '+79120000001');
      expect(handed).toHaveLength(0);
    });
  }
});
