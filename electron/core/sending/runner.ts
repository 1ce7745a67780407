import { setMaxListeners } from 'node:events';
import type { Channel } from '../../../shared/domain/consent/types';
import type { GateRules, GateVerdict } from '../../../shared/domain/gate/gate';
import { contactFields } from '../../../shared/domain/lint/profile';
import { renderMessage } from '../../../shared/domain/outbox/render';
import type { BatchRecord } from '../db/repos/batches.repo';
import type { OutboxRecord, RunRecord } from '../db/repos/outbox.repo';
import type { RegisterLock } from '../infra/jobs';
import type { DeliveryUpdate, OutgoingMessage, ProviderAdapter, ReconcileOutcome, SendOutcome } from './providers/types';
import { gateContact, gateRules } from '../campaigns/audience';
import { journalHold } from '../register/optout-journal';
import type { ContactRecord } from '../db/repos/contacts.repo';
import { recordConsent } from '../register/consent';
import type { ServiceContext } from '../context';
import { appendAudit } from '../context';
import { getSettings } from '../register/settings';
import { idempotencyKey } from './keys';
import { DeliveryResults } from './statuses';
import { answerOf } from './providers/say';
import { ref, storeSaid, type SaidRef } from '../../../shared/contract/said';
import { AppError } from '../../../shared/contract/errors';

/** Transient refusals (429, 5xx, throttling codes) give up after this many attempts; an offline network never does. */
const MAX_ATTEMPTS = 10;
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_CAP_MS = 15 * 60 * 1000;
const OFFLINE_CAP_MS = 5 * 60 * 1000;
/**
 * How many due recipients one turn of the run looks at (each is gated again just before its own request): about a
 * second's worth at the fastest provider's rate, at least 64 and at most 512. A turn ends when all of its page are
 * answered, so its last requests leave fewer in flight; a bigger page at a fast rate makes that tail rarer.
 */
const duePage = (perSecond: number) => Math.max(64, Math.min(512, Math.ceil(perSecond)));
/** Reason on a recipient re-queued after a crash: an earlier request may have reached the provider. */
const RESEND_AFTER_CRASH = 'resend_after_crash';

/** Why the gate left someone out, as a nested message. */
const exclusion = (reason: string): SaidRef => ref(`exclusion.${reason}` as Parameters<typeof ref>[0]);

/** Why a provider cannot be used: its refusal by key, else its words. */
function problemOf(err: unknown): SaidRef {
  if (err instanceof AppError) return ref(err.key, err.params);
  return ref('outbox.providerWords', { text: err instanceof Error ? err.message.slice(0, 400) : 'cannot be used' });
}

/** A channel by its name. */
const channelName = (channel: Channel): string => (channel === 'whatsapp' ? 'WhatsApp' : 'SMS');
/** A recipient whose earlier hand-off may have reached the provider, and who opted out before it could be confirmed. */
export const OPTED_OUT_AFTER_HANDOFF = 'opted_out_after_handoff';
/** How often a sent message's delivery status is asked for. */
const STATUS_POLL_EVERY_MS = 60_000;
/** Sent messages a turn looks at for polling (and the most it asks about). */
const STATUS_POLL_PAGE = 50;
/** Network failures before the request reached the provider: the laptop is offline or the provider unreachable. */
const OFFLINE_CODES = new Set(['network', 'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** The moments of a hand-off a crash test can stop the process at. */
export type FaultPoint = 'marked' | 'answered' | 'recorded';

/** What the runner needs besides the register. */
export interface RunnerDeps {
  ctx: ServiceContext;
  lock: RegisterLock;
  /** Adapters for a run's providers, by provider name. */
  adapterFor: (providerName: string) => ProviderAdapter;
  /** Crash tests stop the process here; never set in production. */
  fault?: ((point: FaultPoint, recipientId: number) => void) | undefined;
  /** Sleep that an abort wakes (tests may shorten it). */
  sleep?: ((ms: number, signal: AbortSignal) => Promise<void>) | undefined;
  /**
   * Provider sync (sending/sync.ts): fetch replies and opt-outs waiting at the providers. Awaited right before a run
   * first hands off and then at least every {@link SYNC_BEFORE_HANDOFF_MS} before the next hand-off, so a STOP that
   * reached a provider is in the register before the gate is asked again. `maxAgeMs`: how old another sync in this
   * process may be to count (0 before a run's first hand-off: a sync a minute ago may have missed a STOP since). Never throws.
   */
  syncProviders?: ((maxAgeMs?: number) => Promise<void>) | undefined;
}

/** While a run hands off, how old the last provider sync may be before the next hand-off waits for a new one. */
export const SYNC_BEFORE_HANDOFF_MS = 60_000;

/** Why a run stopped: everything answered, a provider stopped the batch, or nothing can progress before the deadline. */
export type RunEnd = 'done' | 'paused' | 'idle' | 'aborted';

/** One message marked `sending`, ready for its provider. */
interface Marked {
  row: OutboxRecord;
  provider: string;
  adapter: ProviderAdapter;
  message: OutgoingMessage;
}

/** The gate's answer named another provider than the one paced for: wait for its slot, then ask again. */
interface Repace {
  repace: string;
}

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Exponential backoff with jitter; the provider's Retry-After wins when longer. */
export function backoff(attempts: number, offline: boolean, afterMs: number | undefined, random: () => number = Math.random): number {
  const cap = offline ? OFFLINE_CAP_MS : BACKOFF_CAP_MS;
  const exp = Math.min(cap, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.max(afterMs ?? 0, Math.round(exp * (0.75 + random() * 0.5)));
}

/** How many requests may be in flight (and so marked `sending` ahead) at a provider's rate. */
const inFlightFor = (perSecond: number) => Math.max(1, Math.min(32, Math.ceil(perSecond)));

/** Spaces requests to a rate and caps how many are in flight. */
class Pacer {
  private next = 0;
  constructor(private readonly perSecond: number) {}
  /**
   * The delay before the next request may start, in whole milliseconds: the clock counts milliseconds and a timer
   * waits at least one, so a slot less than a millisecond away has come (the slots after it still keep the rate).
   */
  slot(now: number): number {
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.perSecond;
    return Math.floor(at - now);
  }
}

/**
 * Steps queued in the same tick, run in one turn at the register in one transaction, each answered on its own: a
 * failing step leaves nothing of its own behind and fails alone. The steps run straight in the transaction; only when
 * one of them fails is the transaction rolled back whole and the steps run again each in its own savepoint (a
 * savepoint per step on every turn costs a copy of each page it changes, written to a temporary file).
 */
export class GroupCommit {
  private pending: { step: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;

  constructor(
    /** One turn at the register in one transaction. */
    private readonly turn: (fn: () => void) => Promise<void>,
    /** A savepoint inside that transaction. */
    private readonly savepoint: <T>(fn: () => T) => T,
  ) {}

  run<T>(step: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ step, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const steps = this.pending;
    this.pending = [];
    this.scheduled = false;
    const values: unknown[] = [];
    let failed: { err: unknown } | null = null;
    try {
      await this.turn(() => {
        values.length = 0;
        failed = null;
        for (const s of steps) {
          try {
            values.push(s.step());
          } catch (err) {
            failed = { err };
            throw err;
          }
        }
      });
      steps.forEach((s, i) => s.resolve(values[i]));
      return;
    } catch (err) {
      // The turn itself failed (the register busy past the wait, the commit refused): every step with it.
      if (failed === null || (failed as { err: unknown }).err !== err) {
        for (const s of steps) s.reject(err);
        return;
      }
    }
    // A step failed and nothing was kept: again, each step in its own savepoint, so only the failing one fails.
    const settle: (() => void)[] = [];
    try {
      await this.turn(() => {
        settle.length = 0;
        for (const s of steps) {
          try {
            const value = this.savepoint(s.step);
            settle.push(() => s.resolve(value));
          } catch (err) {
            settle.push(() => s.reject(err));
          }
        }
      });
    } catch (err) {
      for (const s of steps) s.reject(err);
      return;
    }
    for (const done of settle) done();
  }
}

/** Hand one batch's queued recipients to its providers until done, paused, idle past the deadline, or aborted. */
export class BatchRun {
  private readonly sleep;
  private readonly pacers = new Map<string, Pacer>();
  private readonly lastPolled = new Map<number, number>();
  /** Where the walk round the sent messages awaiting a status goes on from (null: from the first). */
  private statusCursor: { dueAt: number; id: number } | null = null;
  /** When this run last synced the providers (null: not yet), and the sync under way. */
  private lastSync: number | null = null;
  private syncing: Promise<void> | null = null;
  private readonly results: DeliveryResults;

  constructor(
    private readonly deps: RunnerDeps,
    private readonly batchId: number,
  ) {
    this.sleep = deps.sleep ?? defaultSleep;
    this.results = new DeliveryResults(deps.ctx);
  }

  private get ctx() {
    return this.deps.ctx;
  }

  private locked<T>(fn: () => T): Promise<T> {
    return this.deps.lock.run(() => this.ctx.db.transaction(fn)());
  }

  /**
   * The hand-off's steps at the register — a recipient's gate-and-mark, a provider's answer recorded — queued in the
   * same tick share one turn at the register and one transaction (each step in its own savepoint). A gate-and-mark
   * step is taken only once that recipient's pacing slot has come, and its request leaves right after the commit, so
   * sharing a commit with other recipients' steps marks no one ahead. At a provider's real pace the slots are apart and
   * every step has its own transaction; with no rate limit this keeps the hand-off as fast as marking ahead was, and
   * answers recorded in the same tick as other recipients' marks cost no commit (an fsync, #15) of their own.
   */
  private readonly steps = new GroupCommit(
    (fn) => this.locked(fn),
    (fn) => this.ctx.db.transaction(fn)(),
  );

  /**
   * Run. `idleDeadlineMs`: when the next due message is further away than this, stop with 'idle' (the CLI);
   * null waits as long as it takes (the app's background outbox).
   */
  async run(signal: AbortSignal, idleDeadlineMs: number | null): Promise<RunEnd> {
    // Every request in flight listens to this one signal.
    setMaxListeners(0, signal);
    for (;;) {
      if (signal.aborted) return 'aborted';
      const state = await this.deps.lock.run(() => ({ batch: this.ctx.batches.get(this.batchId), run: this.ctx.outbox.getRun(this.batchId) }));
      if (!state.batch || !state.run) return 'done';
      if (state.run.pausedReason !== null) return 'paused';
      if (state.run.finishedAt !== null) return 'done';

      let worked = await this.reconcileInDoubt(state.run, state.batch, signal);
      worked = (await this.pollStatuses(state.run, state.batch, signal)) || worked;
      worked = (await this.cascadeFallbacks(state.run, state.batch, signal)) || worked;
      const page = duePage(this.maxRate(state.run));
      const due = await this.deps.lock.run(() => this.ctx.outbox.due(this.batchId, this.ctx.clock.now(), page));
      if (due.length) {
        await this.syncIfDue();
        await this.handOff(due, state.run, state.batch, signal);
        continue;
      }
      if (worked) continue;

      const now = this.ctx.clock.now();
      const wake = await this.deps.lock.run(() => this.nextWake(state.run!, state.batch!, now));
      if (wake === null) {
        await this.finish(state.run);
        return 'done';
      }
      const wait = Math.max(0, wake - now);
      if (idleDeadlineMs !== null && wait > idleDeadlineMs) return 'idle';
      // Wake at least every few seconds so a pause, a resume or a new revocation is noticed promptly.
      const nap = Math.min(Math.max(wait, 50), 5_000);
      await this.sleep(nap, signal);
      // The deadline counts the time waited, not the time that was left to wait (which would end the wait early).
      if (idleDeadlineMs !== null) idleDeadlineMs -= nap;
    }
  }

  /** When something next needs doing: a due message, a cascade deadline, a status to poll; null when all is answered. */
  private nextWake(run: RunRecord, batch: BatchRecord, now: number): number | null {
    const due = this.ctx.outbox.nextDue(this.batchId);
    let wake = due;
    if (batch.channel === 'cascade' && run.fallbackAfterMs !== null && this.adapterPolls(run.providers.whatsapp)) {
      const waiting = this.ctx.outbox.undeliveredWhatsapp(this.batchId, Number.MAX_SAFE_INTEGER, 1)[0];
      if (waiting) {
        const deadline = (waiting.handedOffAt ?? now) + run.fallbackAfterMs;
        wake = wake === null ? deadline : Math.min(wake, deadline);
      }
    }
    return wake;
  }

  private adapterPolls(provider: string | undefined): boolean {
    if (!provider) return false;
    try {
      return typeof this.deps.adapterFor(provider).status === 'function';
    } catch {
      return false;
    }
  }

  private async finish(run: RunRecord): Promise<void> {
    for (const name of new Set(Object.values(run.providers))) {
      try {
        await this.deps.adapterFor(name).finish?.();
      } catch {
        // a file hand-off that cannot be finished keeps its CSV; the run still ends
      }
    }
    await this.locked(() => {
      this.ctx.outbox.updateRun(this.batchId, { finishedAt: this.ctx.clock.now() });
      this.ctx.outbox.setBatchState(this.batchId, 'done');
      appendAudit(this.ctx, 'outbox', 'batch.finished', `batch:${this.batchId}`, { counts: this.ctx.outbox.counts(this.batchId) });
    });
  }

  /**
   * The last moment: the gate, against the register as it is now, for ONE recipient whose request is about to
   * leave (its pacing slot has come). Called inside the transaction that marks it `sending` with its proof and
   * rendered text, so a revocation committed before this transaction always stops the message, and nothing is
   * marked ahead of its request. Returns null when the recipient is not sent now (skipped, deferred or gone).
   */
  private gateAndMark(rowId: number, run: RunRecord, batch: BatchRecord, pacedFor?: string): Marked | Repace | null {
    const ctx = this.ctx;
    const now = ctx.clock.now();
    const row = ctx.outbox.get(rowId);
    // Another run (another process) took it, or it was paused meanwhile: nothing to do here.
    if (!row || row.status !== 'queued' || row.dueAt > now) return null;
    if (ctx.outbox.getRun(this.batchId)?.pausedReason != null) return null;
    const verdict = this.verdict(row, batch, now);
    if (!verdict.ok) {
      const v = verdict.verdict;
      if (v.eligible) return null;
      if (v.deferUntil !== undefined)
        ctx.outbox.update(row.id, { status: 'queued', dueAt: v.deferUntil }, now, storeSaid('outbox.deferred', { reason: exclusion(v.reason) }));
      else if (row.reason === RESEND_AFTER_CRASH)
        // An earlier request may have reached the provider before the opt-out: never sent again, and never
        // reported as "got nothing" either.
        ctx.outbox.update(
          row.id,
          { status: 'unknown', reason: OPTED_OUT_AFTER_HANDOFF },
          now,
          storeSaid('outbox.notSentAgain', { reason: exclusion(v.reason) }),
        );
      else
        ctx.outbox.update(row.id, { status: 'skipped', reason: v.reason }, now, storeSaid('outbox.gateAtHandOff', { reason: exclusion(v.reason) }));
      return null;
    }
    const { contact, channel, proofEvent } = verdict;
    // The proof must have been given by this very number: a consent moved to another number (someone edited
    // contacts.phone outside the app) never sends, whatever the projection says.
    const proof = ctx.consent.eventById(proofEvent);
    if (!proof || proof.phone !== contact.phone || proof.contactId !== contact.id) {
      ctx.outbox.update(
        row.id,
        { status: 'skipped', reason: 'integrity' },
        now,
        storeSaid('outbox.proofNotForNumber', { event: proofEvent, phone: contact.phone }),
      );
      return null;
    }
    const provider = run.providers[channel];
    if (!provider) {
      ctx.outbox.update(row.id, { status: 'skipped', reason: `no_provider_for_${channel}` }, now, null);
      return null;
    }
    // The gate chose another provider than the one this recipient's pacing slot was for (a cascade's other channel):
    // nothing is marked, so the worker waits for that provider's slot and asks the gate again then. Marked first and
    // paced after, an opt-out arriving during the wait would not stop the message.
    if (pacedFor !== undefined && provider !== pacedFor) return { repace: provider };
    const settings = getSettings(ctx);
    const rendered = renderMessage(
      batch.text,
      { ...contactFields(contact.name), shop_name: settings.businessName, shop_phone: settings.shopPhone ?? '' },
      channel,
    );
    if (!rendered.ok) {
      ctx.outbox.update(
        row.id,
        { status: 'skipped', reason: rendered.problem },
        now,
        storeSaid(rendered.problem === 'unfilled_placeholder' ? 'outbox.placeholderUnfilled' : 'outbox.placeholderNotAllowed', {
          field: rendered.field,
        }),
      );
      return null;
    }
    let adapter: ProviderAdapter;
    try {
      adapter = this.deps.adapterFor(provider);
    } catch (err) {
      ctx.outbox.updateRun(this.batchId, {
        pausedReason: storeSaid('outbox.providerUnusable', { provider, problem: problemOf(err) }),
        pausedAt: now,
      });
      return null;
    }
    const message: OutgoingMessage = {
      idempotencyKey: idempotencyKey(ctx, batch, row.id),
      to: contact.phone,
      channel,
      text: rendered.text,
      purpose: batch.purpose,
      batch: this.batchId,
      template: channel === 'whatsapp' && run.template ? { ...run.template, parameters: rendered.parameters } : undefined,
    };
    ctx.outbox.update(
      row.id,
      {
        status: 'sending',
        proofEventId: proofEvent,
        text: rendered.text,
        provider,
        attempts: row.attempts + 1,
        sendingAt: row.sendingAt ?? now,
        // What the gate saw, in the register's own order: verify's "sent after the opt-out" and the report's "sent
        // before the opt-out" compare opt-outs with it, whatever the wall clock did between them.
        gateEventId: ctx.consent.lastLink()?.id ?? 0,
        dueAt: now,
        phone: contact.phone,
        ...(channel !== row.channel ? { channel } : {}),
      },
      now,
      storeSaid('outbox.handedTo', { provider }),
    );
    return { row: { ...row, channel, attempts: row.attempts + 1, sendingAt: row.sendingAt ?? now }, provider, adapter, message };
  }

  /** True when {@link syncIfDue} would wait for a provider sync now. */
  private syncDue(): boolean {
    if (!this.deps.syncProviders) return false;
    return this.syncing !== null || this.lastSync === null || this.ctx.clock.now() - this.lastSync >= SYNC_BEFORE_HANDOFF_MS;
  }

  /** Sync the providers when this run has not yet, or not for a minute; workers arriving meanwhile wait for the same one. */
  private async syncIfDue(): Promise<void> {
    const sync = this.deps.syncProviders;
    if (!sync) return;
    if (this.syncing) return this.syncing;
    const now = this.ctx.clock.now();
    if (this.lastSync !== null && now - this.lastSync < SYNC_BEFORE_HANDOFF_MS) return;
    // The run's first hand-off waits for a sync of its own, however fresh another one in this process is.
    const first = this.lastSync === null;
    this.lastSync = now;
    this.syncing = sync(first ? 0 : undefined)
      .catch(() => undefined)
      .finally(() => {
        this.syncing = null;
      });
    return this.syncing;
  }

  /** The gate's answer for one queued recipient now, read from the register as it stands. */
  private verdict(
    row: OutboxRecord,
    batch: BatchRecord,
    now: number,
  ): { ok: true; contact: ContactRecord; channel: Channel; proofEvent: number } | { ok: false; verdict: GateVerdict } {
    const ctx = this.ctx;
    // An opt-out journal that cannot be read may hold an opt-out for anyone: the run pauses, naming it (Outbox.stall).
    const held = journalHold(ctx.optouts);
    if (held) throw held;
    const contact = ctx.contacts.get(row.contactId);
    if (!contact || contact.removedAt) return { ok: false, verdict: { eligible: false, reason: 'no_contact', proofEvent: null } };
    const routeChannel: BatchRecord['channel'] = row.step === 1 ? 'sms' : batch.channel;
    const { channel, verdict } = gateContact(
      ctx,
      contact,
      // A wave of double opt-in confirmation requests is gated as such (the pending request, or the service consent, is its basis).
      { channel: routeChannel, purpose: batch.purpose, confirmation: batch.audience.confirm },
      now,
      this.rules(),
      this.batchId,
    );
    return verdict.eligible ? { ok: true, contact, channel, proofEvent: verdict.proofEvent } : { ok: false, verdict };
  }

  private rules(): GateRules {
    return gateRules(this.ctx);
  }

  /** The provider a queued recipient would most likely go through (to wait for its pacing slot before the gate). */
  private providerOf(row: OutboxRecord, run: RunRecord, batch: BatchRecord): string | undefined {
    if (row.step === 1) return run.providers.sms;
    return run.providers[batch.channel === 'cascade' ? row.channel : batch.channel] ?? run.providers.sms;
  }

  private maxRate(run: RunRecord): number {
    let rate = 1;
    for (const name of new Set(Object.values(run.providers))) {
      try {
        rate = Math.max(rate, this.deps.adapterFor(name).ratePerSecond);
      } catch {
        // reported when a message needs it
      }
    }
    return rate;
  }

  /** A provider's pacer for this run, made at its rate when first needed (the adapter is asked only then). */
  private pacer(provider: string, adapter: () => ProviderAdapter): Pacer {
    let p = this.pacers.get(provider);
    if (!p) this.pacers.set(provider, (p = new Pacer(adapter().ratePerSecond)));
    return p;
  }

  /**
   * Hand the due recipients to their providers at the providers' rates, a bounded number in flight. For each
   * one: wait for its pacing slot, then gate and mark it in one transaction, then send, then record the answer.
   */
  private async handOff(due: OutboxRecord[], run: RunRecord, batch: BatchRecord, signal: AbortSignal): Promise<void> {
    let stopped = false;
    let next = 0;
    let failure: { err: unknown } | null = null;
    const worker = async () => {
      try {
        await work();
      } catch (err) {
        // The register cannot be reached (busy in another process) or something broke: stop every worker after
        // its current request, so the run ends as a whole and pauses (Outbox.stall) — nothing goes on in the dark.
        // A recipient left `sending` is asked about (reconcileInDoubt) when the run carries on.
        stopped = true;
        failure ??= { err };
      }
    };
    const work = async () => {
      // This worker's last provider answer, not yet recorded: it is recorded in the same step as the worker's next
      // gate-and-mark when that recipient's slot has already come (one commit, not two), else on its own first.
      let answered: { m: Marked; outcome: SendOutcome } | null = null;
      const recordAnswered = async () => {
        if (!answered) return;
        const { m, outcome } = answered;
        answered = null;
        await this.steps.run(() => this.record(m, outcome, batch));
        this.deps.fault?.('recorded', m.row.id);
      };
      while (next < due.length && !stopped && !signal.aborted) {
        const row = due[next++]!;
        const name = this.providerOf(row, run, batch);
        let pacedFor: string | undefined;
        let wait = 0;
        if (name) {
          try {
            wait = this.pacer(name, () => this.deps.adapterFor(name)).slot(this.ctx.clock.now());
            pacedFor = name;
          } catch {
            // an adapter that cannot be built pauses the run in gateAndMark
          }
        }
        // An answer is never held back behind a pacing wait or a provider sync.
        if (wait > 0 || this.syncDue()) await recordAnswered();
        if (wait > 0) await this.sleep(wait, signal);
        if (stopped || signal.aborted) break;
        // Replies and opt-outs waiting at the providers go into the register before this recipient is gated.
        await this.syncIfDue();
        if (stopped || signal.aborted) break;
        let m: Marked | Repace | null;
        if (answered) {
          const prev: { m: Marked; outcome: SendOutcome } = answered;
          answered = null;
          // The answer first, then this recipient's gate-and-mark, in one savepoint of the same transaction.
          m = await this.steps.run(() => {
            this.record(prev.m, prev.outcome, batch);
            return this.gateAndMark(row.id, run, batch, pacedFor);
          });
          this.deps.fault?.('recorded', prev.m.row.id);
        } else m = await this.steps.run(() => this.gateAndMark(row.id, run, batch, pacedFor));
        // A cascade's other channel: its provider's pace, then the gate again (a few times at most, should it keep
        // changing its mind; after that the recipient is marked and then paced, as a last resort).
        for (let asked = 1; m && 'repace' in m; asked++) {
          const other = m.repace;
          try {
            const wait = this.pacer(other, () => this.deps.adapterFor(other)).slot(this.ctx.clock.now());
            if (wait > 0) await this.sleep(wait, signal);
          } catch {
            // an adapter that cannot be built pauses the run in gateAndMark
          }
          if (stopped || signal.aborted) break;
          pacedFor = other;
          m = await this.steps.run(() => this.gateAndMark(row.id, run, batch, asked < 3 ? other : undefined));
        }
        if (!m || 'repace' in m) continue;
        const marked = m;
        // Committed: this recipient is `sending` before its request leaves.
        this.deps.fault?.('marked', m.row.id);
        if (pacedFor !== m.provider) {
          // Only after the gate changed its provider three times: that provider's pace applies too.
          const wait = this.pacer(m.provider, () => marked.adapter).slot(this.ctx.clock.now());
          if (wait > 0) await this.sleep(wait, signal);
        }
        const outcome = await m.adapter.send(m.message, signal);
        this.deps.fault?.('answered', m.row.id);
        if (outcome.kind === 'refused' && outcome.action === 'stop_batch') stopped = true;
        answered = { m, outcome };
      }
      await recordAnswered();
    };
    const inFlight = inFlightFor(this.maxRate(run));
    await Promise.all(Array.from({ length: Math.min(inFlight, due.length) }, worker));
    if (failure) throw (failure as { err: unknown }).err;
  }

  /** Record one provider answer (null: never sent, the run stopped first). */
  private record(m: Marked, outcome: SendOutcome | null, batch: BatchRecord): void {
    const ctx = this.ctx;
    const now = ctx.clock.now();
    const id = m.row.id;
    if (outcome === null) {
      // Never left the machine: back to the queue as it was.
      ctx.outbox.update(id, { status: 'queued', attempts: m.row.attempts - 1, dueAt: now }, now, storeSaid('outbox.runStopped'));
      return;
    }
    switch (outcome.kind) {
      case 'accepted':
        ctx.outbox.update(
          id,
          { status: outcome.status ?? 'sent', providerMessageId: outcome.providerMessageId, handedOffAt: now },
          now,
          outcome.providerMessageId ? storeSaid('outbox.acceptedAs', { id: outcome.providerMessageId }) : storeSaid('outbox.accepted'),
        );
        return;
      case 'retry': {
        const offline = OFFLINE_CODES.has(outcome.code);
        if (!offline && m.row.attempts >= MAX_ATTEMPTS) {
          // A message that may have reached the provider is never given up as failed: the owner decides.
          ctx.outbox.update(
            id,
            {
              status: outcome.maybeDelivered ? 'unknown' : 'failed',
              reason: storeSaid('outbox.gaveUp', { code: outcome.code, count: m.row.attempts }),
            },
            now,
            storeSaid('outbox.answer', { code: outcome.code, answer: answerOf(outcome) }),
          );
          return;
        }
        const dueAt = now + backoff(m.row.attempts, offline, outcome.afterMs);
        // Maybe delivered: stay `sending`, so the next turn asks the provider before sending again.
        ctx.outbox.update(
          id,
          { status: outcome.maybeDelivered ? 'sending' : 'queued', dueAt, reason: outcome.code },
          now,
          storeSaid('outbox.retry', { code: outcome.code, answer: answerOf(outcome) }),
        );
        return;
      }
      case 'refused':
        this.refused(m, outcome, batch, now);
        return;
    }
  }

  private refused(m: Marked, outcome: Extract<SendOutcome, { kind: 'refused' }>, batch: BatchRecord, now: number): void {
    const ctx = this.ctx;
    const id = m.row.id;
    const answer = answerOf(outcome);
    const reason = storeSaid('outbox.answer', { code: outcome.code, answer });
    switch (outcome.action) {
      case 'stop_batch':
        ctx.outbox.update(
          id,
          { status: 'queued', attempts: m.row.attempts - 1, dueAt: now },
          now,
          storeSaid('outbox.providerStopped', { code: outcome.code, answer }),
        );
        ctx.outbox.updateRun(this.batchId, {
          pausedReason: storeSaid('outbox.providerPaused', { provider: m.provider, code: outcome.code.replace(/^HTTP_(\d{3})$/, 'HTTP $1'), answer }),
          pausedAt: now,
        });
        appendAudit(ctx, 'outbox', 'batch.paused', `batch:${this.batchId}`, { provider: m.provider, code: outcome.code });
        return;
      case 'opted_out': {
        ctx.outbox.update(id, { status: 'failed', reason }, now, storeSaid('outbox.optedOutWithProvider'));
        // The provider's word is a revocation: recorded at once so no later message goes (DOMAIN §7(b) 5).
        const purposes = new Set<'marketing' | 'service'>(['marketing', batch.purpose]);
        // Cloud API 131050 stops marketing only; utility messages may still go.
        if (outcome.code === '131050') purposes.delete('service');
        for (const purpose of purposes)
          recordConsent(ctx, {
            contactId: m.row.contactId,
            channel: m.message.channel,
            purpose,
            action: 'revoke',
            method: 'provider_feedback',
            evidence: { source: `${m.adapter.kind} ${outcome.code}`, note: storeSaid('note.batch', { batch: this.batchId }) },
          });
        return;
      }
      case 'invalid_number':
        ctx.outbox.update(id, { status: 'undeliverable', reason }, now, storeSaid('outbox.numberFlagged'));
        ctx.outbox.flagNumber({ phone: m.message.to, reason: 'invalid_number', code: outcome.code, provider: m.provider, at: now });
        return;
      case 'unreachable':
        ctx.outbox.update(
          id,
          { status: 'undeliverable', reason },
          now,
          storeSaid('outbox.notReachable', { channel: channelName(m.message.channel) }),
        );
        this.fallBack(m.row, batch, now);
        return;
      case 'fail':
        ctx.outbox.update(id, { status: 'failed', reason }, now, null);
        return;
    }
  }

  /** A cascade's SMS step for someone WhatsApp did not reach; the gate at its hand-off checks the SMS consent. */
  private fallBack(row: OutboxRecord, batch: BatchRecord, now: number): void {
    if (batch.channel !== 'cascade' || row.step !== 0 || row.channel !== 'whatsapp') return;
    this.ctx.outbox.enqueue({ batchId: this.batchId, contactId: row.contactId, step: 1, channel: 'sms', phone: row.phone, dueAt: now, at: now });
  }

  /** Recipients left `sending` by a crash or an ambiguous timeout: ask the provider before anything is sent again. */
  private async reconcileInDoubt(run: RunRecord, batch: BatchRecord, signal: AbortSignal): Promise<boolean> {
    const rows = await this.deps.lock.run(() => this.ctx.outbox.inDoubt(this.batchId, this.ctx.clock.now(), 50));
    if (!rows.length) return false;
    const results: { row: OutboxRecord; answer: ReconcileOutcome | 'error' }[] = [];
    for (const row of rows) {
      if (signal.aborted) break;
      let answer: ReconcileOutcome | 'error';
      try {
        const adapter = this.deps.adapterFor(row.provider ?? '');
        answer = await adapter.reconcile(this.messageOf(row, run, batch), row.sendingAt ?? row.updatedAt, signal);
      } catch {
        answer = 'error';
      }
      results.push({ row, answer });
    }
    await this.locked(() => {
      const now = this.ctx.clock.now();
      for (const { row, answer } of results) {
        if (answer === 'error')
          this.ctx.outbox.update(
            row.id,
            { status: 'sending', dueAt: now + backoff(row.attempts, true, undefined) },
            now,
            storeSaid('outbox.reconcileNoAnswer'),
          );
        else if (answer.kind === 'accepted')
          this.ctx.outbox.update(
            row.id,
            { status: 'sent', providerMessageId: answer.providerMessageId, handedOffAt: now },
            now,
            storeSaid('outbox.reconciledHasIt'),
          );
        else if (answer.kind === 'resend')
          this.ctx.outbox.update(row.id, { status: 'queued', dueAt: now, reason: RESEND_AFTER_CRASH }, now, storeSaid('outbox.reconciledResend'));
        else this.ctx.outbox.update(row.id, { status: 'unknown', reason: storeSaid('outbox.inDoubt') }, now, storeSaid('outbox.reconciledUnknown'));
      }
    });
    return results.length > 0;
  }

  /** The message a recipient was handed off with, rebuilt from what was recorded. */
  private messageOf(row: OutboxRecord, run: RunRecord, batch: BatchRecord): OutgoingMessage {
    const text = row.text ?? '';
    return {
      idempotencyKey: idempotencyKey(this.ctx, batch, row.id),
      to: row.phone,
      channel: row.channel,
      text,
      purpose: batch.purpose,
      batch: this.batchId,
      template: row.channel === 'whatsapp' && run.template ? { ...run.template, parameters: [] } : undefined,
    };
  }

  /** Delivery statuses from providers that can be polled. */
  private async pollStatuses(run: RunRecord, _batch: BatchRecord, signal: AbortSignal): Promise<boolean> {
    // Nothing to ask when no provider can tell a delivery status (a webhook, a file): the sent rows are not read.
    if (!(await this.deps.lock.run(() => this.ctx.outbox.listProviders().some((p) => this.adapterPolls(p.name))))) return false;
    const now = this.ctx.clock.now();
    // A walk round the messages awaiting their status, a page a turn, in hand-off order: each is asked a minute after
    // its hand-off and then every minute, and none waits behind messages whose status never comes (a carrier that
    // sends no delivery receipt). A message not a minute old ends the walk; the next turn starts again from the first.
    const page = await this.deps.lock.run(() => this.ctx.outbox.awaitingStatus(this.batchId, this.statusCursor, STATUS_POLL_PAGE));
    const rows: OutboxRecord[] = [];
    let cursor = this.statusCursor;
    let round = page.length < STATUS_POLL_PAGE;
    for (const r of page) {
      const polled = this.lastPolled.get(r.id);
      if (polled === undefined && now - (r.handedOffAt ?? 0) < STATUS_POLL_EVERY_MS) {
        round = true;
        break;
      }
      cursor = { dueAt: r.dueAt, id: r.id };
      if (polled === undefined || now - polled >= STATUS_POLL_EVERY_MS) rows.push(r);
    }
    this.statusCursor = round ? null : cursor;
    const updates: { row: OutboxRecord; update: NonNullable<Awaited<ReturnType<NonNullable<ProviderAdapter['status']>>>> }[] = [];
    for (const row of rows) {
      if (signal.aborted) break;
      this.lastPolled.set(row.id, now);
      try {
        const adapter = this.deps.adapterFor(row.provider ?? '');
        if (!adapter.status || !row.providerMessageId) continue;
        const update = await adapter.status(row.providerMessageId, row.channel, signal);
        if (update && update.status !== 'sent') updates.push({ row, update });
      } catch {
        // polled again later
      }
    }
    if (!updates.length) return false;
    await this.locked(() => {
      const at = this.ctx.clock.now();
      const batch = this.ctx.batches.get(this.batchId)!;
      for (const { row, update } of updates) {
        // The same rule as provider sync (statuses.ts): forward only, flags, opt-outs through the one append.
        const current = this.ctx.outbox.get(row.id) ?? row;
        if (!this.results.apply(current, update, at, { ownRun: true }).moved) continue;
        if (update.status === 'failed' || update.status === 'undeliverable') this.fallBack({ ...current, status: update.status }, batch, at);
      }
    });
    return true;
  }

  /** A cascade's WhatsApp messages not delivered within the wait get their SMS fallback (where delivery can be known). */
  private async cascadeFallbacks(run: RunRecord, batch: BatchRecord, signal: AbortSignal): Promise<boolean> {
    if (batch.channel !== 'cascade' || run.fallbackAfterMs === null || !this.adapterPolls(run.providers.whatsapp)) return false;
    const now = this.ctx.clock.now();
    const late = await this.deps.lock.run(() => this.ctx.outbox.undeliveredWhatsapp(this.batchId, now - run.fallbackAfterMs!, 100));
    if (!late.length) return false;
    const adapter = this.deps.adapterFor(run.providers.whatsapp!);
    const fresh: { row: OutboxRecord; update: DeliveryUpdate | null }[] = [];
    for (const row of late) {
      if (signal.aborted) break;
      let update: DeliveryUpdate | null = null;
      try {
        const u = row.providerMessageId ? await adapter.status!(row.providerMessageId, 'whatsapp', signal) : null;
        if (u && u.status !== 'sent') update = u;
      } catch {
        // unknown delivery after the wait counts as not delivered
      }
      fresh.push({ row, update });
    }
    await this.locked(() => {
      const at = this.ctx.clock.now();
      for (const { row, update } of fresh) {
        if (update) {
          // The same rule as the status poll: a failure that says the person opted out (or the number cannot take
          // messages) is recorded through the one append first — then the SMS fallback's gate refuses it.
          const current = this.ctx.outbox.get(row.id) ?? row;
          this.results.apply(current, update, at, { ownRun: true });
          if (update.status === 'delivered' || update.status === 'read') continue;
        } else
          this.ctx.outbox.update(
            row.id,
            { status: 'sent' },
            at,
            storeSaid('outbox.notDeliveredWithin', { minutes: Math.round(run.fallbackAfterMs! / 60000) }),
          );
        this.fallBack(row, batch, at);
      }
    });
    return fresh.length > 0;
  }
}

/** Which channel a run needs a provider for. */
export function channelsOf(channel: BatchRecord['channel']): Channel[] {
  return channel === 'cascade' ? ['whatsapp', 'sms'] : [channel];
}
