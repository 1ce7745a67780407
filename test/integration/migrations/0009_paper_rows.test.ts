import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/db/open';
import { count, ERAS, expectHealthy, expectKept, registerAt, snapshot } from './history';

type Row = Record<string, unknown>;

describe('migration 0009_paper_rows: slips, the separate personal-data document, what was written, corrections', () => {
  it('keeps every sheet, row, scan and event; old sheets are consent documents and old rows kept no written name', () => {
    const s = registerAt(8);
    const db = s.db;
    const before = snapshot(db);
    const sheetsBefore = before.get('sheets')!.rows;
    const rowsBefore = before.get('sheet_rows')!.rows;
    expect(sheetsBefore.length).toBeGreaterThan(1);
    expect(rowsBefore.length).toBeGreaterThan(1);

    expect(migrate(db, 9)).toBe(9);
    // sheets was rebuilt and sheet_rows gained columns: every row is still there, column for column.
    expectKept(before, db);
    const all = (t: string) => db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all() as Row[];
    expect(all('sheets')).toEqual(sheetsBefore.map((r) => ({ ...r, document: 'consent', pairs_with: null })));
    expect(all('sheet_rows')).toEqual(rowsBefore.map((r) => ({ ...r, written_name: null, written_phone: null })));
    expect(count(db, 'sheet_row_corrections')).toBe(0);
    expectHealthy(db);

    // What the app at version 9 writes fits: a slip and its personal-data document, a written name, a void.
    db.transaction(() => ERAS[9]!(s))();
    expect(count(db, 'sheets', "document = 'personal_data'")).toBe(2);
    expect(db.prepare("SELECT written_name FROM sheet_rows WHERE written_name = 'Галя Ёлкина'").get()).toBeDefined();
    expectHealthy(db);
    db.close();
  });

  it('a personal-data document always names its sheet, sheets and corrections are kept as written', () => {
    const s = registerAt(9);
    const db = s.db;
    const insert = db.prepare(
      `INSERT INTO sheets (id, serial, form_version_id, layout, rows, paper, print_run, printed_at, printed_by, document, pairs_with)
       VALUES (?, ?, ?, ?, 1, 'a4', 4, 1, 'Марина', ?, ?)`,
    );
    const form = s.ids.form!;
    expect(() => insert.run(90, 'S-000090', form, 'slip', 'personal_data', null)).toThrow(/CHECK/);
    expect(() => insert.run(90, 'S-000090', form, 'slip', 'consent', s.ids.slip!)).toThrow(/CHECK/);
    expect(() => insert.run(90, 'S-000090', form, 'poster', 'consent', null)).toThrow(/CHECK/);
    expect(() => insert.run(90, 'S-000090', form, 'slip', 'personal_data', 999)).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("UPDATE sheets SET layout = 'group' WHERE id = ?").run(s.ids.slip!)).toThrow(/kept as printed/);
    expect(() => db.prepare('DELETE FROM sheets WHERE id = ?').run(s.ids.slipPd!)).toThrow(/kept as printed/);
    // Rows still point to a sheet that exists.
    expect(() =>
      db
        .prepare(
          "INSERT INTO sheet_rows (sheet_id, row, contact_id, signed_on, entered_at, entered_by, events) VALUES (999, 1, ?, '2025-11-20', 1, 'Марина', '[]')",
        )
        .run(s.ids.galina!),
    ).toThrow(/FOREIGN KEY/);

    const correction = db.prepare(
      `INSERT INTO sheet_row_corrections (sheet_id, row, kind, reason, contact_id, events, corrected_at, corrected_by)
       VALUES (?, ?, ?, 'misread', ?, '[]', 1, 'Марина')`,
    );
    // A void stands for no contact, a correction for one; only an entered row can be corrected.
    expect(() => correction.run(s.ids.slip!, 1, 'void', s.ids.galina!)).toThrow(/CHECK/);
    expect(() => correction.run(s.ids.slip!, 1, 'correct', null)).toThrow(/CHECK/);
    expect(() => correction.run(s.ids.slip!, 7, 'void', null)).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("UPDATE sheet_row_corrections SET reason = 'x'").run()).toThrow(/kept as made/);
    expect(() => db.prepare('DELETE FROM sheet_row_corrections').run()).toThrow(/kept as made/);
    expect(count(db, 'sheet_row_corrections')).toBe(1);
    expectHealthy(db);
    db.close();
  });
});
