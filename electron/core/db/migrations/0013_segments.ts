import type { Migration } from './migration';

const SQL = /* sql */ `
-- Saved filters of the contacts list (issue #17 item 13): a name and the filter as the contract gives it (JSON).
CREATE TABLE segments (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
  filter TEXT NOT NULL CHECK (json_valid(filter) AND json_type(filter) = 'object'),
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- When a contact's consent last changed: the latest 'since' among its projection cells (0 while it has none), kept by
-- the projection's own writes, so the list can be sorted and filtered by it from an index.
ALTER TABLE contacts ADD COLUMN consent_changed_at INTEGER NOT NULL DEFAULT 0;
UPDATE contacts SET consent_changed_at = coalesce((SELECT max(s.since) FROM consent_state s WHERE s.contact_id = contacts.id), 0)
WHERE EXISTS (SELECT 1 FROM consent_state s WHERE s.contact_id = contacts.id AND s.since IS NOT NULL);
CREATE TRIGGER consent_state_changed_insert AFTER INSERT ON consent_state
WHEN NEW.since IS NOT NULL
BEGIN
  UPDATE contacts SET consent_changed_at = (SELECT max(since) FROM consent_state WHERE contact_id = NEW.contact_id)
  WHERE id = NEW.contact_id AND consent_changed_at IS NOT (SELECT max(since) FROM consent_state WHERE contact_id = NEW.contact_id);
END;
CREATE TRIGGER consent_state_changed_update AFTER UPDATE OF since ON consent_state
WHEN NEW.since IS NOT OLD.since
BEGIN
  UPDATE contacts SET consent_changed_at = coalesce((SELECT max(since) FROM consent_state WHERE contact_id = NEW.contact_id), 0)
  WHERE id = NEW.contact_id AND consent_changed_at IS NOT coalesce((SELECT max(since) FROM consent_state WHERE contact_id = NEW.contact_id), 0);
END;

-- The list's other orders, each over the register's own contacts only (a keyset page at any depth is a seek).
CREATE INDEX contacts_active_phone ON contacts (phone, id, removed_at) WHERE removed_at IS NULL;
CREATE INDEX contacts_active_added ON contacts (created_at, id, removed_at) WHERE removed_at IS NULL;
CREATE INDEX contacts_active_changed ON contacts (consent_changed_at, id, removed_at) WHERE removed_at IS NULL;
`;

/**
 * 0013: working with the list. Segments (saved filters, usable as a campaign's audience); each contact's last consent
 * change, kept by the consent projection; indexes for the list's orders by number, by when added and by the last
 * consent change.
 */
export const m0013: Migration = {
  version: 13,
  name: '0013_segments',
  up(db) {
    db.exec(SQL);
  },
};
