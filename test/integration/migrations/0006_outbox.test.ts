import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/db/open';
import { count, ERAS, expectHealthy, expectKept, registerAt, snapshot } from './history';

describe('migration 0006_outbox: providers, runs, the outbox and its log', () => {
  it('keeps the planned campaign as planned, then keeps what was handed off and why', () => {
    const s = registerAt(5);
    const db = s.db;
    const before = snapshot(db);

    expect(migrate(db, 6)).toBe(6);
    expectKept(before, db);
    expect(['providers', 'batch_runs', 'outbox', 'outbox_log', 'number_flags'].map((t) => count(db, t))).toEqual([0, 0, 0, 0, 0]);
    expectHealthy(db);

    db.transaction(() => ERAS[6]!(s))();
    expect(db.prepare('SELECT contact_id, status, reason, proof_event_id IS NOT NULL AS proven FROM outbox ORDER BY id').all()).toEqual([
      { contact_id: s.ids.anna, status: 'delivered', reason: null, proven: 1 },
      { contact_id: s.ids.olga, status: 'skipped', reason: 'revoked', proven: 0 },
      { contact_id: s.ids.dmitry, status: 'sent', reason: null, proven: 1 },
      { contact_id: s.ids.lyuda, status: 'undeliverable', reason: 'unreachable', proven: 1 },
    ]);
    expect(count(db, 'outbox_log')).toBe(8);

    // Nothing reaches a provider without its proof; a recipient answered for is never sent again; the record stays.
    const queue = db.prepare(
      "INSERT INTO outbox (batch_id, contact_id, step, channel, phone, status, proof_event_id, due_at, updated_at) VALUES (?, ?, ?, 'sms', '+79120000003', ?, ?, 1, 1)",
    );
    expect(() => queue.run(s.ids.campaign, s.ids.boris, 0, 'sent', null)).toThrow(/CHECK/);
    expect(() => queue.run(s.ids.campaign, s.ids.anna, 0, 'queued', null)).toThrow(/UNIQUE/);
    expect(() => queue.run(s.ids.campaign, s.ids.boris, 2, 'queued', null)).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE outbox SET status = 'queued' WHERE id = ?").run(s.ids.sentAnna)).toThrow(/never sent again/);
    expect(() => db.prepare('UPDATE outbox SET proof_event_id = ? WHERE id = ?').run(s.ids.olgaSms, s.ids.sentAnna)).toThrow(/is a record/);
    expect(() => db.prepare('DELETE FROM outbox').run()).toThrow(/outbox rows are kept/);
    expect(() => db.prepare("UPDATE outbox_log SET status = 'sent'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM batch_runs').run()).toThrow(/batch runs are kept/);
    expect(() =>
      db.prepare("INSERT INTO providers (name, kind, options, created_at, updated_at) VALUES ('viber', 'viber', '{}', 1, 1)").run(),
    ).toThrow(/CHECK/);
    // An owner's decision may still move a recipient on (undeliverable → read back as delivered is not one of them).
    db.prepare("UPDATE outbox SET status = 'delivered' WHERE id = ?").run(s.ids.undeliverable);

    expectHealthy(db);
    db.close();
  });
});
