import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/db/open';
import { count, expectHealthy, expectKept, registerAt, snapshot } from './history';

describe('migration 0011_provider_sync: the SMSC.ru kind and where each provider’s sync stands', () => {
  it('keeps every provider and every row as they were, admits smsc, and adds provider_sync that goes with its provider', () => {
    const s = registerAt(10);
    const db = s.db;
    // A second provider saved the way the app at version 10 saves it, beside the era's SMS.ru one.
    db.prepare('INSERT INTO providers (name, kind, options, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(
      'Магазин Twilio',
      'twilio',
      JSON.stringify({ accountSid: `AC${'0'.repeat(32)}`, from: '+15005550006' }),
      1_700_000_000_000,
      1_700_000_100_000,
    );
    expect(() => db.prepare("INSERT INTO providers VALUES ('sc', 'smsc', '{}', 1, 1)").run()).toThrow(/CHECK constraint/);
    const before = snapshot(db);
    const providers = db.prepare('SELECT * FROM providers ORDER BY name').all();
    expect(providers).toHaveLength(2);

    expect(migrate(db, 11)).toBe(11);
    expectKept(before, db);
    expect(db.prepare('SELECT * FROM providers ORDER BY name').all()).toEqual(providers);
    expect(count(db, 'provider_sync')).toBe(0);
    expectHealthy(db);

    // The outbox rows sent through the SMS.ru provider still name it (the rebuilt table keeps its name).
    expect(count(db, 'outbox', "provider = 'smsru'")).toBeGreaterThan(0);

    db.prepare("INSERT INTO providers VALUES ('sc', 'smsc', '{}', 1, 1)").run();
    expect(() => db.prepare("INSERT INTO providers VALUES ('x', 'pigeon', '{}', 1, 1)").run()).toThrow(/CHECK constraint/);
    db.prepare("INSERT INTO provider_sync (provider, kind, cursor, attempted_at) VALUES ('smsru', 'smsru', '{\"after\":1}', 5)").run();
    db.prepare("INSERT INTO provider_sync (provider, kind, attempted_at) VALUES ('Магазин Twilio', 'twilio', 5)").run();
    expect(() => db.prepare("INSERT INTO provider_sync (provider, kind, attempted_at) VALUES ('nobody', 'twilio', 5)").run()).toThrow(/FOREIGN KEY/);
    // An error is a code and its words together, never one without the other; totals never go below zero.
    expect(() =>
      db.prepare("INSERT INTO provider_sync (provider, kind, attempted_at, error_code) VALUES ('sc', 'smsc', 5, 'SYNC_TIMEOUT')").run(),
    ).toThrow(/CHECK constraint/);
    expect(() => db.prepare("INSERT INTO provider_sync (provider, kind, attempted_at, inbound) VALUES ('sc', 'smsc', 5, -1)").run()).toThrow(
      /CHECK constraint/,
    );
    // A provider removed takes its sync state with it.
    db.prepare("DELETE FROM providers WHERE name = 'Магазин Twilio'").run();
    expect(count(db, 'provider_sync')).toBe(1);
    expectHealthy(db);
    db.close();
  });
});
