-- added index contacts_active_added on contacts
CREATE INDEX contacts_active_added ON contacts (created_at, id, removed_at) WHERE removed_at IS NULL;

-- added index contacts_active_changed on contacts
CREATE INDEX contacts_active_changed ON contacts (consent_changed_at, id, removed_at) WHERE removed_at IS NULL;

-- added index contacts_active_phone on contacts
CREATE INDEX contacts_active_phone ON contacts (phone, id, removed_at) WHERE removed_at IS NULL;

-- added index sqlite_autoindex_segments_1 on segments
-- (made by SQLite itself)

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
, us_number INTEGER CHECK (us_number = 0 OR us_number = 1), merged_into INTEGER REFERENCES contacts (id), erasure_requested_at INTEGER, erased_at INTEGER, consent_changed_at INTEGER NOT NULL DEFAULT 0) STRICT;

-- added table segments
CREATE TABLE segments (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
  filter TEXT NOT NULL CHECK (json_valid(filter) AND json_type(filter) = 'object'),
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- added trigger consent_state_changed_insert on consent_state
CREATE TRIGGER consent_state_changed_insert AFTER INSERT ON consent_state
WHEN NEW.since IS NOT NULL
BEGIN
  UPDATE contacts SET consent_changed_at = (SELECT max(since) FROM consent_state WHERE contact_id = NEW.contact_id)
  WHERE id = NEW.contact_id AND consent_changed_at IS NOT (SELECT max(since) FROM consent_state WHERE contact_id = NEW.contact_id);
END;

-- added trigger consent_state_changed_update on consent_state
CREATE TRIGGER consent_state_changed_update AFTER UPDATE OF since ON consent_state
WHEN NEW.since IS NOT OLD.since
BEGIN
  UPDATE contacts SET consent_changed_at = coalesce((SELECT max(since) FROM consent_state WHERE contact_id = NEW.contact_id), 0)
  WHERE id = NEW.contact_id AND consent_changed_at IS NOT coalesce((SELECT max(since) FROM consent_state WHERE contact_id = NEW.contact_id), 0);
END;

-- user_version 13
