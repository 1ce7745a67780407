import type { Migration } from './migration';

const SQL = /* sql */ `
-- What the gate saw when it let a message go: the id of the register's newest consent event in the transaction that
-- asked it and marked the message for sending (each attempt raises it). Audit verify's "sent after the opt-out"
-- compares an opt-out with it in the register's own order, not by the wall clock, which can be set back between the
-- two; the campaign report says "sent before the opt-out" the same way. Rows sent before this column was made keep NULL
-- and are compared by time, as before. Set, it is only ever raised.
ALTER TABLE outbox ADD COLUMN gate_event_id INTEGER;
CREATE TRIGGER outbox_gate_kept BEFORE UPDATE OF gate_event_id ON outbox
WHEN OLD.gate_event_id IS NOT NULL AND (NEW.gate_event_id IS NULL OR NEW.gate_event_id < OLD.gate_event_id)
BEGIN SELECT RAISE(ABORT, 'what the gate saw when it let a message go is a record'); END;
`;

/** 0024: each outbox row keeps the register's newest event when the gate let it go (outbox_gate_kept). */
export const m0024: Migration = {
  version: 24,
  name: '0024_gate_seen',
  up(db) {
    db.exec(SQL);
  },
};
