-- added index batches_created on batches
CREATE INDEX batches_created ON batches (created_at);

-- added table batches
CREATE TABLE batches (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('sms', 'whatsapp', 'cascade')),
  purpose TEXT NOT NULL CHECK (purpose IN ('marketing', 'service')),
  text TEXT NOT NULL,
  audience TEXT NOT NULL,
  planned_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  lint_ok INTEGER NOT NULL CHECK (lint_ok IN (0, 1)),
  lint TEXT NOT NULL,
  counts TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'sending', 'done', 'cancelled'))
) STRICT;

-- added trigger batches_no_delete on batches
CREATE TRIGGER batches_no_delete BEFORE DELETE ON batches
BEGIN SELECT RAISE(ABORT, 'batches are kept'); END;

-- added trigger batches_plan_immutable on batches
CREATE TRIGGER batches_plan_immutable BEFORE UPDATE ON batches
WHEN NEW.text IS NOT OLD.text OR NEW.channel IS NOT OLD.channel OR NEW.purpose IS NOT OLD.purpose
  OR NEW.audience IS NOT OLD.audience OR NEW.planned_at IS NOT OLD.planned_at OR NEW.counts IS NOT OLD.counts
BEGIN SELECT RAISE(ABORT, 'a planned batch keeps its message, audience and plan; plan a new batch'); END;

-- user_version 5
