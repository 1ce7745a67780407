import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { api } from '../../shared/contract/api';
import { AppError } from '../../shared/contract/errors';
import { effectiveState } from '../../shared/domain/consent/fold';
import { Channels, Purposes, type Channel, type Purpose } from '../../shared/domain/consent/types';
import { recordConsent, consentStatus, rebuildProjection } from '../../electron/core/register/consent';
import { verifyAudit } from '../../electron/core/register/integrity';
import { testBackend } from '../support/backend';

const PHONES = ['+79123456701', '+79123456702', '+79123456703'];
const HOUR = 3_600_000;

/** One operation a shop might record: any action, any cell, possibly backdated. */
const arbOp = fc.record({
  phone: fc.constantFrom(...PHONES),
  channel: fc.constantFrom<Channel>(...Channels),
  purpose: fc.constantFrom<Purpose>(...Purposes),
  action: fc.constantFrom('grant', 'revoke', 'request', 'confirm', 'claim'),
  method: fc.constantFrom('paper_form', 'inbound_keyword', 'import', 'verbal_in_store'),
  withEvidence: fc.boolean(),
  backdateHours: fc.integer({ min: 0, max: 48 }),
  advanceHours: fc.integer({ min: 0, max: 6 }),
});

const arbPack = fc.constantFrom('ru', 'eu', 'de', 'us');

type Op = typeof arbOp extends fc.Arbitrary<infer T> ? T : never;

function run(ops: Op[], pack: string) {
  const t = testBackend();
  const { ctx } = t.backend;
  ctx.db.exec(`INSERT INTO settings (key, value) VALUES ('policyPack', '"${pack}"')`);
  // A short consent lifetime so expiry happens inside the generated histories.
  ctx.db.exec(`INSERT INTO settings (key, value) VALUES ('policyOverrides', '{"maxConsentAgeDays": 1, "pendingExpiryHours": 12}')`);
  const snapshots: { at: number; phone: string; cells: { channel: string; purpose: string; status: string; event: number | null }[] }[] = [];
  for (const op of ops) {
    t.clock.advance(op.advanceHours * HOUR + 1000);
    const input = api['consent.record'].input.parse({
      phone: op.phone,
      channel: op.channel,
      purpose: op.purpose,
      action: op.action,
      method: op.method,
      occurredAt: new Date(t.clock.now() - op.backdateHours * HOUR).toISOString(),
      evidence: op.withEvidence
        ? { inboundMessageId: 'm1', sheetRef: 'S-1', importBatchId: 'b1', source: 'crm.csv row 2', note: 'said yes at the till' }
        : undefined,
    });
    try {
      recordConsent(ctx, input);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
    }
    // What the projection says right now, for every contact.
    for (const phone of PHONES) {
      const c = ctx.contacts.getByPhone(phone);
      if (!c) continue;
      const states = ctx.consent.statesForContact(c.id);
      const cells = Channels.flatMap((channel) =>
        Purposes.map((purpose) => {
          const s = states.find((x) => x.channel === channel && x.purpose === purpose);
          const eff = s ? effectiveState(s, t.clock.now()) : { status: 'none', lastEventSeq: null };
          return { channel, purpose, status: eff.status, event: eff.lastEventSeq };
        }),
      );
      snapshots.push({ at: t.clock.now(), phone, cells });
    }
  }
  return { t, snapshots };
}

describe('register invariants (property-based)', () => {
  it('the projection always equals the fold of the events, and a rebuild changes nothing', () => {
    fc.assert(
      fc.property(fc.array(arbOp, { minLength: 1, maxLength: 25 }), arbPack, (ops, pack) => {
        const { t } = run(ops, pack);
        try {
          const v = verifyAudit(t.backend.ctx);
          expect(v.problems).toEqual([]);
          expect(rebuildProjection(t.backend.ctx).changed).toBe(0);
        } finally {
          t.cleanup();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('point-in-time status equals what the projection said at that moment', () => {
    fc.assert(
      fc.property(fc.array(arbOp, { minLength: 1, maxLength: 20 }), arbPack, (ops, pack) => {
        const { t, snapshots } = run(ops, pack);
        try {
          for (const snap of snapshots) {
            const at = new Date(snap.at).toISOString();
            const s = consentStatus(t.backend.ctx, { phone: snap.phone, at, knownAt: at });
            expect(s.consents.map((c) => ({ channel: c.channel, purpose: c.purpose, status: c.status, event: c.event }))).toEqual(snap.cells);
          }
        } finally {
          t.cleanup();
        }
      }),
      { numRuns: 30 },
    );
  });

  it('an opt-out always wins: after a revocation nothing is sendable for marketing until a newer proven grant', () => {
    fc.assert(
      fc.property(fc.array(arbOp, { maxLength: 15 }), fc.constantFrom<Channel>(...Channels), arbPack, (ops, channel, pack) => {
        const { t } = run(ops, pack);
        try {
          t.clock.advance(1000);
          recordConsent(t.backend.ctx, api['consent.record'].input.parse({ phone: PHONES[0], channel, purpose: 'marketing', action: 'revoke' }));
          const s = consentStatus(t.backend.ctx, { phone: PHONES[0]! });
          for (const c of s.consents.filter((x) => x.purpose === 'marketing')) {
            expect(c.status).toBe('revoked');
            expect(c.sendable).toBe(false);
          }
          // A claim or request recorded later never makes it sendable again.
          for (const action of ['claim', 'request'] as const) {
            recordConsent(
              t.backend.ctx,
              api['consent.record'].input.parse({ phone: PHONES[0], channel, purpose: 'marketing', action, method: 'import' }),
            );
          }
          expect(consentStatus(t.backend.ctx, { phone: PHONES[0]! }).consents.some((c) => c.purpose === 'marketing' && c.sendable)).toBe(false);
        } finally {
          t.cleanup();
        }
      }),
      { numRuns: 30 },
    );
  });

  it('any tampering with a stored event or audit row is caught by audit verify', () => {
    const tamper = fc.constantFrom(
      'alter_event',
      'delete_event',
      'swap_events',
      'alter_audit',
      'delete_audit',
      'delete_last_event',
      'alter_projection',
    );
    fc.assert(
      fc.property(fc.array(arbOp, { minLength: 3, maxLength: 15 }), arbPack, tamper, fc.nat(), (ops, pack, kind, pick) => {
        const { t } = run(ops, pack);
        const db = t.backend.ctx.db;
        try {
          const ids = db
            .prepare<[], { id: number }>('SELECT id FROM consent_events ORDER BY id')
            .all()
            .map((r) => r.id);
          const auditIds = db
            .prepare<[], { id: number }>('SELECT id FROM audit_log ORDER BY id')
            .all()
            .map((r) => r.id);
          if (ids.length < 2) return;
          // Whoever tampers with the file can drop our triggers; the chain must still tell.
          db.exec(
            'DROP TRIGGER consent_events_no_update; DROP TRIGGER consent_events_no_delete; DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; PRAGMA foreign_keys = OFF;',
          );
          const id = ids[pick % ids.length]!;
          switch (kind) {
            case 'alter_event':
              db.prepare("UPDATE consent_events SET occurred_at = occurred_at - 86400000, recorded_by = 'someone else' WHERE id = ?").run(id);
              break;
            case 'delete_event':
              db.prepare('DELETE FROM consent_events WHERE id = ?').run(id);
              break;
            case 'swap_events': {
              const a = ids[0]!;
              const b = ids[ids.length - 1]!;
              db.prepare('UPDATE consent_events SET id = -1 WHERE id = ?').run(a);
              db.prepare('UPDATE consent_events SET id = ? WHERE id = ?').run(a, b);
              db.prepare('UPDATE consent_events SET id = ? WHERE id = -1').run(b);
              break;
            }
            case 'alter_audit':
              db.prepare("UPDATE audit_log SET actor = 'nobody' WHERE id = ?").run(auditIds[pick % auditIds.length]);
              break;
            case 'delete_audit':
              db.prepare('DELETE FROM audit_log WHERE id = ?').run(auditIds[pick % (auditIds.length - 1)]);
              break;
            case 'delete_last_event':
              db.prepare('DELETE FROM consent_events WHERE id = ?').run(ids[ids.length - 1]);
              break;
            case 'alter_projection':
              db.prepare(
                "UPDATE consent_state SET status = CASE status WHEN 'granted' THEN 'revoked' ELSE 'granted' END WHERE contact_id = (SELECT min(contact_id) FROM consent_state)",
              ).run();
              break;
          }
          const v = verifyAudit(t.backend.ctx);
          expect(v.ok).toBe(false);
          expect(v.problems.length).toBeGreaterThan(0);
        } finally {
          t.cleanup();
        }
      }),
      { numRuns: 60 },
    );
  });
});
