import type { Migration } from './migration';

const SQL = /* sql */ `
-- Replies a provider sync fetched from a sender that is not a phone number (an operator's or a service's name) and
-- that are not an opt-out were refused and dropped, counted nowhere. Sync now keeps them among the replies, linked to
-- no customer, and counts them per provider beside the replies, opt-outs and results it recorded.
ALTER TABLE provider_sync ADD COLUMN not_from_number INTEGER NOT NULL DEFAULT 0 CHECK (not_from_number >= 0);
`;

/** 0019: provider sync counts the replies it kept from senders that are not phone numbers (issue #16 follow-up). */
export const m0019: Migration = {
  version: 19,
  name: '0019_sync_not_from_number',
  up(db) {
    db.exec(SQL);
  },
};
