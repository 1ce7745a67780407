import type { Migration } from './migration';

const SQL = /* sql */ `
CREATE TABLE providers (
  name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 40),
  kind TEXT NOT NULL CHECK (kind IN ('twilio', 'whatsapp-cloud', 'smsru', 'webhook', 'file')),
  options TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE batch_runs (
  batch_id INTEGER PRIMARY KEY REFERENCES batches (id),
  providers TEXT NOT NULL,
  template TEXT,
  fallback_after_ms INTEGER,
  started_at INTEGER NOT NULL,
  started_by TEXT NOT NULL,
  paused_reason TEXT,
  paused_at INTEGER,
  finished_at INTEGER
) STRICT;
CREATE TRIGGER batch_runs_no_delete BEFORE DELETE ON batch_runs
BEGIN SELECT RAISE(ABORT, 'batch runs are kept'); END;

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL REFERENCES batches (id),
  contact_id INTEGER NOT NULL REFERENCES contacts (id),
  step INTEGER NOT NULL CHECK (step IN (0, 1)),
  channel TEXT NOT NULL CHECK (channel IN ('sms', 'whatsapp')),
  phone TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'undeliverable', 'skipped', 'unknown')),
  reason TEXT,
  proof_event_id INTEGER REFERENCES consent_events (id),
  text TEXT,
  provider TEXT,
  provider_message_id TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  due_at INTEGER NOT NULL,
  sending_at INTEGER,
  handed_off_at INTEGER,
  updated_at INTEGER NOT NULL,
  UNIQUE (batch_id, contact_id, step),
  -- Nothing reaches a provider without the consent event that allowed it.
  CHECK (status IN ('queued', 'skipped', 'failed', 'undeliverable') OR proof_event_id IS NOT NULL)
) STRICT;
CREATE INDEX outbox_due ON outbox (batch_id, status, due_at);
CREATE INDEX outbox_contact ON outbox (contact_id, sending_at);
CREATE INDEX outbox_provider_id ON outbox (provider, provider_message_id);
-- A recipient never goes back to the queue once the provider has answered for good: no second message.
-- Only an owner's decision moves an 'unknown' one on.
CREATE TRIGGER outbox_no_resend BEFORE UPDATE OF status ON outbox
WHEN OLD.status IN ('sent', 'delivered', 'read', 'failed', 'undeliverable', 'skipped') AND NEW.status IN ('queued', 'sending', 'unknown')
BEGIN SELECT RAISE(ABORT, 'a recipient the provider has answered for is never sent again'); END;
CREATE TRIGGER outbox_proof_kept BEFORE UPDATE OF proof_event_id, text ON outbox
WHEN OLD.status NOT IN ('queued') AND (NEW.proof_event_id IS NOT OLD.proof_event_id OR NEW.text IS NOT OLD.text)
BEGIN SELECT RAISE(ABORT, 'what was handed off, and under which consent, is a record'); END;
CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
BEGIN SELECT RAISE(ABORT, 'outbox rows are kept'); END;

CREATE TABLE outbox_log (
  id INTEGER PRIMARY KEY,
  recipient_id INTEGER NOT NULL REFERENCES outbox (id),
  at INTEGER NOT NULL,
  status TEXT NOT NULL,
  detail TEXT
) STRICT;
CREATE INDEX outbox_log_recipient ON outbox_log (recipient_id, id);
CREATE TRIGGER outbox_log_no_update BEFORE UPDATE ON outbox_log
BEGIN SELECT RAISE(ABORT, 'the outbox log is append-only'); END;
CREATE TRIGGER outbox_log_no_delete BEFORE DELETE ON outbox_log
BEGIN SELECT RAISE(ABORT, 'the outbox log is append-only'); END;

CREATE TABLE number_flags (
  phone TEXT PRIMARY KEY,
  reason TEXT NOT NULL,
  code TEXT NOT NULL,
  provider TEXT NOT NULL,
  flagged_at INTEGER NOT NULL
) STRICT;
`;

/**
 * 0006: sending. Configured providers (no secrets: those live in the OS keychain), a batch's run, the outbox of
 * recipients with their proof and status, each recipient's history, and numbers flagged by provider feedback.
 */
export const m0006: Migration = {
  version: 6,
  name: '0006_outbox',
  up(db) {
    db.exec(SQL);
  },
};
