import type { Migration } from './migration';

const SQL = /* sql */ `
-- Health (issue #16 point 5) asks for the marketing revocations since a moment on every plan and report, to count
-- opt-outs against the campaign before them; without an index on time that read every consent event of the register.
-- A partial index holds only those revocations, so a busy register's imports and grants do not pay for it.
CREATE INDEX consent_events_marketing_revoked ON consent_events (occurred_at) WHERE action = 'revoke' AND purpose = 'marketing';
`;

/** 0017: the marketing revocations by time, for Health's opt-outs within 48 hours of a campaign (issue #14 bench). */
export const m0017: Migration = {
  version: 17,
  name: '0017_revocations_by_time',
  up(db) {
    db.exec(SQL);
  },
};
