import type { Migration } from './migration';

const SQL = /* sql */ `
-- The pack's deadlines (maximum consent age in days, null for none; how long a request waits for its answer, in hours)
-- the projection was last folded under. A consent counts only as long as the pack allows now: when these move (a
-- shorter maximum age in the settings, another pack), every cell is folded again under them. No row: never folded
-- under them (a register from before this step, whose cells kept only the deadlines stamped when they were recorded),
-- so the app folds it once when it opens.
CREATE TABLE projection_deadlines (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  max_consent_age_days INTEGER CHECK (max_consent_age_days IS NULL OR max_consent_age_days > 0),
  pending_expiry_hours INTEGER NOT NULL CHECK (pending_expiry_hours > 0),
  folded_at INTEGER NOT NULL
) STRICT;
`;

/** 0022: the deadlines the projection was folded under, so a change of them (or this upgrade) folds it again. */
export const m0022: Migration = {
  version: 22,
  name: '0022_projection_deadlines',
  up(db) {
    db.exec(SQL);
  },
};
