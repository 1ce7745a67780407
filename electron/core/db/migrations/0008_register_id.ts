import type { Migration } from './migration';

const SQL = /* sql */ `
CREATE TABLE register_meta (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  register_id TEXT NOT NULL CHECK (register_id GLOB '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-*' AND length(register_id) = 36),
  created_at INTEGER NOT NULL
) STRICT;

-- A version 4 UUID from SQLite's own random bytes: 8-4-4-4-12 hex digits, version nibble 4, variant 8, 9, a or b.
INSERT INTO register_meta (id, register_id, created_at)
SELECT 1,
  substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-' ||
  substr('89ab', 1 + (abs(random()) % 4), 1) || substr(h, 18, 3) || '-' || substr(h, 21, 12),
  CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
FROM (SELECT lower(hex(randomblob(16))) AS h);

CREATE TRIGGER register_meta_fixed BEFORE UPDATE ON register_meta
BEGIN SELECT RAISE(ABORT, 'the register id is made once and never changes'); END;
CREATE TRIGGER register_meta_kept BEFORE DELETE ON register_meta
BEGIN SELECT RAISE(ABORT, 'the register id is made once and never changes'); END;
`;

/**
 * 0008: the register's own id, a random UUID made once when the register is made (or, for a register from before
 * this step, when it is upgraded). It travels inside the file, so a backup and a restored register keep it, and it
 * goes into every webhook idempotency key: two registers (a reinstall, a second till on the same gateway) never send
 * the same key. One row, never changed or removed.
 */
export const m0008: Migration = {
  version: 8,
  name: '0008_register_id',
  up(db) {
    db.exec(SQL);
  },
};
