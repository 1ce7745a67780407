-- added index sheet_row_corrections_row on sheet_row_corrections
CREATE INDEX sheet_row_corrections_row ON sheet_row_corrections (sheet_id, row);

-- added index sheets_pair on sheets
CREATE INDEX sheets_pair ON sheets (pairs_with) WHERE pairs_with IS NOT NULL;

-- added table sheet_row_corrections
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

-- changed table sheet_rows
CREATE TABLE sheet_rows (
  sheet_id INTEGER NOT NULL REFERENCES sheets (id),
  row INTEGER NOT NULL,
  contact_id INTEGER NOT NULL REFERENCES contacts (id),
  signed_on TEXT NOT NULL,
  entered_at INTEGER NOT NULL,
  entered_by TEXT NOT NULL,
  events TEXT NOT NULL, written_name TEXT, written_phone TEXT,
  PRIMARY KEY (sheet_id, row)
) STRICT;

-- changed table sheets
CREATE TABLE "sheets" (
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
  pairs_with INTEGER REFERENCES "sheets" (id),
  CHECK ((document = 'personal_data') = (pairs_with IS NOT NULL))
) STRICT;

-- added trigger sheet_row_corrections_no_delete on sheet_row_corrections
CREATE TRIGGER sheet_row_corrections_no_delete BEFORE DELETE ON sheet_row_corrections
BEGIN SELECT RAISE(ABORT, 'corrections are kept as made'); END;

-- added trigger sheet_row_corrections_no_update on sheet_row_corrections
CREATE TRIGGER sheet_row_corrections_no_update BEFORE UPDATE ON sheet_row_corrections
BEGIN SELECT RAISE(ABORT, 'corrections are kept as made'); END;

-- user_version 9
