import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/db/open';
import { count, expectHealthy, expectKept, registerAt, snapshot } from './history';

describe('migration 0014_provider_signals: WhatsApp quality signals kept for the Health view', () => {
  it('keeps every row as it was and adds provider_signals: one row per provider event, topics and sizes checked', () => {
    const s = registerAt(13);
    const db = s.db;
    const before = snapshot(db);
    expect(migrate(db, 14)).toBe(14);
    expectKept(before, db);
    expect(count(db, 'provider_signals')).toBe(0);
    expectHealthy(db);

    const add = db.prepare(
      'INSERT INTO provider_signals (provider, topic, value, detail, evidence_id, at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    add.run('wa', 'phone_quality', 'FLAGGED', 'messaging limit TIER_1K', 'whatsapp:phone_quality:1:1:FLAGGED', 1, 2);
    add.run('wa', 'template_status', 'PAUSED', 'autumn_sale (ru): LOW_QUALITY', 'whatsapp:template_status:9:1:PAUSED', 1, 2);
    // The same event pulled twice is one row.
    expect(() => add.run('wa', 'phone_quality', 'FLAGGED', null, 'whatsapp:phone_quality:1:1:FLAGGED', 1, 3)).toThrow(/UNIQUE/);
    expect(() => add.run('wa', 'account_banned', 'X', null, 'e-1', 1, 2)).toThrow(/CHECK constraint/);
    expect(() => add.run('wa', 'phone_quality', '', null, 'e-2', 1, 2)).toThrow(/CHECK constraint/);
    expect(() => add.run('', 'phone_quality', 'RED', null, 'e-3', 1, 2)).toThrow(/CHECK constraint/);
    // Signals are history: they stay when the provider that brought them is removed (no reference to providers).
    db.prepare('DELETE FROM providers').run();
    expect(count(db, 'provider_signals')).toBe(2);
    expectHealthy(db);
    db.close();
  });
});
