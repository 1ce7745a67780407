import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyEvent, EMPTY_STATE, foldEvents, compareEvents } from '../../../shared/domain/consent/fold';
import type { ConsentAction, FoldableEvent } from '../../../shared/domain/consent/types';
import { arbHistory } from '../../support/arbitraries';

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
