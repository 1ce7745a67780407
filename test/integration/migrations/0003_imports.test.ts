import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/db/open';
import { MigrationError } from '../../../electron/core/db/migrations';
import { count, ERAS, expectHealthy, expectKept, registerAt, snapshot } from './history';
import { schemaRows } from './schema';

const EVENT = `INSERT INTO consent_events (id, uid, contact_id, phone, channel, purpose, action, method, occurred_at, recorded_at, recorded_by, policy_pack, prev_hash, hash, target_event_id)
  VALUES (1000, 'u', ?, '+79120000001', ?, 'marketing', ?, ?, 1, 1, 'Марина', 'ru', 'p', 'h', ?)`;

describe('migration 0003_imports: imports, retractions, removable contacts, the search index kept by the app', () => {
  it('rebuilds contacts, events and the projection with every row, hash and search entry as it was', () => {
    const s = registerAt(2);
    const db = s.db;
    const before = snapshot(db);
    const find = (q: string) => db.prepare('SELECT rowid AS id FROM contacts_fts WHERE contacts_fts MATCH ? ORDER BY rowid').all(q);
    const searches = ['Фёдоров', 'Семён', 'Ёлкин', 'Tom', 'phones:912000000*', 'phones:447700*'];
    const found = searches.map(find);

    expect(migrate(db, 3)).toBe(3);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    // Every row of every table, the rebuilt ones included, and the search index's own tables, byte for byte.
    expectKept(before, db);
    expect(count(db, 'contacts', "other_phones = '[]' AND import_batch_id IS NULL AND removed_at IS NULL")).toBe(5);
    expect(count(db, 'consent_events', 'target_event_id IS NULL')).toBe(8);
    expect(searches.map(find)).toEqual(found);
    expect(found[0]).toEqual([{ id: s.ids.semyon }]);
    expectHealthy(db);

    // The index is now the app's to keep: no trigger adds a contact, the delete trigger still takes one out.
    const triggers = schemaRows(db)
      .filter((r) => r.type === 'trigger' && r.tbl_name === 'contacts')
      .map((r) => r.name);
    expect(triggers).toEqual(['contacts_fts_delete']);
    const zoya = Number(
      db
        .prepare(
          "INSERT INTO contacts (phone, national_number, name, name_key, reach, created_at, updated_at) VALUES ('+79120000010', '9120000010', 'Зоя Ёжикова', 'зоя ёжикова', 'mobile', 1, 1)",
        )
        .run().lastInsertRowid,
    );
    expect(find('Зоя')).toEqual([]);
    db.prepare("INSERT INTO contacts_fts (rowid, name, phones) VALUES (?, 'Зоя Ёжикова', '79120000010 9120000010')").run(zoya);
    expect(find('Зоя')).toEqual([{ id: zoya }]);
    db.prepare('DELETE FROM contacts WHERE id = ?').run(zoya);
    expect(find('Зоя')).toEqual([]);

    // A retraction must name the event it voids, and only a retraction may.
    const event = db.prepare(EVENT);
    expect(() => event.run(s.ids.anna, 'sms', 'retract', 'import', null)).toThrow(/CHECK/);
    expect(() => event.run(s.ids.anna, 'sms', 'grant', 'import', 1)).toThrow(/CHECK/);
    // The checks rewritten as OR chains refuse what the IN lists refused.
    expect(() => event.run(s.ids.anna, 'email', 'grant', 'import', null)).toThrow(/CHECK/);
    expect(() => event.run(s.ids.anna, 'sms', 'delete', 'import', null)).toThrow(/CHECK/);
    expect(() => event.run(s.ids.anna, 'sms', 'grant', 'telepathy', null)).toThrow(/CHECK/);
    expect(() => event.run(999, 'sms', 'grant', 'import', null)).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("UPDATE contacts SET locale = 'de' WHERE id = ?").run(s.ids.anna)).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE consent_state SET status = 'maybe' WHERE contact_id = ?").run(s.ids.anna)).toThrow(/CHECK/);
    expect(() => db.prepare('DELETE FROM consent_events').run()).toThrow(/append-only/);

    // An import, and an undone import answered by a retraction, go in; the undone contact stays, removed.
    db.transaction(() => ERAS[3]!(s))();
    expect(db.prepare('SELECT status FROM consent_state WHERE contact_id = ? AND channel = ?').get(s.ids.grisha, 'sms')).toEqual({ status: 'none' });
    expect(db.prepare('SELECT target_event_id FROM consent_events WHERE id = ?').get(s.ids.retract)).toEqual({ target_event_id: s.ids.grishaGrant });
    expect(count(db, 'contacts', 'removed_at IS NOT NULL')).toBe(1);
    expect(count(db, 'import_batch_updates')).toBe(1);
    expect(() => db.prepare("INSERT INTO import_presets (name, mapping, created_at, updated_at) VALUES ('AMOCRM — мой', '{}', 1, 1)").run()).toThrow(
      /UNIQUE/,
    );
    expectHealthy(db);
    db.close();
  });

  it('refuses to rebuild a register whose events lost their contact, and leaves it at version 2 as it was', () => {
    const s = registerAt(2);
    const db = s.db;
    // An SQLite tool with foreign keys off removed Olga, who has consent events.
    db.pragma('foreign_keys = OFF');
    db.prepare('DELETE FROM contacts WHERE id = ?').run(s.ids.olga);
    db.pragma('foreign_keys = ON');
    const before = snapshot(db);
    const schema = schemaRows(db);

    expect(() => migrate(db)).toThrow(MigrationError);
    expect(() => migrate(db)).toThrow(/migration 0003_imports failed and was undone; the register is still at schema version 2: .*foreign key/);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaRows(db)).toEqual(schema);
    expectKept(before, db);
    expect(snapshot(db)).toEqual(before);
    db.close();
  });
});
