import type { Migration } from './migration';

const SQL = /* sql */ `
-- contacts.consent_changed_at (0013) is kept by the consent repository's own writes from now on: 0013's triggers
-- recomputed max(since) over the contact's cells and rewrote the contact for every cell written, which doubled a
-- projection rebuild (each contact rewritten once per cell as its cells came back one by one). The repository raises
-- it on an ordinary write, recomputes it only when a cell's 'since' moves back, and sets a rebuilt range at once.
DROP TRIGGER consent_state_changed_insert;
DROP TRIGGER consent_state_changed_update;
-- Any value left wrong by a write the triggers missed (none known) is set right once here.
UPDATE contacts SET consent_changed_at = coalesce((SELECT max(s.since) FROM consent_state s WHERE s.contact_id = contacts.id), 0)
WHERE consent_changed_at IS NOT coalesce((SELECT max(s.since) FROM consent_state s WHERE s.contact_id = contacts.id), 0);
`;

/**
 * 0015: each contact's last consent change (0013) is kept by ConsentRepo's writes instead of per-row triggers, so a
 * projection rebuild writes each contact once (issue #14: `npm run bench` not worse than before).
 */
export const m0015: Migration = {
  version: 15,
  name: '0015_changed_at_by_repo',
  up(db) {
    db.exec(SQL);
  },
};
