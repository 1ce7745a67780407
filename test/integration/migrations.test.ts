import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../electron/core/db/open';
import { migrations } from '../../electron/core/db/migrations';

describe('migration 2 → 3', () => {
  it('keeps every event byte for byte, indexes contacts for search and accepts retractions', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, 2);
    db.prepare(
      "INSERT INTO contacts (id, phone, national_number, name, name_key, reach, created_at, updated_at) VALUES (1, '+79120000001', '9120000001', 'Анна', 'анна', 'mobile', 1, 1)",
    ).run();
    const insert = db.prepare(
      `INSERT INTO consent_events (id, uid, contact_id, phone, channel, purpose, action, method, occurred_at, recorded_at, recorded_by, evidence, policy_pack, prev_hash, hash)
       VALUES (?, ?, 1, '+79120000001', 'sms', 'marketing', ?, 'paper_form', ?, ?, 'Owner', '{"sheetRef":"S-1"}', 'ru', ?, ?)`,
    );
    insert.run(1, 'u1', 'grant', 10, 11, '0'.repeat(64), 'a'.repeat(64));
    insert.run(2, 'u2', 'revoke', 20, 21, 'a'.repeat(64), 'b'.repeat(64));
    db.prepare(
      "INSERT INTO consent_state (contact_id, channel, purpose, status, since, last_event_id) VALUES (1, 'sms', 'marketing', 'revoked', 20, 2)",
    ).run();
    const before = db.prepare('SELECT * FROM consent_events ORDER BY id').all();

    migrate(db);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const after = db.prepare('SELECT * FROM consent_events ORDER BY id').all() as Record<string, unknown>[];
    expect(after.map(({ target_event_id: _t, ...rest }) => rest)).toEqual(before);
    expect(after.every((r) => r.target_event_id === null)).toBe(true);
    // Still append-only, and a retraction must name its target.
    expect(() => db.prepare('DELETE FROM consent_events').run()).toThrow(/append-only/);
    expect(() =>
      db
        .prepare(
          `INSERT INTO consent_events (id, uid, contact_id, phone, channel, purpose, action, method, occurred_at, recorded_at, recorded_by, policy_pack, prev_hash, hash)
           VALUES (3, 'u3', 1, '+79120000001', 'sms', 'marketing', 'retract', 'import', 30, 31, 'Owner', 'ru', 'b', 'c')`,
        )
        .run(),
    ).toThrow(/CHECK/);
    expect(db.prepare('SELECT count(*) AS n FROM consent_state').get()).toEqual({ n: 1 });
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('import_batches', 'import_presets')").get()).toEqual({ n: 2 });
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'contacts_fts_%'").get()).toEqual({ n: 1 });
    db.close();
  });
});

describe('migration 6 → 7', () => {
  it('keeps every row, and from then on a contact with consent events keeps its row and its number', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, 6);
    const contact = db.prepare(
      "INSERT INTO contacts (id, phone, national_number, name, name_key, reach, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'mobile', 1, 1)",
    );
    contact.run(1, '+79120000001', '9120000001', 'Анна', 'анна');
    contact.run(2, '+79120000002', '9120000002', 'Борис', 'борис');
    contact.run(3, '+79120000003', '9120000003', 'Вера', 'вера');
    const event = db.prepare(
      `INSERT INTO consent_events (id, uid, contact_id, phone, channel, purpose, action, method, occurred_at, recorded_at, recorded_by, evidence, policy_pack, prev_hash, hash)
       VALUES (?, ?, ?, ?, 'sms', 'marketing', ?, 'paper_form', 10, 11, 'Owner', '{}', 'ru', ?, ?)`,
    );
    event.run(1, 'u1', 1, '+79120000001', 'grant', '0'.repeat(64), 'a'.repeat(64));
    event.run(2, 'u2', 2, '+79120000002', 'revoke', 'a'.repeat(64), 'b'.repeat(64));
    const before = {
      contacts: db.prepare('SELECT * FROM contacts ORDER BY id').all(),
      events: db.prepare('SELECT * FROM consent_events ORDER BY id').all(),
    };

    expect(migrate(db, 7)).toBe(7);
    expect(db.prepare('SELECT * FROM contacts ORDER BY id').all()).toEqual(before.contacts);
    expect(db.prepare('SELECT * FROM consent_events ORDER BY id').all()).toEqual(before.events);

    // Even with foreign keys off (as an SQLite tool opens the file), a contact with events is kept and keeps its number.
    db.pragma('foreign_keys = OFF');
    expect(() => db.prepare('DELETE FROM contacts WHERE id = 2').run()).toThrow(/consent events is kept/);
    expect(() => db.prepare("UPDATE contacts SET phone = '+79129999999' WHERE id = 1").run()).toThrow(/keeps its number/);
    expect(() => db.prepare('UPDATE contacts SET id = 9 WHERE id = 1').run()).toThrow(/keeps its number/);
    // What the app does to such a contact still works: other fields change, an undone import marks it removed.
    db.prepare("UPDATE contacts SET name = 'Анна П.', name_key = 'анна п.', removed_at = 5 WHERE id = 1").run();
    // A contact without events (added by hand, never asked) may still change its number or go.
    db.prepare("UPDATE contacts SET phone = '+79120000033' WHERE id = 3").run();
    db.prepare('DELETE FROM contacts WHERE id = 3').run();
    expect(db.prepare('SELECT id, phone, removed_at FROM contacts ORDER BY id').all()).toEqual([
      { id: 1, phone: '+79120000001', removed_at: 5 },
      { id: 2, phone: '+79120000002', removed_at: null },
    ]);
    db.close();
  });
});

describe('migration 7 → 8', () => {
  const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('gives an existing register its own id once, keeps every row, and the id never changes', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, 7);
    db.prepare(
      "INSERT INTO contacts (id, phone, national_number, name, name_key, reach, created_at, updated_at) VALUES (1, '+79120000001', '9120000001', 'Анна', 'анна', 'mobile', 1, 1)",
    ).run();
    db.prepare(
      `INSERT INTO consent_events (id, uid, contact_id, phone, channel, purpose, action, method, occurred_at, recorded_at, recorded_by, evidence, policy_pack, prev_hash, hash)
       VALUES (1, 'u1', 1, '+79120000001', 'sms', 'marketing', 'grant', 'paper_form', 10, 11, 'Owner', '{}', 'ru', ?, ?)`,
    ).run('0'.repeat(64), 'a'.repeat(64));
    db.prepare("INSERT INTO settings (key, value) VALUES ('businessName', '\"Лавка\"')").run();
    const tables = ['contacts', 'consent_events', 'settings', 'audit_log'];
    const before = Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()]));

    expect(migrate(db, 8)).toBe(8);
    for (const t of tables) expect(db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()).toEqual(before[t]);
    const rows = db.prepare('SELECT id, register_id, created_at FROM register_meta').all() as {
      id: number;
      register_id: string;
      created_at: number;
    }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.register_id).toMatch(UUID_V4);
    expect(Math.abs(rows[0]!.created_at - Date.now())).toBeLessThan(60_000);

    // Made once: never changed, removed or doubled, even by an SQLite tool with foreign keys off.
    db.pragma('foreign_keys = OFF');
    expect(() => db.prepare("UPDATE register_meta SET register_id = '00000000-0000-4000-8000-000000000000'").run()).toThrow(/never changes/);
    expect(() => db.prepare('DELETE FROM register_meta').run()).toThrow(/never changes/);
    expect(() => db.prepare("INSERT INTO register_meta VALUES (2, '00000000-0000-4000-8000-000000000000', 1)").run()).toThrow(/CHECK/);
    db.close();
  });

  it('gives every register a different id', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const db = new Database(':memory:');
      migrate(db);
      ids.add((db.prepare('SELECT register_id FROM register_meta').get() as { register_id: string }).register_id);
      db.close();
    }
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(UUID_V4);
  });
});
