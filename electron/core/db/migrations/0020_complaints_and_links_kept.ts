import type { Migration } from './migration';

const SQL = /* sql */ `
-- A complaint holds marketing back (the gate reads it), so it is kept as recorded, like the consent events: a
-- complaint deleted or moved to another contact would let marketing reach someone who complained.
CREATE TRIGGER complaints_no_update BEFORE UPDATE ON complaints
BEGIN SELECT RAISE(ABORT, 'complaints are kept as recorded'); END;
CREATE TRIGGER complaints_no_delete BEFORE DELETE ON complaints
BEGIN SELECT RAISE(ABORT, 'complaints are kept as recorded'); END;
-- A link between two numbers of one person carries opt-outs from one number to the other: once made it is kept
-- (the app never unlinks; a primary merged on hands its numbers to the new primary, which is not an unlink).
CREATE TRIGGER contacts_link_kept BEFORE UPDATE OF merged_into ON contacts
WHEN OLD.merged_into IS NOT NULL AND NEW.merged_into IS NULL
BEGIN SELECT RAISE(ABORT, 'a link between the numbers of one person is kept'); END;
`;

/**
 * 0020: complaints cannot be changed or deleted, and a link between a person's numbers cannot be removed (the
 * adversarial review of issue #14: either, done with SQL, let marketing reach someone who had complained or opted out,
 * and verify did not see it). Audit verify also compares both with the audit log.
 */
export const m0020: Migration = {
  version: 20,
  name: '0020_complaints_and_links_kept',
  up(db) {
    db.exec(SQL);
  },
};
