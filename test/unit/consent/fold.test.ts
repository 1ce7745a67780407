import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyEvent, EMPTY_STATE, EVER, foldEvents as foldWith, compareEvents, limitedExpiry } from '../../../shared/domain/consent/fold';
import type { ConsentAction, FoldableEvent } from '../../../shared/domain/consent/types';
import { arbHistory } from '../../support/arbitraries';

/** The fold as stamped (no limits of today's policy: those have their own cases below). */
const foldEvents = (events: readonly FoldableEvent[], at = EVER) => foldWith(events, at, null);

const ev = (seq: number, action: ConsentAction, occurredAt: number, expiresAt: number | null = null): FoldableEvent => ({
  seq,
  channel: 'sms',
  purpose: 'marketing',
  action,
  occurredAt,
  recordedAt: occurredAt,
  expiresAt,
});

describe('consent fold', () => {
  it('walks grant → revoke → grant', () => {
    expect(foldEvents([ev(1, 'grant', 10), ev(2, 'revoke', 20)]).status).toBe('revoked');
    expect(foldEvents([ev(1, 'grant', 10), ev(2, 'revoke', 20), ev(3, 'grant', 30)]).status).toBe('granted');
  });

  it('a claim never overrides a revocation or a proven consent', () => {
    expect(foldEvents([ev(1, 'revoke', 10), ev(2, 'claim', 20)]).status).toBe('revoked');
    expect(foldEvents([ev(1, 'grant', 10), ev(2, 'claim', 20)]).status).toBe('granted');
    expect(foldEvents([ev(1, 'claim', 10)]).status).toBe('unproven');
  });

  it('a confirmation only grants a pending request', () => {
    expect(foldEvents([ev(1, 'confirm', 10)]).status).toBe('none');
    expect(foldEvents([ev(1, 'request', 10), ev(2, 'confirm', 20)]).status).toBe('granted');
  });

  it('a consent past its deadline reads as expired from the deadline', () => {
    const s = foldEvents([ev(1, 'grant', 10, 100)], 150);
    expect(s).toMatchObject({ status: 'expired', since: 100 });
    expect(foldEvents([ev(1, 'grant', 10, 100)], 99).status).toBe('granted');
  });

  it('orders events by when they happened, not when they were entered', () => {
    // A paper sheet typed in later, dated before a STOP that arrived by SMS.
    expect(foldEvents([ev(1, 'revoke', 20), ev(2, 'grant', 10)]).status).toBe('revoked');
  });

  it('property: a revocation at the same instant as anything else wins', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom<ConsentAction>('claim', 'request', 'grant', 'confirm', 'expire'), { maxLength: 6 }),
        fc.integer({ min: 0, max: 1e6 }),
        (actions, t) => {
          const events = [ev(0, 'revoke', t), ...actions.map((a, i) => ev(i + 1, a, t))];
          expect(foldEvents(events).status).toBe('revoked');
        },
      ),
    );
  });

  it('property: the fold does not depend on the order events are given in', () => {
    fc.assert(
      fc.property(arbHistory(), fc.integer(), (history, seed) => {
        const shuffled = [...history].sort((a, b) => ((a.seq * 7919 + seed) % 101) - ((b.seq * 7919 + seed) % 101));
        expect(foldEvents(shuffled)).toEqual(foldEvents(history));
      }),
    );
  });

  it('property: after the last event, the status is what its action says when that action always applies', () => {
    fc.assert(
      fc.property(arbHistory(), (history) => {
        const sorted = [...history].sort(compareEvents);
        const last = sorted[sorted.length - 1];
        if (!last) return;
        const s = foldEvents(history);
        if (last.action === 'revoke') expect(s.status).toBe('revoked');
        if (last.action === 'grant') expect(s.status).toBe('granted');
      }),
    );
  });

  it('applyEvent from the empty state', () => {
    expect(applyEvent(EMPTY_STATE, ev(1, 'request', 5, 50))).toEqual({ status: 'pending', since: 5, lastEventSeq: 1, expiresAt: 50 });
  });
});

describe('retractions (undone imports)', () => {
  const retract = (seq: number, target: number, at: number): FoldableEvent => ({ ...ev(seq, 'retract', at), targetSeq: target });

  it('void their target at every instant, as if it had never been entered', () => {
    const events = [ev(1, 'grant', 10), retract(2, 1, 100)];
    expect(foldEvents(events).status).toBe('none');
    expect(foldEvents(events, 50).status).toBe('none');
  });

  it('leave the events before and after the target in force', () => {
    expect(foldEvents([ev(1, 'grant', 10), ev(2, 'grant', 20), retract(3, 2, 30)]).status).toBe('granted');
    expect(foldEvents([ev(1, 'revoke', 10), ev(2, 'grant', 5), retract(3, 2, 30)]).status).toBe('revoked');
  });

  it('retracting any subset equals folding the history without it (property)', () => {
    fc.assert(
      fc.property(arbHistory(), fc.array(fc.boolean(), { maxLength: 12 }), fc.integer({ min: 0, max: 60 }), (history, drop, at) => {
        const dropped = history.filter((_, i) => drop[i] === true);
        const retractions = dropped.map((e, i) => retract(1000 + i, e.seq, 200 + i));
        const kept = history.filter((_, i) => drop[i] !== true);
        expect(foldEvents([...history, ...retractions], at)).toEqual(foldEvents(kept, at));
      }),
    );
  });
});

describe("the pack's deadlines as they stand now (limits)", () => {
  const DAY = 86_400_000;
  const HOUR = 3_600_000;
  const limits = (maxConsentAgeDays: number | null, pendingExpiryHours = 72) => ({ maxConsentAgeDays, pendingExpiryHours });

  it('bound a deadline stamped longer, or none, and never lengthen one', () => {
    expect(limitedExpiry(ev(1, 'grant', 0, 1095 * DAY), limits(365))).toBe(365 * DAY);
    expect(limitedExpiry(ev(1, 'grant', 0, null), limits(365))).toBe(365 * DAY);
    expect(limitedExpiry(ev(1, 'confirm', 10, 30 * DAY), limits(365))).toBe(30 * DAY);
    expect(limitedExpiry(ev(1, 'grant', 0, 30 * DAY), limits(null))).toBe(30 * DAY);
    expect(limitedExpiry(ev(1, 'request', 0, 72 * HOUR), limits(null, 6))).toBe(6 * HOUR);
    expect(limitedExpiry(ev(1, 'revoke', 0, null), limits(1))).toBeNull();
    expect(limitedExpiry(ev(1, 'grant', 0, null), null)).toBeNull();
  });

  it('expire a consent older than the maximum age, while a newer grant counts from its own date', () => {
    expect(foldWith([ev(1, 'grant', 0)], 400 * DAY, limits(365)).status).toBe('expired');
    expect(foldWith([ev(1, 'grant', 0), ev(2, 'grant', 300 * DAY)], 400 * DAY, limits(365)).status).toBe('granted');
    expect(foldWith([ev(1, 'grant', 0)], 400 * DAY, limits(1095)).status).toBe('granted');
  });

  it('read every later event against the bounded deadline: a request after the consent lapsed waits for its answer', () => {
    // Under the stamped deadline the grant still counts at 400 days and the request changes nothing; bounded, it
    // lapsed at 365 and the request is pending.
    const events = [ev(1, 'grant', 0), ev(2, 'request', 400 * DAY, 400 * DAY + 72 * HOUR)];
    expect(foldWith(events, EVER, null).status).toBe('granted');
    expect(foldWith(events, EVER, limits(365))).toMatchObject({ status: 'pending', since: 400 * DAY, lastEventSeq: 2 });
  });

  it('never let a consent count longer than the maximum age from the yes it stands on (property)', () => {
    // Histories over days (the arbitrary's units), the maximum age 1 to 30 of them.
    const inDays = (h: FoldableEvent[]) =>
      h.map((e) => ({
        ...e,
        occurredAt: e.occurredAt * DAY,
        recordedAt: e.recordedAt * DAY,
        expiresAt: e.expiresAt === null ? null : e.expiresAt * DAY,
      }));
    fc.assert(
      fc.property(arbHistory(), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 30 }), (history, at, days) => {
        const s = foldWith(inDays(history), at * DAY, limits(days, days * 24));
        if (s.status === 'granted' || s.status === 'pending') {
          expect(s.since).not.toBeNull();
          expect(at * DAY).toBeLessThan(s.since! + days * DAY);
          expect(s.expiresAt).not.toBeNull();
          expect(s.expiresAt!).toBeLessThanOrEqual(s.since! + days * DAY);
        }
        // And a history whose every deadline is already within the bound folds as stamped.
        const within = inDays(history).map((e) => ({
          ...e,
          expiresAt: e.action === 'grant' || e.action === 'confirm' || e.action === 'request' ? e.occurredAt + DAY : e.expiresAt,
        }));
        expect(foldWith(within, at * DAY, limits(days, days * 24))).toEqual(foldWith(within, at * DAY, null));
      }),
    );
  });
});
