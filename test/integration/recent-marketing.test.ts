import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { testBackend } from '../support/backend';

const STATUSES = ['queued', 'sending', 'sent', 'delivered', 'read', 'unknown', 'failed', 'undeliverable', 'skipped'] as const;
const SINCE = 1_000_000;

// Rows of the outbox around the window's start: marketing and service campaigns, every status, a few contacts.
// (A campaign writes one row per contact and step.)
const arbRows = fc.uniqueArray(
  fc.record({
    contact: fc.integer({ min: 2, max: 7 }),
    batch: fc.constantFrom(1, 2, 3),
    step: fc.constantFrom(0, 1),
    status: fc.constantFrom(...STATUSES),
    sendingAt: fc.oneof(fc.constantFrom(SINCE - 1, SINCE, SINCE + 1, null), fc.integer({ min: SINCE - 5_000, max: SINCE + 5_000 })),
  }),
  { maxLength: 36, selector: (r) => `${r.batch}/${r.contact}/${r.step}` },
);

describe('OutboxRepo.recentMarketingAll', () => {
  it('property: for the whole register, each contact counted as the hand-off counts it one by one (recentMarketing)', async () => {
    const t = testBackend();
    try {
      const { db, outbox } = t.backend.ctx;
      // A consent event for the rows handed off to point to as their proof.
      const proof = await t.call('consent.record', {
        phone: '+4915112345678',
        channel: 'sms',
        purpose: 'marketing',
        action: 'grant',
        method: 'verbal_in_store',
      });
      const proofEvent = proof.events[0]!.id;
      db.transaction(() => {
        const contact = db.prepare(
          `INSERT INTO contacts (id, phone, national_number, name, tags, reach, other_phones, created_at, updated_at) VALUES (?, ?, '', '', '[]', 'mobile', '[]', 0, 0)`,
        );
        for (let id = 2; id <= 7; id++) contact.run(id, `+4915${String(id).padStart(8, '0')}`);
        const batch = db.prepare(
          `INSERT INTO batches (id, name, channel, purpose, text, audience, planned_at, created_at, created_by, lint_ok, lint, counts, state)
           VALUES (?, 'earlier', 'sms', ?, 'x', '{"tags":[]}', 0, 0, 'Owner', 1, '{}', '{}', 'done')`,
        );
        batch.run(1, 'marketing');
        batch.run(2, 'marketing');
        batch.run(3, 'service');
      })();
      const row = db.prepare(
        `INSERT INTO outbox (batch_id, contact_id, step, channel, phone, status, proof_event_id, due_at, sending_at, updated_at) VALUES (?, ?, ?, 'sms', ?, ?, ?, 0, ?, 0)`,
      );
      fc.assert(
        fc.property(arbRows, (rows) => {
          // The outbox refuses deletes (its rows are the register's proof of what was sent): each case in a transaction undone after.
          db.exec('SAVEPOINT rows');
          try {
            rows.forEach((r) => row.run(r.batch, r.contact, r.step, `+4915${String(r.contact).padStart(8, '0')}`, r.status, proofEvent, r.sendingAt));
            const expected = new Map<number, number>();
            for (let id = 2; id <= 7; id++) {
              const n = outbox.recentMarketing(id, SINCE, 0);
              if (n > 0) expected.set(id, n);
            }
            const all = outbox.recentMarketingAll(SINCE);
            expect([...all]).toEqual([...expected]);
          } finally {
            db.exec('ROLLBACK TO rows; RELEASE rows');
          }
        }),
        { numRuns: process.env.CI ? 100 : 300 },
      );
    } finally {
      t.cleanup();
    }
  });
});
