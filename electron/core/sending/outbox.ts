import type { Output, ParsedInput } from '../../../shared/contract/api';
import { AppError } from '../../../shared/contract/errors';
import type { Channel } from '../../../shared/domain/consent/types';
import type { OutboxRecord, RunRecord } from '../db/repos/outbox.repo';
import type { RegisterLock } from '../infra/jobs';
import { BatchRun, channelsOf, type FaultPoint, type RunEnd } from './runner';
import { createAdapter } from './providers';
import type { AdapterEnv, ProviderAdapter, ProviderConfig, ProviderKind, SecretStore } from './providers/types';
import { audienceHistory, gateMember, gateRules } from '../campaigns/plan';
import { pendingOptOutsOfAudience } from '../campaigns/audience';
import { appendAudit, iso, isoOrNull, type ServiceContext } from '../context';
import { BUSY_CHANGE, busyError, isSqliteBusy } from '../db/busy';
import { toApiEvent } from '../register/consent';
import { resolveActor } from '../register/staff';
import { readSaid, readSaidOrNull, ref, storeSaid, type SaidRef } from '../../../shared/contract/said';
import { walkAudience } from '../register/contact-list';

/** The refusal for a campaign that is not in the register. */
const noBatch = (batch: number): AppError =>
  new AppError('NOT_FOUND', 'campaigns.notFound', { batch }, { fields: [{ path: 'batch', key: 'campaigns.unknownBatch' }] });

/** The refusal for a recipient that is not in the outbox. */
const noRecipient = (id: number): AppError =>
  new AppError('NOT_FOUND', 'campaigns.noRecipient', { id }, { fields: [{ path: 'id', key: 'campaigns.unknownRecipient' }] });

/** What the outbox needs from the composition root. */
export interface OutboxOptions {
  ctx: ServiceContext;
  lock: RegisterLock;
  secrets: SecretStore;
  /** Where the file hand-off writes its files. */
  handoffDir: string;
  /** Per-request timeout for providers, ms. */
  timeoutMs?: number | undefined;
  /** Tests replace adapters (fault injection, counting). */
  adapterFactory?: ((config: ProviderConfig, env: AdapterEnv) => ProviderAdapter) | undefined;
  fault?: ((point: FaultPoint, recipientId: number) => void) | undefined;
  sleep?: ((ms: number, signal: AbortSignal) => Promise<void>) | undefined;
  /** Where a background run's unexpected error is reported (the run itself pauses and carries on by itself). */
  onInternalError?: ((err: unknown) => void) | undefined;
  /** What holds the register when it is busy in another process (for the pause's reason). */
  describeBusy?: (() => string) | undefined;
  /** Provider sync before hand-offs (see RunnerDeps.syncProviders). */
  syncProviders?: ((maxAgeMs?: number) => Promise<void>) | undefined;
}

/** A background run that could not continue pauses with this reason (outbox.pausedByItself), and carries on by itself. */
const AUTO_PAUSE_KEY = 'outbox.pausedByItself';

/** True for the pause of a run that stopped by itself; also the English one stored before reasons had keys. */
export function isAutoPause(pausedReason: string): boolean {
  return readSaid(pausedReason).key === AUTO_PAUSE_KEY || pausedReason.startsWith('paused by itself: ');
}

/** Why a background run stopped, by key, in words the person can act on (never a stack trace). */
function runStopReason(err: unknown, describeBusy: () => string): SaidRef {
  if (err instanceof AppError) return ref(err.key, err.params);
  if (isSqliteBusy(err)) {
    const busy = busyError(describeBusy());
    return ref(busy.key, busy.params);
  }
  const code = (err as { code?: unknown } | null)?.code;
  const what = err instanceof Error ? `${err.name}${typeof code === 'string' ? ` ${code}` : ''}: ${err.message}` : 'unknown error';
  return ref('outbox.internalError', { what: what.slice(0, 200) });
}

/** A stored reason as it crosses the doors: the English `reason` (the CLI prints it) and `said`, by key when it has one. */
function reasonOut(stored: string): { reason: string; said: ReturnType<typeof readSaid> } {
  const said = readSaid(stored);
  return { reason: said.message, said };
}

/**
 * A recipient's reason as it crosses the doors: a code (an exclusion reason, a provider's code) as it is, with no
 * `reasonSaid`; a reason stated by key with its English in `reason` and the key in `reasonSaid`.
 */
function recipientReason(stored: string | null): { reason: string | null; reasonSaid: ReturnType<typeof readSaid> | null } {
  if (stored === null) return { reason: null, reasonSaid: null };
  const said = readSaid(stored);
  return said.key ? { reason: said.message, reasonSaid: said } : { reason: stored, reasonSaid: null };
}

/** Recipient record → contract shape. */
export function recipientOut(r: OutboxRecord & { name?: string }): Output<'campaign.recipients'>['recipients'][number] {
  return {
    id: r.id,
    batch: r.batchId,
    contactId: r.contactId,
    name: r.name ?? '',
    phone: r.phone,
    step: r.step,
    channel: r.channel,
    status: r.status,
    ...recipientReason(r.reason),
    proofEvent: r.proofEventId,
    text: r.text,
    provider: r.provider,
    providerMessageId: r.providerMessageId,
    attempts: r.attempts,
    dueAt: iso(r.dueAt),
    handedOffAt: isoOrNull(r.handedOffAt),
    updatedAt: iso(r.updatedAt),
  };
}

/**
 * The outbox: a durable queue in the register. A batch's recipients are written once when sending starts; runs
 * hand them to providers in the background (the app) or until done or idle (the CLI), and a run interrupted by a
 * crash resumes by asking providers about anything left `sending` before sending again.
 */
export class Outbox {
  private readonly runs = new Map<number, { abort: AbortController; done: Promise<RunEnd> }>();
  /** Background runs that stopped on an error: why, since when, and when they try again (see {@link stall}). */
  private readonly stalled = new Map<number, { reason: string; at: number; attempts: number; busy: boolean; timer: NodeJS.Timeout | null }>();
  private readonly adapters = new Map<string, { key: string; adapter: ProviderAdapter }>();
  private closed = false;

  constructor(private readonly o: OutboxOptions) {}

  private get ctx() {
    return this.o.ctx;
  }

  /** The adapter for a configured provider; rebuilt when its settings or secrets change. */
  adapterFor(name: string): ProviderAdapter {
    const row = this.ctx.outbox.getProvider(name);
    if (!row) throw new AppError('NOT_FOUND', 'providers.notFound', { name }, { fields: [{ path: 'provider', key: 'providers.unknownProvider' }] });
    const config: ProviderConfig = { name: row.name, kind: row.kind as ProviderKind, options: row.options };
    const key = JSON.stringify([row.kind, row.options, row.updatedAt]);
    const cached = this.adapters.get(name);
    if (cached && cached.key === key) return cached.adapter;
    const env: AdapterEnv = { secrets: this.o.secrets, timeoutMs: this.o.timeoutMs, outDir: this.o.handoffDir, now: () => this.ctx.clock.now() };
    const adapter = (this.o.adapterFactory ?? createAdapter)(config, env);
    this.adapters.set(name, { key, adapter });
    return adapter;
  }

  /** Forget a cached adapter (its secrets changed). */
  forget(name: string): void {
    this.adapters.delete(name);
  }

  /**
   * campaign.send: write the batch's recipients into the outbox (once), then run it — in the background, or until
   * done or nothing can progress when `wait` is set.
   */
  async send(input: ParsedInput<'campaign.send'>): Promise<Output<'campaign.send'>> {
    await this.o.lock.run(() => this.enqueueBatch(input));
    if (!input.wait) {
      this.start(input.batch);
      return this.o.lock.run(() => this.progress(input.batch));
    }
    try {
      await this.drain(input.batch, input.maxWaitSeconds * 1000, input.sync);
    } catch (err) {
      // A step that met another process's write inside a shared transaction surfaces as SQLite's own error.
      if (isSqliteBusy(err)) throw busyError(this.o.describeBusy?.() ?? BUSY_CHANGE);
      throw err;
    }
    return this.o.lock.run(() => this.progress(input.batch));
  }

  private enqueueBatch(input: ParsedInput<'campaign.send'>): void {
    const ctx = this.ctx;
    const batch = ctx.batches.get(input.batch);
    if (!batch) throw noBatch(input.batch);
    if (batch.state === 'cancelled') throw new AppError('CONFLICT', 'campaigns.cancelled', { batch: batch.id });
    if (!batch.lintOk) throw new AppError('CONFLICT', 'campaigns.lintErrors', { batch: batch.id });
    const actor = resolveActor(ctx, input.staff);
    const existing = ctx.outbox.getRun(batch.id);
    const providers = this.assignProviders(batch.channel, input.providers, batch.purpose, input.template);
    if (existing) {
      // Sending again continues the same run; a different provider may take over what is still queued.
      if (JSON.stringify(existing.providers) !== JSON.stringify(providers))
        ctx.db.transaction(() => {
          ctx.outbox.updateRun(batch.id, { providers });
          appendAudit(ctx, actor, 'batch.providers', `batch:${batch.id}`, { providers });
        })();
      return;
    }
    const now = ctx.clock.now();
    const at = Math.max(now, batch.plannedAt);
    const rules = gateRules(ctx);
    const historyOf = audienceHistory(ctx, rules, at);
    const withPending = pendingOptOutsOfAudience(ctx, at);
    ctx.db.transaction(() => {
      ctx.outbox.insertRun({
        batchId: batch.id,
        providers,
        template: input.template ?? null,
        fallbackAfterMs: batch.channel === 'cascade' ? input.fallbackAfterMinutes * 60_000 : null,
        startedAt: now,
        startedBy: actor,
      });
      // Decide first, write after: SQLite cannot insert while the audience query is still being read.
      const decisions: { contactId: number; phone: string; channel: Channel; dueAt: number | null; reason: string | null }[] = [];
      for (const m of walkAudience(ctx, batch.audience, at)) {
        const { channel, verdict } = gateMember(withPending(m), batch, at, rules, historyOf(m));
        if (verdict.eligible) decisions.push({ contactId: m.contactId, phone: m.phone, channel, dueAt: at, reason: null });
        else if (verdict.deferUntil !== undefined)
          decisions.push({ contactId: m.contactId, phone: m.phone, channel, dueAt: verdict.deferUntil, reason: null });
        else decisions.push({ contactId: m.contactId, phone: m.phone, channel, dueAt: null, reason: verdict.reason });
      }
      let queued = 0;
      for (const d of decisions) {
        if (d.dueAt !== null) {
          ctx.outbox.enqueue({ batchId: batch.id, contactId: d.contactId, step: 0, channel: d.channel, phone: d.phone, dueAt: d.dueAt, at: now });
          queued++;
        } else
          ctx.outbox.enqueueSkipped({ batchId: batch.id, contactId: d.contactId, channel: d.channel, phone: d.phone, reason: d.reason!, at: now });
      }
      const skipped = decisions.length - queued;
      ctx.outbox.setBatchState(batch.id, 'sending');
      appendAudit(ctx, actor, 'campaign.send', `batch:${batch.id}`, { providers, queued, skipped });
    })();
  }

  /** Which named provider carries each channel the batch needs. */
  private assignProviders(
    channel: 'sms' | 'whatsapp' | 'cascade',
    names: readonly string[],
    purpose: 'marketing' | 'service',
    template: { name: string; language: string } | undefined,
  ): RunRecord['providers'] {
    const adapters = names.map((name) => ({ name, adapter: this.adapterFor(name) }));
    const out: Partial<Record<Channel, string>> = {};
    for (const ch of channelsOf(channel)) {
      const found = adapters.find((a) => a.adapter.channels.includes(ch));
      if (!found)
        throw new AppError(
          'VALIDATION_FAILED',
          'campaigns.noProviderFor',
          { names: names.map((n) => `"${n}"`).join(', '), channel: ch === 'sms' ? 'SMS' : 'WhatsApp' },
          {
            fields: [{ path: 'providers', key: 'campaigns.noProviderForField', params: { channel: ch === 'sms' ? 'SMS' : 'WhatsApp' } }],
          },
        );
      if (ch === 'whatsapp' && found.adapter.kind === 'whatsapp-cloud' && purpose === 'marketing' && !template)
        throw new AppError(
          'VALIDATION_FAILED',
          'campaigns.templateRequired',
          {},
          {
            fields: [{ path: 'template', key: 'campaigns.templateRequiredField' }],
          },
        );
      out[ch] = found.name;
    }
    return out;
  }

  /** Start a background run for a batch, unless one is going. */
  start(batchId: number): void {
    if (this.closed || this.runs.has(batchId)) return;
    const abort = new AbortController();
    const run = new BatchRun(
      {
        ctx: this.ctx,
        lock: this.o.lock,
        adapterFor: (n) => this.adapterFor(n),
        fault: this.o.fault,
        sleep: this.o.sleep,
        syncProviders: this.o.syncProviders,
      },
      batchId,
    );
    // A run never dies silently: whatever stops it (the register busy in another process, any error) pauses it
    // with a reason the person sees, and it carries on by itself when it can.
    const done = run.run(abort.signal, null).catch((err: unknown) => {
      if (!abort.signal.aborted) this.stall(batchId, err);
      return 'paused' as const;
    });
    this.runs.set(batchId, { abort, done });
    void done.finally(() => this.runs.delete(batchId));
  }

  /**
   * A background run stopped on `err`: it shows as paused with the reason at once (progress reads it from memory
   * while another process holds the register and nothing can be written), the pause is recorded in batch_runs and
   * the audit log as soon as a turn can write, and the run tries again by itself with growing pauses — soon when
   * the register was busy, later after other errors — unless the person paused it meanwhile.
   */
  private stall(batchId: number, err: unknown): void {
    if (this.closed) return;
    const prev = this.stalled.get(batchId);
    if (prev?.timer) clearTimeout(prev.timer);
    const busy = (err instanceof AppError && err.code === 'BUSY') || isSqliteBusy(err);
    if (!busy)
      try {
        this.o.onInternalError?.(err);
      } catch {
        // a test's reporter may throw; the run pauses all the same
      }
    const attempts = (prev?.attempts ?? 0) + 1;
    const s = {
      reason: storeSaid(AUTO_PAUSE_KEY, { problem: runStopReason(err, this.o.describeBusy ?? (() => BUSY_CHANGE)) }),
      at: prev?.at ?? this.ctx.clock.now(),
      attempts,
      busy,
      timer: null as NodeJS.Timeout | null,
    };
    this.stalled.set(batchId, s);
    void this.o.lock
      .run(
        () =>
          this.ctx.db.transaction(() => {
            const run = this.ctx.outbox.getRun(batchId);
            if (!run || run.finishedAt !== null || run.pausedReason !== null || this.stalled.get(batchId) !== s) return;
            this.ctx.outbox.updateRun(batchId, { pausedReason: s.reason, pausedAt: s.at });
            appendAudit(this.ctx, 'outbox', 'batch.paused', `batch:${batchId}`, { automatic: true, reason: JSON.parse(s.reason) as SaidRef });
          })(),
        // Bookkeeping never queues up waiting for another process: still busy, recover() records it.
        { retryBusy: false },
      )
      .catch(() => undefined);
    const delay = busy ? Math.min(500 * attempts, 5_000) : Math.min(1_000 * 2 ** (attempts - 1), 60_000);
    s.timer = setTimeout(() => void this.recover(batchId), delay);
    s.timer.unref();
  }

  /** Lift a stalled run's pause and start it again (see {@link stall}); still busy: stay paused and try later. */
  private async recover(batchId: number): Promise<void> {
    const s = this.stalled.get(batchId);
    if (!s || this.closed) return;
    s.timer = null;
    if (this.runs.has(batchId)) {
      // Resumed meanwhile (the person pressed resume).
      this.stalled.delete(batchId);
      return;
    }
    let resume: boolean;
    try {
      resume = await this.o.lock.run(
        () =>
          this.ctx.db.transaction((): boolean => {
            const run = this.ctx.outbox.getRun(batchId);
            if (!run || run.finishedAt !== null) return false;
            // Paused by the person or a provider meanwhile: their resume starts it again.
            if (run.pausedReason !== null && !isAutoPause(run.pausedReason)) return false;
            // A pause that could not be written while the register was busy is recorded now, with its reason.
            if (run.pausedReason === null)
              appendAudit(this.ctx, 'outbox', 'batch.paused', `batch:${batchId}`, {
                automatic: true,
                reason: JSON.parse(s.reason) as SaidRef,
                since: iso(s.at),
              });
            else this.ctx.outbox.updateRun(batchId, { pausedReason: null, pausedAt: null });
            appendAudit(this.ctx, 'outbox', 'batch.resumed', `batch:${batchId}`, { automatic: true, pausedSince: iso(s.at) });
            return true;
          })(),
        { retryBusy: false },
      );
    } catch (err) {
      this.stall(batchId, err);
      return;
    }
    this.stalled.delete(batchId);
    if (resume) this.start(batchId);
  }

  /** Run a batch until done, paused, or idle longer than `maxWaitMs` (the CLI). A background run is waited for instead. */
  async drain(batchId: number, maxWaitMs: number, sync = true): Promise<RunEnd> {
    const going = this.runs.get(batchId);
    if (going) return going.done;
    const abort = new AbortController();
    const run = new BatchRun(
      {
        ctx: this.ctx,
        lock: this.o.lock,
        adapterFor: (n) => this.adapterFor(n),
        fault: this.o.fault,
        sleep: this.o.sleep,
        syncProviders: sync ? this.o.syncProviders : undefined,
      },
      batchId,
    );
    const done = run.run(abort.signal, maxWaitMs);
    this.runs.set(batchId, { abort, done });
    try {
      return await done;
    } finally {
      this.runs.delete(batchId);
    }
  }

  /** Resume every unfinished, unpaused run (the app at start: a crash left them), and those that paused by themselves. */
  resumeAll(): void {
    for (const run of this.ctx.outbox.openRuns()) {
      if (run.pausedReason === null) this.start(run.batchId);
      else if (isAutoPause(run.pausedReason)) {
        this.stalled.set(run.batchId, { reason: run.pausedReason, at: run.pausedAt ?? run.startedAt, attempts: 1, busy: true, timer: null });
        void this.recover(run.batchId);
      }
    }
  }

  /** campaign.progress */
  progress(batchId: number): Output<'campaign.progress'> {
    const batch = this.ctx.batches.get(batchId);
    if (!batch) throw noBatch(batchId);
    const run = this.ctx.outbox.getRun(batchId);
    const c = this.ctx.outbox.counts(batchId);
    const next = this.ctx.outbox.nextDue(batchId);
    const stalled = this.stalled.get(batchId);
    const retrying = batch.state === 'sending' ? this.ctx.outbox.retrying(batchId, this.ctx.clock.now()) : null;
    return {
      batch: batchId,
      state: batch.state,
      running: this.runs.has(batchId),
      paused: run?.pausedReason
        ? { ...reasonOut(run.pausedReason), at: iso(run.pausedAt ?? run.startedAt) }
        : stalled
          ? { ...reasonOut(stalled.reason), at: iso(stalled.at) }
          : null,
      providers: (run?.providers ?? {}) as Record<string, string>,
      counts: c,
      sent: c.sent + c.delivered + c.read,
      delivered: c.delivered + c.read,
      failed: c.failed + c.undeliverable,
      skipped: c.skipped,
      pending: c.queued + c.sending,
      unknown: c.unknown,
      skipReasons: this.ctx.outbox.skipReasons(batchId),
      nextAttemptAt: next === null ? null : iso(next),
      retrying: retrying
        ? {
            count: retrying.count,
            attempts: retrying.attempts,
            answer: retrying.last?.detail ? { ...reasonOut(retrying.last.detail), at: iso(retrying.last.at) } : null,
            nextAttemptAt: iso(retrying.nextDue),
          }
        : null,
      startedAt: run ? iso(run.startedAt) : null,
      finishedAt: run?.finishedAt ? iso(run.finishedAt) : null,
    };
  }

  /** campaign.pause: stop handing off (what is in flight is answered and recorded). */
  async pause(input: ParsedInput<'campaign.pause'>): Promise<Output<'campaign.pause'>> {
    await this.o.lock.run(() => {
      const run = this.requireRun(input.batch);
      const actor = resolveActor(this.ctx, input.staff);
      this.ctx.db.transaction(() => {
        this.ctx.outbox.updateRun(run.batchId, { pausedReason: storeSaid('outbox.pausedBy', { actor }), pausedAt: this.ctx.clock.now() });
        appendAudit(this.ctx, actor, 'batch.paused', `batch:${run.batchId}`, {});
      })();
    });
    this.forgetStall(input.batch);
    const going = this.runs.get(input.batch);
    if (going) await going.done;
    return this.o.lock.run(() => this.progress(input.batch));
  }

  /** campaign.resume: clear a pause (the owner fixed the provider) and carry on in the background. */
  async resume(input: ParsedInput<'campaign.resume'>): Promise<Output<'campaign.resume'>> {
    await this.o.lock.run(() => {
      const run = this.requireRun(input.batch);
      const actor = resolveActor(this.ctx, input.staff);
      this.ctx.db.transaction(() => {
        this.ctx.outbox.updateRun(run.batchId, { pausedReason: null, pausedAt: null });
        appendAudit(this.ctx, actor, 'batch.resumed', `batch:${run.batchId}`, {});
      })();
    });
    this.forgetStall(input.batch);
    this.start(input.batch);
    return this.o.lock.run(() => this.progress(input.batch));
  }

  private requireRun(batchId: number): RunRecord {
    const run = this.ctx.outbox.getRun(batchId);
    if (!run)
      throw new AppError('NOT_FOUND', 'campaigns.notSent', { batch: batchId }, { fields: [{ path: 'batch', key: 'campaigns.notSentField' }] });
    return run;
  }

  private forgetStall(batchId: number): void {
    const s = this.stalled.get(batchId);
    if (s?.timer) clearTimeout(s.timer);
    this.stalled.delete(batchId);
  }

  /** Stop every run (the app is quitting); what is queued stays queued. */
  async close(): Promise<void> {
    this.closed = true;
    for (const id of [...this.stalled.keys()]) this.forgetStall(id);
    for (const r of this.runs.values()) r.abort.abort();
    await Promise.all([...this.runs.values()].map((r) => r.done));
  }

  /** Hand off again after {@link close} (a restore stopped every run while it replaced the register). */
  reopen(): void {
    this.closed = false;
  }
}

/** campaign.recipients */
export function listRecipients(ctx: ServiceContext, input: ParsedInput<'campaign.recipients'>): Output<'campaign.recipients'> {
  if (!ctx.batches.get(input.batch)) throw noBatch(input.batch);
  const { rows, total } = ctx.outbox.list(input.batch, input.statuses, input.offset, input.limit);
  return { batch: input.batch, total, recipients: rows.map(recipientOut) };
}

/** campaign.recipient: one person's path through the batch, with the consent that allowed it. */
export function getRecipient(ctx: ServiceContext, input: ParsedInput<'campaign.recipient'>): Output<'campaign.recipient'> {
  const r = ctx.outbox.get(input.id);
  if (!r) throw noRecipient(input.id);
  const name = ctx.contacts.get(r.contactId)?.name ?? '';
  const steps = ctx.outbox.stepsOf(r.batchId, r.contactId);
  const history = steps.flatMap((s) =>
    ctx.outbox.log(s.id).map((h) => ({ step: s.step, at: iso(h.at), status: h.status, detail: readSaidOrNull(h.detail) })),
  );
  const proofId = r.proofEventId ?? steps.find((s) => s.proofEventId !== null)?.proofEventId ?? null;
  const proof = proofId === null ? undefined : ctx.consent.eventById(proofId);
  const form = proof?.formVersionId ? ctx.forms.get(proof.formVersionId) : undefined;
  return {
    recipient: recipientOut({ ...r, name }),
    path: steps.map((s) => recipientOut({ ...s, name })),
    history,
    proof: proof ? toApiEvent(proof, new Map(form ? [[form.id, form.code]] : [])) : null,
    proofForm: form ? { code: form.code, sha256: form.sha256, language: form.language } : null,
  };
}

/** campaign.resolve: the owner's decision on a message whose fate the provider could not tell. */
export function resolveRecipient(ctx: ServiceContext, input: ParsedInput<'campaign.resolve'>): Output<'campaign.resolve'> {
  const r = ctx.outbox.get(input.id);
  if (!r) throw noRecipient(input.id);
  if (r.status !== 'unknown') throw new AppError('CONFLICT', 'campaigns.nothingToDecide', { id: r.id, status: r.status });
  const actor = resolveActor(ctx, input.staff);
  const now = ctx.clock.now();
  ctx.db.transaction(() => {
    if (input.decision === 'sent') ctx.outbox.update(r.id, { status: 'sent', handedOffAt: now }, now, storeSaid('outbox.markedSentBy', { actor }));
    else ctx.outbox.update(r.id, { status: 'queued', dueAt: now }, now, storeSaid('outbox.sentAgainBy', { actor }));
    appendAudit(ctx, actor, 'recipient.resolved', `recipient:${r.id}`, { decision: input.decision, batch: r.batchId });
  })();
  return { recipient: recipientOut({ ...ctx.outbox.get(r.id)!, name: ctx.contacts.get(r.contactId)?.name ?? '' }) };
}
