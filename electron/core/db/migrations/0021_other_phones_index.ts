import type { Migration } from './migration';

const SQL = /* sql */ `
-- The contacts that keep a number among their other numbers (an import's row with several): an opt-out from that
-- number reaches them. Only those contacts are in this index, so the lookup an opt-out makes reads them alone rather
-- than the whole contacts table (about half a second per opt-out on a register of a million), and a load of contacts
-- without other numbers adds nothing to it.
CREATE INDEX contacts_other_phones ON contacts (other_phones) WHERE other_phones <> '[]';
`;

/** 0021: an index of the contacts with other numbers, for the opt-out's reach (register/person.ts). */
export const m0021: Migration = {
  version: 21,
  name: '0021_other_phones_index',
  up(db) {
    db.exec(SQL);
  },
};
