import type { Migration } from './migration';

const SQL = /* sql */ `
-- One row per printed page: a sheet's serial is on the paper, so an entered row can point to it and a
-- sheet that never comes back is noticed.
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
CREATE INDEX sheets_form ON sheets (form_version_id);
CREATE TRIGGER sheets_no_update BEFORE UPDATE ON sheets
BEGIN SELECT RAISE(ABORT, 'printed sheets are kept as printed'); END;
CREATE TRIGGER sheets_no_delete BEFORE DELETE ON sheets
BEGIN SELECT RAISE(ABORT, 'printed sheets are kept as printed'); END;

-- A row typed in from a sheet; the consent events it caused carry the serial and row as evidence.
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
CREATE INDEX sheet_rows_contact ON sheet_rows (contact_id);
CREATE TRIGGER sheet_rows_no_update BEFORE UPDATE ON sheet_rows
BEGIN SELECT RAISE(ABORT, 'entered rows are kept as entered'); END;
CREATE TRIGGER sheet_rows_no_delete BEFORE DELETE ON sheet_rows
BEGIN SELECT RAISE(ABORT, 'entered rows are kept as entered'); END;

-- Photos or scans of a signed sheet, kept in the app's data folder under their SHA-256.
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
CREATE TRIGGER sheet_scans_no_update BEFORE UPDATE ON sheet_scans
BEGIN SELECT RAISE(ABORT, 'scans are kept as attached'); END;
CREATE TRIGGER sheet_scans_no_delete BEFORE DELETE ON sheet_scans
BEGIN SELECT RAISE(ABORT, 'scans are kept as attached'); END;

-- Double opt-in: the confirmation message owed to a customer whose opt-in is pending. The provider
-- outbox sends the queued ones; an opt-out or a confirmation that arrives first cancels the message.
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
CREATE INDEX confirmations_contact ON confirmations (contact_id, channel, state);
CREATE INDEX confirmations_state ON confirmations (state, created_at);
`;

/** 0004: printed consent sheets (serials, entered rows, scans) and the double opt-in confirmation queue. */
export const m0004: Migration = {
  version: 4,
  name: '0004_sheets',
  up(db) {
    db.exec(SQL);
  },
};
