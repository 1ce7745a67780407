import type { Migration } from './migration';

const SQL = /* sql */ `
-- Two contacts that are one person are linked, never folded together: each keeps its own number and the consent
-- events recorded for that number (they carry it in their hashed content), so a merge moves no event, and each
-- number's own consent still decides what may be sent to it. merged_into names the person's primary contact.
ALTER TABLE contacts ADD COLUMN merged_into INTEGER REFERENCES contacts (id);
CREATE INDEX contacts_merged_into ON contacts (merged_into) WHERE merged_into IS NOT NULL;
-- One level only: a contact is merged into a primary that is not itself merged, never into itself, and a primary
-- hands its other numbers on before it is merged (no chains).
CREATE TRIGGER contacts_merge_one_level BEFORE UPDATE OF merged_into ON contacts
WHEN NEW.merged_into IS NOT NULL
  AND (NEW.merged_into = NEW.id
    OR EXISTS (SELECT 1 FROM contacts WHERE id = NEW.merged_into AND merged_into IS NOT NULL)
    OR EXISTS (SELECT 1 FROM contacts WHERE merged_into = NEW.id))
BEGIN SELECT RAISE(ABORT, 'a contact is merged into a primary contact that is itself not merged'); END;

-- A deletion request carried out (152-FZ art. 21, GDPR art. 17): when it was made and when the personal fields
-- were erased. The row, its number and its events stay (the proof of the opt-out the erasure recorded), so the
-- number is never taken for a new, unasked person again; once erased, a contact stays marked as erased.
ALTER TABLE contacts ADD COLUMN erasure_requested_at INTEGER;
ALTER TABLE contacts ADD COLUMN erased_at INTEGER;
CREATE TRIGGER contacts_erasure_kept BEFORE UPDATE OF erased_at, erasure_requested_at ON contacts
WHEN OLD.erased_at IS NOT NULL AND (NEW.erased_at IS NOT OLD.erased_at OR NEW.erasure_requested_at IS NOT OLD.erasure_requested_at)
BEGIN SELECT RAISE(ABORT, 'an erasure on request is kept as carried out'); END;
`;

/**
 * 0012: managing people (issue #17 item 11). Contacts can be linked as one person (merged_into: the other numbers
 * of a primary contact) and carry the dates of a deletion request and of its erasure. Existing contacts are
 * neither merged nor erased.
 */
export const m0012: Migration = {
  version: 12,
  name: '0012_contact_links',
  up(db) {
    db.exec(SQL);
  },
};
