import { describe, expect, it } from 'vitest';
import { HealthRepo } from '../../electron/core/db/repos/health.repo';
import { healthSpan, type HealthRecipient } from '../../shared/domain/health/health';
import { scopedBackend, TestClock } from '../support/backend';
import { grantPaper, russianShop } from '../support/shop';

/**
 * The health figures count the outbox in SQL (HealthRepo.tallies, campaignTotals) and read hand-offs only for the
 * people asked about (handoffs): what each query gives must be what the rows one by one give, grouped as
 * HealthTally says (test/unit/health/health-tallies.property.test.ts shows those groups give the same figures).
 * Rows are written straight into the outbox here, with times on quarter hours, a zone's Monday midnight, the span's
 * start and now.
 */
const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;
const QUARTER = 15 * MIN;
const NOW = Date.parse('2026-03-04T10:07:00Z');
const ATTEMPTED = new Set(['sent', 'delivered', 'read', 'failed', 'undeliverable', 'unknown']);
const STATUSES = ['queued', 'sending', 'skipped', 'sent', 'delivered', 'read', 'failed', 'undeliverable', 'unknown'];

/** A small deterministic generator (the same rows every run). */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe('health figures counted in SQL', () => {
  it('tallies, campaign totals and hand-offs are those of the rows one by one', async () => {
    const t = scopedBackend();
    const db = t.backend.db;
    const { form } = await russianShop(t);
    await grantPaper(t.call, '+79160000001', 'sms', form);
    const proof = db.prepare('SELECT min(id) FROM consent_events').pluck().get() as number;
    const zone = 'Asia/Kathmandu'; // midnight at 18:15 UTC: a week starts inside an hour
    const from = healthSpan(NOW, 3, zone).from;
    const since = from - 7 * DAY;
    const contact = db.prepare(
      `INSERT INTO contacts (phone, national_number, name, tags, reach, other_phones, created_at, updated_at) VALUES (?, ?, '', '[]', 'mobile', '[]', 0, 0)`,
    );
    const contacts = Array.from({ length: 60 }, (_, i) => Number(contact.run(`+79160000${i + 100}`, `9160000${i + 100}`).lastInsertRowid));
    const batches = [1, 2, 3].map((k) =>
      Number(
        db
          .prepare(
            `INSERT INTO batches (name, channel, purpose, text, audience, planned_at, created_at, created_by, lint_ok, lint, counts, state)
             VALUES (?, 'sms', 'marketing', 'x', '{"tags":[]}', 0, 0, 'Owner', 1, '{}', '{}', 'done')`,
          )
          .run(`c${k}`).lastInsertRowid,
      ),
    );
    const rnd = random(7);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
    const times = () =>
      pick([
        () => NOW - Math.floor(rnd() * 40 * DAY),
        () => from + Math.floor(rnd() * 4) * 7 * DAY + Math.floor((rnd() - 0.5) * 30) * MIN,
        () => Math.floor(NOW / QUARTER) * QUARTER - Math.floor(rnd() * 200) * QUARTER - Math.floor(rnd() * 3),
        () => since + Math.floor((rnd() - 0.5) * 4),
        () => NOW + Math.floor((rnd() - 0.5) * 4),
      ])();
    const insert = db.prepare(
      `INSERT INTO outbox (batch_id, contact_id, step, channel, phone, status, reason, proof_event_id, due_at, sending_at, handed_off_at, updated_at)
       VALUES (?, ?, ?, 'sms', '+79160000000', ?, ?, ?, 0, ?, ?, ?)`,
    );
    const rows: (HealthRecipient & { id: number })[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const batch = pick(batches);
      const contactId = pick(contacts);
      const step = pick([0, 1]);
      if (seen.has(`${batch}/${contactId}/${step}`)) continue;
      seen.add(`${batch}/${contactId}/${step}`);
      const status = pick(STATUSES);
      const at = times();
      const refused = (status === 'failed' || status === 'undeliverable') && rnd() < 0.5;
      const handedOffAt = ['queued', 'sending', 'skipped'].includes(status) || refused ? null : at;
      const updatedAt = refused || handedOffAt === null ? at : at + Math.floor(rnd() * 3 * H);
      const reason = status === 'failed' || status === 'undeliverable' ? pick([null, '30007 Message filtered', 'refused: no route']) : null;
      const needsProof = !['queued', 'skipped', 'failed', 'undeliverable'].includes(status);
      const id = Number(
        insert.run(batch, contactId, step, status, reason, needsProof ? proof : null, handedOffAt, handedOffAt, updatedAt).lastInsertRowid,
      );
      rows.push({ id, campaign: batch, contactId, status, reason, handedOffAt, updatedAt });
    }
    const read = rows.filter((r) => ATTEMPTED.has(r.status) && (r.handedOffAt ?? r.updatedAt) >= since);
    expect(read.length).toBeGreaterThan(100);

    // Tallies: grouped by campaign, status, reason, hand-off or not, quarter hour and side of `from` and of `now`.
    const expected = new Map<string, { campaign: number; status: string; reason: string | null; handedOff: boolean; at: number; count: number }>();
    for (const r of read) {
      const at = r.handedOffAt ?? r.updatedAt;
      const key = [r.campaign, r.status, r.reason, r.handedOffAt !== null, Math.floor(at / QUARTER), at >= from, at <= NOW].join('|');
      const g = expected.get(key);
      if (g) {
        g.at = Math.min(g.at, at);
        g.count++;
      } else expected.set(key, { campaign: r.campaign, status: r.status, reason: r.reason, handedOff: r.handedOffAt !== null, at, count: 1 });
    }
    const repo = new HealthRepo(db);
    const order = (a: { campaign: number; at: number; status: string; count: number }, b: typeof a) =>
      a.campaign - b.campaign || a.at - b.at || a.status.localeCompare(b.status) || a.count - b.count;
    const tallies = repo.tallies(since, from, NOW);
    expect(tallies.length).toBeLessThan(read.length); // some rows were counted together
    expect([...tallies].sort(order)).toEqual([...expected.values()].sort(order));
    expect([...repo.tallies(since, from, NOW, batches[1])].sort(order)).toEqual(
      [...expected.values()].filter((g) => g.campaign === batches[1]).sort(order),
    );

    // Campaign totals.
    const totals = batches
      .map((campaign) => {
        const of = read.filter((r) => r.campaign === campaign);
        const handed = of.filter((r) => r.handedOffAt !== null).map((r) => r.handedOffAt!);
        return {
          campaign,
          handedOff: handed.length,
          startedAt: handed.length ? Math.min(...handed) : null,
          firstAt: Math.min(...of.map((r) => r.handedOffAt ?? r.updatedAt)),
        };
      })
      .filter((c) => Number.isFinite(c.firstAt));
    expect([...repo.campaignTotals(since)].sort((a, b) => a.campaign - b.campaign)).toEqual(totals);

    // Hand-offs of some people, of every campaign or one.
    const people = [contacts[0]!, contacts[3]!, contacts[3]!, contacts[7]!];
    const handoffs = (campaign?: number) =>
      read
        .filter((r) => r.handedOffAt !== null && people.includes(r.contactId) && (campaign === undefined || r.campaign === campaign))
        .map((r) => ({ contactId: r.contactId, campaign: r.campaign, at: r.handedOffAt! }));
    const byKey = (a: { contactId: number; campaign: number; at: number }, b: typeof a) =>
      a.contactId - b.contactId || a.at - b.at || a.campaign - b.campaign;
    expect(repo.handoffs(since, people).sort(byKey)).toEqual(handoffs().sort(byKey));
    expect(repo.handoffs(since, people, batches[2]).sort(byKey)).toEqual(handoffs(batches[2]).sort(byKey));
    expect(handoffs().length).toBeGreaterThan(0);
    expect(repo.handoffs(since, [])).toEqual([]);
  });

  it('the plan warns of the campaigns the report warns of, counting a campaign far under the threshold only that far', async () => {
    const t = scopedBackend({}, new TestClock(NOW));
    const db = t.backend.db;
    const { form } = await russianShop(t);
    await grantPaper(t.call, '+79160000001', 'sms', form);
    const proof = db.prepare('SELECT min(id) FROM consent_events').pluck().get() as number;
    const contact = db.prepare(
      `INSERT INTO contacts (phone, national_number, name, tags, reach, other_phones, created_at, updated_at) VALUES (?, ?, '', '[]', 'mobile', '[]', 0, 0)`,
    );
    const batch = db.prepare(
      `INSERT INTO batches (name, channel, purpose, text, audience, planned_at, created_at, created_by, lint_ok, lint, counts, state)
       VALUES (?, 'sms', 'marketing', 'x', '{"tags":[]}', 0, 0, 'Owner', 1, '{}', '{}', 'done')`,
    );
    const sent = db.prepare(
      `INSERT INTO outbox (batch_id, contact_id, step, channel, phone, status, proof_event_id, due_at, sending_at, handed_off_at, updated_at)
       VALUES (?, ?, 0, 'sms', ?, 'delivered', ?, 0, ?, ?, ?)`,
    );
    const phones = Array.from({ length: 200 }, (_, i) => `+79161000${String(i).padStart(3, '0')}`);
    const ids = phones.map((p) => Number(contact.run(p, p.slice(2)).lastInsertRowid));
    // A campaign to 200 people two days ago, one of whom opted out: 0.5 %, under 2 % (counted to 50 hand-offs, not 200).
    const wide = Number(batch.run('Широкая').lastInsertRowid);
    for (let i = 0; i < 200; i++) sent.run(wide, ids[i], phones[i], proof, NOW - 2 * DAY, NOW - 2 * DAY, NOW - 2 * DAY);
    // One to 20 of them yesterday, one of whom opted out after it: 5 %, over 2 %.
    const narrow = Number(batch.run('Узкая').lastInsertRowid);
    for (let i = 100; i < 120; i++) sent.run(narrow, ids[i], phones[i], proof, NOW - DAY, NOW - DAY, NOW - DAY);
    t.clock.t = NOW - DAY - 3 * H;
    await t.call('consent.record', { phone: phones[5]!, channel: 'sms', purpose: 'marketing', action: 'revoke' });
    t.clock.t = NOW - 2 * H;
    await t.call('consent.record', { phone: phones[110]!, channel: 'sms', purpose: 'marketing', action: 'revoke' });
    t.clock.t = NOW;

    const plan = await t.call('campaign.plan', { channel: 'sms', purpose: 'marketing', text: 'Скидка 10%. Отписаться: СТОП' });
    const report = await t.call('health.report', { weeks: 6 });
    expect(report.campaigns.map((c) => [c.name, c.handedOff, c.optOuts])).toEqual([
      ['Узкая', 20, 1],
      ['Широкая', 200, 1],
    ]);
    expect(plan.health).toEqual(report.warnings.filter((w) => Date.parse(w.at) >= NOW - 30 * DAY));
    expect(plan.health.map((w) => [w.kind, w.campaignName, w.count, w.handedOff])).toEqual([['opt_out_rate', 'Узкая', 1, 20]]);
    expect(new HealthRepo(db).handedOffUpTo(wide, NOW - 60 * DAY, 50)).toBe(50);
  });
});
