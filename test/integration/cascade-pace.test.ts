import { describe, expect, it } from 'vitest';
import { scopedBackend, TestClock } from '../support/backend';
import { ScriptedProvider } from '../support/scripted-provider';
import { grantPaper, russianShop } from '../support/shop';

// A cascade campaign paces each recipient for the provider it expects (WhatsApp first); when the gate then chooses the
// other channel, that provider's pace applies too. The wait for it must come before the recipient is marked: a STOP
// arriving while it waits stops the message.

const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';
const DAY = 86_400_000;
const R = ['+79120000001', '+79120000002', '+79120000003'];

describe('a cascade recipient the gate moves to SMS', () => {
  it('waits for the SMS provider’s slot before it is marked: a STOP during that wait stops its message', async () => {
    const wa = new ScriptedProvider(['whatsapp'], () => ({ kind: 'accepted', providerMessageId: null }), 1);
    const sms = new ScriptedProvider(['sms'], () => ({ kind: 'accepted', providerMessageId: null }), 0.1);
    const clock = new TestClock(Date.parse('2025-01-10T09:00:00Z'));
    let tightened = false;
    let stoppedWhileWaiting = false;
    // Recipients marked `sending` while the run sleeps for a pace: none may be (one worker; its answers are recorded first).
    const markedWhileAsleep: string[] = [];
    const shop: { t?: ReturnType<typeof scopedBackend> } = {};
    const sleep = async (ms: number) => {
      clock.advance(Math.max(1, ms));
      markedWhileAsleep.push(...shop.t!.backend.db.prepare<[], string>("SELECT phone FROM outbox WHERE status = 'sending'").pluck().all());
      // At the run's first pace (the queue is made: every recipient expected on WhatsApp), the shop shortens the maximum
      // consent age to a year: from then on the gate moves everyone to SMS, whose provider takes one message in 10 s.
      if (!tightened) {
        tightened = true;
        await shop.t!.call('settings.update', { policyOverrides: { maxConsentAgeDays: 365 } });
        return;
      }
      // The third recipient's wait for the SMS provider's slot (the first went by WhatsApp, the second by SMS).
      if (ms > 5000 && wa.calls.length + sms.calls.length === 2 && !stoppedWhileWaiting) {
        stoppedWhileWaiting = true;
        await shop.t!.call('inbound.receive', { from: R[2]!, text: 'СТОП' });
      }
    };
    const t = scopedBackend({ adapterFactory: (c) => (c.name === 'wa' ? wa : sms), sleep }, clock);
    shop.t = t;
    const { form } = await russianShop(t);
    await t.call('providers.save', { name: 'wa', kind: 'webhook', options: { url: 'https://example.invalid/wa' } });
    await t.call('providers.save', { name: 'sm', kind: 'webhook', options: { url: 'https://example.invalid/sm' } });
    // WhatsApp consents 400 days old, SMS consents new; the plan sends all three by WhatsApp.
    for (const p of R) await grantPaper(t.call, p, 'whatsapp', form);
    clock.advance(400 * DAY);
    for (const p of R) await grantPaper(t.call, p, 'sms', form);
    const plan = await t.call('campaign.plan', { channel: 'cascade', purpose: 'marketing', text: TEXT });
    expect(plan.byChannel).toEqual({ whatsapp: 3, sms: 0 });
    await t.call('campaign.send', { batch: plan.batch, providers: ['wa', 'sm'], wait: true, maxWaitSeconds: 600 });

    expect(markedWhileAsleep).toEqual([]);
    expect(stoppedWhileWaiting).toBe(true);
    expect(wa.recipients()).toEqual([R[0]]);
    expect(sms.recipients()).toEqual([R[1]]);
    const skipped = await t.call('campaign.recipients', { batch: plan.batch, statuses: ['skipped'], limit: 10 });
    expect(skipped.recipients.map((r) => [r.phone, r.reason])).toEqual([[R[2], 'revoked']]);
  });
});
