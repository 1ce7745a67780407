-- added table projection_fold
CREATE TABLE projection_fold (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  fold_version INTEGER NOT NULL CHECK (fold_version > 0),
  max_consent_age_days INTEGER CHECK (max_consent_age_days IS NULL OR max_consent_age_days > 0),
  pending_expiry_hours INTEGER NOT NULL CHECK (pending_expiry_hours > 0),
  folded_at INTEGER NOT NULL
) STRICT;

-- user_version 22
