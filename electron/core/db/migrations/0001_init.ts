import type { Migration } from './migration';

const SQL = /* sql */ `
CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  phone TEXT NOT NULL UNIQUE CHECK (phone GLOB '+[1-9]*'),
  national_number TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  name_key TEXT NOT NULL DEFAULT '',
  email TEXT,
  locale TEXT CHECK (locale IN ('en', 'ru')),
  country TEXT,
  external_id TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  reach TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX contacts_name_key ON contacts (name_key, id);
CREATE INDEX contacts_external_id ON contacts (external_id) WHERE external_id IS NOT NULL;

-- Search as you type: word prefixes of the name and digit prefixes of the number.
CREATE VIRTUAL TABLE contacts_fts USING fts5 (name, phones, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 4');

CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
  INSERT INTO contacts_fts (rowid, name, phones) VALUES (NEW.id, NEW.name, substr(NEW.phone, 2) || ' ' || NEW.national_number);
END;
CREATE TRIGGER contacts_fts_update AFTER UPDATE OF name, phone, national_number ON contacts BEGIN
  DELETE FROM contacts_fts WHERE rowid = OLD.id;
  INSERT INTO contacts_fts (rowid, name, phones) VALUES (NEW.id, NEW.name, substr(NEW.phone, 2) || ' ' || NEW.national_number);
END;
CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
  DELETE FROM contacts_fts WHERE rowid = OLD.id;
END;

CREATE TABLE staff (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  role TEXT NOT NULL CHECK (role IN ('owner', 'staff')),
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE form_versions (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  form_key TEXT NOT NULL,
  version INTEGER NOT NULL,
  title TEXT NOT NULL,
  language TEXT NOT NULL CHECK (language IN ('en', 'ru')),
  channels TEXT NOT NULL,
  purposes TEXT NOT NULL,
  body TEXT NOT NULL,
  business_identity TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  first_used_at INTEGER,
  UNIQUE (form_key, version)
) STRICT;

-- Wording is immutable: a change is a new version. Only the first-use stamp may be set, once.
CREATE TRIGGER form_versions_immutable BEFORE UPDATE ON form_versions
WHEN NEW.code IS NOT OLD.code OR NEW.form_key IS NOT OLD.form_key OR NEW.version IS NOT OLD.version
  OR NEW.title IS NOT OLD.title OR NEW.language IS NOT OLD.language OR NEW.channels IS NOT OLD.channels
  OR NEW.purposes IS NOT OLD.purposes OR NEW.body IS NOT OLD.body OR NEW.business_identity IS NOT OLD.business_identity
  OR NEW.sha256 IS NOT OLD.sha256 OR NEW.created_at IS NOT OLD.created_at
  OR (OLD.first_used_at IS NOT NULL AND NEW.first_used_at IS NOT OLD.first_used_at)
BEGIN SELECT RAISE(ABORT, 'form versions are immutable; create a new version'); END;
CREATE TRIGGER form_versions_no_delete BEFORE DELETE ON form_versions
BEGIN SELECT RAISE(ABORT, 'form versions are kept forever'); END;

CREATE TABLE consent_events (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL,
  contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE RESTRICT,
  phone TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('whatsapp', 'sms')),
  purpose TEXT NOT NULL CHECK (purpose IN ('marketing', 'service', 'personal_data')),
  action TEXT NOT NULL CHECK (action IN ('claim', 'request', 'grant', 'confirm', 'revoke', 'expire')),
  method TEXT NOT NULL CHECK (method IN ('paper_form', 'qr_keyword', 'inbound_keyword', 'verbal_in_store', 'kiosk', 'web_form', 'import', 'provider_feedback')),
  occurred_at INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  recorded_by TEXT NOT NULL,
  form_version_id INTEGER REFERENCES form_versions (id),
  evidence TEXT NOT NULL DEFAULT '{}',
  policy_pack TEXT NOT NULL,
  expires_at INTEGER,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
-- Covers the fold (every column it reads), so rebuilds and per-contact reads never touch the table rows.
CREATE INDEX consent_events_key ON consent_events (contact_id, channel, purpose, occurred_at, action, recorded_at, expires_at);

CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
BEGIN SELECT RAISE(ABORT, 'consent events are append-only'); END;
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
BEGIN SELECT RAISE(ABORT, 'consent events are append-only'); END;

CREATE TABLE consent_state (
  contact_id INTEGER NOT NULL REFERENCES contacts (id),
  channel TEXT NOT NULL,
  purpose TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('none', 'unproven', 'pending', 'granted', 'revoked', 'expired')),
  since INTEGER,
  expires_at INTEGER,
  last_event_id INTEGER REFERENCES consent_events (id),
  PRIMARY KEY (contact_id, channel, purpose)
) STRICT, WITHOUT ROWID;

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  details TEXT NOT NULL DEFAULT '{}',
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;

/** 0001: the register — contacts, append-only hash-chained consent events, projection, forms, staff, settings, audit log. */
export const m0001: Migration = {
  version: 1,
  name: '0001_init',
  up(db) {
    db.exec(SQL);
  },
};
