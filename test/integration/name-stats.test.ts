import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { testBackend } from '../support/backend';
import { contactFields } from '../../shared/domain/lint/profile';

/** SQLite's trim(): spaces only, both ends. */
const trimSpaces = (s: string) => s.replace(/^ +| +$/g, '');
/** Length in characters (code points), as SQLite's length() and instr() count text. */
const chars = (s: string) => [...s].length;

/** The longer of a name's first two words (split at spaces): {{first_name}} is one of them (givenName). */
function firstTwo(name: string): number {
  const [first, ...rest] = trimSpaces(name).split(' ');
  return Math.max(chars(first!), chars(rest.find((w) => w !== '') ?? ''));
}

/** What the linter is told about the names of the register, worked out one name at a time. */
function expected(names: { name: string; removed: boolean }[]) {
  const active = names.filter((n) => !n.removed).map((n) => n.name);
  return {
    maxName: Math.max(0, ...active.map(chars)),
    maxFirstName: Math.max(0, ...active.map(firstTwo)),
    cyrillic: active.some((n) => /[А-яЁё]/.test(n)),
  };
}

// Names as people type them: words in Latin, Cyrillic or with emoji, spaces before, between and after, a tab (not a
// space to trim()), or nothing at all.
const arbName = fc
  .array(
    fc.oneof(
      fc.constantFrom(' ', '  ', '\t', 'Anna', 'Ёлкина', 'Jean-Luc', 'Мария', 'O’Neil', '😀', 'ß', 'Константинович'),
      fc.string({ maxLength: 6 }),
    ),
    {
      maxLength: 6,
    },
  )
  .map((parts) => parts.join(''));

describe('ContactsRepo.nameStats', () => {
  it('property: the longest name, the longest first word and whether any name is Cyrillic, over active contacts only', () => {
    const t = testBackend();
    try {
      const db = t.backend.ctx.db;
      const insert = db.prepare(
        `INSERT INTO contacts (id, phone, national_number, name, tags, reach, other_phones, created_at, updated_at, removed_at)
         VALUES (?, ?, '', ?, '[]', 'mobile', '[]', 0, 0, ?)`,
      );
      fc.assert(
        fc.property(fc.array(fc.record({ name: arbName, removed: fc.boolean() }), { maxLength: 12 }), (names) => {
          db.transaction(() => {
            db.prepare('DELETE FROM contacts').run();
            names.forEach((n, i) => insert.run(i + 1, `+4915${String(i + 1).padStart(8, '0')}`, n.name, n.removed ? 1 : null));
          })();
          const stats = t.backend.ctx.contacts.nameStats();
          expect(stats).toEqual(expected(names));
          // The bound holds for what a message greets each one by.
          for (const n of names) if (!n.removed) expect(stats.maxFirstName).toBeGreaterThanOrEqual(chars(contactFields(n.name).first_name!));
        }),
        { numRuns: process.env.CI ? 200 : 500 },
      );
    } finally {
      t.cleanup();
    }
  });

  it('names with a space before, inside and after: the first word is counted without them', () => {
    const t = testBackend();
    try {
      const db = t.backend.ctx.db;
      const insert = db.prepare(
        `INSERT INTO contacts (id, phone, national_number, name, tags, reach, other_phones, created_at, updated_at) VALUES (?, ?, '', ?, '[]', 'mobile', '[]', 0, 0)`,
      );
      insert.run(1, '+491500000001', '  Александра Петрова ');
      insert.run(2, '+491500000002', 'Bo');
      insert.run(3, '+491500000003', 'Ли   Константин');
      expect(t.backend.ctx.contacts.nameStats()).toEqual({ maxName: 21, maxFirstName: 10, cyrillic: true });
      insert.run(4, '+491500000004', 'Ли   Константинопольская');
      expect(t.backend.ctx.contacts.nameStats()).toMatchObject({ maxFirstName: 19 });
    } finally {
      t.cleanup();
    }
  });
});
