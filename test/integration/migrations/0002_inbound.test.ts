import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/db/open';
import { count, ERAS, expectHealthy, expectKept, registerAt, snapshot } from './history';

describe('migration 0002_inbound: inbound replies and complaints', () => {
  it("keeps the first month's register as it was, then keeps replies as received", () => {
    const s = registerAt(1);
    const db = s.db;
    const before = snapshot(db);

    expect(migrate(db, 2)).toBe(2);
    expectKept(before, db);
    expect([count(db, 'inbound_messages'), count(db, 'complaints')]).toEqual([0, 0]);
    expectHealthy(db);

    db.transaction(() => ERAS[2]!(s))();
    expect(db.prepare('SELECT status FROM consent_state WHERE contact_id = ? AND channel = ?').get(s.ids.olga, 'sms')).toEqual({ status: 'revoked' });
    expect(db.prepare('SELECT text, intent, contact_id FROM inbound_messages ORDER BY id').all()).toEqual([
      { text: 'Стоп', intent: 'opt_out', contact_id: s.ids.olga },
      { text: 'Сколько стоят розы?', intent: 'other', contact_id: null },
      { text: 'Я же просил не писать! Это спам, буду жаловаться', intent: 'complaint', contact_id: s.ids.semyon },
    ]);

    // A reply is evidence: never edited or removed; the same provider message is kept once; a complaint names a contact.
    expect(() => db.prepare("UPDATE inbound_messages SET text = 'Да' WHERE id = 1").run()).toThrow(/kept as received/);
    expect(() => db.prepare('DELETE FROM inbound_messages').run()).toThrow(/kept as received/);
    const inbound = db.prepare(
      "INSERT INTO inbound_messages (provider_id, channel, from_phone, text, received_at, recorded_at, intent) VALUES (?, 'sms', '+79120000004', 'Стоп', 1, 1, ?)",
    );
    expect(() => inbound.run('SM-200', 'opt_out')).toThrow(/UNIQUE/);
    expect(() => inbound.run('SM-999', 'spam')).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO complaints (contact_id, at, recorded_by) VALUES (999, 1, 'Алсу')").run()).toThrow(/FOREIGN KEY/);

    expectHealthy(db);
    db.close();
  });
});
