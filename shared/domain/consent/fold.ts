import { expiryFor, type ExpiryLimits } from './decide';
import type { ConsentAction, ConsentState, FoldableEvent } from './types';

/** The state before any event. */
export const EMPTY_STATE: ConsentState = { status: 'none', since: null, lastEventSeq: null, expiresAt: null };

// At equal occurrence times a withdrawal sorts last, so it wins over a grant of the same instant.
const ACTION_ORDER: Record<ConsentAction, number> = {
  claim: 0,
  request: 1,
  grant: 2,
  confirm: 3,
  expire: 4,
  revoke: 5,
  retract: 6,
};

/** Order events the way the fold reads them: by when they happened, withdrawals last, then by entry order. */
export function compareEvents(a: FoldableEvent, b: FoldableEvent): number {
  return a.occurredAt - b.occurredAt || ACTION_ORDER[a.action] - ACTION_ORDER[b.action] || a.seq - b.seq;
}

/** Apply one event to a state. Total: an event that does not apply leaves the status but is still the last event seen. */
export function applyEvent(state: ConsentState, e: FoldableEvent): ConsentState {
  const current = effectiveState(state, e.occurredAt);
  switch (e.action) {
    case 'retract':
      // Retractions are applied before folding (see foldEvents); reaching here changes nothing.
      return { ...state, lastEventSeq: e.seq };
    case 'revoke':
      return moved(e, 'revoked');
    case 'grant':
      return moved(e, 'granted', e.expiresAt);
    case 'request':
      // A new request never downgrades a consent already in force.
      return current.status === 'granted' ? { ...current, lastEventSeq: e.seq } : moved(e, 'pending', e.expiresAt);
    case 'confirm':
      return current.status === 'pending' ? moved(e, 'granted', e.expiresAt) : { ...current, lastEventSeq: e.seq };
    case 'claim':
      // A claim without evidence never overrides a withdrawal or a proven consent.
      return current.status === 'none' || current.status === 'expired' || current.status === 'unproven'
        ? moved(e, 'unproven')
        : { ...current, lastEventSeq: e.seq };
    case 'expire':
      return current.status === 'granted' || current.status === 'pending' || current.status === 'unproven'
        ? moved(e, 'expired')
        : { ...current, lastEventSeq: e.seq };
  }
}

/** The state an event moves a cell to: `status` since the event (a function of its own, not a closure per event). */
function moved(e: FoldableEvent, status: ConsentState['status'], expiresAt: number | null = null): ConsentState {
  return { status, since: e.occurredAt, lastEventSeq: e.seq, expiresAt };
}

/**
 * The state as it stands at instant `at`: a granted or pending consent whose deadline has passed
 * reads as expired from that deadline on, without needing an event.
 */
export function effectiveState(state: ConsentState, at: number): ConsentState {
  if ((state.status === 'granted' || state.status === 'pending') && state.expiresAt !== null && state.expiresAt <= at) {
    return { ...state, status: 'expired', since: state.expiresAt };
  }
  return state;
}

/**
 * An event's deadline under the shop's policy as it stands (`limits`): the earlier of the one stamped when it was
 * recorded and the one today's maximum consent age or request window gives it. A shop that shortens the maximum age
 * (or moves to a stricter pack) stops counting older consents at once, and lengthening it never revives a consent
 * beyond the deadline it was given.
 */
export function limitedExpiry(e: Pick<FoldableEvent, 'action' | 'occurredAt' | 'expiresAt'>, limits: ExpiryLimits | null): number | null {
  if (limits === null) return e.expiresAt;
  const now = expiryFor(e.action, e.occurredAt, limits);
  return now === null ? e.expiresAt : e.expiresAt === null ? now : Math.min(e.expiresAt, now);
}

/**
 * Fold the events of one key (any order) into its state; only events that occurred at or before `at` count.
 * A retraction voids its target whatever `at` is: once the register knows an event was entered in error, that
 * event never counted. (Which retractions are known is the caller's choice of events, e.g. recorded by `knownAt`.)
 * `limits`: the shop's policy now, which bounds every stamped deadline ({@link limitedExpiry}); the register's
 * projection, status at any moment, plans and hand-offs all fold with it, so they agree after settings change.
 */
export function foldEvents(events: readonly FoldableEvent[], at: number, limits: ExpiryLimits | null): ConsentState {
  let voided: Set<number> | null = null;
  for (const e of events) if (e.action === 'retract' && e.targetSeq != null) (voided ??= new Set()).add(e.targetSeq);
  const sorted = events.filter((e) => e.occurredAt <= at && e.action !== 'retract' && !voided?.has(e.seq)).sort(compareEvents);
  let state = EMPTY_STATE;
  for (const e of sorted) {
    const expiresAt = limitedExpiry(e, limits);
    state = applyEvent(state, expiresAt === e.expiresAt ? e : { ...e, expiresAt });
  }
  return Number.isFinite(at) ? effectiveState(state, at) : state;
}

/** Fold every event known, whenever it occurred (the projection's view: each deadline is read at the moment asked). */
export const EVER = Number.POSITIVE_INFINITY;

/** Key of a contact × channel × purpose cell. */
export function consentKey(e: { channel: string; purpose: string }): string {
  return `${e.channel}/${e.purpose}`;
}

/** Fold a mixed list of events into a map keyed by channel/purpose. */
export function foldByKey(events: readonly FoldableEvent[], at: number, limits: ExpiryLimits | null): Map<string, ConsentState> {
  const groups = new Map<string, FoldableEvent[]>();
  for (const e of events) {
    const k = consentKey(e);
    const list = groups.get(k);
    if (list) list.push(e);
    else groups.set(k, [e]);
  }
  const out = new Map<string, ConsentState>();
  for (const [k, list] of groups) out.set(k, foldEvents(list, at, limits));
  return out;
}
