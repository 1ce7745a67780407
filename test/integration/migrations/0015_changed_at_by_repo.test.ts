import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/db/open';
import { ConsentRepo } from '../../../electron/core/db/repos/consent.repo';
import { expectHealthy, expectKept, registerAt, snapshot } from './history';

describe('migration 0015_changed_at_by_repo: the last consent change is kept by the consent repository, not triggers', () => {
  it('keeps every row, drops the triggers, sets a wrong value right; the repository raises, lowers and rebuilds it', () => {
    const s = registerAt(14);
    const db = s.db;
    const latest = () =>
      new Map(
        (
          db.prepare('SELECT c.id, coalesce((SELECT max(since) FROM consent_state WHERE contact_id = c.id), 0) AS at FROM contacts c').all() as {
            id: number;
            at: number;
          }[]
        ).map((r) => [r.id, r.at]),
      );
    const stored = () =>
      new Map((db.prepare('SELECT id, consent_changed_at AS at FROM contacts').all() as { id: number; at: number }[]).map((r) => [r.id, r.at]));
    const anna = s.ids.anna!;
    // A value the old triggers would have kept right, made wrong by hand: the migration sets it right.
    db.prepare('UPDATE contacts SET consent_changed_at = 123 WHERE id = ?').run(anna);
    const before = snapshot(db);

    expect(migrate(db, 15)).toBe(15);
    expectKept(before, db, ['contacts']);
    expect(stored()).toEqual(latest());
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'consent_state'").pluck().get()).toBe(0);
    expectHealthy(db);

    // Written by hand, the projection no longer moves it (only the repository's writes do). The repository follows
    // the latest schema (it also keeps what the list shows, 0016).
    migrate(db);
    const repo = new ConsentRepo(db);
    const was = db.prepare<[number], number>('SELECT consent_changed_at FROM contacts WHERE id = ?').pluck();
    const kept = was.get(anna)!;
    const cell = { contactId: anna, channel: 'whatsapp', purpose: 'service', status: 'granted', expiresAt: null, lastEventSeq: null } as const;
    // A new, later cell raises it; a change back to an earlier instant recomputes it; an earlier cell leaves it.
    repo.upsertState({ ...cell, since: 9_000_000_000_000 });
    expect(was.get(anna)).toBe(9_000_000_000_000);
    repo.upsertState({ ...cell, since: 1 });
    expect(was.get(anna)).toBe(Math.max(kept, 1));
    repo.upsertState({ ...cell, since: null, status: 'none' });
    expect(was.get(anna)).toBe(kept);

    // A rebuilt range: every contact set from its cells at once, a contact left without cells back to 0.
    const all = db.prepare('SELECT * FROM consent_state ORDER BY contact_id, channel, purpose').all() as Record<string, unknown>[];
    const cells = all
      .filter((r) => r.contact_id !== anna)
      .map((r) => ({
        contactId: r.contact_id as number,
        channel: r.channel as 'sms',
        purpose: r.purpose as 'marketing',
        status: r.status as 'granted',
        since: r.since as number | null,
        expiresAt: r.expires_at as number | null,
        lastEventSeq: r.last_event_id as number | null,
      }));
    db.prepare('UPDATE contacts SET consent_changed_at = 7').run();
    repo.replaceStatesRange(1, 1_000_000, cells);
    expect(was.get(anna)).toBe(0);
    expect(stored()).toEqual(latest());
    db.close();
  });
});
