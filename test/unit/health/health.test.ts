import { describe, expect, it } from 'vitest';
import {
  computeHealth,
  failureKey,
  healthSpan,
  isoWeekAt,
  isoWeekOf,
  type HealthInput,
  type HealthRecipient,
} from '../../../shared/domain/health/health';
import { getPolicyPack, listPolicyPacks } from '../../../shared/domain/policy/policy';

const H = 3_600_000;
const T0 = Date.parse('2026-03-02T09:00:00Z'); // Monday, 12:00 in Moscow
const thresholds = getPolicyPack('ru').health;

function sent(campaign: number, contactId: number, at: number, status = 'sent', reason: string | null = null): HealthRecipient {
  return { campaign, contactId, status, reason, handedOffAt: status === 'failed' && reason?.startsWith('refused') ? null : at, updatedAt: at };
}

function input(over: Partial<HealthInput>): HealthInput {
  return {
    now: T0 + 5 * 24 * H,
    timeZone: 'Europe/Moscow',
    weeks: 4,
    thresholds,
    campaigns: [
      { id: 1, name: 'Весенняя скидка', channel: 'sms', purpose: 'marketing' },
      { id: 2, name: 'Second', channel: 'whatsapp', purpose: 'marketing' },
    ],
    recipients: [],
    optOuts: [],
    complaints: [],
    quality: null,
    ...over,
  };
}

describe('health thresholds in the packs', () => {
  it('every pack carries its figures with a source note', () => {
    for (const p of listPolicyPacks()) {
      expect(p.health.optOutRate, p.id).toBe(0.02);
      expect(p.health.complaintRate, p.id).toBe(0.001);
      expect(p.health.optOutWindowHours, p.id).toBe(48);
      expect(p.health.source.length, p.id).toBeGreaterThan(40);
    }
  });
});

describe('ISO weeks', () => {
  it('numbers weeks by their Thursday, across the turn of the year', () => {
    expect(isoWeekOf('2026-03-02')).toBe('2026-W10');
    expect(isoWeekOf('2026-03-08')).toBe('2026-W10'); // Sunday
    expect(isoWeekOf('2026-03-09')).toBe('2026-W11');
    expect(isoWeekOf('2027-01-01')).toBe('2026-W53'); // a Friday: 2026 has 53 weeks
    expect(isoWeekOf('2025-12-29')).toBe('2026-W01'); // a Monday whose Thursday is 1 January
  });

  it('cuts weeks at Monday 00:00 in the shop time zone, not UTC', () => {
    const sundayEveningUtc = Date.parse('2026-03-08T21:30:00Z'); // Monday 00:30 in Moscow
    expect(isoWeekAt(sundayEveningUtc, 'Europe/Moscow')).toBe('2026-W11');
    expect(isoWeekAt(sundayEveningUtc, 'UTC')).toBe('2026-W10');
    expect(isoWeekAt(sundayEveningUtc, 'America/New_York')).toBe('2026-W10');
    const span = healthSpan(Date.parse('2026-03-10T12:00:00Z'), 2, 'Europe/Moscow');
    expect(span.weeks).toEqual([
      { week: '2026-W10', from: '2026-03-02' },
      { week: '2026-W11', from: '2026-03-09' },
    ]);
    expect(new Date(span.from).toISOString()).toBe('2026-03-01T21:00:00.000Z');
    expect(() => healthSpan(T0, 0, 'UTC')).toThrow(/weeks: 0/);
  });

  it('puts a hand-off at 00:30 Monday Moscow time into the new week of the report', () => {
    const at = Date.parse('2026-03-08T21:30:00Z');
    const r = computeHealth(input({ now: Date.parse('2026-03-10T12:00:00Z'), weeks: 2, recipients: [sent(1, 1, at)] }));
    expect(r.weeks.map((w) => [w.week, w.handedOff])).toEqual([
      ['2026-W10', 0],
      ['2026-W11', 1],
    ]);
    expect(r.campaigns[0]!.week).toBe('2026-W11');
  });
});

describe('computeHealth', () => {
  it('gives no rate and no warning when nothing was handed off (no division by zero)', () => {
    const r = computeHealth(input({ recipients: [sent(1, 1, T0, 'failed', 'refused 21610 unsubscribed')], optOuts: [{ contactId: 1, at: T0 + H }] }));
    expect(r.campaigns).toHaveLength(1);
    expect(r.campaigns[0]).toMatchObject({
      handedOff: 0,
      failed: 1,
      optOuts: 0,
      rates: { delivered: null, optOut: null, complaint: null, failed: 1 },
    });
    expect(r.weeks.every((w) => w.rates.optOut === null || w.handedOff > 0)).toBe(true);
    expect(r.warnings).toEqual([]);
    expect(r.quality).toEqual({ stored: false, signals: [] });
  });

  it('counts an opt-out exactly 48 h after the message, and not one a millisecond later', () => {
    const recipients = Array.from({ length: 20 }, (_, i) => sent(1, i + 1, T0));
    const r = computeHealth(
      input({
        recipients,
        optOuts: [
          { contactId: 1, at: T0 + 48 * H },
          { contactId: 2, at: T0 + 48 * H + 1 },
          { contactId: 3, at: T0 - 1 }, // before the message: not prompted by it
          { contactId: 3, at: T0 - 1 }, // the same revocation on the other channel
        ],
      }),
    );
    const c = r.campaigns[0]!;
    expect(c).toMatchObject({ handedOff: 20, optOuts: 1, rates: { optOut: 0.05 } });
    const week = r.weeks.find((w) => w.week === '2026-W10')!;
    expect(week).toMatchObject({ handedOff: 20, optOuts: 1, optOutsAll: 3 });
    expect(r.warnings).toEqual([
      expect.objectContaining({
        kind: 'opt_out_rate',
        campaign: 1,
        campaignName: 'Весенняя скидка',
        count: 1,
        handedOff: 20,
        rate: 0.05,
        threshold: 0.02,
        windowHours: 48,
      }),
    ]);
  });

  it('counts an opt-out once per contact, against the latest message before it, across several campaigns', () => {
    const recipients = [
      ...Array.from({ length: 100 }, (_, i) => sent(1, i + 1, T0)),
      ...Array.from({ length: 50 }, (_, i) => sent(2, i + 1, T0 + 24 * H, i < 10 ? 'delivered' : 'sent')),
    ];
    const r = computeHealth(
      input({
        recipients,
        optOuts: [
          { contactId: 1, at: T0 + 2 * H }, // after campaign 1 only
          { contactId: 2, at: T0 + 30 * H }, // after campaign 2 (the latest message)
          { contactId: 2, at: T0 + 31 * H }, // the same person on the other channel: once
          { contactId: 70, at: T0 + 30 * H }, // got only campaign 1, 30 h before
        ],
        complaints: [{ contactId: 3, at: T0 + 25 * H }],
      }),
    );
    const one = r.campaigns.find((c) => c.campaign === 1)!;
    const two = r.campaigns.find((c) => c.campaign === 2)!;
    expect(one).toMatchObject({ handedOff: 100, optOuts: 2, complaints: 0, rates: { optOut: 0.02 } });
    expect(two).toMatchObject({ handedOff: 50, delivered: 10, optOuts: 1, complaints: 1, rates: { optOut: 0.02, complaint: 0.02, delivered: 0.2 } });
    expect(r.campaigns.map((c) => c.campaign)).toEqual([2, 1]); // newest first
    // 2 % is the threshold, not above it: no opt-out warning; one complaint in 50 is above 0.1 %.
    expect(r.warnings.map((w) => [w.kind, w.campaign, w.count, w.handedOff])).toEqual([['complaint_rate', 2, 1, 50]]);
  });

  it('groups failures by the provider code, and counts failed as a share of what was attempted', () => {
    const r = computeHealth(
      input({
        recipients: [
          sent(1, 1, T0),
          sent(1, 2, T0, 'failed', '30003 Unreachable destination handset'),
          sent(1, 3, T0, 'undeliverable', '30003: unreachable'),
          sent(1, 4, T0, 'failed', 'refused 21614 not a mobile number'),
          sent(1, 5, T0, 'failed', null),
          { campaign: 1, contactId: 6, status: 'skipped', reason: 'revoked', handedOffAt: null, updatedAt: T0 },
        ],
      }),
    );
    expect(r.campaigns[0]).toMatchObject({ handedOff: 4, failed: 4, failedByReason: { '30003': 2, unknown: 1 } });
    expect(Object.values(r.campaigns[0]!.failedByReason).reduce((a, b) => a + b, 0)).toBe(4);
    expect(r.campaigns[0]!.rates.failed).toBe(4 / 5);
    expect(failureKey('21610 Attempt to send to unsubscribed recipient')).toBe('21610');
    expect(failureKey('wa_us_marketing_paused')).toBe('wa_us_marketing_paused');
    expect(failureKey('provider down for maintenance')).toBe('provider down for maintenance');
  });

  it('leaves out campaigns before the span but still attributes to them', () => {
    const old = T0 - 40 * 24 * H;
    const r = computeHealth(input({ weeks: 1, recipients: [sent(1, 1, old), sent(2, 2, T0)], optOuts: [{ contactId: 2, at: T0 + H }] }));
    expect(r.campaigns.map((c) => c.campaign)).toEqual([2]);
    expect(r.weeks).toHaveLength(1);
  });

  it('warns on a WhatsApp quality signal that is not green, and counts signals per week', () => {
    const r = computeHealth(
      input({
        quality: [
          { at: T0 + H, provider: 'wa', topic: 'phone_quality', rating: 'YELLOW', detail: 'phone number quality dropped' },
          { at: T0 + 2 * H, provider: 'wa', topic: 'phone_quality', rating: 'GREEN', detail: '' },
        ],
      }),
    );
    expect(r.quality.stored).toBe(true);
    expect(r.weeks.find((w) => w.week === '2026-W10')!.quality).toBe(2);
    expect(r.warnings).toEqual([expect.objectContaining({ kind: 'quality', detail: 'wa: YELLOW — phone number quality dropped' })]);
  });
});
