import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/db/open';
import { count, ERAS, expectHealthy, expectKept, registerAt, snapshot } from './history';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("migration 0008_register_id: the register's own id", () => {
  it('gives an existing register its id once, keeps every row, and the id never changes', () => {
    const s = registerAt(7);
    const db = s.db;
    const before = snapshot(db);

    expect(migrate(db, 8)).toBe(8);
    expectKept(before, db);
    const rows = db.prepare('SELECT id, register_id, created_at FROM register_meta').all() as {
      id: number;
      register_id: string;
      created_at: number;
    }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.register_id).toMatch(UUID_V4);
    expect(Math.abs(rows[0]!.created_at - Date.now())).toBeLessThan(60_000);
    expectHealthy(db);
    db.transaction(() => ERAS[8]!(s))();

    // Made once: never changed, removed or doubled, even by an SQLite tool with foreign keys off.
    db.pragma('foreign_keys = OFF');
    expect(() => db.prepare("UPDATE register_meta SET register_id = '00000000-0000-4000-8000-000000000000'").run()).toThrow(/never changes/);
    expect(() => db.prepare('DELETE FROM register_meta').run()).toThrow(/never changes/);
    expect(() => db.prepare("INSERT INTO register_meta VALUES (2, '00000000-0000-4000-8000-000000000000', 1)").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO register_meta VALUES (1, 'not-a-uuid', 1)").run()).toThrow(/CHECK|UNIQUE|PRIMARY KEY/);
    db.pragma('foreign_keys = ON');
    expect(count(db, 'register_meta')).toBe(1);
    expectHealthy(db);
    db.close();
  });

  it('gives every register a different id', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const { db } = registerAt(0);
      migrate(db);
      ids.add((db.prepare('SELECT register_id FROM register_meta').get() as { register_id: string }).register_id);
      db.close();
    }
    expect(ids.size).toBe(8);
    for (const id of ids) expect(id).toMatch(UUID_V4);
  });
});
