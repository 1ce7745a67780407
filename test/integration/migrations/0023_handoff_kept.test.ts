import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/db/open';
import { count, expectHealthy, expectKept, registerAt, snapshot } from './history';

describe('migration 0023_handoff_kept: when a message was handed to its provider is kept as set', () => {
  it('keeps every row; a hand-off time once set cannot be changed or cleared, one not yet set can be set', () => {
    const s = registerAt(22);
    const db = s.db;
    const before = snapshot(db);
    expect(count(db, 'outbox', 'handed_off_at IS NOT NULL')).toBeGreaterThan(0);
    expect(migrate(db, 23)).toBe(23);
    expectKept(before, db);
    expectHealthy(db);
    const handed = db
      .prepare<[], { id: number; handed_off_at: number }>('SELECT id, handed_off_at FROM outbox WHERE handed_off_at IS NOT NULL LIMIT 1')
      .get()!;
    expect(() => db.prepare('UPDATE outbox SET handed_off_at = NULL WHERE id = ?').run(handed.id)).toThrow(/handed to its provider is a record/);
    expect(() => db.prepare('UPDATE outbox SET handed_off_at = ? WHERE id = ?').run(handed.handed_off_at + 1, handed.id)).toThrow(/is a record/);
    // The same value again (a status update that writes the row whole) is no change.
    db.prepare('UPDATE outbox SET handed_off_at = ? WHERE id = ?').run(handed.handed_off_at, handed.id);
    const waiting = db.prepare<[], { id: number }>('SELECT id FROM outbox WHERE handed_off_at IS NULL LIMIT 1').get();
    if (waiting) db.prepare('UPDATE outbox SET handed_off_at = 1 WHERE id = ?').run(waiting.id);
  });
});
