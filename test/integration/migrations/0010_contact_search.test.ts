import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/db/open';
import { ContactsRepo } from '../../../electron/core/db/repos/contacts.repo';
import { count, ERAS, expectHealthy, expectKept, registerAt, snapshot, type Shop } from './history';

type Row = Record<string, unknown>;

const find = (s: Shop, q: string): number[] =>
  s.db.prepare<[string], number>('SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ? ORDER BY rowid').pluck().all(q);

/** The shop at version 9, with numbers from abroad and a name with Latin marks, written as the app at 9 wrote them. */
function shopAt9(): Shop {
  const s = registerAt(9);
  s.db.transaction(() => {
    s.contact('elodie', { phone: '+33612345678', name: 'Élodie  Müller', locale: 'en', country: 'FR' });
    s.contact('us', { phone: '+12025550143', name: 'Tom Brown', locale: 'en', country: 'US' });
    s.contact('canada', { phone: '+14165550143', name: 'Anne Roy', locale: 'en', country: 'CA' });
  })();
  return s;
}

describe('migration 0010_contact_search: folded name keys, the last digits searchable, the US flag, the list index', () => {
  it('keeps every row; folds the name keys, fills the word index again with each number tail, works out the US flag', () => {
    const s = shopAt9();
    const db = s.db;
    const before = snapshot(db);
    // Version 9 indexed names as written: «Семен» did not find «Семён Фёдоров», the last digits found nobody.
    expect(find(s, 'name : "семен"*')).toEqual([]);
    expect(find(s, 'phones : "r2000"*')).toEqual([]);

    expect(migrate(db, 10)).toBe(10);
    // The word index's own tables were filled again on purpose (checked by what they find, below).
    expectKept(before, db, ['contacts', ...[...before.keys()].filter((t) => t.startsWith('contacts_fts_'))]);
    // Contacts: every row and column as it was, but the name key (folded) and the new US flag.
    const rows = db.prepare('SELECT * FROM contacts ORDER BY id').all() as Row[];
    expect(rows.map(({ name_key: _k, us_number: _u, ...rest }) => rest)).toEqual(
      before.get('contacts')!.rows.map(({ name_key: _k, ...rest }) => rest),
    );
    const byId = new Map(rows.map((r) => [r.id as number, r]));
    expect(byId.get(s.ids.semyon!)!.name_key).toBe('семен федоров');
    expect(byId.get(s.ids.elodie!)!.name_key).toBe('elodie muller');
    expect(byId.get(s.ids.us!)!.us_number).toBe(1);
    expect(byId.get(s.ids.canada!)!.us_number).toBe(0);
    expect(count(db, 'contacts', 'us_number IS NOT NULL')).toBe(2);

    // The word index: folded names and each number's tail, for the register's contacts only (not the undone import's).
    expect(find(s, 'name : "семен"*')).toEqual([s.ids.semyon]);
    expect(find(s, 'name : "федоров"*')).toEqual([s.ids.semyon]);
    expect(find(s, 'name : "muller"*')).toEqual([s.ids.elodie]);
    expect(find(s, 'phones : "r2000"*')).toEqual([s.ids.semyon]);
    expect(find(s, 'phones : "9120000002"*')).toEqual([s.ids.semyon]);
    expect(find(s, 'name : "григорий"*')).toEqual([]);
    expect(count(db, 'contacts', 'removed_at IS NULL')).toBe(
      db.prepare<[], number>(`SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH 'phones : "r"*'`).pluck().get()!,
    );
    // And the app reads it so (the app opens a register at the latest version: today's repo reads today's columns).
    migrate(db);
    const repo = new ContactsRepo(db);
    expect(repo.search('Семен Федоров', 0, 10).map((c) => c.id)).toEqual([s.ids.semyon]);
    expect(repo.search('00-02', 0, 10).map((c) => c.id)).toEqual([s.ids.semyon]);
    expect(repo.count()).toBe(count(db, 'contacts', 'removed_at IS NULL'));
    expectHealthy(db);

    // What the app at version 10 writes fits.
    db.transaction(() => ERAS[10]!(s))();
    expect(find(s, 'name : "zoe"*')).toEqual([s.ids.zoe]);
    expectHealthy(db);
    db.close();
  });

  it('forgets the US flag of a number that changes, and takes nothing but 0, 1 or unknown', () => {
    const s = shopAt9();
    const db = s.db;
    migrate(db, 10);
    // A contact without events may still change its number: the flag is then worked out again by whoever reads it.
    db.prepare(`UPDATE contacts SET phone = '+12125550100' WHERE id = ?`).run(s.ids.canada);
    expect(db.prepare('SELECT us_number FROM contacts WHERE id = ?').pluck().get(s.ids.canada)).toBeNull();
    db.prepare(`UPDATE contacts SET name = 'Tom B.' WHERE id = ?`).run(s.ids.us);
    expect(db.prepare('SELECT us_number FROM contacts WHERE id = ?').pluck().get(s.ids.us)).toBe(1);
    expect(() => db.prepare('UPDATE contacts SET us_number = 2 WHERE id = ?').run(s.ids.us)).toThrow(/CHECK/);
    db.close();
  });

  it('lists from the index alone: a page at any depth, the count and the seek never read the rows they skip', () => {
    const s = registerAt(10);
    const plan = (sql: string) => (s.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan('SELECT name_key, id FROM contacts WHERE removed_at IS NULL ORDER BY name_key, id LIMIT 1 OFFSET 5000')).toBe(
      'SCAN contacts USING COVERING INDEX contacts_active_name',
    );
    expect(plan('SELECT count(*) FROM contacts WHERE removed_at IS NULL')).toBe('SCAN contacts USING COVERING INDEX contacts_active_name');
    expect(plan(`SELECT * FROM contacts WHERE removed_at IS NULL AND (name_key, id) > ('м', 3) ORDER BY name_key, id LIMIT 100`)).toMatch(
      /^SEARCH contacts USING INDEX contacts_active_name \(name_key>\?\)$/,
    );
    expect(plan('SELECT count(*) FROM contacts WHERE removed_at IS NOT NULL')).toMatch(/COVERING INDEX contacts_removed/);
    s.db.close();
  });
});
