import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/db/open';
import { SyncRepo } from '../../../electron/core/db/repos/sync.repo';
import { expectHealthy, expectKept, registerAt, snapshot } from './history';

describe('migration 0019_sync_not_from_number: provider sync counts the replies not from a phone number', () => {
  it('keeps every row; a provider synced before starts the new count at 0 and adds to it', () => {
    const s = registerAt(18);
    const db = s.db;
    db.prepare("INSERT INTO providers (name, kind, options, created_at, updated_at) VALUES ('tw', 'twilio', '{}', 1, 1)").run();
    db.prepare(
      `INSERT INTO provider_sync (provider, kind, cursor, status_after, synced_at, attempted_at, inbound, opt_outs, confirmations, statuses)
       VALUES ('tw', 'twilio', '{"after":5}', 7, 5, 5, 3, 1, 0, 2)`,
    ).run();
    const before = snapshot(db);

    expect(migrate(db, 19)).toBe(19);
    expectKept(before, db);
    expectHealthy(db);
    const repo = new SyncRepo(db);
    expect(repo.get('tw', 'twilio')?.totals).toEqual({ inbound: 3, optOuts: 1, confirmations: 0, statuses: 2, notFromNumber: 0 });
    repo.record({
      provider: 'tw',
      kind: 'twilio',
      at: 9,
      added: { inbound: 2, optOuts: 0, confirmations: 0, statuses: 0, notFromNumber: 1 },
      statusAfter: 7,
      outcome: { cursor: '{"after":9}' },
    });
    expect(repo.get('tw', 'twilio')?.totals).toEqual({ inbound: 5, optOuts: 1, confirmations: 0, statuses: 2, notFromNumber: 1 });
    expect(() => db.prepare("UPDATE provider_sync SET not_from_number = -1 WHERE provider = 'tw'").run()).toThrow(/CHECK/);
  });
});
