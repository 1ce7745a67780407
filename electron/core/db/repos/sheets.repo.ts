import type { Db } from '../open';
import { Statements } from './statements';

/** How a sheet is laid out: one customer a page, a table of customers, or tear-off slips (one customer each). */
export type SheetLayout = 'individual' | 'group' | 'slip';
/** Which document a sheet is: the consent itself, or the separate personal-data consent printed beside it. */
export type SheetDocument = 'consent' | 'personal_data';

/** A printed sheet (times in ms). */
export interface SheetRecord {
  id: number;
  serial: string;
  formVersionId: number;
  layout: SheetLayout;
  rows: number;
  paper: 'a4' | 'letter';
  printRun: number;
  printedAt: number;
  printedBy: string;
  document: SheetDocument;
  /** For a personal-data document: the consent document it belongs to. */
  pairsWith: number | null;
}

/** The last correction of a row: how the row reads now. */
export interface SheetRowCorrectionRecord {
  id: number;
  sheetId: number;
  row: number;
  kind: 'void' | 'correct';
  reason: string;
  writtenName: string | null;
  writtenPhone: string | null;
  /** The contact the corrected row now stands for (null for a void). */
  contactId: number | null;
  events: number[];
  correctedAt: number;
  correctedBy: string;
}

/** A row typed in from a sheet, with its contact as the register knows it now and its last correction. */
export interface SheetRowRecord {
  sheetId: number;
  row: number;
  contactId: number;
  phone: string;
  name: string;
  /** What was written on the paper (null for rows entered before the register kept it). */
  writtenName: string | null;
  writtenPhone: string | null;
  signedOn: string;
  enteredAt: number;
  enteredBy: string;
  events: number[];
  correction: SheetRowCorrectionRecord | null;
}

/** A scan or photo of a sheet. */
export interface SheetScanRecord {
  id: number;
  sheetId: number;
  sha256: string;
  fileName: string;
  mediaType: string;
  bytes: number;
  addedAt: number;
  addedBy: string;
}

/** A sheet with how far its entry has got. */
export interface SheetSummaryRecord extends SheetRecord {
  formCode: string;
  formTitle: string;
  /** The separate personal-data document printed with this sheet, if any. */
  personalDataSerial: string | null;
  enteredRows: number;
  scans: number;
  lastEnteredAt: number | null;
}

interface SheetRow {
  id: number;
  serial: string;
  form_version_id: number;
  layout: SheetLayout;
  rows: number;
  paper: 'a4' | 'letter';
  print_run: number;
  printed_at: number;
  printed_by: string;
  document: SheetDocument;
  pairs_with: number | null;
}

const SHEET_COLUMNS =
  's.id, s.serial, s.form_version_id, s.layout, s.rows, s.paper, s.print_run, s.printed_at, s.printed_by, s.document, s.pairs_with';
const toSheet = (r: SheetRow): SheetRecord => ({
  id: r.id,
  serial: r.serial,
  formVersionId: r.form_version_id,
  layout: r.layout,
  rows: r.rows,
  paper: r.paper,
  printRun: r.print_run,
  printedAt: r.printed_at,
  printedBy: r.printed_by,
  document: r.document,
  pairsWith: r.pairs_with,
});

interface CorrectionRow {
  id: number;
  sheet_id: number;
  row: number;
  kind: 'void' | 'correct';
  reason: string;
  written_name: string | null;
  written_phone: string | null;
  contact_id: number | null;
  events: string;
  corrected_at: number;
  corrected_by: string;
}
const CORRECTION_COLUMNS = 'id, sheet_id, row, kind, reason, written_name, written_phone, contact_id, events, corrected_at, corrected_by';
const toCorrection = (r: CorrectionRow): SheetRowCorrectionRecord => ({
  id: r.id,
  sheetId: r.sheet_id,
  row: r.row,
  kind: r.kind,
  reason: r.reason,
  writtenName: r.written_name,
  writtenPhone: r.written_phone,
  contactId: r.contact_id,
  events: JSON.parse(r.events) as number[],
  correctedAt: r.corrected_at,
  correctedBy: r.corrected_by,
});
/** The contact a row stands for now: its own, a correction's, or none once voided. */
const EFFECTIVE_CONTACT = `CASE
    WHEN lc.id IS NULL THEN r.contact_id
    WHEN lc.kind = 'void' THEN NULL
    ELSE lc.contact_id END`;
/** Joins a row (alias r) to its last correction (alias lc). */
const LAST_CORRECTION = `LEFT JOIN sheet_row_corrections lc ON lc.id =
    (SELECT max(x.id) FROM sheet_row_corrections x WHERE x.sheet_id = r.sheet_id AND x.row = r.row)`;

type SummaryRow = SheetRow & { code: string; title: string; pd_serial: string | null; entered: number; scans: number; last: number | null };
const SUMMARY_SELECT = `SELECT ${SHEET_COLUMNS}, f.code, f.title,
    (SELECT p.serial FROM sheets p WHERE p.pairs_with = s.id) AS pd_serial,
    (SELECT count(*) FROM sheet_rows r WHERE r.sheet_id = s.id) AS entered,
    (SELECT count(*) FROM sheet_scans c WHERE c.sheet_id = s.id) AS scans,
    (SELECT max(entered_at) FROM sheet_rows r WHERE r.sheet_id = s.id) AS last
  FROM sheets s JOIN form_versions f ON f.id = s.form_version_id`;
/** Lists and counts show the documents staff enter from; a personal-data document is reached through its pair. */
const ENTERED_FROM = "s.document = 'consent'";
const toSummary = (r: SummaryRow): SheetSummaryRecord => ({
  ...toSheet(r),
  formCode: r.code,
  formTitle: r.title,
  personalDataSerial: r.pd_serial,
  enteredRows: r.entered,
  scans: r.scans,
  lastEnteredAt: r.last,
});

const ROWS_SELECT = `SELECT r.sheet_id, r.row, r.contact_id, c.phone, c.name, r.written_name, r.written_phone, r.signed_on, r.entered_at,
    r.entered_by, r.events, lc.id AS lc_id
  FROM sheet_rows r ${LAST_CORRECTION} JOIN contacts c ON c.id = COALESCE(lc.contact_id, r.contact_id)`;
/** A row of rows() as SQLite gives it. */
interface RowRow {
  sheet_id: number;
  row: number;
  contact_id: number;
  phone: string;
  name: string;
  written_name: string | null;
  written_phone: string | null;
  signed_on: string;
  entered_at: number;
  entered_by: string;
  events: string;
  lc_id: number | null;
}

/** SQL for printed sheets, their entered rows and scans. */
export class SheetsRepo {
  private readonly statements: Statements;

  constructor(private readonly db: Db) {
    this.statements = new Statements(db);
  }

  /** The next serial number and print run (serials are global, so a gap or a missing sheet shows). */
  nextNumbers(): { serial: number; printRun: number } {
    const r = this.db.prepare<[], { id: number | null; run: number | null }>('SELECT max(id) AS id, max(print_run) AS run FROM sheets').get();
    return { serial: (r?.id ?? 0) + 1, printRun: (r?.run ?? 0) + 1 };
  }

  insert(s: SheetRecord): SheetRecord {
    this.db
      .prepare(
        `INSERT INTO sheets (id, serial, form_version_id, layout, rows, paper, print_run, printed_at, printed_by, document, pairs_with)
         VALUES (@id, @serial, @formVersionId, @layout, @rows, @paper, @printRun, @printedAt, @printedBy, @document, @pairsWith)`,
      )
      .run(s);
    return s;
  }

  get(id: number): SheetRecord | undefined {
    const r = this.db.prepare<[number], SheetRow>(`SELECT ${SHEET_COLUMNS} FROM sheets s WHERE s.id = ?`).get(id);
    return r ? toSheet(r) : undefined;
  }

  /** The separate personal-data document printed beside a consent document, if there is one. */
  personalDataOf(sheetId: number): SheetRecord | undefined {
    const r = this.statements.get<[number], SheetRow>(`SELECT ${SHEET_COLUMNS} FROM sheets s WHERE s.pairs_with = ?`).get(sheetId);
    return r ? toSheet(r) : undefined;
  }

  bySerial(serial: string): SheetRecord | undefined {
    const r = this.statements.get<[string], SheetRow>(`SELECT ${SHEET_COLUMNS} FROM sheets s WHERE s.serial = ? COLLATE NOCASE`).get(serial);
    return r ? toSheet(r) : undefined;
  }

  /** Newest first, with entry progress. */
  list(formVersionId: number | null, offset: number, limit: number): SheetSummaryRecord[] {
    return this.db
      .prepare<[number | null, number | null, number, number], SummaryRow>(
        `${SUMMARY_SELECT} WHERE ${ENTERED_FROM} AND (? IS NULL OR s.form_version_id = ?) ORDER BY s.id DESC LIMIT ? OFFSET ?`,
      )
      .all(formVersionId, formVersionId, limit, offset)
      .map(toSummary);
  }

  summary(sheetId: number): SheetSummaryRecord | undefined {
    const r = this.db.prepare<[number], SummaryRow>(`${SUMMARY_SELECT} WHERE s.id = ?`).get(sheetId);
    return r ? toSummary(r) : undefined;
  }

  count(formVersionId: number | null): number {
    return (
      this.db
        .prepare<[number | null, number | null], { n: number }>(
          `SELECT count(*) AS n FROM sheets s WHERE ${ENTERED_FROM} AND (? IS NULL OR s.form_version_id = ?)`,
        )
        .get(formVersionId, formVersionId)?.n ?? 0
    );
  }

  rows(sheetId: number): SheetRowRecord[] {
    return this.statements
      .get<[number], RowRow>(`${ROWS_SELECT} WHERE r.sheet_id = ? ORDER BY r.row`)
      .all(sheetId)
      .map((r) => this.toRow(r));
  }

  /** One row of a sheet as rows() gives it, if it was entered: a row's entry and correction look for it alone. */
  rowAt(sheetId: number, row: number): SheetRowRecord | undefined {
    const r = this.statements.get<[number, number], RowRow>(`${ROWS_SELECT} WHERE r.sheet_id = ? AND r.row = ?`).get(sheetId, row);
    return r ? this.toRow(r) : undefined;
  }

  private toRow(r: RowRow): SheetRowRecord {
    return {
      sheetId: r.sheet_id,
      row: r.row,
      contactId: r.contact_id,
      phone: r.phone,
      name: r.name,
      writtenName: r.written_name,
      writtenPhone: r.written_phone,
      signedOn: r.signed_on,
      enteredAt: r.entered_at,
      enteredBy: r.entered_by,
      events: JSON.parse(r.events) as number[],
      correction: r.lc_id === null ? null : this.correction(r.lc_id),
    };
  }

  private correction(id: number): SheetRowCorrectionRecord | null {
    const r = this.db.prepare<[number], CorrectionRow>(`SELECT ${CORRECTION_COLUMNS} FROM sheet_row_corrections WHERE id = ?`).get(id);
    return r ? toCorrection(r) : null;
  }

  /** Every correction of a row, oldest first. */
  corrections(sheetId: number, row: number): SheetRowCorrectionRecord[] {
    return this.db
      .prepare<[number, number], CorrectionRow>(`SELECT ${CORRECTION_COLUMNS} FROM sheet_row_corrections WHERE sheet_id = ? AND row = ? ORDER BY id`)
      .all(sheetId, row)
      .map(toCorrection);
  }

  insertRow(r: Omit<SheetRowRecord, 'phone' | 'name' | 'correction'>): void {
    this.statements
      .get(
        `INSERT INTO sheet_rows (sheet_id, row, contact_id, signed_on, entered_at, entered_by, events, written_name, written_phone)
         VALUES (@sheetId, @row, @contactId, @signedOn, @enteredAt, @enteredBy, @events, @writtenName, @writtenPhone)`,
      )
      .run({ ...r, events: JSON.stringify(r.events) });
  }

  insertCorrection(c: Omit<SheetRowCorrectionRecord, 'id'>): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO sheet_row_corrections (sheet_id, row, kind, reason, written_name, written_phone, contact_id, events, corrected_at, corrected_by)
           VALUES (@sheetId, @row, @kind, @reason, @writtenName, @writtenPhone, @contactId, @events, @correctedAt, @correctedBy)`,
        )
        .run({ ...c, events: JSON.stringify(c.events) }).lastInsertRowid,
    );
  }

  /**
   * The name as written on a row (its last correction's, else as entered), by the serial a consent's evidence names:
   * the sheet's own or its personal-data document's. Null when the row kept no written name.
   */
  writtenNameAt(serial: string, row: number): string | null {
    return (
      this.db
        .prepare<[number, string], { name: string | null }>(
          `SELECT COALESCE(lc.written_name, r.written_name) AS name
           FROM sheets s JOIN sheet_rows r ON r.sheet_id = COALESCE(s.pairs_with, s.id) AND r.row = ? ${LAST_CORRECTION}
           WHERE s.serial = ? COLLATE NOCASE`,
        )
        .get(row, serial)?.name ?? null
    );
  }

  /** The sheets (id) and rows entered for a contact or corrected to it, oldest first, voided ones included. */
  rowKeysForContact(contactId: number): { sheetId: number; row: number }[] {
    return this.db
      .prepare<[number, number], { sheet_id: number; row: number }>(
        `SELECT r.sheet_id, r.row FROM sheet_rows r
         WHERE r.contact_id = ? OR EXISTS (SELECT 1 FROM sheet_row_corrections x WHERE x.sheet_id = r.sheet_id AND x.row = r.row AND x.contact_id = ?)
         ORDER BY r.entered_at, r.sheet_id, r.row`,
      )
      .all(contactId, contactId)
      .map((r) => ({ sheetId: r.sheet_id, row: r.row }));
  }

  /** Where else this contact was entered from paper (serial and row), oldest first; a voided row no longer counts. */
  rowsForContact(contactId: number): { serial: string; row: number }[] {
    return this.db
      .prepare<[number, number, number], { serial: string; row: number }>(
        `SELECT s.serial, r.row FROM sheet_rows r JOIN sheets s ON s.id = r.sheet_id ${LAST_CORRECTION}
         WHERE (r.contact_id = ? OR lc.contact_id = ?) AND (${EFFECTIVE_CONTACT}) IS ? ORDER BY r.entered_at, s.id, r.row`,
      )
      .all(contactId, contactId, contactId);
  }

  scans(sheetId: number): SheetScanRecord[] {
    return this.statements
      .get<
        [number],
        { id: number; sheet_id: number; sha256: string; file_name: string; media_type: string; bytes: number; added_at: number; added_by: string }
      >('SELECT id, sheet_id, sha256, file_name, media_type, bytes, added_at, added_by FROM sheet_scans WHERE sheet_id = ? ORDER BY id')
      .all(sheetId)
      .map((r) => ({
        id: r.id,
        sheetId: r.sheet_id,
        sha256: r.sha256,
        fileName: r.file_name,
        mediaType: r.media_type,
        bytes: r.bytes,
        addedAt: r.added_at,
        addedBy: r.added_by,
      }));
  }

  /** Attach a scan; false when this very file is attached to the sheet already. */
  insertScan(s: Omit<SheetScanRecord, 'id'>): boolean {
    const info = this.db
      .prepare(
        `INSERT OR IGNORE INTO sheet_scans (sheet_id, sha256, file_name, media_type, bytes, added_at, added_by)
         VALUES (@sheetId, @sha256, @fileName, @mediaType, @bytes, @addedAt, @addedBy)`,
      )
      .run(s);
    return info.changes > 0;
  }
}
