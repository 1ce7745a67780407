-- added index sqlite_autoindex_provider_sync_1 on provider_sync
-- (made by SQLite itself)

-- added table provider_sync
CREATE TABLE provider_sync (
  provider TEXT PRIMARY KEY REFERENCES providers (name) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  cursor TEXT,
  relay_cursor TEXT,
  status_after INTEGER NOT NULL DEFAULT 0,
  synced_at INTEGER,
  attempted_at INTEGER NOT NULL,
  inbound INTEGER NOT NULL DEFAULT 0 CHECK (inbound >= 0),
  opt_outs INTEGER NOT NULL DEFAULT 0 CHECK (opt_outs >= 0),
  confirmations INTEGER NOT NULL DEFAULT 0 CHECK (confirmations >= 0),
  statuses INTEGER NOT NULL DEFAULT 0 CHECK (statuses >= 0),
  error_code TEXT,
  error_message TEXT,
  CHECK ((error_code IS NULL) = (error_message IS NULL))
) STRICT;

-- changed table providers
CREATE TABLE "providers" (
  name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 40),
  kind TEXT NOT NULL CHECK (kind IN ('twilio', 'whatsapp-cloud', 'smsru', 'smsc', 'webhook', 'file')),
  options TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- user_version 11
