import { describe, expect, it } from 'vitest';
import { scopedBackend, TestClock } from '../support/backend';
import { ScriptedProvider } from '../support/scripted-provider';
import { grantPaper, russianShop } from '../support/shop';

const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';
const START = Date.parse('2026-03-02T09:00:00Z');

describe('cascade: a WhatsApp opt-out reported by the delivery status', () => {
  it('is recorded and no SMS fallback follows (Twilio 63014 on the WhatsApp step, failure reported between two polls)', async () => {
    // A Twilio-like provider carrying both channels. The WhatsApp message is accepted; its status reads "on its way"
    // at the first poll and "failed 63014" (blocked by user action / opted out) from 90 s after the hand-off.
    const provider = new ScriptedProvider(['sms', 'whatsapp']);
    const clock = new TestClock(START);
    const times: number[] = [];
    provider.statusAnswer = () => {
      times.push(clock.now() - START);
      return clock.now() - START < 90_000 ? null : { status: 'failed', code: '63014', action: 'opted_out' };
    };
    // Real naps overrun by a few milliseconds (the work of each turn); the test clock does the same.
    const t = scopedBackend({ adapterFactory: () => provider, sleep: async (ms) => clock.advance(Math.max(1, ms) + 7) }, clock);
    const { form } = await russianShop(t, { provider: true });
    await grantPaper(t.call, '+79120000001', 'whatsapp', form!);
    await grantPaper(t.call, '+79120000001', 'sms', form!);
    const p = await t.call('campaign.plan', { channel: 'cascade', purpose: 'marketing', text: TEXT });
    await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true, fallbackAfterMinutes: 2, maxWaitSeconds: 600 });
    const status = await t.call('consent.status', { phone: '+79120000001' });
    const cell = (ch: string) => status.consents.find((c) => c.channel === ch && c.purpose === 'marketing')!.status;
    // The provider said this person opted out: it is in the register, and no SMS marketing follows it.
    expect(cell('whatsapp')).toBe('revoked');
    expect(provider.calls.map((m) => m.channel)).toEqual(['whatsapp']);
  });
});
