import type { Migration } from './migration';

const SQL = /* sql */ `
-- A WhatsApp phone-quality signal kept its messaging limit as English words ("messaging limit TIER_1K"), which the
-- Russian Health view then showed as they were. The detail of such a signal is now Meta's tier code alone (TIER_1K);
-- the view says "messaging limit" in the user's language. Only rows in the old form change.
UPDATE provider_signals SET detail = substr(detail, 17)
WHERE topic = 'phone_quality' AND detail LIKE 'messaging limit %' AND length(detail) > 16;
`;

/** 0018: a phone-quality signal's detail is the messaging-limit tier code, worded by the renderer (issue #14 point 6). */
export const m0018: Migration = {
  version: 18,
  name: '0018_quality_limit_code',
  up(db) {
    db.exec(SQL);
  },
};
