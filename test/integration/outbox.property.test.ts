import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { testBackend, TestClock, type Caller } from '../support/backend';
import { ScriptedProvider } from '../support/scripted-provider';
import { russianShop } from '../support/shop';
import type { SendOutcome } from '../../electron/core/sending/providers/types';
import { idempotencyKey } from '../../electron/core/sending/keys';

const RUNS = Number(process.env.OUTBOX_RUNS ?? (process.env.CI ? 25 : 60));
const PHONES = ['+79120000001', '+79120000002', '+79120000003', '+79120000004', '+79120000005', '+12025550123'];
const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';

type Change =
  | { kind: 'grant' | 'revoke' | 'request' | 'claim'; phone: number; channel: 'sms' | 'whatsapp'; purpose: 'marketing' | 'personal_data' }
  | { kind: 'stop'; phone: number; channel: 'sms' | 'whatsapp' }
  | { kind: 'complain'; phone: number }
  // The shop shortens (or lifts) its maximum consent age; days go by.
  | { kind: 'age'; days: number | null }
  | { kind: 'later'; days: number };

const arbChange: fc.Arbitrary<Change> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constantFrom('grant' as const, 'revoke' as const, 'request' as const, 'claim' as const),
      phone: fc.nat(PHONES.length - 1),
      channel: fc.constantFrom('sms' as const, 'whatsapp' as const),
      purpose: fc.constantFrom('marketing' as const, 'personal_data' as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('stop' as const),
      phone: fc.nat(PHONES.length - 1),
      channel: fc.constantFrom('sms' as const, 'whatsapp' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('complain' as const), phone: fc.nat(PHONES.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('later' as const), days: fc.constantFrom(1, 20, 200) }) },
);

/**
 * Before the plan the shop may also change its maximum consent age. (Not while the batch goes out: the check below
 * reads each hand-off under the settings as they end, which a later tightening would make stricter than they were.)
 */
const arbBefore: fc.Arbitrary<Change> = fc.oneof(
  { weight: 8, arbitrary: arbChange },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('age' as const), days: fc.constantFrom(1, 30, 365, null) }) },
);

const arbOutcome: fc.Arbitrary<SendOutcome> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<SendOutcome>({ kind: 'accepted', providerMessageId: null }) },
  { weight: 1, arbitrary: fc.constant<SendOutcome>({ kind: 'retry', code: '429', message: 'slow down', maybeDelivered: false, afterMs: 500 }) },
  { weight: 1, arbitrary: fc.constant<SendOutcome>({ kind: 'retry', code: 'timeout', message: 'no answer', maybeDelivered: true }) },
  { weight: 1, arbitrary: fc.constant<SendOutcome>({ kind: 'refused', code: '21610', message: 'opted out', action: 'opted_out' }) },
  { weight: 1, arbitrary: fc.constant<SendOutcome>({ kind: 'refused', code: '131026', message: 'unreachable', action: 'unreachable' }) },
  { weight: 1, arbitrary: fc.constant<SendOutcome>({ kind: 'refused', code: '21614', message: 'landline', action: 'invalid_number' }) },
);

async function apply(call: Caller, c: Change, form: number, clock: TestClock): Promise<void> {
  if (c.kind === 'age') {
    await call('settings.update', { policyOverrides: c.days === null ? {} : { maxConsentAgeDays: c.days } });
    return;
  }
  if (c.kind === 'later') {
    clock.advance(c.days * 86_400_000);
    return;
  }
  const phone = PHONES[c.phone]!;
  if (c.kind === 'stop') await call('inbound.receive', { from: phone, text: 'СТОП', channel: c.channel });
  else if (c.kind === 'complain') await call('complaints.record', { phone, note: 'жалоба' });
  else
    await call('consent.record', {
      phone,
      channel: c.channel,
      purpose: c.purpose,
      action: c.kind,
      ...(c.kind === 'revoke' ? {} : { method: c.kind === 'claim' ? 'import' : 'paper_form' }),
      evidence: c.kind === 'claim' ? { source: 'CRM' } : { formVersionId: form, sheetRef: 'S-000001' },
    });
}

describe('outbox properties', () => {
  it('no message is handed to anyone whose consent for that channel and purpose was not in force at that moment, nobody gets one twice', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbBefore, { maxLength: 25 }),
        fc.constantFrom('sms' as const, 'whatsapp' as const, 'cascade' as const),
        fc.array(arbChange, { maxLength: 10 }),
        fc.array(arbOutcome, { minLength: 1, maxLength: 12 }),
        async (history, channel, during, outcomes) => {
          const clock = new TestClock(Date.parse('2026-03-02T09:00:00Z'));
          let turn = 0;
          const provider = new ScriptedProvider(['sms', 'whatsapp'], () => outcomes[turn++ % outcomes.length]!);
          const t = testBackend(clock, { adapterFactory: () => provider, sleep: async (ms) => clock.advance(Math.max(1, ms)) });
          try {
            const form = (await russianShop(t, { provider: true })).form.id;
            for (const phone of PHONES) await t.call('contacts.add', { phone });
            // The maximum consent age the shop set last (none: the ru pack's own 1,095 days, beyond these histories).
            let age: number | null = null;
            for (const c of history) {
              if (c.kind === 'age') age = c.days;
              await apply(t.call, c, form, clock);
              clock.advance(1000);
            }
            const p = await t.call('campaign.plan', { channel, purpose: 'marketing', text: TEXT });
            // The register keeps changing while the batch goes out.
            const pending = [...during];
            provider.beforeAnswer = async () => {
              const c = pending.shift();
              if (!c) return;
              clock.advance(1);
              await apply(t.call, c, form, clock);
            };
            for (const c of pending.splice(0, 2)) await apply(t.call, c, form, clock);
            clock.advance(1);
            await t.call('campaign.send', { batch: p.batch, providers: ['gw'], wait: true, maxWaitSeconds: 3600 });

            expect(provider.duplicates).toBe(0);
            // Every message that reached the provider: consent in force at the moment it was handed over.
            const handed = await t.call('campaign.recipients', {
              batch: p.batch,
              statuses: ['sending', 'sent', 'delivered', 'read', 'failed', 'undeliverable', 'unknown'],
              limit: 1000,
            });
            for (const r of handed.recipients) {
              const detail = await t.call('campaign.recipient', { id: r.id });
              const sending = detail.history.find((h) => h.step === r.step && h.status === 'sending');
              if (!sending) continue; // refused before any hand-off (never marked)
              const at = sending.at;
              const status = await t.call('consent.status', { phone: r.phone, at, knownAt: at });
              const cell = status.consents.find((c) => c.channel === r.channel && c.purpose === 'marketing')!;
              // The provider's opt-out answer to this very message (21610…) may be recorded in the millisecond it was
              // handed over: then what counts is the register just before it, with nothing else at that instant.
              const sameInstant = (await t.call('contacts.get', { phone: r.phone })).timeline.filter(
                (e) => Date.parse(e.recordedAt) === Date.parse(at) || Date.parse(e.occurredAt) === Date.parse(at),
              );
              // Likewise the provider's "not a mobile number" answer to this very message flags the number in that
              // millisecond (the test clock stands still while a batch goes out).
              const flaggedByItsAnswer = r.status === 'undeliverable' && cell.blockedBy === 'invalid_number';
              if (!cell.sendable && (sameInstant.length > 0 || flaggedByItsAnswer)) {
                // The note names the campaign by key (note.batch), for the reader's language.
                const ofThisBatch = (note: unknown) => {
                  const said =
                    typeof note === 'string' && note.startsWith('{') ? (JSON.parse(note) as { key?: string; params?: { batch?: number } }) : null;
                  return said?.key === 'note.batch' && said.params?.batch === p.batch;
                };
                expect(sameInstant.every((e) => e.action === 'revoke' && e.method === 'provider_feedback' && ofThisBatch(e.evidence.note))).toBe(
                  true,
                );
                const before = new Date(Date.parse(at) - 1).toISOString();
                const then = await t.call('consent.status', { phone: r.phone, at: before, knownAt: before });
                const was = then.consents.find((c) => c.channel === r.channel && c.purpose === 'marketing')!;
                expect(was.sendable, `${r.phone} ${r.channel} just before ${at}`).toBe(true);
              } else expect(cell.sendable, `${r.phone} ${r.channel} at ${at}`).toBe(true);
              // Seen from outside the fold: some yes for this channel, younger than the maximum age, came before it.
              if (age !== null) {
                const timeline = (await t.call('contacts.get', { phone: r.phone })).timeline;
                const young = timeline.filter(
                  (e) =>
                    e.channel === r.channel &&
                    e.purpose === 'marketing' &&
                    (e.action === 'grant' || e.action === 'confirm') &&
                    Date.parse(e.occurredAt) <= Date.parse(at) &&
                    Date.parse(at) - Date.parse(e.occurredAt) < age * 86_400_000,
                );
                expect(young.length, `${r.phone} ${r.channel} at ${at}: no yes within ${age} days`).toBeGreaterThan(0);
              }
              expect(detail.proof?.channel).toBe(r.channel);
              if (r.channel === 'whatsapp') expect(r.phone.startsWith('+1')).toBe(false);
            }
            // And each message the provider took belongs to a recipient marked as handed off.
            const batch = t.backend.ctx.batches.get(p.batch)!;
            const keys = new Set(handed.recipients.map((r) => idempotencyKey(t.backend.ctx, batch, r.id)));
            for (const k of provider.taken.keys()) expect(keys.has(k)).toBe(true);
          } finally {
            t.cleanup();
          }
        },
      ),
      { numRuns: RUNS, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}) },
    );
  }, 120_000);
});
