import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  computeHealth,
  handoffsBeyondWarning,
  healthSpan,
  healthWarnings,
  type HealthCampaignTotal,
  type HealthInput,
  type HealthRecipient,
  type HealthTally,
} from '../../../shared/domain/health/health';
import { getPolicyPack } from '../../../shared/domain/policy/policy';

/**
 * The repo counts the outbox rows in SQL (HealthRepo.tallies, campaignTotals) and reads hand-offs one by one only
 * for the people who opted out or complained: the figures and the warnings must be those of the rows one by one.
 * Here the rows are grouped as that SQL groups them, on random registers around the span's edges, quarter hours,
 * zones with a 45-minute offset and the thresholds.
 */
const RUNS = Number(process.env.HEALTH_RUNS ?? (process.env.CI ? 300 : 150));
const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;
const QUARTER = 15 * MIN;
const NOW = Date.parse('2026-03-04T10:07:00Z');
const ZONES = ['Europe/Moscow', 'UTC', 'America/New_York', 'Asia/Kathmandu', 'Australia/Adelaide'] as const;
const STATUSES = ['sent', 'delivered', 'read', 'failed', 'undeliverable', 'unknown'] as const;
const REASONS = [null, '30007 Message filtered', 'refused: no route', 'carrier_violation blocked', ''] as const;

/** What HealthRepo.tallies does in SQL. */
function tally(rows: HealthRecipient[], from: number, now: number): HealthTally[] {
  const groups = new Map<string, HealthTally>();
  for (const r of rows) {
    const at = r.handedOffAt ?? r.updatedAt;
    const key = [r.campaign, r.status, r.reason, r.handedOffAt !== null, Math.floor(at / QUARTER), at >= from, at <= now].join('|');
    const g = groups.get(key);
    if (g) {
      g.at = Math.min(g.at, at);
      g.count++;
    } else groups.set(key, { campaign: r.campaign, status: r.status, reason: r.reason, handedOff: r.handedOffAt !== null, at, count: 1 });
  }
  return [...groups.values()];
}

/** What HealthRepo.campaignTotals does in SQL. */
function totals(rows: HealthRecipient[]): HealthCampaignTotal[] {
  const byCampaign = new Map<number, HealthCampaignTotal>();
  for (const r of rows) {
    const at = r.handedOffAt ?? r.updatedAt;
    const t = byCampaign.get(r.campaign) ?? { campaign: r.campaign, handedOff: 0, startedAt: null, firstAt: at };
    if (r.handedOffAt !== null) {
      t.handedOff++;
      t.startedAt = t.startedAt === null ? r.handedOffAt : Math.min(t.startedAt, r.handedOffAt);
    }
    t.firstAt = Math.min(t.firstAt, at);
    byCampaign.set(r.campaign, t);
  }
  return [...byCampaign.values()];
}

/**
 * A time near the interesting edges: the span's start and the weeks' (Monday midnights, a DST hour either way, in
 * zones whose midnight is not on the hour), quarter hours, the opt-out window before the span, now, and anywhere in
 * the last 9 weeks.
 */
const time = (from: number, weeks: number) =>
  fc.oneof(
    fc.integer({ min: NOW - 9 * 7 * DAY, max: NOW + H }),
    fc.integer({ min: -3, max: 3 }).map((k) => from + k * MIN),
    {
      weight: 4,
      arbitrary: fc
        .record({ week: fc.integer({ min: 0, max: weeks }), minutes: fc.integer({ min: -15, max: 15 }) })
        .map(({ week, minutes }) => from + week * 7 * DAY + minutes * MIN),
    },
    fc.integer({ min: -2, max: 2 }).map((k) => from - 49 * H + k),
    fc.integer({ min: -2, max: 2 }).map((k) => NOW + k),
    fc.integer({ min: 0, max: 9 * 7 * 4 * 24 }).map((q) => Math.floor((NOW - 9 * 7 * DAY) / QUARTER) * QUARTER + q * QUARTER - (q % 3)),
  );

const register = fc
  .record({ zone: fc.constantFrom(...ZONES), weeks: fc.integer({ min: 1, max: 8 }), tight: fc.boolean() })
  .chain(({ zone, weeks, tight }) => {
    const from = healthSpan(NOW, weeks, zone).from;
    const row = fc
      .record({
        campaign: fc.integer({ min: 1, max: 3 }),
        contactId: fc.integer({ min: 1, max: 12 }),
        // Mostly alike, as a campaign's rows are: delivered, no reason.
        status: fc.oneof({ weight: 3, arbitrary: fc.constant('delivered') }, { weight: 2, arbitrary: fc.constantFrom(...STATUSES) }),
        reason: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...REASONS) }),
        at: time(from, weeks),
        refused: fc.boolean(),
        later: fc.integer({ min: 0, max: 3 * H }),
      })
      .map((r): HealthRecipient => ({
        campaign: r.campaign,
        contactId: r.contactId,
        status: r.status,
        reason: r.reason,
        handedOffAt: r.refused && (r.status === 'failed' || r.status === 'undeliverable') ? null : r.at,
        updatedAt: r.refused ? r.at : r.at + r.later,
      }));
    const event = fc.record({ contactId: fc.integer({ min: 1, max: 14 }), at: time(from, weeks) });
    return fc.record({
      zone: fc.constant(zone),
      weeks: fc.constant(weeks),
      tight: fc.constant(tight),
      rows: fc.array(row, { minLength: 10, maxLength: 80 }),
      optOuts: fc.array(event, { maxLength: 12 }),
      complaints: fc.array(event, { maxLength: 6 }),
      quality: fc.option(
        fc.array(
          fc.record({
            at: time(from, weeks),
            provider: fc.constant('wa'),
            topic: fc.constantFrom('phone_quality' as const, 'template_quality' as const),
            rating: fc.constantFrom('GREEN', 'YELLOW', 'red', 'FLAGGED'),
            detail: fc.constantFrom('', 'template promo'),
          }),
          { maxLength: 3 },
        ),
        { nil: null },
      ),
    });
  });

describe('health figures from rows counted in SQL', () => {
  it('tallies and the hand-offs of those who opted out or complained give the figures and warnings of the rows one by one', () => {
    fc.assert(
      fc.property(register, (r) => {
        const pack = getPolicyPack('ru').health;
        // Tight thresholds warn on almost every campaign; the pack's own on few.
        const thresholds = r.tight ? { ...pack, optOutRate: 0.05, complaintRate: 0.01 } : pack;
        const from = healthSpan(NOW, r.weeks, r.zone).from;
        const since = from - Math.max(thresholds.optOutWindowHours * H, thresholds.complaintWindowDays * DAY);
        // As the repo reads them: rows of the attempted statuses since `since`.
        const rows = r.rows.filter((x) => (x.handedOffAt ?? x.updatedAt) >= since);
        const people = new Set([...r.optOuts, ...r.complaints].map((e) => e.contactId));
        const handoffs = rows
          .filter((x) => x.handedOffAt !== null && people.has(x.contactId))
          .map((x) => ({ contactId: x.contactId, campaign: x.campaign, at: x.handedOffAt! }));
        const common: Omit<HealthInput, 'recipients'> = {
          now: NOW,
          timeZone: r.zone,
          weeks: r.weeks,
          thresholds,
          campaigns: [1, 2, 3].map((id) => ({ id, name: `c${id}`, channel: 'sms', purpose: 'marketing' })),
          optOuts: r.optOuts,
          complaints: r.complaints,
          quality: r.quality,
        };
        const byRow = computeHealth({ ...common, recipients: rows });
        expect(computeHealth({ ...common, tallies: tally(rows, from, NOW), handoffs })).toEqual(byRow);
        expect(healthWarnings({ ...common, totals: totals(rows), handoffs })).toEqual(byRow.warnings);
      }),
      { numRuns: RUNS },
    );
  });

  it('the property sees warnings, campaigns outside the span and rows counted together', () => {
    // A fixed register that exercises what the property is about: two rows of one quarter hour become one tally, a
    // campaign before the span is read only for attribution, and an opt-out within 48 h crosses the 2 % threshold.
    const zone = 'Europe/Moscow';
    const from = healthSpan(NOW, 2, zone).from;
    const rows: HealthRecipient[] = [
      { campaign: 1, contactId: 1, status: 'delivered', reason: null, handedOffAt: NOW - DAY, updatedAt: NOW - DAY + 5 },
      { campaign: 1, contactId: 2, status: 'delivered', reason: null, handedOffAt: NOW - DAY + 1, updatedAt: NOW - DAY + 9 },
      { campaign: 2, contactId: 3, status: 'sent', reason: null, handedOffAt: from - DAY, updatedAt: from - DAY },
    ];
    const tallies = tally(rows, from, NOW);
    expect(tallies.map((t) => [t.campaign, t.count])).toEqual([
      [1, 2],
      [2, 1],
    ]);
    const common = {
      now: NOW,
      timeZone: zone,
      weeks: 2,
      thresholds: getPolicyPack('ru').health,
      campaigns: [{ id: 1, name: 'Выпечка', channel: 'sms', purpose: 'marketing' }],
      optOuts: [
        { contactId: 1, at: NOW - 2 * H },
        { contactId: 3, at: from - DAY + H },
      ],
      complaints: [],
      quality: null,
    };
    const handoffs = rows.filter((x) => x.contactId !== 2).map((x) => ({ contactId: x.contactId, campaign: x.campaign, at: x.handedOffAt! }));
    const report = computeHealth({ ...common, tallies, handoffs });
    expect(report).toEqual(computeHealth({ ...common, recipients: rows }));
    expect(report.campaigns.map((c) => [c.campaign, c.handedOff, c.optOuts])).toEqual([[1, 2, 1]]);
    expect(report.warnings).toMatchObject([{ kind: 'opt_out_rate', campaign: 1, campaignName: 'Выпечка', count: 1, handedOff: 2, rate: 0.5 }]);
    expect(healthWarnings({ ...common, totals: totals(rows), handoffs })).toEqual(report.warnings);
  });
});

describe('how far a campaign’s hand-offs are counted for the plan', () => {
  it('from handoffsBeyondWarning hand-offs on a campaign does not warn, and one fewer it does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 12 }),
        fc.constantFrom(0.02, 0.05, 0.1, 0.3, 1 / 3),
        fc.constantFrom(0.001, 0.01, 0.07, 0.25),
        fc.integer({ min: 0, max: 3 }),
        (optOuts, complaints, optOutRate, complaintRate, beyond) => {
          const thresholds = { ...getPolicyPack('ru').health, optOutRate, complaintRate };
          const enough = handoffsBeyondWarning(optOuts, complaints, thresholds)!;
          expect(enough).toBeGreaterThanOrEqual(1);
          // A campaign with `handedOff` hand-offs, `optOuts` people who opted out an hour after theirs and `complaints`
          // who complained: does the plan warn?
          const warns = (handedOff: number) => {
            const people = Math.max(optOuts, complaints);
            const handoffs = Array.from({ length: people }, (_, i) => ({ contactId: i + 1, campaign: 1, at: NOW - 2 * H }));
            return (
              healthWarnings({
                now: NOW,
                timeZone: 'UTC',
                weeks: 2,
                thresholds,
                campaigns: [{ id: 1, name: 'c1', channel: 'sms', purpose: 'marketing' }],
                totals: [{ campaign: 1, handedOff, startedAt: NOW - 2 * H, firstAt: NOW - 2 * H }],
                handoffs,
                optOuts: Array.from({ length: optOuts }, (_, i) => ({ contactId: i + 1, at: NOW - H })),
                complaints: Array.from({ length: complaints }, (_, i) => ({ contactId: i + 1, at: NOW - H })),
                quality: null,
              }).length > 0
            );
          };
          expect(warns(enough + beyond)).toBe(false);
          expect(warns(enough * 7 + beyond)).toBe(false);
          if (enough > 1) expect(warns(enough - 1)).toBe(true);
          if (optOuts + complaints > 0 && enough > 1) expect(warns(1)).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('names no bound where no number of hand-offs keeps a campaign under a threshold', () => {
    const pack = getPolicyPack('ru').health;
    expect(handoffsBeyondWarning(0, 0, pack)).toBe(1);
    expect(handoffsBeyondWarning(3, 0, pack)).toBe(150); // 3 / 150 = 2 % is not above 2 %; 3 / 149 is
    expect(handoffsBeyondWarning(0, 1, pack)).toBe(1000);
    expect(handoffsBeyondWarning(1, 0, { ...pack, optOutRate: 0 })).toBeNull();
    expect(handoffsBeyondWarning(0, 0, { ...pack, complaintRate: -0.1 })).toBeNull();
  });
});
