import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Channel } from '../../shared/domain/consent/types';
import { scopedBackend } from '../support/backend';

const HOUR = 3_600_000;
const EXPIRY_HOURS = 48; // the de pack's pendingExpiryHours

/** What a customer (or time) does: a START with the form code, a YES, a STOP, or hours passing. */
const arbStep = fc.oneof(
  fc.record({ kind: fc.constant('start' as const), channel: fc.constantFrom<Channel>('sms', 'whatsapp') }),
  fc.record({ kind: fc.constant('yes' as const), channel: fc.constantFrom<Channel>('sms', 'whatsapp') }),
  fc.record({ kind: fc.constant('stop' as const), channel: fc.constantFrom<Channel>('sms', 'whatsapp') }),
  fc.record({ kind: fc.constant('wait' as const), hours: fc.integer({ min: 1, max: 60 }) }),
);
type Step = typeof arbStep extends fc.Arbitrary<infer T> ? T : never;

/** The double opt-in rules as a tiny model, per channel. */
type Model = { status: 'none' | 'pending' | 'granted' | 'revoked'; expiresAt: number };

describe('double opt-in state machine (property)', () => {
  it('only a YES to an unexpired request grants; STOP always wins; the queue never holds a message for someone who said STOP or confirmed', async () => {
    const t = scopedBackend();
    await t.call('settings.update', {
      businessName: 'Laden',
      senderName: 'Laden',
      shopPhone: '+49 30 901820',
      defaultCountry: 'DE',
      policyPack: 'de',
    });
    const form = await t.call('forms.create', {
      language: 'en',
      channels: ['sms', 'whatsapp'],
      purposes: ['marketing'],
      body: 'I agree to receive offers from Laden. Reply STOP to opt out.',
    });
    let customer = 0;

    await fc.assert(
      fc.asyncProperty(fc.array(arbStep, { minLength: 1, maxLength: 14 }), async (steps: Step[]) => {
        const phone = `+491512${String(1_000_000 + ++customer)}`;
        const model: Record<Channel, Model> = { sms: { status: 'none', expiresAt: 0 }, whatsapp: { status: 'none', expiresAt: 0 } };
        const live = (m: Model, now: number) => (m.status === 'pending' && m.expiresAt <= now ? 'expired' : m.status);

        for (const step of steps) {
          const now = t.clock.now();
          if (step.kind === 'wait') {
            t.clock.advance(step.hours * HOUR);
            continue;
          }
          t.clock.advance(1000);
          const text = step.kind === 'start' ? `START ${form.code}` : step.kind === 'yes' ? 'Yes' : 'STOP';
          await t.call('inbound.receive', { from: phone, channel: step.channel, text });
          const m = model[step.channel];
          if (step.kind === 'start' && m.status !== 'granted')
            model[step.channel] = { status: 'pending', expiresAt: t.clock.now() + EXPIRY_HOURS * HOUR };
          if (step.kind === 'yes' && live(m, now) === 'pending') model[step.channel] = { status: 'granted', expiresAt: 0 };
          // The de pack withdraws all marketing on any STOP.
          if (step.kind === 'stop') for (const c of ['sms', 'whatsapp'] as const) model[c] = { status: 'revoked', expiresAt: 0 };
        }

        const now = t.clock.now();
        const status = await t.call('consent.status', { phone });
        const queue = (await t.call('confirmations.list', { limit: 500 })).confirmations.filter((c) => c.phone === phone);
        for (const channel of ['sms', 'whatsapp'] as const) {
          const cell = status.consents.find((c) => c.channel === channel && c.purpose === 'marketing');
          const expected = live(model[channel], now);
          expect(cell?.status === 'none' ? 'none' : cell?.status).toBe(expected);
          expect(cell?.sendable).toBe(expected === 'granted');
          const waiting = queue.filter((c) => c.channel === channel && c.state === 'queued');
          // Nothing waits to go to someone who said STOP or has confirmed already.
          if (expected === 'revoked' || expected === 'granted') expect(waiting).toEqual([]);
          // At most one live request message per channel.
          expect(waiting.filter((c) => Date.parse(c.expiresAt) > now).length).toBeLessThanOrEqual(1);
          if (expected === 'pending') expect(waiting.length).toBe(1);
        }
      }),
      { numRuns: process.env.CI ? 60 : 150 },
    );
  });
});
