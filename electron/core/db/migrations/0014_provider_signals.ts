import type { Migration } from './migration';

const SQL = /* sql */ `
-- What providers say about the shop's standing rather than about one message: WhatsApp's phone number quality
-- rating and messaging limit, a template's quality score and status (approved, paused, disabled…). Kept as history
-- for the Health view: a provider removed later does not take its signals with it. One row per provider event
-- (evidence_id: the relay's mapping of it), so the same webhook pulled twice is stored once.
CREATE TABLE provider_signals (
  id INTEGER PRIMARY KEY,
  provider TEXT NOT NULL CHECK (length(provider) BETWEEN 1 AND 40),
  topic TEXT NOT NULL CHECK (topic IN ('phone_quality', 'template_status', 'template_quality')),
  value TEXT NOT NULL CHECK (length(value) BETWEEN 1 AND 60),
  detail TEXT CHECK (detail IS NULL OR length(detail) <= 500),
  evidence_id TEXT NOT NULL UNIQUE,
  at INTEGER NOT NULL,
  received_at INTEGER NOT NULL
) STRICT;
CREATE INDEX provider_signals_at ON provider_signals (at);
`;

/**
 * 0014: WhatsApp quality signals (issue #16 point 5). The relay already brings Meta's phone-quality and template
 * webhooks to provider sync; this table keeps them so the Health view and the next plan can show them.
 */
export const m0014: Migration = {
  version: 14,
  name: '0014_provider_signals',
  up(db) {
    db.exec(SQL);
  },
};
