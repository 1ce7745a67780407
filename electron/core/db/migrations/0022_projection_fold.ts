import type { Migration } from './migration';

const SQL = /* sql */ `
-- How the projection was last folded from the events: by which version of the fold (shared/domain/consent/fold.ts
-- FOLD_VERSION) and under which of the pack's deadlines (maximum consent age in days, null for none; how long a request
-- waits for its answer, in hours). A consent counts only as long as the pack allows now, so when the deadlines move (a
-- shorter maximum age in the settings, another pack) every cell is folded again under them; likewise when a build
-- folds differently. No row: never recorded (a register from before this step), so the app folds it once when it opens.
CREATE TABLE projection_fold (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  fold_version INTEGER NOT NULL CHECK (fold_version > 0),
  max_consent_age_days INTEGER CHECK (max_consent_age_days IS NULL OR max_consent_age_days > 0),
  pending_expiry_hours INTEGER NOT NULL CHECK (pending_expiry_hours > 0),
  folded_at INTEGER NOT NULL
) STRICT;
`;

/** 0022: how the projection was folded (fold version, the pack's deadlines), so a change of either folds it again. */
export const m0022: Migration = {
  version: 22,
  name: '0022_projection_fold',
  up(db) {
    db.exec(SQL);
  },
};
