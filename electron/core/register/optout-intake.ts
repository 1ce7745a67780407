import { api, type ConsentCell, type ConsentEvent, type Output, type ParsedInput, type PendingOptOut } from '../../../shared/contract/api';
import { readSaid, ref, said, storeSaid } from '../../../shared/contract/said';
import { AppError } from '../../../shared/contract/errors';
import { isFutureDate, revocationTargets, stampTime } from '../../../shared/domain/consent/decide';
import { classifyInbound, DEFAULT_KEYWORDS, withdrawsMarketing } from '../../../shared/domain/keywords/classify';
import { Channels } from '../../../shared/domain/consent/types';
import { normalizeSender } from '../../../shared/domain/phone/normalize';
import { consentCellsAt } from '../campaigns/audience';
import { busyError, isSqliteBusy, withBusyTimeout } from '../db/busy';
import type { ContactRecord } from '../db/repos/contacts.repo';
import type { RegisterLock } from '../infra/jobs';
import { lenientPhoneForRevocation, recordConsent } from './consent';
import { findContact, parsePhoneOrThrow, toContact } from './contacts';
import { appendAudit, iso, type ServiceContext } from '../context';
import { alreadyReceived, receiveInbound, recordComplaint } from '../intake/inbound';
import { getSettings } from './settings';
import { resolveActor } from './staff';
import { toPendingOptOut, type OptOutEntry, type OptOutJournal } from './optout-journal';

/**
 * The opt-out door behind every door (IPC, HTTP, CLI; consent.record with action "revoke" and inbound.receive
 * classified as an opt-out): an opt-out is never refused and never waits for long. It goes straight into the
 * register when this process's queue and the register's lock let it within {@link QUEUE_BUDGET_MS} +
 * {@link DIRECT_BUSY_MS}; otherwise it is checked as the register would check it (a number, a known contact, a
 * date not in the future, a known staff member) and kept in the opt-out journal (see optout-journal.ts), which the
 * gate reads, and entered into the register — through the same recordConsent / receiveInbound — once it is free.
 * Measured (20 revocations through the dispatcher): 10 ms each with the register free; with another process holding
 * its lock 115 ms at the median, 325 ms at most — the blocking wait below plus the journal's fsync.
 */

/** How long an opt-out waits for this process's own queue (e.g. an import in this window) before it is journaled. */
export const QUEUE_BUDGET_MS = 250;
/** How long it waits, blocking, for another process's write lock before it is journaled. */
export const DIRECT_BUSY_MS = 100;
/**
 * Entering a waiting opt-out never waits for the lock: while another process holds it the try costs microseconds
 * (no journal write happens before the lock is ours), so every turn and poll may try again.
 */
const DRAIN_BUSY_MS = 0;
/** How often a process looks for opt-outs waiting in the journal (accepted here or by another process). */
const POLL_MS = 1_000;

/** The opt-out intake and the journal's drain for one backend. */
export class OptOutIntake {
  private timer: NodeJS.Timeout | null = null;
  private poking = false;
  private retriedProblems = false;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly journal: OptOutJournal | null,
    private readonly lock: RegisterLock,
    private readonly onInternalError: (err: unknown) => void = () => undefined,
  ) {}

  /** consent.record with action "revoke". */
  revoke(input: ParsedInput<'consent.record'>): Promise<Output<'consent.record'>> {
    return this.accept(
      () => recordConsent(this.ctx, input),
      (waitingFor) => this.keepRevocation(input, waitingFor),
    );
  }

  /** inbound.receive: an opt-out (or a complaint, which withdraws marketing) is accepted like a revocation; any other reply is an ordinary write. */
  inbound(input: ParsedInput<'inbound.receive'>): Promise<Output<'inbound.receive'>> {
    const direct = () => receiveInbound(this.ctx, input);
    if (!this.journal) return this.lock.run(direct);
    const policy = getSettings(this.ctx).effectivePolicy;
    const c = classifyInbound(input.text, DEFAULT_KEYWORDS, policy.optOutKeywords);
    if (!withdrawsMarketing(c.intent)) return this.lock.run(direct);
    return this.accept(direct, (waitingFor) => this.keepInbound(input, waitingFor));
  }

  /** complaints.record: a complaint withdraws marketing, so it is accepted like a revocation. */
  complaint(input: ParsedInput<'complaints.record'>): Promise<Output<'complaints.record'>> {
    return this.accept(
      () => recordComplaint(this.ctx, input),
      (waitingFor) => this.keepComplaint(input, waitingFor),
    );
  }

  /** Check a complaint as recordComplaint would (reading only), keep it, and answer with its pending state. */
  private keepComplaint(input: ParsedInput<'complaints.record'>, waitingFor: string): Output<'complaints.record'> {
    const ctx = this.ctx;
    const contact = findContact(ctx, input);
    resolveActor(ctx, input.staff);
    const now = ctx.clock.now();
    const entry = this.journal!.add({
      kind: 'complaints.record',
      input: { ...input, contactId: contact.id },
      phone: contact.phone,
      contactId: contact.id,
      channel: 'sms',
      purpose: 'marketing',
      // Marketing on every channel, as recordComplaint withdraws it.
      targets: Channels.map((channel) => ({ channel, purpose: 'marketing' as const })),
      occurredAt: now,
      receivedAt: now,
      waitingFor,
      providerId: null,
    });
    return { id: 0, events: [], pending: toPendingOptOut(entry) };
  }

  /**
   * Straight into the register when that is quick; else into the journal. Exactly one of the two happens: the
   * queued direct attempt does nothing once the journal has it.
   */
  private accept<T>(direct: () => T, keep: (waitingFor: string) => T): Promise<T> {
    if (!this.journal) return this.lock.run(direct);
    return new Promise<T>((resolve, reject) => {
      let state: 'waiting' | 'direct' | 'kept' = 'waiting';
      const toJournal = (waitingFor: string) => {
        state = 'kept';
        try {
          resolve(keep(waitingFor));
          this.poke();
        } catch (err) {
          reject(err);
        }
      };
      const timer = setTimeout(() => {
        // Queued behind this process's own work (an import in this window), or behind a turn that itself waits
        // for another process.
        if (state === 'waiting') toJournal(this.describe(this.lock.waitingSince === null));
      }, QUEUE_BUDGET_MS);
      this.lock
        .run(
          () => {
            clearTimeout(timer);
            if (state !== 'waiting') return;
            state = 'direct';
            try {
              resolve(withBusyTimeout(this.ctx.db, DIRECT_BUSY_MS, direct));
            } catch (err) {
              if (isSqliteBusy(err)) toJournal(this.describe(false));
              else reject(err);
            }
          },
          { retryBusy: false },
        )
        .catch(reject);
    });
  }

  /** Check a revocation as recordConsent would (reading only), keep it, and answer with its pending state. */
  private keepRevocation(input: ParsedInput<'consent.record'>, waitingFor: string): Output<'consent.record'> {
    const ctx = this.ctx;
    const settings = getSettings(ctx);
    const now = ctx.clock.now();
    const occurredAt = input.occurredAt === undefined ? now : Date.parse(input.occurredAt);
    if (isFutureDate(occurredAt, now))
      throw new AppError(
        'FUTURE_DATE',
        'consent.futureOccurredAt',
        { at: input.occurredAt ?? '' },
        { fields: [{ path: 'occurredAt', key: 'common.inFuture' }] },
      );
    resolveActor(ctx, input.staff);
    const formId = input.evidence?.formVersionId;
    if (formId !== undefined && !ctx.forms.get(formId))
      throw new AppError(
        'NOT_FOUND',
        'consent.noFormVersion',
        { id: formId },
        { fields: [{ path: 'evidence.formVersionId', key: 'consent.unknownFormVersion' }] },
      );
    let contact: ContactRecord | undefined;
    let phone: string;
    let fresh: { e164: string; country: string | null; reach: ContactRecord['reach'] } | null = null;
    if (input.contactId !== undefined) {
      contact = ctx.contacts.get(input.contactId);
      if (!contact) throw new AppError('NOT_FOUND', 'contacts.notFound', { field: 'contactId', contactId: input.contactId });
      phone = contact.phone;
    } else {
      let parsed;
      try {
        parsed = parsePhoneOrThrow(ctx, input.phone ?? '', input.country);
      } catch (err) {
        parsed = lenientPhoneForRevocation(input.phone ?? '', input.country ?? settings.defaultCountry);
        if (!parsed) throw err;
      }
      phone = parsed.e164;
      contact = ctx.contacts.getByPhone(phone);
      if (!contact) fresh = parsed;
    }
    // The time rule, as the register applies it: an opt-out dated ahead of its receipt (a fast clock) counts from its
    // receipt, or the gate, reading the journal at "now", would skip it until then.
    const kept = stampTime(occurredAt, now).occurredAt;
    const entry = this.journal!.add({
      kind: 'consent.record',
      input: { ...input, occurredAt: iso(kept) },
      phone,
      contactId: contact?.id ?? null,
      channel: input.channel,
      purpose: input.purpose,
      targets: revocationTargets(input.channel, input.purpose, settings.effectivePolicy),
      occurredAt: kept,
      receivedAt: now,
      waitingFor,
      providerId: null,
    });
    const shown = contact ?? provisionalContact(fresh!, input.name ?? '', now);
    return {
      contact: toContact(shown),
      createdContact: false,
      events: [],
      consents: this.cells(shown, now),
      downgraded: null,
      pending: toPendingOptOut(entry),
    };
  }

  /** Check an opt-out reply as receiveInbound would (reading only), keep it, and answer with its pending state. */
  private keepInbound(input: ParsedInput<'inbound.receive'>, waitingFor: string): Output<'inbound.receive'> {
    const ctx = this.ctx;
    const settings = getSettings(ctx);
    const c = classifyInbound(input.text, DEFAULT_KEYWORDS, settings.effectivePolicy.optOutKeywords);
    if (input.providerId) {
      const seen = alreadyReceived(ctx, input.providerId);
      if (seen) return seen;
      const kept = this.journal!.byProviderId(input.providerId);
      if (kept) {
        const already = said('inbound.alreadyReceived');
        return {
          messageId: 0,
          duplicate: true,
          classified: 'opt_out',
          formCode: null,
          events: [],
          note: already.message,
          noteSaid: already,
          pending: toPendingOptOut(kept),
        };
      }
    }
    const now = ctx.clock.now();
    const at = input.at ? Date.parse(input.at) : now;
    if (at > now + 5 * 60 * 1000)
      throw new AppError('FUTURE_DATE', 'inbound.futureAt', { at: input.at ?? '' }, { fields: [{ path: 'at', key: 'common.inFuture' }] });
    resolveActor(ctx, input.staff);
    const parsed = normalizeSender(input.from, settings.defaultCountry);
    const phone = parsed.ok ? parsed.value.e164 : (lenientPhoneForRevocation(input.from, settings.defaultCountry)?.e164 ?? input.from.trim());
    const contact = ctx.contacts.getByPhone(phone);
    // Dated ahead of its receipt (the provider's clock is fast): counts from its receipt, as in the register.
    const from = stampTime(at, now).occurredAt;
    const entry = this.journal!.add({
      kind: 'inbound.receive',
      input: { ...input, at: iso(from) },
      phone,
      contactId: contact?.id ?? null,
      channel: input.channel,
      // A withdrawal of the personal-data consent waits as one (it reaches that consent and marketing on every channel).
      purpose: c.personalData ? 'personal_data' : 'marketing',
      // A complaint withdraws marketing on every channel (receiveInbound's complaintChannels).
      targets:
        c.intent === 'complaint'
          ? [
              ...Channels.map((channel) => ({ channel, purpose: 'marketing' as const })),
              ...(c.personalData
                ? revocationTargets(input.channel, 'personal_data', settings.effectivePolicy).filter((t) => t.purpose !== 'marketing')
                : []),
            ]
          : revocationTargets(input.channel, c.personalData ? 'personal_data' : 'marketing', settings.effectivePolicy),
      occurredAt: from,
      receivedAt: now,
      waitingFor,
      providerId: input.providerId ?? null,
    });
    // What holds the register is stored by key (storeSaid); an older process's plain words are named as they are.
    const holder = readSaid(waitingFor);
    const kept = said('inbound.keptWhileBusy', { what: holder.key ? ref(holder.key, holder.params) : holder.message });
    return {
      messageId: 0,
      duplicate: false,
      classified: c.intent,
      formCode: c.formCode,
      events: [],
      note: kept.message,
      noteSaid: kept,
      pending: toPendingOptOut(entry),
    };
  }

  /** The six cells as the gate sees them now, with the waiting opt-out applied (the journal has it already). */
  private cells(contact: ContactRecord, now: number): ConsentCell[] {
    const events = contact.id > 0 ? this.ctx.consent.eventsForContact(contact.id) : [];
    return consentCellsAt(this.ctx, contact, events, now);
  }

  /** Opt-outs waiting for the register, for one contact's page and status. */
  pendingFor(phone: string, contactId: number | null): PendingOptOut[] {
    return this.journal
      ? this.journal
          .forContact(phone, contactId)
          .filter((e) => e.enteredAt === null)
          .map(toPendingOptOut)
      : [];
  }

  /**
   * Enter every waiting opt-out into the register, oldest first, each in its own transaction with an audit row;
   * stops at the first that finds the register still busy (tried again later). Call between turns at the register.
   */
  drain(): void {
    const journal = this.journal;
    if (!journal || !this.ctx.db.open || this.ctx.db.inTransaction) return;
    const all = !this.retriedProblems;
    if (!all && !journal.hasWaiting()) return;
    this.retriedProblems = true;
    for (const e of journal.waiting()) {
      // An opt-out that could not be entered is tried again once per start, not at every turn.
      if (e.problem !== null && !all) continue;
      try {
        if (!this.enter(e)) return;
      } catch (err) {
        if (isSqliteBusy(err)) return;
        journal.markProblem(e.uid, err instanceof AppError ? storeSaid(err.key, err.params) : storeSaid('door.internal'));
        if (!(err instanceof AppError)) this.onInternalError(err);
      }
    }
  }

  /** Enter one waiting opt-out; false when the register is still busy. */
  private enter(e: OptOutEntry): boolean {
    const ctx = this.ctx;
    const journal = this.journal!;
    if (e.attemptAuditFrom !== null) {
      // Tried before: if its transaction committed (the process stopped before the journal heard), it is in.
      const done = ctx.audit.findEntity(`optout:${e.uid}`, e.attemptAuditFrom);
      if (done) {
        journal.markEntered(e.uid, (done.details.firstEventId as number | null | undefined) ?? null);
        return true;
      }
    }
    let ids: number[];
    try {
      ids = withBusyTimeout(ctx.db, DRAIN_BUSY_MS, () =>
        ctx.db
          .transaction(() => {
            // The register's lock is ours now: note where the audit log stands before anything is written.
            journal.markAttempt(e.uid, ctx.audit.lastLink()?.id ?? 0);
            return this.replay(e);
          })
          .immediate(),
      );
    } catch (err) {
      if (isSqliteBusy(err)) return false;
      throw err;
    }
    journal.markEntered(e.uid, ids.length ? Math.min(...ids) : null);
    return true;
  }

  /** The opt-out through the register's own function, as if it had come now; falls back so it is never lost. */
  private replay(e: OptOutEntry): number[] {
    const ctx = this.ctx;
    const revoke = (raw: Record<string, unknown>) => recordConsent(ctx, api['consent.record'].input.parse(raw)).events;
    const attempts: (() => ConsentEvent[])[] = [];
    // A contact removed meanwhile, or a staff member deactivated meanwhile, must not lose the opt-out.
    if (e.kind === 'consent.record') {
      attempts.push(() => revoke(e.input));
      attempts.push(() => revoke({ ...e.input, contactId: undefined, phone: e.phone, staff: undefined }));
    } else if (e.kind === 'complaints.record') {
      const complain = (raw: Record<string, unknown>) => recordComplaint(ctx, api['complaints.record'].input.parse(raw)).events;
      attempts.push(() => complain(e.input));
      attempts.push(() => complain({ ...e.input, staff: undefined }));
      // The contact removed meanwhile: the complaint has no one to be listed under, but its opt-out is entered for the number.
      attempts.push(() =>
        e.targets.flatMap((t) =>
          revoke({
            phone: e.phone,
            channel: t.channel,
            purpose: t.purpose,
            action: 'revoke',
            method: 'verbal_in_store',
            occurredAt: iso(e.occurredAt),
          }),
        ),
      );
    } else {
      const receive = (raw: Record<string, unknown>) => receiveInbound(ctx, api['inbound.receive'].input.parse(raw)).events;
      attempts.push(() => receive(e.input));
      attempts.push(() => receive({ ...e.input, staff: undefined }));
    }
    let lastErr: unknown;
    for (const attempt of attempts) {
      try {
        const ids = ctx.db.transaction(() => {
          const events = attempt();
          const eventIds = events.map((x) => x.id);
          appendAudit(ctx, 'system', 'optout.entered', `optout:${e.uid}`, {
            kind: e.kind,
            receivedAt: iso(e.receivedAt),
            waitedFor: readSaid(e.waitingFor).message,
            events: eventIds,
            firstEventId: eventIds.length ? Math.min(...eventIds) : null,
          });
          return eventIds;
        })();
        return ids;
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        lastErr = err;
      }
    }
    throw lastErr;
  }

  /**
   * What holds the register, by key (stored form, storeSaid) for the person: another process's note, this process's
   * own, or a change. A note from an older version (plain words) is named as it is.
   */
  describe(own: boolean): string {
    const notes = this.journal?.activity(own) ?? [];
    const first = notes[0];
    if (!first) return storeSaid(own ? 'busy.ownWork' : 'busy.change');
    const secs = Math.max(0, Math.round((Date.now() - first.since) / 1000));
    const note = readSaid(first.what);
    const what = note.key ? ref(note.key, note.params) : note.message;
    return secs < 90
      ? storeSaid('busy.startedSeconds', { what, seconds: secs })
      : storeSaid('busy.startedMinutes', { what, minutes: Math.round(secs / 60) });
  }

  /** The BUSY refusal for an ordinary write, naming what holds the register. */
  busy(): AppError {
    return busyError(this.describe(false));
  }

  /** Say what this process holds the register for while `fn` runs (an undo, a rebuild). */
  during<T>(what: string, fn: () => T): T {
    const done = this.journal ? this.journal.announce(what) : () => undefined;
    try {
      return fn();
    } finally {
      done();
    }
  }

  /** Ask for a turn at the register soon, so waiting opt-outs are entered (once one is free). */
  poke(): void {
    if (this.poking || !this.journal) return;
    this.poking = true;
    void this.lock
      .run(() => undefined, { retryBusy: false })
      .catch(() => undefined)
      .finally(() => (this.poking = false));
  }

  /** Look for waiting opt-outs every second (those other processes accepted too); the timer never keeps a process alive. */
  startPolling(): void {
    if (!this.journal || this.timer) return;
    this.timer = setInterval(() => {
      try {
        if (this.journal!.hasWaiting()) this.poke();
      } catch {
        // the journal is busy for an instant: asked again next time
      }
    }, POLL_MS);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    try {
      this.drain();
    } catch {
      // left waiting: the next process to open the register enters it
    }
    this.journal?.close();
  }
}

/** The contact a revocation of a number not yet in the register will create, shown until it is entered. */
function provisionalContact(p: { e164: string; country: string | null; reach: ContactRecord['reach'] }, name: string, now: number): ContactRecord {
  return {
    id: 0,
    phone: p.e164,
    nationalNumber: p.e164.replace(/^\+/, ''),
    name,
    email: null,
    locale: null,
    country: p.country,
    externalId: null,
    tags: [],
    reach: p.reach,
    otherPhones: [],
    importBatchId: null,
    createdAt: now,
    updatedAt: now,
    removedAt: null,
  };
}
