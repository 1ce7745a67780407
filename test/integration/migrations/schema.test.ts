import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../../electron/core/db/open';
import { migrations } from '../../../electron/core/db/migrations';
import { schemaChange, schemaRows } from './schema';

/**
 * A landed migration never changes: what each one does to sqlite_master is kept in schema/<name>.sql, made from
 * the migrations as they were when they landed, and compared byte for byte. A new migration writes its file on its
 * first run outside CI; review it and commit it with the migration.
 */
describe('the schema each migration makes', () => {
  for (const m of migrations) {
    it(`${m.name}: exactly the objects it always made`, async () => {
      const db = new Database(':memory:');
      db.pragma('foreign_keys = ON');
      migrate(db, m.version - 1);
      const before = schemaRows(db);
      expect(migrate(db, m.version)).toBe(m.version);
      const change = schemaChange(before, schemaRows(db), db.pragma('user_version', { simple: true }) as number);
      db.close();
      await expect(change).toMatchFileSnapshot(`./schema/${m.name}.sql`);
    });
  }

  it('step by step and all at once give the same schema, page for page', () => {
    const stepped = new Database(':memory:');
    for (let v = 1; v <= migrations.length; v++) migrate(stepped, v);
    const whole = new Database(':memory:');
    migrate(whole);
    const all = 'SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master ORDER BY rowid';
    expect(whole.prepare(all).all()).toEqual(stepped.prepare(all).all());
    expect(whole.prepare(all).all().length).toBeGreaterThan(80);
    stepped.close();
    whole.close();
  });
});
