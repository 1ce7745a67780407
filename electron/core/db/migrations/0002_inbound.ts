import type { Migration } from './migration';

const SQL = /* sql */ `
CREATE TABLE inbound_messages (
  id INTEGER PRIMARY KEY,
  provider_id TEXT UNIQUE,
  channel TEXT NOT NULL CHECK (channel IN ('whatsapp', 'sms')),
  from_phone TEXT NOT NULL,
  to_phone TEXT,
  text TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  intent TEXT NOT NULL CHECK (intent IN ('opt_out', 'opt_in', 'confirm', 'help', 'complaint', 'other')),
  form_code TEXT,
  contact_id INTEGER REFERENCES contacts (id)
) STRICT;
CREATE INDEX inbound_messages_contact ON inbound_messages (contact_id, received_at);

-- The message is evidence: it is never edited or removed.
CREATE TRIGGER inbound_messages_no_update BEFORE UPDATE ON inbound_messages
BEGIN SELECT RAISE(ABORT, 'inbound messages are kept as received'); END;
CREATE TRIGGER inbound_messages_no_delete BEFORE DELETE ON inbound_messages
BEGIN SELECT RAISE(ABORT, 'inbound messages are kept as received'); END;

CREATE TABLE complaints (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts (id),
  inbound_message_id INTEGER REFERENCES inbound_messages (id),
  note TEXT NOT NULL DEFAULT '',
  at INTEGER NOT NULL,
  recorded_by TEXT NOT NULL
) STRICT;
CREATE INDEX complaints_contact ON complaints (contact_id, at);
`;

/** 0002: inbound messages (kept as evidence for the events they cause) and complaints. */
export const m0002: Migration = {
  version: 2,
  name: '0002_inbound',
  up(db) {
    db.exec(SQL);
  },
};
