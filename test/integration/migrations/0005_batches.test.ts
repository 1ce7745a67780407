import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/db/open';
import { count, ERAS, expectHealthy, expectKept, registerAt, snapshot } from './history';

describe('migration 0005_batches: campaigns as planned', () => {
  it('keeps sheets, rows, scans and confirmations as they were, then keeps what was planned', () => {
    const s = registerAt(4);
    const db = s.db;
    const before = snapshot(db);

    expect(migrate(db, 5)).toBe(5);
    expectKept(before, db);
    expect(count(db, 'batches')).toBe(0);
    expectHealthy(db);

    db.transaction(() => ERAS[5]!(s))();
    expect(db.prepare('SELECT name, state FROM batches ORDER BY id').all()).toEqual([
      { name: 'Летняя распродажа', state: 'planned' },
      { name: 'Черновик', state: 'cancelled' },
    ]);
    // What was planned is a record: the message, audience, time and counts stay; only the state moves on.
    for (const change of ["text = 'Другой текст'", "audience = '{}'", 'planned_at = 1', "counts = '{}'", "channel = 'whatsapp'"])
      expect(() => db.prepare(`UPDATE batches SET ${change} WHERE id = ?`).run(s.ids.campaign), change).toThrow(/keeps its message/);
    db.prepare("UPDATE batches SET name = 'Летняя распродажа −20%' WHERE id = ?").run(s.ids.campaign);
    expect(() => db.prepare("UPDATE batches SET state = 'paused' WHERE id = ?").run(s.ids.campaign)).toThrow(/CHECK/);
    expect(() => db.prepare('DELETE FROM batches').run()).toThrow(/batches are kept/);

    expectHealthy(db);
    db.close();
  });
});
