-- added index provider_signals_at on provider_signals
CREATE INDEX provider_signals_at ON provider_signals (at);

-- added index sqlite_autoindex_provider_signals_1 on provider_signals
-- (made by SQLite itself)

-- added table provider_signals
CREATE TABLE provider_signals (
  id INTEGER PRIMARY KEY,
  provider TEXT NOT NULL CHECK (length(provider) BETWEEN 1 AND 40),
  topic TEXT NOT NULL CHECK (topic IN ('phone_quality', 'template_status', 'template_quality')),
  value TEXT NOT NULL CHECK (length(value) BETWEEN 1 AND 60),
  detail TEXT CHECK (detail IS NULL OR length(detail) <= 500),
  evidence_id TEXT NOT NULL UNIQUE,
  at INTEGER NOT NULL,
  received_at INTEGER NOT NULL
) STRICT;

-- user_version 14
