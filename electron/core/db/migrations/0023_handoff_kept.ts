import type { Migration } from './migration';

const SQL = /* sql */ `
-- When a message was handed to its provider is a record: it is set once, when the provider takes the message, and
-- never changed or cleared after. The frequency cap counts every message a provider took (outbox.repo recentMarketing),
-- whatever became of it later, so rewriting a status ('sent' to 'failed') does not give anyone a message more.
CREATE TRIGGER outbox_handoff_kept BEFORE UPDATE OF handed_off_at ON outbox
WHEN OLD.handed_off_at IS NOT NULL AND NEW.handed_off_at IS NOT OLD.handed_off_at
BEGIN SELECT RAISE(ABORT, 'when a message was handed to its provider is a record'); END;
`;

/** 0023: the hand-off time of an outbox row is kept as set (the frequency cap counts by it). */
export const m0023: Migration = {
  version: 23,
  name: '0023_handoff_kept',
  up(db) {
    db.exec(SQL);
  },
};
