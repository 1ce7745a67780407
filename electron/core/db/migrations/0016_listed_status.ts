import type { Migration } from './migration';

const SQL = /* sql */ `
-- What the contacts list shows of a contact's marketing, kept with the contact so a status filter is a seek of an
-- index rather than a lookup in the projection for every row walked (issue #17 item 10): per channel the stored
-- status of the marketing cell as a code (0 none, 1 granted, 2 unproven, 3 pending, 4 expired, 5 revoked:
-- shared/domain/consent/listed.ts) and, for a granted or pending one, its expiry (from then on it reads as expired);
-- and until when a personal-data consent is granted on either channel (0: none; 2^53 - 1: without expiry), for the
-- gate's "needs the personal-data consent". Kept by the consent repository's projection writes, like
-- consent_changed_at (0015): no per-row triggers.
ALTER TABLE contacts ADD COLUMN sms_listed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN sms_listed_until INTEGER;
ALTER TABLE contacts ADD COLUMN wa_listed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN wa_listed_until INTEGER;
ALTER TABLE contacts ADD COLUMN pd_until INTEGER NOT NULL DEFAULT 0;
UPDATE contacts SET sms_listed = m.sms, sms_listed_until = m.sms_until, wa_listed = m.wa, wa_listed_until = m.wa_until, pd_until = m.pd
FROM (
  SELECT contact_id,
    coalesce(max(CASE WHEN channel = 'sms' AND purpose = 'marketing' THEN
      CASE status WHEN 'granted' THEN 1 WHEN 'unproven' THEN 2 WHEN 'pending' THEN 3 WHEN 'expired' THEN 4 WHEN 'revoked' THEN 5 ELSE 0 END END), 0) AS sms,
    max(CASE WHEN channel = 'sms' AND purpose = 'marketing' AND status IN ('granted', 'pending') THEN expires_at END) AS sms_until,
    coalesce(max(CASE WHEN channel = 'whatsapp' AND purpose = 'marketing' THEN
      CASE status WHEN 'granted' THEN 1 WHEN 'unproven' THEN 2 WHEN 'pending' THEN 3 WHEN 'expired' THEN 4 WHEN 'revoked' THEN 5 ELSE 0 END END), 0) AS wa,
    max(CASE WHEN channel = 'whatsapp' AND purpose = 'marketing' AND status IN ('granted', 'pending') THEN expires_at END) AS wa_until,
    coalesce(max(CASE WHEN purpose = 'personal_data' AND status = 'granted' THEN coalesce(expires_at, 9007199254740991) END), 0) AS pd
  FROM consent_state GROUP BY contact_id
) AS m
WHERE contacts.id = m.contact_id;

-- The list's name order (0010) carries each contact's tags, so a tag filter in that order reads the index alone
-- instead of looking up every row it walks (most contacts have none: '[]').
DROP INDEX contacts_active_name;
CREATE INDEX contacts_active_name ON contacts (name_key, id, tags, removed_at) WHERE removed_at IS NULL;

-- A status filter in the list's first order (names) is a range of these: the code, then the name order; the expiry,
-- the personal-data consent and whether the number can take a message are read from the index, not the row.
CREATE INDEX contacts_active_sms_listed ON contacts (sms_listed, name_key, id, sms_listed_until, pd_until, reach, removed_at)
  WHERE removed_at IS NULL;
CREATE INDEX contacts_active_wa_listed ON contacts (wa_listed, name_key, id, wa_listed_until, pd_until, reach, removed_at)
  WHERE removed_at IS NULL;
`;

/**
 * 0016: each contact's marketing status per channel as the list shows it, and its personal-data consent, kept on the
 * contact (by ConsentRepo) with an index per channel, so the list's status filters are seeks at any depth; the name
 * order's index also holds the tags.
 */
export const m0016: Migration = {
  version: 16,
  name: '0016_listed_status',
  up(db) {
    db.exec(SQL);
  },
};
