import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/db/open';
import { count, expectHealthy, expectKept, registerAt, snapshot } from './history';

describe('migration 0024_gate_seen: what the gate saw when it let a message go', () => {
  it('keeps every row (sent before it: no gate id); a gate id once set can be raised, never lowered or cleared', () => {
    const s = registerAt(23);
    const db = s.db;
    const before = snapshot(db);
    expect(count(db, 'outbox', 'handed_off_at IS NOT NULL')).toBeGreaterThan(0);
    expect(migrate(db, 24)).toBe(24);
    expectKept(before, db);
    expectHealthy(db);
    expect(count(db, 'outbox', 'gate_event_id IS NOT NULL')).toBe(0);
    const row = db.prepare<[], { id: number }>('SELECT id FROM outbox LIMIT 1').get()!;
    db.prepare('UPDATE outbox SET gate_event_id = 5 WHERE id = ?').run(row.id);
    db.prepare('UPDATE outbox SET gate_event_id = 7 WHERE id = ?').run(row.id);
    expect(() => db.prepare('UPDATE outbox SET gate_event_id = 6 WHERE id = ?').run(row.id)).toThrow(/what the gate saw/);
    expect(() => db.prepare('UPDATE outbox SET gate_event_id = NULL WHERE id = ?').run(row.id)).toThrow(/what the gate saw/);
    // A status change that writes the row leaves it as it is.
    db.prepare('UPDATE outbox SET status = status, gate_event_id = 7 WHERE id = ?').run(row.id);
  });
});
