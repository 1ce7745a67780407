import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/db/open';
import { ERAS, expectHealthy, expectKept, registerAt, snapshot } from './history';

describe('migration 0007_integrity: a contact with consent events keeps its row and its number', () => {
  it('keeps every row, and from then on holds even against a tool with foreign keys off', () => {
    const s = registerAt(6);
    const db = s.db;
    const before = snapshot(db);

    expect(migrate(db, 7)).toBe(7);
    expectKept(before, db);
    expectHealthy(db);
    db.transaction(() => ERAS[7]!(s))();

    // As an SQLite tool opens the file: foreign keys off. A consented contact — even one an undone import removed — stays.
    db.pragma('foreign_keys = OFF');
    expect(() => db.prepare('DELETE FROM contacts WHERE id = ?').run(s.ids.semyon)).toThrow(/consent events is kept/);
    expect(() => db.prepare('DELETE FROM contacts WHERE id = ?').run(s.ids.grisha)).toThrow(/consent events is kept/);
    expect(() => db.prepare("UPDATE contacts SET phone = '+79129999999' WHERE id = ?").run(s.ids.anna)).toThrow(/keeps its number/);
    expect(() => db.prepare('UPDATE contacts SET id = 99 WHERE id = ?').run(s.ids.anna)).toThrow(/keeps its number/);
    // What the app does to such a contact still works: other fields change, an undone import marks it removed.
    db.prepare("UPDATE contacts SET name = 'Анна Петрова-Сафина', name_key = 'анна петрова-сафина', removed_at = 5 WHERE id = ?").run(s.ids.anna);
    db.prepare('UPDATE contacts SET removed_at = NULL WHERE id = ?').run(s.ids.anna);
    // A contact never asked (added by hand) may still change its number or go.
    db.prepare("UPDATE contacts SET phone = '+79120000019' WHERE id = ?").run(s.ids.vera);
    db.prepare('DELETE FROM contacts WHERE id = ?').run(s.ids.vera);
    db.pragma('foreign_keys = ON');
    expect(db.prepare('SELECT phone FROM contacts WHERE id = ?').get(s.ids.anna)).toEqual({ phone: '+79120000001' });

    expectHealthy(db);
    db.close();
  });
});
