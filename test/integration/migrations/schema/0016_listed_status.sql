-- changed index contacts_active_name on contacts
CREATE INDEX contacts_active_name ON contacts (name_key, id, tags, removed_at) WHERE removed_at IS NULL;

-- added index contacts_active_sms_listed on contacts
CREATE INDEX contacts_active_sms_listed ON contacts (sms_listed, name_key, id, sms_listed_until, pd_until, reach, removed_at)
  WHERE removed_at IS NULL;

-- added index contacts_active_wa_listed on contacts
CREATE INDEX contacts_active_wa_listed ON contacts (wa_listed, name_key, id, wa_listed_until, pd_until, reach, removed_at)
  WHERE removed_at IS NULL;

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
, us_number INTEGER CHECK (us_number = 0 OR us_number = 1), merged_into INTEGER REFERENCES contacts (id), erasure_requested_at INTEGER, erased_at INTEGER, consent_changed_at INTEGER NOT NULL DEFAULT 0, sms_listed INTEGER NOT NULL DEFAULT 0, sms_listed_until INTEGER, wa_listed INTEGER NOT NULL DEFAULT 0, wa_listed_until INTEGER, pd_until INTEGER NOT NULL DEFAULT 0) STRICT;

-- user_version 16
