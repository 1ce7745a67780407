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

/**
 * The fold's version: what the register keeps with its projection (migration 0022), so a build that folds differently
 * folds the projection again when it opens. 2: an event that changes nothing leaves the cell's event as it was.
 */
export const FOLD_VERSION = 2;

/**
 * Apply one event to a state. Total: an event that does not apply changes nothing, its event included — a cell's
 * `lastEventSeq` is the event that gave it its status (a signed grant, a confirmation), the proof a message is sent on,
 * not a later request or CRM claim that found the consent already in force.
 */
export function applyEvent(state: ConsentState, e: FoldableEvent): ConsentState {
  const current = effectiveState(state, e.occurredAt);
  switch (e.action) {
    case 'retract':
      // Retractions are applied before folding (see foldEvents); reaching here changes nothing.
      return state;
    case 'revoke':
      return moved(e, 'revoked');
    case 'grant':
      return moved(e, 'granted', e.expiresAt);
    case 'request':
      // A new request never downgrades a consent already in force.
      return current.status === 'granted' ? current : moved(e, 'pending', e.expiresAt);
    case 'confirm':
      return current.status === 'pending' ? moved(e, 'granted', e.expiresAt) : current;
    case 'claim':
      // A claim without evidence never overrides a withdrawal or a proven consent.
      return current.status === 'none' || current.status === 'expired' || current.status === 'unproven' ? moved(e, 'unproven') : current;
    case 'expire':
      return current.status === 'granted' || current.status === 'pending' || current.status === 'unproven' ? moved(e, 'expired') : current;
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
  for (const e of events) {
    checkValues(e);
    if (e.action === 'retract' && e.targetSeq != null) (voided ??= new Set()).add(e.targetSeq);
  }
  const sorted = events.filter((e) => e.occurredAt <= at && e.action !== 'retract' && !voided?.has(e.seq)).sort(compareEvents);
  let state = EMPTY_STATE;
  for (const e of sorted) {
    const expiresAt = limitedExpiry(e, limits);
    state = applyEvent(state, expiresAt === e.expiresAt ? e : { ...e, expiresAt });
  }
  return Number.isFinite(at) ? effectiveState(state, at) : state;
}

/**
 * An event whose action, channel or purpose its table's checks never allow (the file was edited with them off): the
 * fold cannot read it, and the caller names the register as damaged (db/open.ts damageOf) rather than fail inside.
 */
export class UnknownEventValue extends Error {
  constructor(
    readonly seq: number,
    readonly column: 'action' | 'channel' | 'purpose',
    readonly value: string,
  ) {
    super(`consent event ${seq} has the ${column} ${value}`);
    this.name = 'UnknownEventValue';
  }
}

function checkValues(e: FoldableEvent): void {
  if (ACTION_ORDER[e.action] === undefined) throw new UnknownEventValue(e.seq, 'action', String(e.action));
  if (e.channel !== 'sms' && e.channel !== 'whatsapp') throw new UnknownEventValue(e.seq, 'channel', String(e.channel));
  if (e.purpose !== 'marketing' && e.purpose !== 'service' && e.purpose !== 'personal_data')
    throw new UnknownEventValue(e.seq, 'purpose', String(e.purpose));
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
