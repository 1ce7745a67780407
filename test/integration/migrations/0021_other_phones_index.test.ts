import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/db/open';
import { ContactsRepo } from '../../../electron/core/db/repos/contacts.repo';
import { count, expectHealthy, expectKept, registerAt, snapshot } from './history';

describe('migration 0021_other_phones_index: the contacts with other numbers, indexed for the opt-out reach', () => {
  it('keeps every row; the lookup of who keeps a number reads the index, and finds them', () => {
    const s = registerAt(20);
    const db = s.db;
    const before = snapshot(db);
    const holder = db.prepare<[], { id: number }>('SELECT id FROM contacts WHERE erased_at IS NULL ORDER BY id LIMIT 1').get()!.id;
    expect(migrate(db, 21)).toBe(21);
    expectKept(before, db);
    expectHealthy(db);
    db.prepare(`UPDATE contacts SET other_phones = '["+79129990001"]' WHERE id = ?`).run(holder);
    expect(count(db, 'contacts', "other_phones <> '[]'")).toBeGreaterThan(0);
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT id FROM contacts WHERE other_phones <> '[]' AND instr(other_phones, ?) > 0")
      .all('"+79129990001"') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/contacts_other_phones/);
    expect(new ContactsRepo(db).holdingOtherPhone('+79129990001').map((c) => c.id)).toEqual([holder]);
  });
});
