import type { Migration } from './migration';

const SQL = /* sql */ `
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
CREATE INDEX batches_created ON batches (created_at);
-- What was planned is a record: only the state moves on.
CREATE TRIGGER batches_plan_immutable BEFORE UPDATE ON batches
WHEN NEW.text IS NOT OLD.text OR NEW.channel IS NOT OLD.channel OR NEW.purpose IS NOT OLD.purpose
  OR NEW.audience IS NOT OLD.audience OR NEW.planned_at IS NOT OLD.planned_at OR NEW.counts IS NOT OLD.counts
BEGIN SELECT RAISE(ABORT, 'a planned batch keeps its message, audience and plan; plan a new batch'); END;
CREATE TRIGGER batches_no_delete BEFORE DELETE ON batches
BEGIN SELECT RAISE(ABORT, 'batches are kept'); END;
`;

/** 0005: campaign batches as planned — the message, audience, planned time, lint verdict and the gate's counts. */
export const m0005: Migration = {
  version: 5,
  name: '0005_batches',
  up(db) {
    db.exec(SQL);
  },
};
