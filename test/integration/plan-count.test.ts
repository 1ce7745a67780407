import { describe, expect, it, onTestFinished } from 'vitest';
import fc from 'fast-check';
import { testBackend, type Caller } from '../support/backend';
import { audienceGroups, countPlan, countPlanPerMember, type PlanTarget } from '../../electron/core/campaigns/plan-count';
import { gateRules } from '../../electron/core/campaigns/plan';
import { Channels, ConsentStatuses, Purposes } from '../../shared/domain/consent/types';
import { getPolicyPack } from '../../shared/domain/policy/policy';
import type { ServiceContext } from '../../electron/core/context';

const DAY = 86_400_000;
const MIN = 60_000;
const HANDED = ['sending', 'sent', 'delivered', 'read', 'unknown'] as const;
const NOT_HANDED = ['queued', 'failed', 'undeliverable', 'skipped'] as const;

/** A time relative to the plan's instant: exactly around it, around the 90-day complaint cooldown, or anywhere. */
const arbOffset = fc.oneof(
  fc.constantFrom(-1, 0, 1, -DAY, DAY, -89 * DAY, -90 * DAY, -90 * DAY - 1, -90 * DAY + 1, -91 * DAY),
  fc.integer({ min: -400 * DAY, max: 400 * DAY }),
);

/** One projection cell, weighted towards what lets a message through, so that every later check gets reached. */
const arbCell = fc.record({
  status: fc.oneof({ arbitrary: fc.constant('granted' as const), weight: 6 }, { arbitrary: fc.constantFrom(...ConsentStatuses), weight: 3 }),
  since: arbOffset,
  expires: fc.oneof(
    { arbitrary: fc.constant(null), weight: 2 },
    { arbitrary: fc.constantFrom(-1, 0, 1), weight: 1 },
    { arbitrary: arbOffset, weight: 1 },
  ),
  event: fc.constantFrom(1, 1, 2, 2, 2, null),
});
const POSITIONS = Channels.flatMap((channel) => Purposes.map((purpose) => ({ channel, purpose })));

const arbContact = fc.record({
  country: fc.constantFrom('+1', '+1', '+7', '+44', '+49', '+12'),
  reach: fc.constantFrom('mobile', 'mobile', 'mobile', 'mobile', 'fixed_or_mobile', 'unknown', 'fixed_line', 'other'),
  tags: fc.subarray(['vip', 'new']),
  // Often none at all: a contact known only by number (an import without consent columns).
  cells: fc.oneof(
    fc.constant(POSITIONS.map(() => null)),
    fc.tuple(...POSITIONS.map(() => fc.option(arbCell, { nil: null }))),
    fc.tuple(...POSITIONS.map(() => fc.option(arbCell, { nil: null }))),
  ),
  complaint: fc.oneof({ arbitrary: fc.constant(null), weight: 5 }, { arbitrary: arbOffset, weight: 1 }),
  flagged: fc.constantFrom(false, false, false, false, false, false, false, false, false, true),
  // Hand-offs: how long before the plan, to whom (a marketing or a service batch), with what outcome.
  handoffs: fc.array(
    fc.record({
      ago: fc.oneof(fc.integer({ min: 0, max: 10 * DAY }), fc.constantFrom(0, 3 * DAY, 7 * DAY - 1, 7 * DAY, 7 * DAY + 1)),
      marketing: fc.constantFrom(true, true, true, false),
      status: fc.constantFrom(...HANDED, ...HANDED, ...NOT_HANDED),
    }),
    { maxLength: 5 },
  ),
});

const arbRegister = fc.record({
  pack: fc.constantFrom('ru' as const, 'eu' as const, 'us' as const, 'de' as const, 'uk' as const),
  capMessages: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
  quietHours: fc.constantFrom(true, true, false),
  // When the plan is for, after the test clock's now (09:00 UTC): some land in a pack's quiet hours.
  atAfter: fc.oneof(fc.constantFrom(0, DAY / 2, (DAY * 5) / 6), fc.integer({ min: 0, max: 3 * DAY })),
  contacts: fc.array(arbContact, { minLength: 1, maxLength: 30, size: 'medium' }),
});

const arbPlan = fc.record({
  channel: fc.constantFrom('sms' as const, 'whatsapp' as const, 'cascade' as const),
  purpose: fc.constantFrom('marketing' as const, 'service' as const),
  tags: fc.constantFrom([], ['vip'], ['vip', 'new'], ['nobody']),
});

type Register = typeof arbRegister extends fc.Arbitrary<infer T> ? T : never;

/** A register written straight into the tables, as a long-used one may be: every shape the projection can hold. */
async function registerOf(r: Register): Promise<{ ctx: ServiceContext; at: number; call: Caller; cleanup: () => void }> {
  const t = testBackend();
  const { ctx } = t.backend;
  const cap = getPolicyPack(r.pack).frequencyCap;
  await t.call('settings.update', {
    policyPack: r.pack,
    timezone: 'Europe/Moscow',
    policyOverrides: {
      ...(r.capMessages !== null && cap ? { frequencyCap: { messages: Math.min(r.capMessages, cap.messages), days: cap.days } } : {}),
      ...(r.quietHours && !getPolicyPack(r.pack).quietHours ? { quietHours: { start: '09:00', end: '20:00' } } : {}),
    },
  });
  const at = t.clock.now() + r.atAfter;
  const db = ctx.db;
  const contact = db.prepare(
    `INSERT INTO contacts (id, phone, national_number, name, tags, reach, other_phones, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, '[]', 0, 0)`,
  );
  const event = db.prepare(
    `INSERT INTO consent_events (id, uid, contact_id, phone, channel, purpose, action, method, occurred_at, recorded_at, recorded_by, policy_pack, prev_hash, hash)
     VALUES (?, ?, 1, '+70000000001', 'sms', 'marketing', 'grant', 'paper_form', 0, 0, 'Owner', 'ru', '', '')`,
  );
  const cell = db.prepare(
    'INSERT INTO consent_state (contact_id, channel, purpose, status, since, expires_at, last_event_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const complaint = db.prepare(`INSERT INTO complaints (contact_id, note, at, recorded_by) VALUES (?, '', ?, 'Owner')`);
  const flag = db.prepare(`INSERT INTO number_flags (phone, reason, code, provider, flagged_at) VALUES (?, 'invalid', '21211', 'test', 0)`);
  const batch = db.prepare(
    `INSERT INTO batches (id, name, channel, purpose, text, audience, planned_at, created_at, created_by, lint_ok, lint, counts, state)
     VALUES (?, 'earlier', 'sms', ?, 'x', '{"tags":[]}', 0, 0, 'Owner', 1, '{}', '{}', 'done')`,
  );
  const handoff = db.prepare(
    `INSERT INTO outbox (batch_id, contact_id, step, channel, phone, status, proof_event_id, due_at, sending_at, updated_at)
     VALUES (?, ?, 0, 'sms', ?, ?, 1, 0, ?, 0)`,
  );
  // Ids on both sides of the slices the register is read in (65,536 ids each, from the lowest).
  const ids = [65_536, 65_537, 131_072, 131_073, 2, 3, 196_608, 196_609, 65_535];
  db.transaction(() => {
    contact.run(1, '+70000000001', '0000000001', 'Owner', '[]', 'mobile');
    event.run(1, 'e1');
    event.run(2, 'e2');
    for (let b = 1; b <= 5; b++) {
      batch.run(b, 'marketing');
      batch.run(10 + b, 'service');
    }
    r.contacts.forEach((c, i) => {
      const id = ids[i] ?? 1_000 + i;
      const phone = `${c.country}${String(9_000_000_000 + id)}`;
      contact.run(id, phone, String(id), `Contact ${id}`, JSON.stringify(c.tags), c.reach);
      c.cells.forEach((x, p) => {
        if (x)
          cell.run(id, POSITIONS[p]!.channel, POSITIONS[p]!.purpose, x.status, at + x.since, x.expires === null ? null : at + x.expires, x.event);
      });
      if (c.complaint !== null) complaint.run(id, at + c.complaint);
      if (c.flagged) flag.run(phone);
      c.handoffs.forEach((h, k) => handoff.run((h.marketing ? 1 : 11) + k, id, phone, h.status, at - h.ago));
    });
  })();
  return { ctx, at, call: t.call, cleanup: t.cleanup };
}

describe('plan counting by groups', () => {
  it('property: counts exactly what the gate over each member counts, and takes the grouped path', async () => {
    await fc.assert(
      fc.asyncProperty(arbRegister, arbPlan, async (register, plan) => {
        const { ctx, at, call, cleanup } = await registerOf(register);
        try {
          const rules = gateRules(ctx);
          const expected = countPlanPerMember(ctx, plan, at, rules);
          expect(countPlan(ctx, plan, at, rules)).toEqual(expected);
          expect(audienceGroups(ctx, plan.tags, at, rules)).not.toBeNull();
          // And through the operation, planned for that instant.
          // A service message without promotion (promotion would plan it as marketing: service-promo.test.ts).
          const text =
            plan.purpose === 'service' ? 'Shop: your order is ready. Reply STOP to opt out' : 'Shop: 10% off this weekend. Reply STOP to opt out';
          const planned = await call('campaign.plan', { ...plan, tags: [...plan.tags], text, at: new Date(at).toISOString() });
          expect(planned.purpose).toBe(plan.purpose);
          expect({ audience: planned.audience, eligible: planned.eligible, excluded: planned.excluded, byChannel: planned.byChannel }).toEqual(
            expected,
          );
        } finally {
          cleanup();
        }
      }),
      { numRuns: process.env.CI ? 40 : 150 },
    );
  });

  it.each([
    ['a reach from a newer build', `UPDATE contacts SET reach = 'satellite' WHERE id = 1`],
    ['a channel from a newer build', `INSERT INTO consent_state VALUES (1, 'email', 'marketing', 'granted', 0, NULL, 1)`],
    ['a purpose from a newer build', `INSERT INTO consent_state VALUES (1, 'sms', 'surveys', 'granted', 0, NULL, 1)`],
  ])('a value outside the known vocabularies (%s) is counted member by member, the same', async (_, sql) => {
    const { ctx, at, cleanup } = await registerOf({ pack: 'eu', capMessages: null, quietHours: false, atAfter: 0, contacts: [] });
    onTestFinished(cleanup);
    ctx.db.exec(`INSERT INTO consent_state VALUES (1, 'sms', 'marketing', 'granted', 0, NULL, 1)`);
    ctx.db.exec(sql);
    const plan: PlanTarget = { channel: 'sms', purpose: 'marketing', tags: [] };
    expect(audienceGroups(ctx, [], at, gateRules(ctx))).toBeNull();
    const counts = countPlan(ctx, plan, at, gateRules(ctx));
    expect(counts).toEqual(countPlanPerMember(ctx, plan, at, gateRules(ctx)));
    expect(counts.audience).toBe(1);
  });

  it('removed contacts, merged numbers and +1 numbers (US and not) among a register of usual ones count as the member walk does', async () => {
    const { ctx, at, cleanup } = await registerOf({ pack: 'eu', capMessages: null, quietHours: false, atAfter: 0, contacts: [] });
    onTestFinished(cleanup);
    ctx.db.transaction(() => {
      const contact = ctx.db.prepare(
        `INSERT INTO contacts (id, phone, national_number, name, tags, reach, other_phones, created_at, updated_at) VALUES (?, ?, '', '', '[]', ?, '[]', 0, 0)`,
      );
      const cell = ctx.db.prepare(
        `INSERT INTO consent_state (contact_id, channel, purpose, status, since, expires_at, last_event_id) VALUES (?, ?, 'marketing', 'granted', 0, NULL, 1)`,
      );
      // The usual contact: a mobile number outside +1; a few of every other kind among them.
      for (let id = 2; id < 60; id++) contact.run(id, `+4915${String(id).padStart(8, '0')}`, 'mobile');
      contact.run(60, '+14165550160', 'mobile'); // Canada: +1, not a US number
      contact.run(61, '+12025550161', 'mobile'); // US
      contact.run(62, '+493055501620', 'fixed_line');
      contact.run(63, '+12025550163', 'unknown');
      for (let id = 2; id < 64; id++) {
        cell.run(id, 'sms');
        if (id % 3 === 0) cell.run(id, 'whatsapp');
      }
      ctx.db.prepare('UPDATE contacts SET removed_at = 1 WHERE id IN (5, 60)').run();
      ctx.db.prepare('UPDATE contacts SET merged_into = 2 WHERE id IN (7, 61)').run();
    })();
    const rules = gateRules(ctx);
    expect(audienceGroups(ctx, [], at, rules)).not.toBeNull();
    for (const channel of ['sms', 'whatsapp', 'cascade'] as const) {
      const plan: PlanTarget = { channel, purpose: 'marketing', tags: [] };
      const counts = countPlan(ctx, plan, at, rules);
      expect(counts).toEqual(countPlanPerMember(ctx, plan, at, rules));
      // Every contact but the two removed and the two merged numbers (id 1, the owner, included).
      expect(counts.audience).toBe(63 - 4);
    }
    // The US number left (63) is paused on WhatsApp; the merged one (61) is not a recipient at all.
    const whatsapp = countPlan(ctx, { channel: 'whatsapp', purpose: 'marketing', tags: [] }, at, rules);
    expect(whatsapp.excluded.whatsapp_us_pause).toBe(1);
  });

  it('more distinct histories than fit in the key (one complaint instant each) still count exactly', async () => {
    const { ctx, at, cleanup } = await registerOf({ pack: 'eu', capMessages: null, quietHours: false, atAfter: 0, contacts: [] });
    onTestFinished(cleanup);
    const n = 8_500;
    ctx.db.transaction(() => {
      const contact = ctx.db.prepare(
        `INSERT INTO contacts (id, phone, national_number, name, tags, reach, other_phones, created_at, updated_at) VALUES (?, ?, '', '', '[]', 'mobile', '[]', 0, 0)`,
      );
      const cell = ctx.db.prepare(
        `INSERT INTO consent_state (contact_id, channel, purpose, status, since, expires_at, last_event_id) VALUES (?, 'sms', 'marketing', 'granted', 0, NULL, 1)`,
      );
      const complaint = ctx.db.prepare(`INSERT INTO complaints (contact_id, note, at, recorded_by) VALUES (?, '', ?, 'Owner')`);
      for (let id = 2; id < n + 2; id++) {
        contact.run(id, `+4915${String(id).padStart(8, '0')}`);
        cell.run(id);
        complaint.run(id, at - id * 1_000 * MIN);
      }
    })();
    const plan: PlanTarget = { channel: 'sms', purpose: 'marketing', tags: [] };
    const counts = countPlan(ctx, plan, at, gateRules(ctx));
    expect(counts).toEqual(countPlanPerMember(ctx, plan, at, gateRules(ctx)));
    expect(counts.excluded.complained).toBeGreaterThan(100);
    expect(counts.eligible).toBeGreaterThan(100);
  });
});
