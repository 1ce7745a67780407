import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/db/open';
import { ERAS, count, expectHealthy, expectKept, registerAt, snapshot } from './history';

describe('migration 0012_contact_links: other numbers of one person, and erasure on request', () => {
  it('keeps every row (none merged, none erased), then links one level deep and keeps an erasure as carried out', () => {
    const s = registerAt(11);
    const db = s.db;
    const before = snapshot(db);
    const contacts = count(db, 'contacts');

    expect(migrate(db, 12)).toBe(12);
    expectKept(before, db);
    expect(count(db, 'contacts', 'merged_into IS NULL AND erased_at IS NULL AND erasure_requested_at IS NULL')).toBe(contacts);
    expectHealthy(db);

    // What the app at version 12 writes: a merge and an erasure.
    db.transaction(() => ERAS[12]!(s))();
    expect(db.prepare('SELECT merged_into FROM contacts WHERE id = ?').get(s.ids.annaWork)).toEqual({ merged_into: s.ids.anna });
    expect(db.prepare('SELECT name, phone, erased_at IS NOT NULL AS erased FROM contacts WHERE id = ?').get(s.ids.olga)).toEqual({
      name: '',
      phone: '+79120000004',
      erased: 1,
    });

    const set = (id: number, into: number | null) => db.prepare('UPDATE contacts SET merged_into = ? WHERE id = ?').run(into, id);
    // Never into itself, never into a contact that is itself merged, never a primary that still has other numbers.
    expect(() => set(s.ids.semyon!, s.ids.semyon!)).toThrow(/merged into a primary/);
    expect(() => set(s.ids.semyon!, s.ids.annaWork!)).toThrow(/merged into a primary/);
    expect(() => set(s.ids.anna!, s.ids.semyon!)).toThrow(/merged into a primary/);
    // A link names a contact that exists.
    expect(() => set(s.ids.semyon!, 999_999)).toThrow(/FOREIGN KEY/);
    // Unlinking and linking to a plain primary work.
    set(s.ids.annaWork!, null);
    set(s.ids.annaWork!, s.ids.semyon!);
    set(s.ids.annaWork!, s.ids.anna!);

    // An erasure stays: its dates cannot be cleared or moved; other fields of the contact may still change.
    expect(() => db.prepare('UPDATE contacts SET erased_at = NULL WHERE id = ?').run(s.ids.olga)).toThrow(/erasure on request is kept/);
    expect(() => db.prepare('UPDATE contacts SET erasure_requested_at = 1 WHERE id = ?').run(s.ids.olga)).toThrow(/erasure on request is kept/);
    db.prepare("UPDATE contacts SET locale = 'en' WHERE id = ?").run(s.ids.olga);
    // A contact with consent events still keeps its number (0007), erased or not.
    expect(() => db.prepare("UPDATE contacts SET phone = '+79129999999' WHERE id = ?").run(s.ids.olga)).toThrow(/keeps its number/);

    expectHealthy(db);
    db.close();
  });
});
