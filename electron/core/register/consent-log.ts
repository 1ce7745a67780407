import { GENESIS_HASH } from '../../../shared/domain/consent/canonical';
import { expiryFor, stampTime, type ExpiryLimits } from '../../../shared/domain/consent/decide';
import { EVER, foldEvents } from '../../../shared/domain/consent/fold';
import type { Channel, ConsentAction, ConsentMethod, FoldableEvent, Purpose } from '../../../shared/domain/consent/types';
import type { PolicyPack } from '../../../shared/domain/policy/policy';
import type { ContactRecord } from '../db/repos/contacts.repo';
import type { EventRecord, StateRecord } from '../db/repos/consent.repo';
import { listedColumns, type ListedColumns } from '../../../shared/domain/consent/listed';
import { chainHash } from '../infra/hash';
import { settleConfirmations } from './confirmations';
import type { ServiceContext } from '../context';

/**
 * The consent log: the ONE place consent events are written. Every writer — recording by staff, imports (in the
 * bulk form below), undo, inbound replies, paper sheets, provider feedback, double-opt-in confirmations — goes
 * through it, so the time rule, expiry, the hash chain, the projection and confirmation settling are applied the
 * same way for all of them.
 */

/** The content an event's hash covers: everything that makes it proof, including its place in the chain and the number. */
export function eventPayload(e: Omit<EventRecord, 'prevHash' | 'hash'>): Record<string, unknown> {
  return {
    id: e.id,
    uid: e.uid,
    contactId: e.contactId,
    phone: e.phone,
    channel: e.channel,
    purpose: e.purpose,
    action: e.action,
    method: e.method,
    occurredAt: e.occurredAt,
    recordedAt: e.recordedAt,
    recordedBy: e.recordedBy,
    formVersionId: e.formVersionId,
    evidence: e.evidence,
    policyPack: e.policyPack,
    expiresAt: e.expiresAt,
    // Only retractions carry a target; leaving it out otherwise keeps the hashes of earlier events valid.
    ...(e.targetEventId !== null ? { targetEventId: e.targetEventId } : {}),
  };
}

/** A stored event as the fold sees it. */
export function toFoldable(e: EventRecord): FoldableEvent {
  return {
    seq: e.id,
    channel: e.channel,
    purpose: e.purpose,
    action: e.action,
    occurredAt: e.occurredAt,
    recordedAt: e.recordedAt,
    expiresAt: e.expiresAt,
    targetSeq: e.targetEventId,
  };
}

/** A projection cell, folded from its events under the pack's deadlines as they stand (see limitedExpiry). */
function cellOf(key: { contactId: number; channel: Channel; purpose: Purpose }, events: readonly FoldableEvent[], limits: ExpiryLimits): StateRecord {
  return { contactId: key.contactId, channel: key.channel, purpose: key.purpose, ...foldEvents(events, EVER, limits) };
}

/** How far before the clock's "now" a given time still counts as "now" (a caller reads the clock, then builds the event). */
const LIVE_MS = 1_000;

/** Methods of events a provider reported (dated by its clock, received now). */
const RECEIVED_METHODS: ReadonlySet<ConsentMethod> = new Set<ConsentMethod>(['inbound_keyword', 'provider_feedback']);

/** One event to append, before the chain fields are known. */
export interface PendingEvent {
  contact: Pick<ContactRecord, 'id' | 'phone'>;
  channel: Channel;
  purpose: Purpose;
  action: ConsentAction;
  method: ConsentMethod;
  /** When it happened, as given; the log never stores a time ahead of the recording (see `stampTime`). */
  occurredAt: number;
  recordedBy: string;
  formVersionId: number | null;
  evidence: EventRecord['evidence'];
  /** Left out: stamped from the pack (grants and confirmations age out, requests lapse). */
  expiresAt?: number | null | undefined;
  /** For `retract`: the event it voids. */
  targetEventId?: number | null;
}

/**
 * The bulk form of the append, for writers of many events in one transaction (an import): events are chained
 * as they come and written, with the projection cells they touched refolded and confirmations settled, at each
 * `flush()`. Cells of contacts the writer says are new fold from the events seen here alone (no read back).
 */
export class ConsentLogWriter {
  private last: { id: number; hash: string };
  private readonly touched = new Map<string, { contactId: number; channel: Channel; purpose: Purpose; events: FoldableEvent[]; fresh: boolean }>();
  /** Chained since the last flush, which writes them (in chain order) and settles their confirmations. */
  private unsettled: EventRecord[] = [];
  private readonly formsUsed = new Set<number>();
  /** Ids of the first and last event written by this writer. */
  first: number | null = null;
  lastId: number | null = null;

  /** When these events are recorded: the clock, but never before the register's newest event (see {@link add}). */
  readonly recordedAt: number;
  /** When the register's newest event before this writer was recorded (0: none). */
  private readonly floor: number;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly policy: PolicyPack,
    /** The clock's reading the writer's caller dated "now" by. */
    private readonly wallNow = ctx.clock.now(),
  ) {
    this.last = ctx.consent.lastLink() ?? { id: 0, hash: GENESIS_HASH };
    this.floor = ctx.consent.lastRecordedAt();
    this.recordedAt = Math.max(wallNow, this.floor);
  }

  /**
   * Chain one event (written at the next flush). `freshContact`: the contact was created in this transaction and has no
   * earlier events (with flush's `writeNew`, one the writer's caller writes then).
   */
  add(p: PendingEvent, freshContact = false): EventRecord {
    const recordedAt = this.recordedAt;
    const stamped = stampTime(p.occurredAt, recordedAt);
    let { occurredAt, claimedAt } = stamped;
    // The register's time never runs backwards. With the clock set back since the register's newest event was recorded
    // (a computer's clock corrected, a time zone fixed), an event dated "now" would otherwise sort before events recorded:
    // a customer's STOP before the grant it answers, and the grant would win. It is dated when the newest was recorded
    // (at an equal time an opt-out sorts last), and the time the clock said is kept as claimedAt. An event dated in the
    // past on purpose (a paper slip, a file's date) keeps its date. An opt-out a provider received (a reply, an opt-out
    // status) is dated by the provider's clock, which is right: while the computer's clock is still behind the register,
    // the consents its fast clock dated cannot be put in order with it, and an opt-out wins when in doubt.
    const received = p.action === 'revoke' && RECEIVED_METHODS.has(p.method);
    // A caller that asked the register for "now" (registerNow) gave the newest event's time: the clock's reading is kept.
    if (this.wallNow < this.floor && (p.occurredAt >= this.wallNow - LIVE_MS || received) && occurredAt <= this.floor) {
      claimedAt ??= p.occurredAt < this.floor ? p.occurredAt : this.wallNow;
      occurredAt = this.floor;
    }
    // The evidence as given, less any claimedAt of its own (the log sets that); copied only when it must change.
    let evidence = p.evidence;
    if (claimedAt !== null || 'claimedAt' in evidence) {
      const { claimedAt: _given, ...given } = evidence;
      evidence = claimedAt !== null ? { ...given, claimedAt: new Date(claimedAt).toISOString() } : given;
    }
    const base = {
      id: this.last.id + 1,
      uid: this.ctx.ids.uuid(),
      contactId: p.contact.id,
      phone: p.contact.phone,
      channel: p.channel,
      purpose: p.purpose,
      action: p.action,
      method: p.method,
      occurredAt,
      recordedAt,
      recordedBy: p.recordedBy,
      formVersionId: p.formVersionId,
      evidence,
      policyPack: this.policy.id,
      expiresAt: p.expiresAt !== undefined ? p.expiresAt : expiryFor(p.action, occurredAt, this.policy),
      targetEventId: p.targetEventId ?? null,
    };
    const e: EventRecord = { ...base, prevHash: this.last.hash, hash: chainHash(this.last.hash, eventPayload(base)) };
    this.last = { id: e.id, hash: e.hash };
    this.first ??= e.id;
    this.lastId = e.id;
    if (p.formVersionId !== null) this.formsUsed.add(p.formVersionId);
    const key = `${e.contactId}|${e.channel}|${e.purpose}`;
    const cell = this.touched.get(key);
    if (cell) cell.events.push(toFoldable(e));
    else this.touched.set(key, { contactId: e.contactId, channel: e.channel, purpose: e.purpose, events: [toFoldable(e)], fresh: freshContact });
    this.unsettled.push(e);
    return e;
  }

  /**
   * Write everything added so far, and bring the projection and the confirmation queue up to date with it.
   * `writeNew`: the writer's new contacts are not in the register yet; it is given what the list keeps of each one's
   * consent (listedColumns of its first cells, the ones folded here) and writes them before their events (a new contact
   * without an event of this flush is not in the map: it has no cell). Without it the new contacts are in the
   * register already and their cells are written one by one, as every other cell.
   */
  flush(writeNew?: (listed: ReadonlyMap<number, ListedColumns>) => void): void {
    const firstCells: StateRecord[] = [];
    if (writeNew) {
      const listed = new Map<number, ListedColumns>();
      const byContact = new Map<number, StateRecord[]>();
      for (const c of this.touched.values()) {
        if (!c.fresh) continue;
        const cell = cellOf(c, c.events, this.policy);
        firstCells.push(cell);
        const cells = byContact.get(c.contactId);
        if (cells) cells.push(cell);
        else byContact.set(c.contactId, [cell]);
      }
      for (const [id, cells] of byContact) listed.set(id, listedColumns(cells));
      writeNew(listed);
    }
    for (const e of this.unsettled) this.ctx.consent.insertEvent(e);
    this.ctx.consent.insertFirstStates(firstCells);
    // The other cells, each folded from its events (all of them in this flush for a fresh contact, else read back),
    // written together: each contact's list columns once, however many of its cells moved.
    const cells: StateRecord[] = [];
    for (const c of this.touched.values()) {
      if (c.fresh && writeNew) continue;
      cells.push(cellOf(c, c.fresh ? c.events : this.ctx.consent.foldableForKey(c.contactId, c.channel, c.purpose), this.policy));
    }
    this.ctx.consent.writeStates(cells);
    this.touched.clear();
    for (const id of this.formsUsed) this.ctx.forms.markUsed(id, this.recordedAt);
    this.formsUsed.clear();
    if (this.unsettled.length) settleConfirmations(this.ctx, this.unsettled);
    this.unsettled = [];
  }
}

/** Append events to the chain, refresh their projection cells and settle confirmations; call inside a transaction. */
export function appendEvents(ctx: ServiceContext, pending: readonly PendingEvent[], policy: PolicyPack): EventRecord[] {
  const writer = new ConsentLogWriter(ctx, policy);
  const out = pending.map((p) => writer.add(p));
  writer.flush();
  return out;
}
