-- added index confirmations_contact on confirmations
CREATE INDEX confirmations_contact ON confirmations (contact_id, channel, state);

-- added index confirmations_state on confirmations
CREATE INDEX confirmations_state ON confirmations (state, created_at);

-- added index sheet_rows_contact on sheet_rows
CREATE INDEX sheet_rows_contact ON sheet_rows (contact_id);

-- added index sheets_form on sheets
CREATE INDEX sheets_form ON sheets (form_version_id);

-- added index sqlite_autoindex_sheet_rows_1 on sheet_rows
-- (made by SQLite itself)

-- added index sqlite_autoindex_sheet_scans_1 on sheet_scans
-- (made by SQLite itself)

-- added index sqlite_autoindex_sheets_1 on sheets
-- (made by SQLite itself)

-- added table confirmations
CREATE TABLE confirmations (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts (id),
  channel TEXT NOT NULL CHECK (channel IN ('whatsapp', 'sms')),
  request_event_id INTEGER NOT NULL REFERENCES consent_events (id),
  form_version_id INTEGER REFERENCES form_versions (id),
  language TEXT NOT NULL CHECK (language IN ('en', 'ru')),
  text TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
  state_reason TEXT,
  state_at INTEGER NOT NULL,
  provider_message_id TEXT
) STRICT;

-- added table sheet_rows
CREATE TABLE sheet_rows (
  sheet_id INTEGER NOT NULL REFERENCES sheets (id),
  row INTEGER NOT NULL,
  contact_id INTEGER NOT NULL REFERENCES contacts (id),
  signed_on TEXT NOT NULL,
  entered_at INTEGER NOT NULL,
  entered_by TEXT NOT NULL,
  events TEXT NOT NULL,
  PRIMARY KEY (sheet_id, row)
) STRICT;

-- added table sheet_scans
CREATE TABLE sheet_scans (
  id INTEGER PRIMARY KEY,
  sheet_id INTEGER NOT NULL REFERENCES sheets (id),
  sha256 TEXT NOT NULL,
  file_name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  added_at INTEGER NOT NULL,
  added_by TEXT NOT NULL,
  UNIQUE (sheet_id, sha256)
) STRICT;

-- added table sheets
CREATE TABLE sheets (
  id INTEGER PRIMARY KEY,
  serial TEXT NOT NULL UNIQUE,
  form_version_id INTEGER NOT NULL REFERENCES form_versions (id),
  layout TEXT NOT NULL CHECK (layout IN ('individual', 'group')),
  rows INTEGER NOT NULL CHECK (rows BETWEEN 1 AND 40),
  paper TEXT NOT NULL CHECK (paper IN ('a4', 'letter')),
  print_run INTEGER NOT NULL,
  printed_at INTEGER NOT NULL,
  printed_by TEXT NOT NULL
) STRICT;

-- added trigger sheet_rows_no_delete on sheet_rows
CREATE TRIGGER sheet_rows_no_delete BEFORE DELETE ON sheet_rows
BEGIN SELECT RAISE(ABORT, 'entered rows are kept as entered'); END;

-- added trigger sheet_rows_no_update on sheet_rows
CREATE TRIGGER sheet_rows_no_update BEFORE UPDATE ON sheet_rows
BEGIN SELECT RAISE(ABORT, 'entered rows are kept as entered'); END;

-- added trigger sheet_scans_no_delete on sheet_scans
CREATE TRIGGER sheet_scans_no_delete BEFORE DELETE ON sheet_scans
BEGIN SELECT RAISE(ABORT, 'scans are kept as attached'); END;

-- added trigger sheet_scans_no_update on sheet_scans
CREATE TRIGGER sheet_scans_no_update BEFORE UPDATE ON sheet_scans
BEGIN SELECT RAISE(ABORT, 'scans are kept as attached'); END;

-- added trigger sheets_no_delete on sheets
CREATE TRIGGER sheets_no_delete BEFORE DELETE ON sheets
BEGIN SELECT RAISE(ABORT, 'printed sheets are kept as printed'); END;

-- added trigger sheets_no_update on sheets
CREATE TRIGGER sheets_no_update BEFORE UPDATE ON sheets
BEGIN SELECT RAISE(ABORT, 'printed sheets are kept as printed'); END;

-- user_version 4
