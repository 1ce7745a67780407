-- added table projection_deadlines
CREATE TABLE projection_deadlines (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  max_consent_age_days INTEGER CHECK (max_consent_age_days IS NULL OR max_consent_age_days > 0),
  pending_expiry_hours INTEGER NOT NULL CHECK (pending_expiry_hours > 0),
  folded_at INTEGER NOT NULL
) STRICT;

-- user_version 22
