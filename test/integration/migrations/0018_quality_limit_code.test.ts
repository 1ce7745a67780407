import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/db/open';
import { expectHealthy, expectKept, registerAt, snapshot } from './history';

describe('migration 0018_quality_limit_code: a phone-quality signal keeps the tier code, not English words', () => {
  it('rewrites only phone-quality details in the old form, and keeps every other row', () => {
    const s = registerAt(17);
    const db = s.db;
    const add = db.prepare(
      'INSERT INTO provider_signals (provider, topic, value, detail, evidence_id, at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    add.run('wa', 'phone_quality', 'FLAGGED', 'messaging limit TIER_1K', 'whatsapp:phone_quality:1:1:FLAGGED', 1, 2);
    add.run('wa', 'phone_quality', 'UPGRADE', null, 'whatsapp:phone_quality:1:2:UPGRADE', 3, 4);
    add.run('wa', 'phone_quality', 'DOWNGRADE', 'TIER_250', 'whatsapp:phone_quality:1:3:DOWNGRADE', 5, 6);
    add.run('wa', 'phone_quality', 'ONBOARDING', 'messaging limit ', 'whatsapp:phone_quality:1:4:ONBOARDING', 7, 8);
    add.run('wa', 'template_status', 'PAUSED', 'messaging limit promo (ru)', 'whatsapp:template_status:9:5:PAUSED', 9, 10);
    const before = snapshot(db);

    expect(migrate(db, 18)).toBe(18);
    expectKept(before, db, ['provider_signals']);
    expectHealthy(db);
    expect(
      db.prepare('SELECT topic, value, detail, evidence_id AS id, at, received_at AS receivedAt FROM provider_signals ORDER BY at').all(),
    ).toEqual([
      { topic: 'phone_quality', value: 'FLAGGED', detail: 'TIER_1K', id: 'whatsapp:phone_quality:1:1:FLAGGED', at: 1, receivedAt: 2 },
      { topic: 'phone_quality', value: 'UPGRADE', detail: null, id: 'whatsapp:phone_quality:1:2:UPGRADE', at: 3, receivedAt: 4 },
      { topic: 'phone_quality', value: 'DOWNGRADE', detail: 'TIER_250', id: 'whatsapp:phone_quality:1:3:DOWNGRADE', at: 5, receivedAt: 6 },
      // Nothing after the words: left as it was rather than made empty.
      { topic: 'phone_quality', value: 'ONBOARDING', detail: 'messaging limit ', id: 'whatsapp:phone_quality:1:4:ONBOARDING', at: 7, receivedAt: 8 },
      {
        topic: 'template_status',
        value: 'PAUSED',
        detail: 'messaging limit promo (ru)',
        id: 'whatsapp:template_status:9:5:PAUSED',
        at: 9,
        receivedAt: 10,
      },
    ]);
  });
});
