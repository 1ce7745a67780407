import { describe, expect, it } from 'vitest';
import { scopedBackend, TestClock } from '../support/backend';
import { ScriptedProvider } from '../support/scripted-provider';
import { grantPaper, russianShop } from '../support/shop';

/**
 * Issue #17 item 9: a provider outage showed «отправляется…» for minutes with no explanation. The campaign's progress
 * says why it waits: how many are retrying, the provider's last answer, and when the next try is.
 */
describe('campaign progress while the provider is down', () => {
  it('names the retrying messages, the provider’s last answer and the next try; nothing once they went', async () => {
    let down = true;
    const provider = new ScriptedProvider(['sms'], () =>
      down
        ? { kind: 'retry', code: '503', message: 'Service Unavailable: maintenance until 14:00', maybeDelivered: false, afterMs: 60_000 }
        : { kind: 'accepted', providerMessageId: null },
    );
    const clock = new TestClock(Date.parse('2026-03-02T09:00:00Z'));
    const t = scopedBackend({ adapterFactory: () => provider, sleep: async (ms) => clock.advance(Math.max(1, ms)) }, clock);
    const { form } = await russianShop(t, { provider: true });
    await grantPaper(t.call, '+79120000001', 'sms', form);
    await grantPaper(t.call, '+79120000002', 'sms', form);
    const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: 'Лавка у дома: скидка 10%. Отписаться: ответьте СТОП' });

    const waiting = await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true, maxWaitSeconds: 1 });
    expect(waiting).toMatchObject({ state: 'sending', pending: 2, sent: 0, paused: null });
    const progress = await t.call('campaign.progress', { batch: p.batch });
    expect(progress.retrying).not.toBeNull();
    const r = progress.retrying!;
    expect(r.count).toBe(2);
    expect(r.attempts).toBeGreaterThanOrEqual(1);
    expect(r.answer?.said.key).toBe('outbox.retry');
    expect(r.answer?.reason).toContain('503');
    expect(r.answer?.reason).toContain('maintenance until 14:00');
    expect(Date.parse(r.nextAttemptAt)).toBeGreaterThan(clock.now());
    expect(Date.parse(r.answer!.at)).toBeLessThanOrEqual(clock.now());

    // The provider is back: once both went, there is nothing to explain.
    down = false;
    clock.advance(10 * 60 * 1000);
    const done = await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true });
    expect(done).toMatchObject({ state: 'done', sent: 2, retrying: null });
  });

  it('a campaign that is simply sending has nothing retrying', async () => {
    const provider = new ScriptedProvider(['sms']);
    const t = scopedBackend({ adapterFactory: () => provider });
    const { form } = await russianShop(t, { provider: true });
    await grantPaper(t.call, '+79120000001', 'sms', form);
    const p = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: 'Лавка у дома: скидка 10%. Отписаться: ответьте СТОП' });
    expect((await t.call('campaign.progress', { batch: p.batch })).retrying).toBeNull();
    expect(await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true })).toMatchObject({ sent: 1, retrying: null });
  });
});
