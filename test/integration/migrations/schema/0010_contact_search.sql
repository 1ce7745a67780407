-- added index contacts_active_name on contacts
CREATE INDEX contacts_active_name ON contacts (name_key, id, removed_at) WHERE removed_at IS NULL;

-- removed index contacts_name_key on contacts

-- added index contacts_removed on contacts
CREATE INDEX contacts_removed ON contacts (removed_at) WHERE removed_at IS NOT NULL;

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
, us_number INTEGER CHECK (us_number = 0 OR us_number = 1)) STRICT;

-- added trigger contacts_us_number_renumbered on contacts
CREATE TRIGGER contacts_us_number_renumbered AFTER UPDATE OF phone ON contacts
WHEN NEW.phone IS NOT OLD.phone
BEGIN UPDATE contacts SET us_number = NULL WHERE id = NEW.id; END;

-- user_version 10
