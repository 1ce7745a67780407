-- added trigger complaints_no_delete on complaints
CREATE TRIGGER complaints_no_delete BEFORE DELETE ON complaints
BEGIN SELECT RAISE(ABORT, 'complaints are kept as recorded'); END;

-- added trigger complaints_no_update on complaints
CREATE TRIGGER complaints_no_update BEFORE UPDATE ON complaints
BEGIN SELECT RAISE(ABORT, 'complaints are kept as recorded'); END;

-- added trigger contacts_link_kept on contacts
CREATE TRIGGER contacts_link_kept BEFORE UPDATE OF merged_into ON contacts
WHEN OLD.merged_into IS NOT NULL AND NEW.merged_into IS NULL
BEGIN SELECT RAISE(ABORT, 'a link between the numbers of one person is kept'); END;

-- user_version 20
