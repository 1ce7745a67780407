import type { Migration } from './migration';

const SQL = /* sql */ `
-- Sheets gain tear-off slips and the separate personal-data document (152-FZ since 1 September 2025): a document
-- of kind 'personal_data' is printed beside the consent document it belongs to (pairs_with), with its own serial
-- and signature. SQLite cannot change a CHECK constraint in place, so the table is rebuilt.
CREATE TABLE sheets_v9 (
  id INTEGER PRIMARY KEY,
  serial TEXT NOT NULL UNIQUE,
  form_version_id INTEGER NOT NULL REFERENCES form_versions (id),
  layout TEXT NOT NULL CHECK (layout = 'individual' OR layout = 'group' OR layout = 'slip'),
  rows INTEGER NOT NULL CHECK (rows BETWEEN 1 AND 40),
  paper TEXT NOT NULL CHECK (paper = 'a4' OR paper = 'letter'),
  print_run INTEGER NOT NULL,
  printed_at INTEGER NOT NULL,
  printed_by TEXT NOT NULL,
  document TEXT NOT NULL DEFAULT 'consent' CHECK (document = 'consent' OR document = 'personal_data'),
  pairs_with INTEGER REFERENCES sheets_v9 (id),
  CHECK ((document = 'personal_data') = (pairs_with IS NOT NULL))
) STRICT;
INSERT INTO sheets_v9 (id, serial, form_version_id, layout, rows, paper, print_run, printed_at, printed_by)
  SELECT id, serial, form_version_id, layout, rows, paper, print_run, printed_at, printed_by FROM sheets;
DROP TABLE sheets;
ALTER TABLE sheets_v9 RENAME TO sheets;
CREATE INDEX sheets_form ON sheets (form_version_id);
CREATE INDEX sheets_pair ON sheets (pairs_with) WHERE pairs_with IS NOT NULL;
CREATE TRIGGER sheets_no_update BEFORE UPDATE ON sheets
BEGIN SELECT RAISE(ABORT, 'printed sheets are kept as printed'); END;
CREATE TRIGGER sheets_no_delete BEFORE DELETE ON sheets
BEGIN SELECT RAISE(ABORT, 'printed sheets are kept as printed'); END;

-- What was written on the row, as typed from the paper: the register's contact keeps its own name, and a proof can
-- still cite what the customer wrote. NULL for rows entered before this step (nothing was kept then).
ALTER TABLE sheet_rows ADD COLUMN written_name TEXT;
ALTER TABLE sheet_rows ADD COLUMN written_phone TEXT;

-- A row corrected or voided after it was entered: the row and its consent events stay as they were; the correction
-- names what changed, why, who, and the events it wrote (retractions of the row's events, grants for the corrected
-- number). The last correction of a row is how the row reads now.
CREATE TABLE sheet_row_corrections (
  id INTEGER PRIMARY KEY,
  sheet_id INTEGER NOT NULL REFERENCES sheets (id),
  row INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind = 'void' OR kind = 'correct'),
  reason TEXT NOT NULL,
  written_name TEXT,
  written_phone TEXT,
  contact_id INTEGER REFERENCES contacts (id),
  events TEXT NOT NULL,
  corrected_at INTEGER NOT NULL,
  corrected_by TEXT NOT NULL,
  FOREIGN KEY (sheet_id, row) REFERENCES sheet_rows (sheet_id, row),
  CHECK ((kind = 'void') = (contact_id IS NULL))
) STRICT;
CREATE INDEX sheet_row_corrections_row ON sheet_row_corrections (sheet_id, row);
CREATE TRIGGER sheet_row_corrections_no_update BEFORE UPDATE ON sheet_row_corrections
BEGIN SELECT RAISE(ABORT, 'corrections are kept as made'); END;
CREATE TRIGGER sheet_row_corrections_no_delete BEFORE DELETE ON sheet_row_corrections
BEGIN SELECT RAISE(ABORT, 'corrections are kept as made'); END;
`;

/**
 * 0009: paper rows keep what was written (name and number as on the sheet), can be corrected or voided later with
 * an audited correction, and sheets may be tear-off slips or the separate personal-data document of a consent
 * document (152-FZ art. 9 as amended by 156-FZ).
 */
export const m0009: Migration = {
  version: 9,
  name: '0009_paper_rows',
  // It rebuilds the sheets table, which sheet rows and scans reference: SQLite's procedure runs with foreign keys off.
  foreignKeysOff: true,
  up(db) {
    db.exec(SQL);
  },
};
