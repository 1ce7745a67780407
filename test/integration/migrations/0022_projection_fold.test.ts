import { describe, expect, it, onTestFinished } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../../../electron/core/backend';
import { migrate } from '../../../electron/core/db/open';
import { TestClock } from '../../support/backend';
import { FOLD_VERSION } from '../../../shared/domain/consent/fold';
import { count, expectHealthy, expectKept, registerAt, snapshot, T0 } from './history';

const DAY = 86_400_000;

describe('migration 0022_projection_fold: how the projection was folded (fold version, the pack’s deadlines)', () => {
  it('keeps every row and starts with none: the app folds an upgraded register under the pack it keeps, once, when it opens', () => {
    const s = registerAt(21);
    const before = snapshot(s.db);
    expect(migrate(s.db, 22)).toBe(22);
    expectKept(before, s.db);
    expectHealthy(s.db);
    expect(count(s.db, 'projection_fold')).toBe(0);
    // One row at most, and a maximum age is a number of days or none.
    expect(() => s.db.prepare('INSERT INTO projection_fold VALUES (2, 2, 365, 72, 0)').run()).toThrow(/CHECK/);
    expect(() => s.db.prepare('INSERT INTO projection_fold VALUES (1, 2, 0, 72, 0)').run()).toThrow(/CHECK/);
  });

  it('an upgraded register whose grants were stamped without a deadline reads them under the ru pack’s 1,095 days', () => {
    const dir = mkdtempSync(join(tmpdir(), 'optin-0022-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'register.db');
    const old = registerAt(21, path);
    // Every granted cell of the old register: none has a deadline (the eras' events were stamped without one).
    const granted = old.db
      .prepare<[], { contact_id: number; channel: string; purpose: string; since: number; expires_at: number | null }>(
        "SELECT contact_id, channel, purpose, since, expires_at FROM consent_state WHERE status = 'granted' ORDER BY contact_id, channel, purpose",
      )
      .all();
    expect(granted.length).toBeGreaterThan(0);
    expect(granted.filter((g) => g.expires_at === null).length).toBeGreaterThan(0);
    old.db.close();

    const backend = createBackend({ dbPath: path, clock: new TestClock(T0 + 400 * DAY) });
    onTestFinished(() => backend.close());
    const db = new Database(path, { readonly: true });
    onTestFinished(() => {
      db.close();
    });
    expect(db.prepare('SELECT fold_version AS v, max_consent_age_days AS d, pending_expiry_hours AS h FROM projection_fold').get()).toEqual({
      v: FOLD_VERSION,
      d: 1095,
      h: 72,
    });
    for (const g of granted) {
      const now = db
        .prepare<[number, string, string], { expires_at: number | null }>(
          'SELECT expires_at FROM consent_state WHERE contact_id = ? AND channel = ? AND purpose = ?',
        )
        .get(g.contact_id, g.channel, g.purpose)!;
      expect(now.expires_at).toBe(Math.min(g.expires_at ?? Infinity, g.since + 1095 * DAY));
    }
  });
});
