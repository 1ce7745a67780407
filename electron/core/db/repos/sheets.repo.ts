import type { Db } from '../open';

/** A printed sheet (times in ms). */
export interface SheetRecord {
  id: number;
  serial: string;
  formVersionId: number;
  layout: 'individual' | 'group';
  rows: number;
  paper: 'a4' | 'letter';
  printRun: number;
  printedAt: number;
  printedBy: string;
}

/** A row typed in from a sheet. */
export interface SheetRowRecord {
  sheetId: number;
  row: number;
  contactId: number;
  phone: string;
  name: string;
  signedOn: string;
  enteredAt: number;
  enteredBy: string;
  events: number[];
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
  enteredRows: number;
  scans: number;
  lastEnteredAt: number | null;
}

interface SheetRow {
  id: number;
  serial: string;
  form_version_id: number;
  layout: 'individual' | 'group';
  rows: number;
  paper: 'a4' | 'letter';
  print_run: number;
  printed_at: number;
  printed_by: string;
}

const SHEET_COLUMNS = 's.id, s.serial, s.form_version_id, s.layout, s.rows, s.paper, s.print_run, s.printed_at, s.printed_by';
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
});

type SummaryRow = SheetRow & { code: string; title: string; entered: number; scans: number; last: number | null };
const SUMMARY_SELECT = `SELECT ${SHEET_COLUMNS}, f.code, f.title,
    (SELECT count(*) FROM sheet_rows r WHERE r.sheet_id = s.id) AS entered,
    (SELECT count(*) FROM sheet_scans c WHERE c.sheet_id = s.id) AS scans,
    (SELECT max(entered_at) FROM sheet_rows r WHERE r.sheet_id = s.id) AS last
  FROM sheets s JOIN form_versions f ON f.id = s.form_version_id`;
const toSummary = (r: SummaryRow): SheetSummaryRecord => ({
  ...toSheet(r),
  formCode: r.code,
  formTitle: r.title,
  enteredRows: r.entered,
  scans: r.scans,
  lastEnteredAt: r.last,
});

/** SQL for printed sheets, their entered rows and scans. */
export class SheetsRepo {
  constructor(private readonly db: Db) {}

  /** The next serial number and print run (serials are global, so a gap or a missing sheet shows). */
  nextNumbers(): { serial: number; printRun: number } {
    const r = this.db.prepare<[], { id: number | null; run: number | null }>('SELECT max(id) AS id, max(print_run) AS run FROM sheets').get();
    return { serial: (r?.id ?? 0) + 1, printRun: (r?.run ?? 0) + 1 };
  }

  insert(s: Omit<SheetRecord, 'id'> & { id: number }): SheetRecord {
    this.db
      .prepare(
        `INSERT INTO sheets (id, serial, form_version_id, layout, rows, paper, print_run, printed_at, printed_by)
         VALUES (@id, @serial, @formVersionId, @layout, @rows, @paper, @printRun, @printedAt, @printedBy)`,
      )
      .run(s);
    return s;
  }

  bySerial(serial: string): SheetRecord | undefined {
    const r = this.db.prepare<[string], SheetRow>(`SELECT ${SHEET_COLUMNS} FROM sheets s WHERE s.serial = ? COLLATE NOCASE`).get(serial);
    return r ? toSheet(r) : undefined;
  }

  /** Newest first, with entry progress. */
  list(formVersionId: number | null, offset: number, limit: number): SheetSummaryRecord[] {
    return this.db
      .prepare<[number | null, number | null, number, number], SummaryRow>(
        `${SUMMARY_SELECT} WHERE (? IS NULL OR s.form_version_id = ?) ORDER BY s.id DESC LIMIT ? OFFSET ?`,
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
        .prepare<[number | null, number | null], { n: number }>('SELECT count(*) AS n FROM sheets WHERE (? IS NULL OR form_version_id = ?)')
        .get(formVersionId, formVersionId)?.n ?? 0
    );
  }

  rows(sheetId: number): SheetRowRecord[] {
    return this.db
      .prepare<
        [number],
        {
          sheet_id: number;
          row: number;
          contact_id: number;
          phone: string;
          name: string;
          signed_on: string;
          entered_at: number;
          entered_by: string;
          events: string;
        }
      >(
        `SELECT r.sheet_id, r.row, r.contact_id, c.phone, c.name, r.signed_on, r.entered_at, r.entered_by, r.events
         FROM sheet_rows r JOIN contacts c ON c.id = r.contact_id WHERE r.sheet_id = ? ORDER BY r.row`,
      )
      .all(sheetId)
      .map((r) => ({
        sheetId: r.sheet_id,
        row: r.row,
        contactId: r.contact_id,
        phone: r.phone,
        name: r.name,
        signedOn: r.signed_on,
        enteredAt: r.entered_at,
        enteredBy: r.entered_by,
        events: JSON.parse(r.events) as number[],
      }));
  }

  insertRow(r: Omit<SheetRowRecord, 'phone' | 'name'>): void {
    this.db
      .prepare(
        `INSERT INTO sheet_rows (sheet_id, row, contact_id, signed_on, entered_at, entered_by, events)
         VALUES (@sheetId, @row, @contactId, @signedOn, @enteredAt, @enteredBy, @events)`,
      )
      .run({ ...r, events: JSON.stringify(r.events) });
  }

  /** Where else this contact was entered from paper (serial and row), oldest first. */
  rowsForContact(contactId: number): { serial: string; row: number }[] {
    return this.db
      .prepare<[number], { serial: string; row: number }>(
        'SELECT s.serial, r.row FROM sheet_rows r JOIN sheets s ON s.id = r.sheet_id WHERE r.contact_id = ? ORDER BY r.entered_at, s.id, r.row',
      )
      .all(contactId);
  }

  scans(sheetId: number): SheetScanRecord[] {
    return this.db
      .prepare<
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
