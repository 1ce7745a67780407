import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testBackend, TestClock, type Caller } from '../support/backend';
import { ScriptedProvider } from '../support/scripted-provider';

// The promise as properties (issue #14, points 2 and 3). Small in CI; `PROMISE_RUNS=2000 npx vitest run
// test/integration/promise.property.test.ts` runs them at full strength by hand.
const RUNS = Number(process.env.PROMISE_RUNS ?? (process.env.CI ? 150 : 100));
/** Full-strength runs take minutes; the default 60 s is for the CI size. */
const TIMEOUT = Math.max(60_000, RUNS * 600);

const PHONES = ['+79120000001', '+79120000002', '+79120000003'] as const;
const MIN = 60_000;
const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';

type Step =
  | { kind: 'grant'; who: number; channel: 'sms' | 'whatsapp'; offsetMs: number; pd: boolean }
  | { kind: 'stop'; who: number }
  | { kind: 'revoke_pd'; who: number }
  | { kind: 'complaint'; who: number }
  | { kind: 'claim'; who: number }
  | { kind: 'wait'; ms: number }
  /** The computer's clock set back (a fast clock corrected by Windows, a time zone fixed). */
  | { kind: 'clock_back'; ms: number };

/** Entries dated in the past (backdated, out of order) or slightly ahead (a fast tablet clock, within 5 minutes). */
const arbStep: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('grant' as const),
      who: fc.integer({ min: 0, max: 2 }),
      channel: fc.constantFrom('sms' as const, 'whatsapp' as const),
      offsetMs: fc.oneof(fc.integer({ min: -3 * 24 * 60 * MIN, max: 0 }), fc.integer({ min: 0, max: 5 * MIN - 1 })),
      pd: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('stop' as const), who: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('revoke_pd' as const), who: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('complaint' as const), who: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('claim' as const), who: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 10 * MIN }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clock_back' as const), ms: fc.integer({ min: 1, max: 30 * MIN }) }) },
);

async function shop(clock: TestClock, provider: ScriptedProvider) {
  const t = testBackend(clock, { adapterFactory: () => provider, sleep: async (ms) => clock.advance(Math.max(1, ms)) });
  await t.call('settings.update', {
    businessName: 'Лавка у дома',
    senderName: 'LAVKA',
    defaultCountry: 'RU',
    timezone: 'Europe/Moscow',
    policyPack: 'ru',
  });
  const form = await t.call('forms.create', {
    language: 'ru',
    channels: ['sms', 'whatsapp'],
    purposes: ['marketing', 'personal_data'],
    body: 'Согласен получать акции «Лавка у дома» по SMS и WhatsApp. Отписка: СТОП.',
  });
  await t.call('providers.save', { name: 'gw', kind: 'webhook', options: { url: 'https://example.invalid/hook' } });
  return { t, form: form.id };
}

async function apply(call: Caller, clock: TestClock, form: number, s: Step): Promise<void> {
  const phone = s.kind === 'wait' || s.kind === 'clock_back' ? '' : PHONES[s.who]!;
  switch (s.kind) {
    case 'grant':
      for (const purpose of s.pd ? (['marketing', 'personal_data'] as const) : (['marketing'] as const))
        await call('consent.record', {
          phone,
          channel: s.channel,
          purpose,
          action: 'grant',
          method: 'paper_form',
          evidence: { formVersionId: form, sheetRef: 'S-000001' },
          occurredAt: new Date(clock.now() + s.offsetMs).toISOString(),
        });
      break;
    case 'stop': {
      await call('inbound.receive', { from: phone, text: 'СТОП' });
      // An opt-out wins at once, whatever the clock did before it.
      const now = await call('consent.status', { phone });
      expect(now.consents.filter((c) => c.purpose === 'marketing').map((c) => [c.channel, c.sendable])).toEqual([
        ['whatsapp', false],
        ['sms', false],
      ]);
      break;
    }
    case 'revoke_pd':
      await call('consent.record', { phone, channel: 'sms', purpose: 'personal_data', action: 'revoke' });
      break;
    case 'complaint':
      // A complaint is recorded against a customer on file; about an unknown number it is refused (NOT_FOUND).
      await call('complaints.record', { phone, note: 'жалоба' }).catch((e: { apiError?: { code: string } }) => {
        if (e.apiError?.code !== 'NOT_FOUND') throw e;
      });
      break;
    case 'claim':
      await call('consent.record', { phone, channel: 'sms', purpose: 'marketing', action: 'claim', method: 'import', evidence: { source: 'CRM' } });
      break;
    case 'wait':
      clock.advance(s.ms);
      break;
    case 'clock_back':
      clock.advance(-s.ms);
      break;
  }
  clock.advance(3);
}

describe('the promise, as properties', () => {
  it(
    'for random backdated, out-of-order and slightly future-dated histories, the projection, status --at now, the plan and the hand-off agree',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(arbStep, { minLength: 1, maxLength: 14 }), async (steps) => {
          const clock = new TestClock(Date.parse('2026-03-02T09:45:00.010Z'));
          const provider = new ScriptedProvider(['sms']);
          const { t, form } = await shop(clock, provider);
          try {
            for (const s of steps) await apply(t.call, clock, form, s);
            const sendableNow = new Set<string>();
            for (const phone of PHONES) {
              // "Now" as the register answers it: the clock, or the newest event's time if the clock was set back since.
              const status = await t.call('consent.status', { phone });
              const cell = status.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;
              // The contact page answers from the projection; status --at now folds the events: they agree.
              const page = await t.call('contacts.get', { phone }).catch(() => null);
              if (page) expect(page.consents.find((c) => c.channel === 'sms' && c.purpose === 'marketing')).toEqual(cell);
              if (cell.sendable) sendableNow.add(phone);
            }
            const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
            const eligible = await t.call('campaign.audience', { batch: plan.batch, reason: 'eligible', limit: 10 });
            expect(new Set(eligible.people.map((p) => p.phone))).toEqual(sendableNow);
            await t.call('campaign.send', { batch: plan.batch, providers: ['gw'], wait: true });
            expect(new Set(provider.recipients())).toEqual(sendableNow);
            expect((await t.call('audit.verify', {})).ok).toBe(true);
            // The list's last consent change is each contact's latest 'since', whatever order the events came in.
            const ro = new Database(t.dbPath, { readonly: true });
            try {
              const off =
                'SELECT count(*) FROM contacts c WHERE consent_changed_at IS NOT coalesce((SELECT max(since) FROM consent_state WHERE contact_id = c.id), 0)';
              expect(ro.prepare(off).pluck().get()).toBe(0);
            } finally {
              ro.close();
            }
          } finally {
            t.cleanup();
          }
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'a STOP, complaint, personal-data withdrawal or shorter maximum consent age injected at any step of a send, at 1, 8 and 50 msg/s, stops every later message to that person',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            rate: fc.constantFrom(1, 8, 50),
            people: fc.integer({ min: 2, max: 12 }),
            // -1: between the plan and the send; k ≥ 0: while the k-th request is in flight.
            at: fc.integer({ min: -1, max: 11 }),
            who: fc.integer({ min: 0, max: 11 }),
            kind: fc.constantFrom('stop' as const, 'complaint' as const, 'revoke_pd' as const, 'tighten' as const),
            retry: fc.boolean(),
          }),
          async ({ rate, people, at, who, kind, retry }) => {
            const clock = new TestClock(Date.parse('2026-03-02T09:45:00.010Z'));
            const provider = new ScriptedProvider(
              ['sms'],
              (_m, attempt) =>
                retry && attempt === 1
                  ? { kind: 'retry', code: '503', message: 'busy', maybeDelivered: false, afterMs: 1000 }
                  : { kind: 'accepted', providerMessageId: null },
              rate,
            );
            const { t, form } = await shop(clock, provider);
            try {
              const phones = Array.from({ length: people }, (_, i) => `+791200001${String(i).padStart(2, '0')}`);
              const target = phones[who % people]!;
              // The target signed 400 days ago: within the ru pack's 1,095 days, beyond the 365 that 'tighten' sets.
              const signed = new Date(clock.now() - 400 * 86_400_000).toISOString();
              for (const phone of phones)
                for (const purpose of ['marketing', 'personal_data'] as const)
                  await t.call('consent.record', {
                    phone,
                    channel: 'sms',
                    purpose,
                    action: 'grant',
                    method: 'paper_form',
                    evidence: { formVersionId: form, sheetRef: 'S-000002' },
                    ...(phone === target ? { occurredAt: signed } : {}),
                  });
              const withdraw = async () => {
                if (kind === 'stop') await t.call('inbound.receive', { from: target, text: 'СТОП' });
                else if (kind === 'complaint') await t.call('complaints.record', { phone: target, note: 'спам' });
                else if (kind === 'tighten') await t.call('settings.update', { policyOverrides: { maxConsentAgeDays: 365 } });
                else await t.call('consent.record', { phone: target, channel: 'sms', purpose: 'personal_data', action: 'revoke' });
              };
              const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
              let withdrawnAfterCall = Number.POSITIVE_INFINITY;
              if (at < 0) {
                await withdraw();
                withdrawnAfterCall = 0;
              } else
                provider.beforeAnswer = async () => {
                  if (provider.calls.length === at + 1 && withdrawnAfterCall === Number.POSITIVE_INFINITY) {
                    await withdraw();
                    withdrawnAfterCall = provider.calls.length;
                  }
                };
              await t.call('campaign.send', { batch: plan.batch, providers: ['gw'], wait: true });
              // Every request that left after the withdrawal was committed went to someone else.
              const later = provider.calls.slice(withdrawnAfterCall);
              expect(later.map((m) => m.to)).not.toContain(target);
              expect(provider.duplicates).toBe(0);
            } finally {
              t.cleanup();
            }
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});
