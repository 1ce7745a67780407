import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/db/open';
import { count, expectHealthy, expectKept, registerAt, snapshot } from './history';

describe('migration 0020_complaints_and_links_kept: complaints and the links of a person are kept as recorded', () => {
  it('keeps every row; then a complaint cannot be changed or deleted, and a link cannot be removed (only handed on)', () => {
    const s = registerAt(19);
    const db = s.db;
    const before = snapshot(db);
    const complaints = count(db, 'complaints');
    expect(complaints).toBeGreaterThan(0);
    expect(count(db, 'contacts', 'merged_into IS NOT NULL')).toBeGreaterThan(0);

    expect(migrate(db, 20)).toBe(20);
    expectKept(before, db);
    expectHealthy(db);

    // A complaint holds marketing back: kept as recorded.
    expect(() => db.prepare('DELETE FROM complaints WHERE id = ?').run(s.ids.complaint)).toThrow(/complaints are kept as recorded/);
    expect(() => db.prepare('UPDATE complaints SET contact_id = ? WHERE id = ?').run(s.ids.semyon, s.ids.complaint)).toThrow(
      /complaints are kept as recorded/,
    );
    expect(count(db, 'complaints')).toBe(complaints);
    // New complaints are still recorded.
    db.prepare("INSERT INTO complaints (contact_id, note, at, recorded_by) VALUES (?, 'звонила, жалуется на SMS', 1, 'Марина')").run(s.ids.semyon);
    expect(count(db, 'complaints')).toBe(complaints + 1);

    // A link between two numbers of one person stays; handing it on to another primary is not removing it.
    const linked = db
      .prepare<[], { id: number; merged_into: number }>('SELECT id, merged_into FROM contacts WHERE merged_into IS NOT NULL LIMIT 1')
      .get()!;
    expect(() => db.prepare('UPDATE contacts SET merged_into = NULL WHERE id = ?').run(linked.id)).toThrow(
      /link between the numbers of one person is kept/,
    );
    db.prepare('UPDATE contacts SET merged_into = ? WHERE id = ?').run(s.ids.semyon, linked.id);
    expect(db.prepare('SELECT merged_into FROM contacts WHERE id = ?').get(linked.id)).toEqual({ merged_into: s.ids.semyon });
    // Contacts without a link are linked as before.
    db.prepare('UPDATE contacts SET merged_into = NULL WHERE merged_into IS NULL').run();
  });
});
