import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/db/open';
import { count, ERAS, expectHealthy, expectKept, registerAt, snapshot } from './history';

type Row = Record<string, unknown>;

describe('migration 0013_segments: saved filters, each contact’s last consent change, indexes for the list’s orders', () => {
  it('keeps every row, sets the last consent change from the projection, keeps it with the projection’s writes', () => {
    const s = registerAt(12);
    const db = s.db;
    const before = snapshot(db);
    const latest = new Map(
      (
        db.prepare('SELECT contact_id AS id, max(since) AS at FROM consent_state GROUP BY contact_id').all() as { id: number; at: number | null }[]
      ).map((r) => [r.id, r.at ?? 0]),
    );
    expect(latest.size).toBeGreaterThan(3);

    expect(migrate(db, 13)).toBe(13);
    // Contacts: every row and column as it was, plus the new one.
    expectKept(before, db, ['contacts']);
    const rows = db.prepare('SELECT * FROM contacts ORDER BY id').all() as Row[];
    expect(rows.map(({ consent_changed_at: _c, ...rest }) => rest)).toEqual(before.get('contacts')!.rows);
    for (const r of rows) expect(r.consent_changed_at, `contact ${r.id as number}`).toBe(latest.get(r.id as number) ?? 0);
    expect(count(db, 'contacts', 'consent_changed_at = 0')).toBeGreaterThan(0);
    expect(count(db, 'segments')).toBe(0);
    expectHealthy(db);

    // The projection keeps it: a new cell, a later change, a change back to an earlier instant.
    const anna = s.ids.anna!;
    const was = db.prepare<[number], number>('SELECT consent_changed_at FROM contacts WHERE id = ?').pluck();
    db.prepare(
      "INSERT OR REPLACE INTO consent_state (contact_id, channel, purpose, status, since) VALUES (?, 'whatsapp', 'service', 'granted', ?)",
    ).run(anna, 9_000_000_000_000);
    expect(was.get(anna)).toBe(9_000_000_000_000);
    db.prepare("UPDATE consent_state SET since = ? WHERE contact_id = ? AND channel = 'whatsapp' AND purpose = 'service'").run(1, anna);
    expect(was.get(anna)).toBe(latest.get(anna));
    // Only `since` moves it: a status alone rewritten leaves it.
    db.prepare("UPDATE consent_state SET status = 'revoked' WHERE contact_id = ? AND channel = 'whatsapp' AND purpose = 'service'").run(anna);
    expect(was.get(anna)).toBe(latest.get(anna));
    // (The cell was written by hand, without events: it goes again before the register is checked.)
    db.prepare("DELETE FROM consent_state WHERE contact_id = ? AND channel = 'whatsapp' AND purpose = 'service'").run(anna);

    // Each order of the list reads the register's contacts from its own index.
    for (const [column, index] of [
      ['phone', 'contacts_active_phone'],
      ['created_at', 'contacts_active_added'],
      ['consent_changed_at', 'contacts_active_changed'],
    ])
      expect(
        (
          db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM contacts WHERE removed_at IS NULL ORDER BY ${column}, id LIMIT 10`).all() as {
            detail: string;
          }[]
        )
          .map((p) => p.detail)
          .join(' '),
      ).toContain(index);

    // Segments: a name (unique whatever the ASCII case) and a JSON object.
    ERAS[13]!(s);
    expect(db.prepare("SELECT name, json_extract(filter, '$.tags[0]') AS tag FROM segments").get()).toEqual({ name: 'Постоянные', tag: 'vip' });
    const add = db.prepare('INSERT INTO segments (name, filter, created_at, created_by, updated_at) VALUES (?, ?, 1, ?, 1)');
    add.run('VIP', '{"tags":["vip"]}', 'Марина');
    expect(() => add.run('vip', '{}', 'Марина')).toThrow(/UNIQUE/);
    expect(() => add.run('  ', '{}', 'Марина')).toThrow(/CHECK/);
    expect(() => add.run('Сломанный', 'not json', 'Марина')).toThrow(/CHECK/);
    expect(() => add.run('Список', '["vip"]', 'Марина')).toThrow(/CHECK/);
    expectHealthy(db);
    db.close();
  });
});
