-- added index complaints_contact on complaints
CREATE INDEX complaints_contact ON complaints (contact_id, at);

-- added index inbound_messages_contact on inbound_messages
CREATE INDEX inbound_messages_contact ON inbound_messages (contact_id, received_at);

-- added index sqlite_autoindex_inbound_messages_1 on inbound_messages
-- (made by SQLite itself)

-- added table complaints
CREATE TABLE complaints (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts (id),
  inbound_message_id INTEGER REFERENCES inbound_messages (id),
  note TEXT NOT NULL DEFAULT '',
  at INTEGER NOT NULL,
  recorded_by TEXT NOT NULL
) STRICT;

-- added table inbound_messages
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

-- added trigger inbound_messages_no_delete on inbound_messages
CREATE TRIGGER inbound_messages_no_delete BEFORE DELETE ON inbound_messages
BEGIN SELECT RAISE(ABORT, 'inbound messages are kept as received'); END;

-- added trigger inbound_messages_no_update on inbound_messages
CREATE TRIGGER inbound_messages_no_update BEFORE UPDATE ON inbound_messages
BEGIN SELECT RAISE(ABORT, 'inbound messages are kept as received'); END;

-- user_version 2
