import type { Migration } from './migration';

const SQL = /* sql */ `
-- The providers table gains the SMSC.ru kind. SQLite cannot change a CHECK constraint in place, so the table is
-- rebuilt (no other table references it).
CREATE TABLE providers_v10 (
  name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 40),
  kind TEXT NOT NULL CHECK (kind IN ('twilio', 'whatsapp-cloud', 'smsru', 'smsc', 'webhook', 'file')),
  options TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
INSERT INTO providers_v10 (name, kind, options, created_at, updated_at)
  SELECT name, kind, options, created_at, updated_at FROM providers;
DROP TABLE providers;
ALTER TABLE providers_v10 RENAME TO providers;

-- Where each provider's sync stands: the cursor saved after the last complete sync (opaque per kind), the relay's
-- cursor saved with each relay page recorded (its webhooks, when one is linked), the status poll's place in the outbox, when it last finished and last tried, what came in (in total), and the last error.
-- A provider removed takes its sync state with it; one saved again under another kind starts over (kind differs).
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
`;

/**
 * 0011: provider sync (issue #16). The SMSC.ru provider kind, and one row per provider saying where its sync of
 * replies, stop-lists and delivery results stands. Existing providers are kept as they were; none has a sync row
 * until its first sync.
 */
export const m0011: Migration = {
  version: 11,
  name: '0011_provider_sync',
  up(db) {
    db.exec(SQL);
  },
};
