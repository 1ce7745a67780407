import { isUsNumber } from '../../../../shared/domain/phone/reach';
import { searchKey } from '../../../../shared/domain/text/fold';
import type { Migration } from './migration';

const SQL = /* sql */ `
-- Whether a +1 number is a US one (the gate's WhatsApp US pause), worked out when the contact is written instead of
-- at every plan; NULL where nobody has yet (the plan then asks the same rule).
ALTER TABLE contacts ADD COLUMN us_number INTEGER CHECK (us_number = 0 OR us_number = 1);
CREATE TRIGGER contacts_us_number_renumbered AFTER UPDATE OF phone ON contacts
WHEN NEW.phone IS NOT OLD.phone
BEGIN UPDATE contacts SET us_number = NULL WHERE id = NEW.id; END;

-- The list in name order reads only the register's contacts (not those an undone import took out) from the index
-- alone, so a page at any depth never touches the rows it skips (removed_at is a column of it only so that SQLite
-- sees that it covers the query); the few removed ones are counted apart.
DROP INDEX contacts_name_key;
CREATE INDEX contacts_active_name ON contacts (name_key, id, removed_at) WHERE removed_at IS NULL;
CREATE INDEX contacts_removed ON contacts (removed_at) WHERE removed_at IS NOT NULL;
`;

/**
 * 0010: finding people. Names get one fold for sorting and searching (shared/domain/text/fold.ts: case, «ё»/«е»,
 * Latin diacritics), stored as `name_key` and in the word index, whose number column also holds the national
 * number reversed so that its last digits can be searched; the list gets an index of the register's own contacts in
 * name order; a contact's number says whether it is a US one.
 */
export const m0010: Migration = {
  version: 10,
  name: '0010_contact_search',
  up(db) {
    db.exec(SQL);
    const slice = db
      .prepare<[number], [number, string, string, string, string, number | null]>(
        'SELECT id, phone, national_number, name, name_key, removed_at FROM contacts WHERE id > ? ORDER BY id LIMIT 10000',
      )
      .raw();
    const setKey = db.prepare<[string, number]>('UPDATE contacts SET name_key = ? WHERE id = ?');
    const setUs = db.prepare<[number, number]>('UPDATE contacts SET us_number = ? WHERE id = ?');
    const index = db.prepare<[number, string, string]>('INSERT INTO contacts_fts (rowid, name, phones) VALUES (?, ?, ?)');
    // The word index is contentless: emptied and filled again from the contacts, folded, with each number's tail.
    db.exec(`INSERT INTO contacts_fts (contacts_fts) VALUES ('delete-all')`);
    // In slices of ids (a statement cannot stay open while the connection writes; a million rows need not be held).
    for (let rows = slice.all(0); rows.length > 0; rows = slice.all(rows[rows.length - 1]![0])) {
      for (const [id, phone, national, name, key, removedAt] of rows) {
        const folded = searchKey(name);
        if (folded !== key) setKey.run(folded, id);
        if (phone.startsWith('+1')) setUs.run(isUsNumber(phone) ? 1 : 0, id);
        // The number column: digits with and without the country code, and the national number reversed behind 'r'.
        if (removedAt === null) index.run(id, folded, `${phone.slice(1)} ${national} r${[...national].reverse().join('')}`);
      }
    }
  },
};
