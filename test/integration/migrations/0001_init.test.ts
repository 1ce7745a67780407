import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/db/open';
import { count, ERAS, expectHealthy, registerAt, snapshot } from './history';

describe('migration 0001_init: an empty file becomes a register', () => {
  it("makes the register's tables, and a shop's first month goes in with every guard on", () => {
    const s = registerAt(0);
    const db = s.db;
    expect(snapshot(db).size).toBe(0);
    expect(migrate(db, 1)).toBe(1);
    db.transaction(() => ERAS[1]!(s))();

    expect([count(db, 'contacts'), count(db, 'consent_events'), count(db, 'audit_log'), count(db, 'staff'), count(db, 'settings')]).toEqual([
      5, 7, 8, 3, 5,
    ]);
    const status = (contact: number, channel: string, purpose: string) =>
      (
        db.prepare('SELECT status FROM consent_state WHERE contact_id = ? AND channel = ? AND purpose = ?').get(contact, channel, purpose) as {
          status: string;
        }
      ).status;
    expect(status(s.ids.anna!, 'sms', 'marketing')).toBe('granted');
    expect(status(s.ids.semyon!, 'whatsapp', 'marketing')).toBe('revoked');
    expect(status(s.ids.boris!, 'sms', 'marketing')).toBe('unproven');
    expect(db.prepare('SELECT first_used_at FROM form_versions').get()).toEqual({ first_used_at: expect.any(Number) });

    // The search index follows the contacts by trigger at this version: Cyrillic words and number prefixes.
    const find = (q: string) => db.prepare('SELECT rowid AS id FROM contacts_fts WHERE contacts_fts MATCH ? ORDER BY rowid').all(q);
    expect(find('Фёдоров')).toEqual([{ id: s.ids.semyon }]);
    expect(find('Петрова')).toEqual([{ id: s.ids.anna }]);
    expect(find('phones:9120000003*')).toEqual([{ id: s.ids.boris }]);

    // The guards of the record.
    expect(() => db.prepare("UPDATE consent_events SET action = 'grant' WHERE id = ?").run(s.ids.semyonStop)).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM consent_events WHERE id = 1').run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE audit_log SET actor = 'кто-то' WHERE id = 1").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE form_versions SET body = 'Другой текст'").run()).toThrow(/immutable/);
    expect(() => db.prepare('UPDATE form_versions SET first_used_at = first_used_at + 1').run()).toThrow(/immutable/);
    expect(() => db.prepare('DELETE FROM form_versions').run()).toThrow(/kept forever/);
    // Values outside the vocabulary, a number not in E.164, a second contact for one number, an event of nobody.
    const contact = db.prepare(
      "INSERT INTO contacts (phone, national_number, name, name_key, reach, created_at, updated_at) VALUES (?, '9120000010', 'Зоя', 'зоя', 'mobile', 1, 1)",
    );
    expect(() => contact.run('89120000010')).toThrow(/CHECK/);
    expect(() => contact.run('+79120000001')).toThrow(/UNIQUE/);
    const event = (contactId: number, channel: string) =>
      db
        .prepare(
          `INSERT INTO consent_events (uid, contact_id, phone, channel, purpose, action, method, occurred_at, recorded_at, recorded_by, policy_pack, prev_hash, hash)
           VALUES ('u', ?, '+79120000001', ?, 'marketing', 'grant', 'paper_form', 1, 1, 'Марина', 'ru', 'p', 'h')`,
        )
        .run(contactId, channel);
    expect(() => event(s.ids.anna!, 'email')).toThrow(/CHECK/);
    expect(() => event(999, 'sms')).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("INSERT INTO staff (name, role, created_at) VALUES ('Марина', 'staff', 1)").run()).toThrow(/UNIQUE/);

    expectHealthy(db);
    db.close();
  });
});
