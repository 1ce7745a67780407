-- added index contacts_merged_into on contacts
CREATE INDEX contacts_merged_into ON contacts (merged_into) WHERE merged_into IS NOT NULL;

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
, us_number INTEGER CHECK (us_number = 0 OR us_number = 1), merged_into INTEGER REFERENCES contacts (id), erasure_requested_at INTEGER, erased_at INTEGER) STRICT;

-- added trigger contacts_erasure_kept on contacts
CREATE TRIGGER contacts_erasure_kept BEFORE UPDATE OF erased_at, erasure_requested_at ON contacts
WHEN OLD.erased_at IS NOT NULL AND (NEW.erased_at IS NOT OLD.erased_at OR NEW.erasure_requested_at IS NOT OLD.erasure_requested_at)
BEGIN SELECT RAISE(ABORT, 'an erasure on request is kept as carried out'); END;

-- added trigger contacts_merge_one_level on contacts
CREATE TRIGGER contacts_merge_one_level BEFORE UPDATE OF merged_into ON contacts
WHEN NEW.merged_into IS NOT NULL
  AND (NEW.merged_into = NEW.id
    OR EXISTS (SELECT 1 FROM contacts WHERE id = NEW.merged_into AND merged_into IS NOT NULL)
    OR EXISTS (SELECT 1 FROM contacts WHERE merged_into = NEW.id))
BEGIN SELECT RAISE(ABORT, 'a contact is merged into a primary contact that is itself not merged'); END;

-- user_version 12
