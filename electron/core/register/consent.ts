import { isMessageableReach } from '../../../shared/domain/phone/reach';
import { AppError } from '../../../shared/contract/errors';
import type { ConsentCell, ConsentEvent, Output, ParsedInput } from '../../../shared/contract/api';
import { Channels, Purposes, type Channel, type ConsentMethod } from '../../../shared/domain/consent/types';
import { effectiveState, EVER, FOLD_VERSION, foldEvents } from '../../../shared/domain/consent/fold';
import { appendEvents, toFoldable, type PendingEvent } from './consent-log';
import { consentCellsAt } from '../campaigns/audience';
import { optOutReach, primaryOf } from './person';
import { decideConfirm, decideGrant, isFutureDate, revocationTargets } from '../../../shared/domain/consent/decide';
import { normalizePhone } from '../../../shared/domain/phone/normalize';
import type { ContactRecord } from '../db/repos/contacts.repo';
import type { EventRecord, FoldTerms, StateRecord } from '../db/repos/consent.repo';
import { appendAudit, iso, isoOrNull, type ServiceContext } from '../context';
import { getSettings } from './settings';
import { resolveActor } from './staff';
import { insertContact, parsePhoneOrThrow, toContact } from './contacts';
import { toPendingOptOut } from './optout-journal';
import { WINBACK_SOURCE } from './confirmations';
import { storeSaid } from '../../../shared/contract/said';

export { appendEvents, eventPayload, toFoldable, type PendingEvent } from './consent-log';
export { revocationTargets } from '../../../shared/domain/consent/decide';

/** Event record → contract shape. */
export function toApiEvent(e: EventRecord, formCodes: Map<number, string>): ConsentEvent {
  return {
    id: e.id,
    uid: e.uid,
    contactId: e.contactId,
    phone: e.phone,
    channel: e.channel,
    purpose: e.purpose,
    action: e.action,
    method: e.method,
    occurredAt: iso(e.occurredAt),
    recordedAt: iso(e.recordedAt),
    recordedBy: e.recordedBy,
    evidence: e.evidence,
    formCode: e.formVersionId !== null ? (formCodes.get(e.formVersionId) ?? null) : null,
    policyPack: e.policyPack,
    expiresAt: isoOrNull(e.expiresAt),
    hash: e.hash,
    retracts: e.targetEventId,
  };
}

/**
 * "Now" for the register's answers: the clock, but never before the register's newest event was recorded. The log
 * never records an event before its newest (consent-log.ts), so after the computer's clock is set back the events
 * since still count "now", as the gate (the projection) counts them.
 */
export function registerNow(ctx: ServiceContext): number {
  return Math.max(ctx.clock.now(), ctx.consent.lastRecordedAt());
}

/** The six channel × purpose cells of a contact at `at`, folded from `events`, each with the gate's answer. */
export function consentCells(ctx: ServiceContext, contact: ContactRecord, events: readonly EventRecord[], at: number): ConsentCell[] {
  return consentCellsAt(ctx, contact, events, at);
}

/** Parse an ISO instant from the contract (already validated) into ms, refusing the future. */
function occurredAtOrNow(ctx: ServiceContext, isoText: string | undefined): number {
  const now = registerNow(ctx);
  if (isoText === undefined) return now;
  const ms = Date.parse(isoText);
  if (isFutureDate(ms, now)) {
    throw new AppError('FUTURE_DATE', 'consent.futureOccurredAt', { at: isoText }, { fields: [{ path: 'occurredAt', key: 'common.inFuture' }] });
  }
  return ms;
}

/**
 * An opt-out that happened before a win-back "yes" the register already took (the replies were fetched out of order,
 * or staff enter a STOP given earlier): the yes answered a question the customer had declined by then, as it would
 * have been taken had the STOP come first (inbound.ts), so the request and confirmation it made are retracted.
 */
function winbackAnswersAfter(
  ctx: ServiceContext,
  holder: Pick<ContactRecord, 'id' | 'phone'>,
  channel: Channel,
  occurredAt: number,
  recordedBy: string,
): PendingEvent[] {
  const events = ctx.consent.eventsForKey(holder.id, channel, 'marketing');
  const retracted = new Set(events.filter((e) => e.action === 'retract').map((e) => e.targetEventId));
  const asked = events.filter(
    (e) => e.action === 'request' && e.evidence.source === WINBACK_SOURCE && e.occurredAt > occurredAt && !retracted.has(e.id),
  );
  if (asked.length === 0) return [];
  const answeredAt = new Set(asked.map((e) => e.occurredAt));
  const answers = events.filter((e) => e.action === 'confirm' && answeredAt.has(e.occurredAt) && !retracted.has(e.id));
  const now = ctx.clock.now();
  return [...asked, ...answers].map((e) => ({
    contact: holder,
    channel,
    purpose: 'marketing' as const,
    action: 'retract' as const,
    method: e.method,
    occurredAt: now,
    recordedBy,
    formVersionId: null,
    evidence: { note: storeSaid('note.winbackAfterOptOut') },
    expiresAt: null,
    targetEventId: e.id,
  }));
}

/**
 * consent.record: check the input against the shop's policy, then append the event(s) and refresh the projection
 * in one transaction. A revocation is always accepted, even for an unknown or malformed-but-numeric number.
 */
export function recordConsent(ctx: ServiceContext, input: ParsedInput<'consent.record'>): Output<'consent.record'> {
  return record(ctx, input, true);
}

/**
 * recordConsent for a caller that shows no contact page (a sheet row, a corrected row): the same events, audit and
 * answer, without folding the contact's cells for a page nobody reads — a sheet row records two events and was
 * folding the whole contact twice.
 */
export function recordConsentEvents(ctx: ServiceContext, input: ParsedInput<'consent.record'>): Omit<Output<'consent.record'>, 'consents'> {
  return record(ctx, input, false);
}

function record(ctx: ServiceContext, input: ParsedInput<'consent.record'>, cells: true): Output<'consent.record'>;
function record(ctx: ServiceContext, input: ParsedInput<'consent.record'>, cells: false): Omit<Output<'consent.record'>, 'consents'>;
function record(ctx: ServiceContext, input: ParsedInput<'consent.record'>, cells: boolean): Omit<Output<'consent.record'>, 'consents'> {
  const settings = getSettings(ctx);
  const policy = settings.effectivePolicy;
  const occurredAt = occurredAtOrNow(ctx, input.occurredAt);
  const recordedBy = resolveActor(ctx, input.staff);
  const method: ConsentMethod = input.method ?? 'verbal_in_store';
  const evidence = input.evidence ?? {};

  if (input.action !== 'revoke' && method === 'provider_feedback') {
    throw new AppError('VALIDATION_FAILED', 'consent.feedbackOnlyRevokes', {}, { fields: [{ path: 'method', key: 'consent.onlyForRevocations' }] });
  }

  // Resolve (or prepare) the contact before the transaction so bad numbers are refused with nothing written.
  let phone = null as ReturnType<typeof parsePhoneOrThrow> | null;
  if (input.contactId === undefined) {
    try {
      phone = parsePhoneOrThrow(ctx, input.phone ?? '', input.country);
    } catch (err) {
      if (input.action !== 'revoke') throw err;
      phone = lenientPhoneForRevocation(input.phone ?? '', input.country ?? settings.defaultCountry);
      if (!phone) throw err;
    }
  }

  const form = evidence.formVersionId !== undefined ? ctx.forms.get(evidence.formVersionId) : undefined;
  if (evidence.formVersionId !== undefined && !form) {
    throw new AppError(
      'NOT_FOUND',
      'consent.noFormVersion',
      { id: evidence.formVersionId },
      { fields: [{ path: 'evidence.formVersionId', key: 'consent.unknownFormVersion' }] },
    );
  }
  if (form && input.action !== 'revoke' && (!form.channels.includes(input.channel) || !form.purposes.includes(input.purpose))) {
    throw new AppError(
      'FORM_MISMATCH',
      'consent.formDoesNotCover',
      { form: form.code, channel: input.channel, purpose: input.purpose },
      { fields: [{ path: 'evidence.formVersionId', key: 'consent.formDoesNotCoverField' }] },
    );
  }

  return ctx.db
    .transaction(() => {
      let createdContact = false;
      let contact: ContactRecord | undefined;
      if (input.contactId !== undefined) {
        contact = ctx.contacts.get(input.contactId);
        if (!contact) throw new AppError('NOT_FOUND', 'contacts.notFound', { field: 'contactId', contactId: input.contactId });
      } else if (phone) {
        contact = ctx.contacts.getByPhone(phone.e164);
        if (!contact) {
          contact = insertContact(ctx, phone, { name: input.name }, recordedBy);
          createdContact = true;
        }
      }
      if (!contact) throw AppError.field('VALIDATION_FAILED', 'phone', 'common.phoneOrContact');

      const base = { contact, method, occurredAt, recordedBy, formVersionId: form?.id ?? null, evidence };
      const pending: PendingEvent[] = [];
      let downgraded: Output<'consent.record'>['downgraded'] = null;

      switch (input.action) {
        case 'revoke': {
          // The person withdraws, not the number: the revocation reaches every number of the person (the contact's
          // linked numbers and the contacts keeping it among their other numbers), each event with this evidence.
          const targets = revocationTargets(input.channel, input.purpose, policy);
          for (const holder of [contact, ...optOutReach(ctx, contact)])
            for (const t of targets) {
              pending.push({ ...base, contact: holder, ...t, action: 'revoke' });
              if (t.purpose === 'marketing') pending.push(...winbackAnswersAfter(ctx, holder, t.channel, occurredAt, recordedBy));
            }
          break;
        }
        case 'claim':
          pending.push({ ...base, channel: input.channel, purpose: input.purpose, action: 'claim' });
          break;
        case 'request':
          pending.push({ ...base, channel: input.channel, purpose: input.purpose, action: 'request' });
          break;
        case 'confirm': {
          const events = ctx.consent.eventsForKey(contact.id, input.channel, input.purpose);
          const state = foldEvents(events.map(toFoldable), occurredAt, policy);
          if (state.status !== 'pending') {
            throw new AppError('CONFIRM_WITHOUT_REQUEST', 'consent.nothingToConfirm', {
              channel: input.channel,
              purpose: input.purpose,
              status: state.status,
              phone: contact.phone,
            });
          }
          const decision = decideConfirm(policy, method, evidence);
          downgraded = decision.downgraded;
          pending.push({ ...base, channel: input.channel, purpose: input.purpose, action: decision.action });
          break;
        }
        case 'grant': {
          const decision = decideGrant(policy, method, evidence);
          downgraded = decision.downgraded;
          pending.push({ ...base, channel: input.channel, purpose: input.purpose, action: decision.action });
          break;
        }
      }

      const appended = appendEvents(ctx, pending, policy);
      // One audit row per contact, naming its own events (a revocation that reached the person's other numbers names
      // the contact it was recorded for).
      const byContact = new Map<number, EventRecord[]>([[contact.id, []]]);
      for (const e of appended) byContact.set(e.contactId, [...(byContact.get(e.contactId) ?? []), e]);
      for (const [id, own] of byContact)
        appendAudit(ctx, recordedBy, 'consent.recorded', `contact:${id}`, {
          events: own.map((e) => e.id),
          lastHash: own[own.length - 1]?.hash ?? null,
          ...(id !== contact.id ? { reachedFrom: contact.id } : {}),
        });
      const formCodes = new Map(form ? [[form.id, form.code]] : []);
      const recorded = {
        contact: toContact(contact),
        createdContact,
        events: appended.map((e) => toApiEvent(e, formCodes)),
        downgraded,
      };
      return cells ? { ...recorded, consents: consentCells(ctx, contact, ctx.consent.eventsForContact(contact.id), registerNow(ctx)) } : recorded;
    })
    .immediate();
}

/** A number the metadata rejects but that is still clearly a number: kept so the opt-out is never lost. */
export function lenientPhoneForRevocation(typed: string, country: string): ReturnType<typeof parsePhoneOrThrow> | null {
  const r = normalizePhone(typed, country);
  if (r.ok) return r.value;
  const digits = typed.replace(/\D/g, '');
  if (!/[+]/.test(typed) && !/^00/.test(typed.trim())) return null;
  if (digits.length < 7 || digits.length > 15 || /^0/.test(digits.replace(/^00/, ''))) return null;
  const e164digits = digits.replace(/^00/, '');
  return {
    e164: `+${e164digits}`,
    country: null,
    reach: 'other',
    messageable: isMessageableReach('other'),
    nationalNumber: e164digits,
    extension: null,
  };
}

/** consent.status: the cells at `at` as known at `knownAt` (default: everything recorded so far). */
export function consentStatus(ctx: ServiceContext, input: ParsedInput<'consent.status'>): Output<'consent.status'> {
  const phone = parsePhoneOrThrow(ctx, input.phone);
  const now = registerNow(ctx);
  const at = input.at ? Date.parse(input.at) : now;
  const knownAt = input.knownAt ? Date.parse(input.knownAt) : Math.max(now, at);
  // A removed contact (an undone import) still answers for the past: what was known then stays provable.
  const contact = ctx.contacts.getByPhoneIncludingRemoved(phone.e164);
  // An opt-out accepted while the register was busy shows at once (and in the cells: the gate honours it already).
  const waiting = (ctx.optouts?.forContact(phone.e164, contact?.id ?? null) ?? []).filter((e) => e.enteredAt === null && e.receivedAt <= knownAt);
  const pending = waiting.length ? { pending: waiting.map((e) => toPendingOptOut(e)) } : {};
  if (!contact) {
    // Unknown numbers have no consent; answering (rather than refusing) lets scripts check before adding.
    const cells: ConsentCell[] = [];
    for (const channel of Channels)
      for (const purpose of Purposes) {
        const revoked = waiting.some((e) => e.occurredAt <= at && e.targets.some((x) => x.channel === channel && x.purpose === purpose));
        cells.push({
          channel,
          purpose,
          status: revoked ? 'revoked' : 'none',
          since: null,
          expiresAt: null,
          event: null,
          sendable: false,
          blockedBy: revoked && purpose !== 'personal_data' ? 'revoked' : null,
        });
      }
    return { phone: phone.e164, at: iso(at), knownAt: iso(knownAt), consents: cells, ...pending };
  }
  const events = ctx.consent.eventsForContact(contact.id, knownAt);
  const consents = consentCellsAt(ctx, contact, events, at, knownAt);
  // The primary is named where the cells say `merged` (not as of a moment before the merge).
  const primary = consents.some((c) => c.blockedBy === 'merged') ? primaryOf(ctx, contact) : null;
  return { phone: phone.e164, at: iso(at), knownAt: iso(knownAt), consents, ...pending, primary };
}

/** Fold all events of contacts in [lo, hi] into their cells, in key order (contact, channel, purpose), under the pack's deadlines now. */
export function foldRange(ctx: ServiceContext, lo: number, hi: number): StateRecord[] {
  const out: StateRecord[] = [];
  const limits = getSettings(ctx).effectivePolicy;
  const rows = ctx.consent.foldableForContactRange(lo, hi);
  // Rows arrive grouped by key, so each group is folded as soon as the key changes: no map, no string keys.
  let from = 0;
  for (let i = 1; i <= rows.length; i++) {
    const a = rows[from]!;
    const b = rows[i];
    if (b && b.contactId === a.contactId && b.channel === a.channel && b.purpose === a.purpose) continue;
    out.push({ contactId: a.contactId, channel: a.channel, purpose: a.purpose, ...foldEvents(rows.slice(from, i), EVER, limits) });
    from = i;
  }
  return out;
}

function compareCells(a: StateRecord, b: StateRecord): number {
  return (
    a.contactId - b.contactId ||
    (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0) ||
    (a.purpose < b.purpose ? -1 : a.purpose > b.purpose ? 1 : 0)
  );
}

/** Walk two key-ordered cell lists together; calls back for every cell whose stored state differs from the folded one. */
export function diffCells(
  folded: readonly StateRecord[],
  stored: readonly StateRecord[],
  onDiff: (folded: StateRecord | null, stored: StateRecord | null) => void,
): void {
  let i = 0;
  let j = 0;
  while (i < folded.length || j < stored.length) {
    const f = folded[i];
    const s = stored[j];
    const c = f && s ? compareCells(f, s) : f ? -1 : 1;
    if (c < 0) {
      onDiff(f!, null);
      i++;
    } else if (c > 0) {
      onDiff(null, s!);
      j++;
    } else {
      if (f!.status !== s!.status || f!.since !== s!.since || f!.expiresAt !== s!.expiresAt || f!.lastEventSeq !== s!.lastEventSeq) onDiff(f!, s!);
      i++;
      j++;
    }
  }
}

/**
 * Contacts folded per chunk: bounded memory whatever the register's size. Small enough that a chunk's rows (a few
 * thousand events) are let go before the garbage collector moves them to the old generation, which at 20,000
 * contacts a chunk cost more than the fold itself.
 */
export const REBUILD_CHUNK = 2_000;

/**
 * Refold every cell from the events alone (under the pack's deadlines as they stand) and rewrite the cells and list
 * columns that differ. Only inside a write transaction.
 */
export function refoldProjection(ctx: ServiceContext): { cells: number; changed: number } {
  let cells = 0;
  let changed = 0;
  const maxId = ctx.contacts.maxId();
  let buildListIndexes: (() => void) | undefined;
  for (let lo = 1; lo <= maxId; lo += REBUILD_CHUNK) {
    const hi = lo + REBUILD_CHUNK - 1;
    const fresh = foldRange(ctx, lo, hi);
    const differ = new Set<number>();
    diffCells(fresh, ctx.consent.statesForContactRange(lo, hi), (f, s) => {
      changed++;
      differ.add((f ?? s)!.contactId);
    });
    const relisted = ctx.consent.replaceStatesRange(lo, hi, fresh, differ);
    cells += fresh.length;
    // Most of this chunk's contacts moved in the list (an empty projection being filled), and most of the register
    // is still ahead: the rest runs without the list's indexes, built once at the end from a sort.
    if (!buildListIndexes && relisted * 2 > REBUILD_CHUNK && hi * 2 < maxId) buildListIndexes = ctx.consent.deferListIndexes();
  }
  buildListIndexes?.();
  return { cells, changed };
}

/** How the projection is folded now: this build's fold under the pack's deadlines as they stand. */
function foldTermsNow(ctx: ServiceContext): FoldTerms {
  const { maxConsentAgeDays, pendingExpiryHours } = getSettings(ctx).effectivePolicy;
  return { foldVersion: FOLD_VERSION, maxConsentAgeDays, pendingExpiryHours };
}

const sameTerms = (a: FoldTerms | null, b: FoldTerms): boolean =>
  a !== null && a.foldVersion === b.foldVersion && a.maxConsentAgeDays === b.maxConsentAgeDays && a.pendingExpiryHours === b.pendingExpiryHours;

/**
 * Fold the projection again when it was folded otherwise than it would be now — the settings moved the pack's deadlines
 * (maximum consent age, request window), or the register comes from a build that folded differently (or kept only the
 * deadlines stamped when each consent was recorded) — and remember how; null when nothing moved. Only inside a write
 * transaction.
 */
export function foldUnderDeadlines(ctx: ServiceContext): { cells: number; changed: number } | null {
  const terms = foldTermsNow(ctx);
  if (sameTerms(ctx.consent.foldedAs(), terms)) return null;
  const refolded = refoldProjection(ctx);
  ctx.consent.setFoldedAs(terms, ctx.clock.now());
  return refolded;
}

/** At opening: a register upgraded from a build that folded otherwise (or settings edited elsewhere) is folded anew, once. */
export function ensureDeadlines(ctx: ServiceContext): void {
  const terms = foldTermsNow(ctx);
  if (sameTerms(ctx.consent.foldedAs(), terms)) return;
  ctx.db
    .transaction(() => {
      const refolded = foldUnderDeadlines(ctx);
      if (refolded && refolded.changed > 0) appendAudit(ctx, 'system', 'projection.rebuilt', 'consent_state', { ...refolded, ...terms });
    })
    .immediate();
}

/** register.rebuildProjection: refold every cell from the events alone and rewrite the projection. */
export function rebuildProjection(ctx: ServiceContext): Output<'register.rebuildProjection'> {
  return ctx.db
    .transaction(() => {
      const { cells, changed } = refoldProjection(ctx);
      ctx.consent.setFoldedAs(foldTermsNow(ctx), ctx.clock.now());
      appendAudit(ctx, 'system', 'projection.rebuilt', 'consent_state', { cells, changed });
      return { cells, changed };
    })
    .immediate();
}

export { effectiveState };
