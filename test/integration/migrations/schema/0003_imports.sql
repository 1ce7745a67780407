-- changed index consent_events_key on consent_events
CREATE INDEX consent_events_key ON consent_events (contact_id, channel, purpose, occurred_at, action, recorded_at, expires_at, target_event_id);

-- added index contacts_import_batch on contacts
CREATE INDEX contacts_import_batch ON contacts (import_batch_id) WHERE import_batch_id IS NOT NULL;

-- added index sqlite_autoindex_import_presets_1 on import_presets
-- (made by SQLite itself)

-- changed table consent_events
CREATE TABLE "consent_events" (
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

-- changed table consent_state
CREATE TABLE "consent_state" (
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

-- changed table contacts
CREATE TABLE "contacts" (
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

-- added table import_batch_updates
CREATE TABLE import_batch_updates (
  batch_id INTEGER NOT NULL REFERENCES import_batches (id),
  contact_id INTEGER NOT NULL REFERENCES contacts (id),
  before TEXT NOT NULL,
  PRIMARY KEY (batch_id, contact_id)
) STRICT, WITHOUT ROWID;

-- added table import_batches
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

-- added table import_presets
CREATE TABLE import_presets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  mapping TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- removed trigger contacts_fts_insert on contacts

-- removed trigger contacts_fts_update on contacts

-- user_version 3
