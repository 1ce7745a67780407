import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/db/open';
import { count, ERAS, expectHealthy, expectKept, registerAt, snapshot } from './history';

describe('migration 0004_sheets: printed sheets, entered rows, scans and double opt-in confirmations', () => {
  it('keeps the imports and undone imports as they were, then keeps printed sheets and entered rows as made', () => {
    const s = registerAt(3);
    const db = s.db;
    const before = snapshot(db);

    expect(migrate(db, 4)).toBe(4);
    expectKept(before, db);
    expect(['sheets', 'sheet_rows', 'sheet_scans', 'confirmations'].map((t) => count(db, t))).toEqual([0, 0, 0, 0]);
    expectHealthy(db);

    db.transaction(() => ERAS[4]!(s))();
    expect(db.prepare('SELECT serial, layout, rows FROM sheets ORDER BY id').all()).toEqual([
      { serial: 'S-000001', layout: 'individual', rows: 1 },
      { serial: 'S-000002', layout: 'group', rows: 10 },
    ]);
    const state = (contact: number, channel: string) =>
      db.prepare("SELECT status FROM consent_state WHERE contact_id = ? AND channel = ? AND purpose = 'marketing'").get(contact, channel);
    expect(state(s.ids.lyuda!, 'sms')).toEqual({ status: 'granted' });
    expect(state(s.ids.anna!, 'whatsapp')).toEqual({ status: 'pending' });
    expect(db.prepare('SELECT state, request_event_id FROM confirmations').get()).toEqual({
      state: 'queued',
      request_event_id: expect.any(Number),
    });

    // Paper is a record: sheets, rows and scans never change or go; a row is entered once.
    expect(() => db.prepare("UPDATE sheets SET serial = 'S-000003'").run()).toThrow(/kept as printed/);
    expect(() => db.prepare('DELETE FROM sheets').run()).toThrow(/kept as printed/);
    expect(() => db.prepare('UPDATE sheet_rows SET contact_id = ?').run(s.ids.anna)).toThrow(/kept as entered/);
    expect(() => db.prepare('DELETE FROM sheet_rows').run()).toThrow(/kept as entered/);
    expect(() => db.prepare("UPDATE sheet_scans SET file_name = 'x.jpg'").run()).toThrow(/kept as attached/);
    expect(() =>
      db
        .prepare(
          "INSERT INTO sheet_rows (sheet_id, row, contact_id, signed_on, entered_at, entered_by, events) VALUES (?, 1, ?, '2025-06-28', 1, 'Алсу', '[]')",
        )
        .run(s.ids.sheet2, s.ids.boris),
    ).toThrow(/UNIQUE|PRIMARY KEY/);
    const sheet = db.prepare(
      "INSERT INTO sheets (serial, form_version_id, layout, rows, paper, print_run, printed_at, printed_by) VALUES (?, ?, ?, ?, 'a4', 2, 1, 'Марина')",
    );
    expect(() => sheet.run('S-000001', s.ids.form, 'group', 10)).toThrow(/UNIQUE/);
    expect(() => sheet.run('S-000009', s.ids.form, 'poster', 10)).toThrow(/CHECK/);
    expect(() => sheet.run('S-000009', s.ids.form, 'group', 41)).toThrow(/CHECK/);
    expect(() => sheet.run('S-000009', 999, 'group', 10)).toThrow(/FOREIGN KEY/);
    // A confirmation moves on (sent, then cancelled by an opt-out), within its states.
    db.prepare("UPDATE confirmations SET state = 'sent', state_at = 2 WHERE id = ?").run(s.ids.confirmation);
    expect(() => db.prepare("UPDATE confirmations SET state = 'lost' WHERE id = ?").run(s.ids.confirmation)).toThrow(/CHECK/);

    expectHealthy(db);
    db.close();
  });
});
