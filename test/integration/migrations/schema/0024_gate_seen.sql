-- changed table outbox
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
  updated_at INTEGER NOT NULL, gate_event_id INTEGER,
  UNIQUE (batch_id, contact_id, step),
  -- Nothing reaches a provider without the consent event that allowed it.
  CHECK (status IN ('queued', 'skipped', 'failed', 'undeliverable') OR proof_event_id IS NOT NULL)
) STRICT;

-- added trigger outbox_gate_kept on outbox
CREATE TRIGGER outbox_gate_kept BEFORE UPDATE OF gate_event_id ON outbox
WHEN OLD.gate_event_id IS NOT NULL AND (NEW.gate_event_id IS NULL OR NEW.gate_event_id < OLD.gate_event_id)
BEGIN SELECT RAISE(ABORT, 'what the gate saw when it let a message go is a record'); END;

-- user_version 24
