import type { Migration } from './migration';

const SQL = /* sql */ `
CREATE TRIGGER contacts_keep_consented BEFORE DELETE ON contacts
WHEN EXISTS (SELECT 1 FROM consent_events WHERE contact_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'a contact with consent events is kept: its history must stay provable'); END;

CREATE TRIGGER contacts_phone_fixed BEFORE UPDATE OF phone, id ON contacts
WHEN (NEW.phone IS NOT OLD.phone OR NEW.id IS NOT OLD.id) AND EXISTS (SELECT 1 FROM consent_events WHERE contact_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'a contact with consent events keeps its number: record a new number as a new contact'); END;
`;

/**
 * 0007: a contact that has consent events keeps its row and its number. Events are bound to the number they were
 * recorded for (it is inside their hashed content); deleting the contact would orphan them (an opt-out vanishes
 * from the number's history), and changing its number would move every consent it gave to someone else. No code
 * path does either: an undone import takes a contact out with `removed_at`, and a new number is a new contact.
 * Contacts without events (added by hand, never asked) may still change or go.
 */
export const m0007: Migration = {
  version: 7,
  name: '0007_integrity',
  up(db) {
    db.exec(SQL);
  },
};
