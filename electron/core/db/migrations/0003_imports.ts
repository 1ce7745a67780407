import type { Migration } from './migration';

const SQL = /* sql */ `
DROP TRIGGER contacts_fts_insert;
DROP TRIGGER contacts_fts_update;
CREATE TABLE contacts_v3 (
  id INTEGER PRIMARY KEY,
  phone TEXT NOT NULL UNIQUE CHECK (phone GLOB '+[1-9]*'),
  national_number TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  name_key TEXT NOT NULL DEFAULT '',
  email TEXT,
  locale TEXT CHECK (locale = 'en' OR locale = 'ru'),
  country TEXT,
  external_id TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  reach TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  other_phones TEXT NOT NULL DEFAULT '[]',
  import_batch_id INTEGER,
  removed_at INTEGER
) STRICT;
INSERT INTO contacts_v3 (id, phone, national_number, name, name_key, email, locale, country, external_id, tags, reach, created_at, updated_at)
  SELECT id, phone, national_number, name, name_key, email, locale, country, external_id, tags, reach, created_at, updated_at FROM contacts ORDER BY id;
DROP TABLE contacts;
ALTER TABLE contacts_v3 RENAME TO contacts;
CREATE INDEX contacts_name_key ON contacts (name_key, id);
CREATE INDEX contacts_external_id ON contacts (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX contacts_import_batch ON contacts (import_batch_id) WHERE import_batch_id IS NOT NULL;
CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
  DELETE FROM contacts_fts WHERE rowid = OLD.id;
END;

CREATE TABLE consent_events_v3 (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL,
  contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE RESTRICT,
  phone TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel = 'whatsapp' OR channel = 'sms'),
  purpose TEXT NOT NULL CHECK (purpose = 'marketing' OR purpose = 'service' OR purpose = 'personal_data'),
  action TEXT NOT NULL CHECK (action = 'claim' OR action = 'request' OR action = 'grant' OR action = 'confirm' OR action = 'revoke'
    OR action = 'expire' OR action = 'retract'),
  method TEXT NOT NULL CHECK (method = 'paper_form' OR method = 'qr_keyword' OR method = 'inbound_keyword' OR method = 'verbal_in_store'
    OR method = 'kiosk' OR method = 'web_form' OR method = 'import' OR method = 'provider_feedback'),
  occurred_at INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  recorded_by TEXT NOT NULL,
  form_version_id INTEGER REFERENCES form_versions (id),
  evidence TEXT NOT NULL DEFAULT '{}',
  policy_pack TEXT NOT NULL,
  expires_at INTEGER,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  target_event_id INTEGER,
  CHECK ((action = 'retract') = (target_event_id IS NOT NULL))
) STRICT;
INSERT INTO consent_events_v3
  SELECT id, uid, contact_id, phone, channel, purpose, action, method, occurred_at, recorded_at, recorded_by,
         form_version_id, evidence, policy_pack, expires_at, prev_hash, hash, NULL
  FROM consent_events ORDER BY id;
DROP TABLE consent_events;
ALTER TABLE consent_events_v3 RENAME TO consent_events;
CREATE INDEX consent_events_key ON consent_events (contact_id, channel, purpose, occurred_at, action, recorded_at, expires_at, target_event_id);
CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
BEGIN SELECT RAISE(ABORT, 'consent events are append-only'); END;
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
BEGIN SELECT RAISE(ABORT, 'consent events are append-only'); END;

CREATE TABLE consent_state_v3 (
  contact_id INTEGER NOT NULL REFERENCES contacts (id),
  channel TEXT NOT NULL,
  purpose TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status = 'none' OR status = 'unproven' OR status = 'pending' OR status = 'granted' OR status = 'revoked'
    OR status = 'expired'),
  since INTEGER,
  expires_at INTEGER,
  last_event_id INTEGER REFERENCES consent_events (id),
  PRIMARY KEY (contact_id, channel, purpose)
) STRICT, WITHOUT ROWID;
INSERT INTO consent_state_v3 SELECT contact_id, channel, purpose, status, since, expires_at, last_event_id FROM consent_state;
DROP TABLE consent_state;
ALTER TABLE consent_state_v3 RENAME TO consent_state;

CREATE TABLE import_batches (
  id INTEGER PRIMARY KEY,
  file_name TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  file_bytes INTEGER NOT NULL,
  options TEXT NOT NULL,
  summary TEXT NOT NULL,
  first_event_id INTEGER,
  last_event_id INTEGER,
  committed_at INTEGER NOT NULL,
  committed_by TEXT NOT NULL,
  undone_at INTEGER,
  undone_by TEXT
) STRICT;

-- What an import overwrote, so that undoing it puts the contact back as it was.
CREATE TABLE import_batch_updates (
  batch_id INTEGER NOT NULL REFERENCES import_batches (id),
  contact_id INTEGER NOT NULL REFERENCES contacts (id),
  before TEXT NOT NULL,
  PRIMARY KEY (batch_id, contact_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE import_presets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  mapping TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
`;

/**
 * 0003: CSV imports.
 * - The search index is kept by the contacts repo instead of triggers: a trigger-driven FTS5 insert cost
 *   ~60 µs a row against ~8 µs for the same insert issued by the repo, which decides whether a million-row import fits.
 * - Contacts remember the import batch that created them, their other numbers, and may be removed (an undone
 *   import): the row stays because the event log points at it, hidden from lists until the number comes back.
 * - Consent events gain `retract`: a compensating event that voids one earlier event (an undone import), so the
 *   log stays append-only. The table is rebuilt because SQLite cannot change a CHECK constraint in place.
 * - Import batches (with before-images of the contacts they changed) and saved column-mapping presets.
 * - The hot tables (contacts, consent_events, consent_state) are rebuilt with their value checks written as OR
 *   chains: SQLite evaluates a CHECK (x IN (…)) by building a small table on every insert, which cost ~10 µs a
 *   row (half of an event insert); the OR form costs ~1 µs and accepts exactly the same values.
 */
export const m0003: Migration = {
  version: 3,
  name: '0003_imports',
  // It rebuilds tables other tables reference: SQLite's procedure for that runs with foreign keys off.
  foreignKeysOff: true,
  up(db) {
    db.exec(SQL);
  },
};
