import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/db/open';
import { HealthRepo } from '../../../electron/core/db/repos/health.repo';
import { expectHealthy, expectKept, registerAt, snapshot } from './history';

describe('migration 0017_revocations_by_time: the marketing revocations by time, for Health', () => {
  it('keeps every row; Health reads the opt-outs since a moment by the new index, and finds the same ones', () => {
    const s = registerAt(16);
    const db = s.db;
    const query = `SELECT contact_id AS contactId, occurred_at AS at FROM consent_events WHERE action = 'revoke' AND purpose = 'marketing' AND occurred_at >= ?`;
    const plan = () => (db.prepare(`EXPLAIN QUERY PLAN ${query}`).all(0) as { detail: string }[]).map((r) => r.detail).join(' | ');
    const all = db.prepare(query).all(0);
    expect(all.length).toBeGreaterThan(0);
    expect(plan()).not.toContain('consent_events_marketing_revoked');
    const before = snapshot(db);

    expect(migrate(db, 17)).toBe(17);
    expectKept(before, db, []);
    expectHealthy(db);
    // The query Health asks (HealthRepo.optOuts) is a seek on the partial index, and answers as before.
    expect(plan()).toContain('USING INDEX consent_events_marketing_revoked');
    const repo = new HealthRepo(db);
    const key = (r: { contactId: number; at: number }) => `${r.contactId}@${r.at}`;
    expect(repo.optOuts(0).map(key).sort()).toEqual((all as { contactId: number; at: number }[]).map(key).sort());
    const later = Math.max(...(all as { at: number }[]).map((r) => r.at));
    expect(repo.optOuts(later).every((r) => r.at >= later)).toBe(true);
    expect(repo.optOuts(later + 1)).toEqual([]);
  });
});
