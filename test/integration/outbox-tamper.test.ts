import { describe, expect, it } from 'vitest';
import { grantPaper, scriptedShop } from '../support/shop';

// A message handed to a provider stands on its recipient's own consent: an outbox row naming another contact's (or
// none) was written outside Optin Desk, and audit verify names it.

const TEXT = 'Лавка у дома: скидка 10% на выпечку до воскресенья. Отписаться: ответьте СТОП';
const ANNA = '+79120000001';
const BORIS = '+79120000002';

describe('outbox rows written outside the app', () => {
  it("a forged 'sent' row for someone who opted out, under another contact's consent: named as proof_mismatch", async () => {
    const t = await scriptedShop();
    for (const p of [ANNA, BORIS]) await grantPaper(t.call, p, 'sms', t.form);
    await t.call('inbound.receive', { from: BORIS, text: 'СТОП' });
    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
    await t.call('campaign.send', { batch: plan.batch, providers: ['gw'], wait: true, maxWaitSeconds: 600 });
    expect((await t.call('audit.verify', {})).ok).toBe(true);
    const db = t.backend.db;
    const anna = db.prepare<[string], { proof_event_id: number; text: string }>('SELECT proof_event_id, text FROM outbox WHERE phone = ?').get(ANNA)!;
    const boris = db.prepare<[string], { id: number }>('SELECT id FROM contacts WHERE phone = ?').get(BORIS)!;
    const now = t.clock.now();
    // A second campaign, and a row for Boris in it recorded as sent (a plain INSERT, every safeguard on).
    const second = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: `${TEXT} 2` });
    db.prepare(
      `INSERT INTO outbox (batch_id, contact_id, step, channel, phone, status, proof_event_id, text, provider, attempts, due_at, sending_at, handed_off_at, updated_at)
       VALUES (?, ?, 0, 'sms', ?, 'sent', ?, ?, 'gw', 1, ?, ?, ?, ?)`,
    ).run(second.batch, boris.id, BORIS, anna.proof_event_id, anna.text, now, now, now, now);
    const v = await t.call('audit.verify', {});
    expect(v.ok).toBe(false);
    expect(v.problems).toContainEqual(
      expect.objectContaining({
        table: 'outbox',
        kind: 'proof_mismatch',
        phone: BORIS,
        eventId: anna.proof_event_id,
        expected: `sms ${BORIS}`,
        actual: `sms ${ANNA}`,
      }),
    );
  });
});

describe('the frequency cap counts what providers took', () => {
  it('statuses rewritten from sent to failed with plain SQL (every safeguard on) do not let a fifth campaign in a week through', async () => {
    const t = await scriptedShop({}, '2026-03-02T09:00:00Z');
    await grantPaper(t.call, ANNA, 'sms', t.form);
    for (let i = 0; i < 4; i++) {
      const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT });
      expect(plan.eligible).toBe(1);
      await t.call('campaign.send', { batch: plan.batch, providers: ['gw'], wait: true, maxWaitSeconds: 600 });
      t.clock.advance(12 * 3_600_000);
    }
    expect((await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT })).excluded.frequency_cap).toBe(1);
    const db = t.backend.db;
    db.prepare(`UPDATE outbox SET status = 'failed' WHERE status IN ('sent', 'delivered', 'read')`).run();
    expect((await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: TEXT })).excluded.frequency_cap).toBe(1);
    // And the time a provider took a message cannot be cleared to hide it.
    expect(() => db.prepare('UPDATE outbox SET handed_off_at = NULL').run()).toThrow(/handed to its provider is a record/);
  });
});
