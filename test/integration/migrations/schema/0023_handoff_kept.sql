-- added trigger outbox_handoff_kept on outbox
CREATE TRIGGER outbox_handoff_kept BEFORE UPDATE OF handed_off_at ON outbox
WHEN OLD.handed_off_at IS NOT NULL AND NEW.handed_off_at IS NOT OLD.handed_off_at
BEGIN SELECT RAISE(ABORT, 'when a message was handed to its provider is a record'); END;

-- user_version 23
