-- changed table provider_sync
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
  error_message TEXT, not_from_number INTEGER NOT NULL DEFAULT 0 CHECK (not_from_number >= 0),
  CHECK ((error_code IS NULL) = (error_message IS NULL))
) STRICT;

-- user_version 19
