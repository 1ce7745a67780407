import { api, type Output } from '../../../shared/contract/api';
import { AppError } from '../../../shared/contract/errors';
import { iso, isoOrNull, type ServiceContext } from '../context';
import type { ProviderRow } from '../db/repos/outbox.repo';
import { SyncRepo, type SyncCounts, type SyncStateRecord } from '../db/repos/sync.repo';
import { HealthRepo } from '../db/repos/health.repo';
import { QUALITY_TOPICS, type QualityTopic } from '../../../shared/domain/health/health';
import type { RegisterLock } from '../infra/jobs';
import { receiveInbound } from '../intake/inbound';
import { ProviderQueryError } from './providers/http';
import type { ProviderSignal } from './providers/signals';
import type { RelayLink } from './providers/relay';
import type { DeliveryUpdate, ProviderAdapter, ProviderKind } from './providers/types';
import { DeliveryResults, type ResultApplied } from './statuses';

/**
 * Provider sync (issue #16): what comes back from providers by itself — replies, stop-list entries, delivery results
 * — fetched since each provider's saved cursor and recorded through the register's own doors: every reply through the
 * inbound classification (opt-out wins, EN/RU, YES confirms a pending double opt-in), every provider opt-out as a
 * `provider_feedback` revocation through the one append, every delivery result on the outbox row it belongs to.
 *
 * Each page is recorded in its own turn at the register (so an opt-out takes effect before the next page is even
 * asked for), and never across a network call: a provider that is down or slow never holds the register, so a STOP
 * typed in by hand is never kept waiting by it. Running it twice changes nothing: replies are recorded once by the
 * provider's id, a delivery result only moves a recipient forward, and an opt-out is recorded only while the number
 * is not already revoked there. The cursor is saved only when the provider's last page is recorded; a provider that
 * fails (down, slow, garbage, endless pages) keeps its cursor, and the others go on.
 */

/** Pages one provider may serve in one sync; more and it stops with SYNC_TOO_MANY_PAGES (the cursor stays). */
export const SYNC_MAX_PAGES = 50;
/** Delivery results asked for per provider per sync (the next sync goes on where this one stopped). */
export const SYNC_STATUSES_PER_RUN = 100;
/** Messages handed off longer ago than this are no longer asked about. */
export const SYNC_STATUS_WINDOW_MS = 7 * 86_400_000;
/** The longest one provider's sync may take before it stops with SYNC_TIMEOUT. */
export const SYNC_DEADLINE_MS = 120_000;
/** How often the app syncs by itself while open. */
export const SYNC_EVERY_MS = 5 * 60_000;
/** While a campaign hands off: how old the last sync may be before the next hand-off waits for a new one. */
export const SYNC_WHILE_SENDING_MS = 60_000;

/** A provider a signal may belong to. */
interface Owner {
  name: string;
  kind: ProviderKind;
}

/** The kinds something comes back from by polling (the WhatsApp Cloud API answers only by webhook: see the relay). */
export const SYNCING_KINDS: readonly ProviderKind[] = ['twilio', 'smsru', 'smsc'];

/** Whether anything comes back from this provider by sync: a polling kind, or any provider linked to a relay. */
export function syncsFrom(kind: ProviderKind, options: Readonly<Record<string, string>>): boolean {
  return SYNCING_KINDS.includes(kind) || Boolean(options.relayUrl?.trim());
}

/** Why a provider's sync stopped, as a stable code the screens translate (see providers.syncError.* in the renderer). */
export type SyncErrorCode =
  'SYNC_UNREACHABLE' | 'SYNC_TIMEOUT' | 'SYNC_BAD_ANSWER' | 'SYNC_TOO_MANY_PAGES' | 'SYNC_REFUSED' | 'SYNC_SETUP' | 'SYNC_BUSY' | 'SYNC_FAILED';

class SyncStop extends Error {
  constructor(
    readonly code: SyncErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** One provider's line in providers.sync. */
export type ProviderSyncResult = Output<'providers.sync'>['providers'][number];

/** What provider sync needs from the composition root. */
export interface ProviderSyncOptions {
  ctx: ServiceContext;
  lock: RegisterLock;
  /** The adapter of a configured provider (the outbox's, so settings and secrets are the same as for sending). */
  adapterFor: (name: string) => ProviderAdapter;
  /** Whether the machine is online; the timer skips its turn when not (default: always). */
  online?: (() => boolean) | undefined;
  deadlineMs?: number | undefined;
  maxPages?: number | undefined;
  /** Where a background sync's unexpected error goes (a provider's own trouble is recorded on it instead). */
  onInternalError?: ((err: unknown) => void) | undefined;
}

const zero = (): SyncCounts => ({ inbound: 0, optOuts: 0, confirmations: 0, statuses: 0, notFromNumber: 0 });

// Network failures: the provider (or this machine's connection) cannot be reached.
const UNREACHABLE = /^(E[A-Z]+|UND_ERR_.*|NETWORK|ERR_.*|CERT_.*|DEPTH_.*|SELF_SIGNED.*|UNABLE_TO_.*)$/;

/** A provider's trouble as a sync error: a stable code and the provider's words (never a secret: adapters redact). */
function syncError(err: unknown, provider: string): { code: SyncErrorCode; message: string } {
  if (err instanceof SyncStop) return { code: err.code, message: err.message };
  if (err instanceof ProviderQueryError) {
    const c = err.code;
    if (c === 'TIMEOUT' || c === 'CANCELLED') return { code: 'SYNC_TIMEOUT', message: `${provider} did not answer in time (${err.message})` };
    if (c === 'RELAY_CONFIG') return { code: 'SYNC_SETUP', message: err.message };
    if (c === 'RELAY_UNAUTHORIZED') return { code: 'SYNC_REFUSED', message: `the relay refused the pull token of ${provider} (${err.message})` };
    if (c === 'BAD_RESPONSE' || c === 'RELAY_BAD_ANSWER') return { code: 'SYNC_BAD_ANSWER', message: err.message };
    if (/^HTTP_(401|403)$/.test(c)) return { code: 'SYNC_REFUSED', message: `${provider} refused the credentials (${err.message})` };
    if (/^HTTP_(5\d\d|429)$/.test(c) || UNREACHABLE.test(c))
      return { code: 'SYNC_UNREACHABLE', message: `${provider} cannot be reached (${err.message})` };
    return { code: 'SYNC_REFUSED', message: err.message };
  }
  if (err instanceof AppError) {
    if (err.code === 'BUSY') return { code: 'SYNC_BUSY', message: err.message };
    return { code: 'SYNC_SETUP', message: err.message };
  }
  if ((err as { code?: unknown } | null)?.code === 'SQLITE_BUSY')
    return { code: 'SYNC_BUSY', message: 'the register is busy in another window or process; the next sync tries again' };
  return { code: 'SYNC_FAILED', message: err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 300) : 'unknown error' };
}

/** Provider sync for one backend: on demand (providers.sync), on a timer while the app is open, and before hand-offs. */
export class ProviderSync {
  private readonly repo: SyncRepo;
  private readonly results: DeliveryResults;
  private readonly inFlight = new Map<string, Promise<ProviderSyncResult>>();
  /** When each provider last finished a sync in this process (the runner's "fresh enough"). */
  private readonly fresh = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly o: ProviderSyncOptions) {
    this.repo = new SyncRepo(o.ctx.db);
    this.results = new DeliveryResults(o.ctx);
  }

  private get ctx() {
    return this.o.ctx;
  }

  /** providers.sync: one provider (NOT_FOUND when there is none of that name) or every configured one. */
  async sync(input: { provider?: string | undefined } = {}): Promise<Output<'providers.sync'>> {
    const rows = await this.o.lock.run(() => this.ctx.outbox.listProviders());
    let chosen = rows;
    if (input.provider !== undefined) {
      chosen = rows.filter((r) => r.name === input.provider);
      // Not configured: refused by name, in the same words as sending through it (the outbox's NOT_FOUND).
      if (!chosen.length) this.o.adapterFor(input.provider);
    }
    // Providers are asked one after the other (a shop has a few): each one's trouble is its own.
    const providers: ProviderSyncResult[] = [];
    for (const row of chosen) providers.push(await this.syncProvider(row));
    return { providers };
  }

  /**
   * Before a hand-off: sync every provider whose last sync in this process is older than `maxAgeMs`, waiting at most
   * `deadlineMs`. Never throws: a provider that cannot be asked is recorded as such and sending goes on under the
   * register as it stands (every STOP already in it still stops its message).
   */
  async ensureFresh(maxAgeMs = SYNC_WHILE_SENDING_MS): Promise<void> {
    if (this.closed) return;
    try {
      const now = this.ctx.clock.now();
      const rows = await this.o.lock.run(() => this.ctx.outbox.listProviders());
      const stale = rows.filter((r) => now - (this.fresh.get(r.name) ?? -Infinity) >= maxAgeMs);
      for (const row of stale) await this.syncProvider(row);
    } catch (err) {
      this.reportQuietly(err);
    }
  }

  /** Sync now and every `everyMs` while open; a turn is skipped while offline or while the previous one still runs. */
  start(everyMs = SYNC_EVERY_MS): void {
    if (this.timer || this.closed) return;
    let running = false;
    const tick = () => {
      if (running || this.closed || (this.o.online && !this.o.online())) return;
      running = true;
      void this.sync({})
        .catch((err: unknown) => this.reportQuietly(err))
        .finally(() => {
          running = false;
        });
    };
    this.timer = setInterval(tick, everyMs);
    this.timer.unref();
    tick();
  }

  /** Stop the timer (the app is quitting); a sync under way finishes its current request. */
  stop(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Where each provider's sync stands, for providers.list. */
  states(): Map<string, SyncStateRecord> {
    return this.repo.all();
  }

  private reportQuietly(err: unknown): void {
    try {
      this.o.onInternalError?.(err);
    } catch {
      // a test's reporter may throw
    }
  }

  /** One provider's sync; a second caller while it runs shares it. */
  private syncProvider(row: ProviderRow): Promise<ProviderSyncResult> {
    const going = this.inFlight.get(row.name);
    if (going) return going;
    const p = this.runProvider(row).finally(() => this.inFlight.delete(row.name));
    this.inFlight.set(row.name, p);
    return p;
  }

  private async runProvider(row: ProviderRow): Promise<ProviderSyncResult> {
    const kind = row.kind as ProviderKind;
    const counts = zero();
    const state = await this.o.lock.run(() => this.repo.get(row.name, kind));
    let statusAfter = state?.statusAfter ?? 0;
    const result = (cursor: string | null, syncedAt: number | null, error: ProviderSyncResult['error']): ProviderSyncResult => ({
      name: row.name,
      kind,
      ...counts,
      cursor,
      syncedAt: isoOrNull(syncedAt),
      error,
    });
    const abort = new AbortController();
    const deadlineMs = this.o.deadlineMs ?? SYNC_DEADLINE_MS;
    const deadline = setTimeout(() => abort.abort(), deadlineMs);
    deadline.unref();
    try {
      let adapter: ProviderAdapter;
      try {
        adapter = this.o.adapterFor(row.name);
      } catch (err) {
        throw new SyncStop('SYNC_SETUP', err instanceof Error ? err.message : `${row.name} cannot be used`);
      }
      if (!adapter.pull && !adapter.status && !adapter.relay) {
        // Nothing comes back from this kind by itself (a webhook, a file hand-off): nothing to record.
        return result(state?.cursor ?? null, state?.syncedAt ?? null, null);
      }
      let cursor = state?.cursor ?? null;
      if (adapter.relay) await this.pullRelay(row.name, kind, adapter.relay, state?.relayCursor ?? null, counts, abort.signal, deadlineMs);
      if (adapter.pull) {
        for (let page = 0; ; page++) {
          if (page >= (this.o.maxPages ?? SYNC_MAX_PAGES))
            throw new SyncStop(
              'SYNC_TOO_MANY_PAGES',
              `${row.name} still offered more after ${page} pages; the rest waits for the next sync, which starts from the same place`,
            );
          const got = await this.withDeadline(adapter.pull(cursor, abort.signal), abort.signal, deadlineMs, row.name);
          if (!got || !Array.isArray(got.signals) || typeof got.more !== 'boolean')
            throw new SyncStop('SYNC_BAD_ANSWER', `${row.name} answered something that is not a page of messages`);
          await this.o.lock.run(() => this.recordSignals(row.name, kind, got.signals, counts));
          cursor = got.cursor;
          if (!got.more) break;
        }
      }
      if (adapter.status) statusAfter = await this.pollStatuses(row.name, adapter, statusAfter, counts, abort.signal, deadlineMs);
      const at = this.ctx.clock.now();
      await this.o.lock.run(() => this.repo.record({ provider: row.name, kind, at, added: counts, statusAfter, outcome: { cursor } }));
      this.fresh.set(row.name, at);
      return result(cursor, at, null);
    } catch (err) {
      const error = syncError(err, row.name);
      try {
        await this.o.lock.run(() =>
          this.repo.record({ provider: row.name, kind, at: this.ctx.clock.now(), added: counts, statusAfter, outcome: { error } }),
        );
      } catch (again) {
        this.reportQuietly(again);
      }
      if (error.code === 'SYNC_FAILED') this.reportQuietly(err);
      return result(state?.cursor ?? null, state?.syncedAt ?? null, error);
    } finally {
      clearTimeout(deadline);
    }
  }

  /**
   * The relay's pages (the provider's webhooks): each page recorded and its cursor saved in one turn at the register,
   * and only then acknowledged, so the relay never drops what is not in the register. A failed acknowledgement changes
   * nothing (the next pull starts after the saved cursor; the relay drops old events after its retention).
   */
  private async pullRelay(
    provider: string,
    kind: ProviderKind,
    relay: RelayLink,
    from: string | null,
    counts: SyncCounts,
    signal: AbortSignal,
    deadlineMs: number,
  ): Promise<void> {
    let cursor = from;
    for (let page = 0; ; page++) {
      if (page >= (this.o.maxPages ?? SYNC_MAX_PAGES))
        throw new SyncStop(
          'SYNC_TOO_MANY_PAGES',
          `the relay of ${provider} still offered more after ${page} pages; the rest waits for the next sync, which starts from the same place`,
        );
      const got = await this.withDeadline(relay.pull(cursor, signal), signal, deadlineMs, provider);
      await this.o.lock.run(() =>
        this.ctx.db.transaction(() => {
          this.recordSignals(provider, kind, got.signals, counts, this.relayPeers(provider, kind, relay.url));
          this.repo.saveRelayCursor(provider, kind, got.cursor, this.ctx.clock.now());
        })(),
      );
      cursor = got.cursor;
      try {
        await this.withDeadline(relay.ack(got.cursor, signal), signal, deadlineMs, provider);
      } catch {
        // harmless: see above
      }
      if (!got.more) return;
    }
  }

  /** An adapter call bounded by the provider's deadline even when the adapter ignores the signal. */
  private withDeadline<T>(p: Promise<T>, signal: AbortSignal, ms: number, provider: string): Promise<T> {
    if (signal.aborted) return Promise.reject(new SyncStop('SYNC_TIMEOUT', `${provider} took longer than ${Math.round(ms / 1000)} s`));
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new SyncStop('SYNC_TIMEOUT', `${provider} took longer than ${Math.round(ms / 1000)} s`));
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** Ask for the delivery results not in yet, a bounded number per sync, recording them as they come in groups. */
  private async pollStatuses(
    provider: string,
    adapter: ProviderAdapter,
    after: number,
    counts: SyncCounts,
    signal: AbortSignal,
    deadlineMs: number,
  ): Promise<number> {
    const since = this.ctx.clock.now() - SYNC_STATUS_WINDOW_MS;
    const rows = await this.o.lock.run(() =>
      this.repo.awaitingStatus(provider, since, after, SYNC_STATUSES_PER_RUN).map((id) => ({ id, row: this.ctx.outbox.get(id) })),
    );
    let last = after;
    let batch: { providerMessageId: string; update: DeliveryUpdate }[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const now = this.ctx.clock.now();
      const todo = batch;
      batch = [];
      await this.o.lock.run(() =>
        this.ctx.db.transaction(() => {
          for (const u of todo) this.countApplied(this.results.applyByProviderId(provider, u.providerMessageId, u.update, now), counts);
        })(),
      );
    };
    try {
      for (const { id, row } of rows) {
        if (row?.providerMessageId && row.status === 'sent') {
          const update = await this.withDeadline(adapter.status!(row.providerMessageId, row.channel, signal), signal, deadlineMs, provider);
          if (update && update.status !== 'sent') batch.push({ providerMessageId: row.providerMessageId, update });
          if (batch.length >= 20) await flush();
        }
        last = id;
      }
    } finally {
      // What came in before a failure is kept.
      await flush();
    }
    // A full page goes on after its last row next time; a short one means the end: start again from the oldest.
    return rows.length >= SYNC_STATUSES_PER_RUN ? last : 0;
  }

  /**
   * The providers whose messages a relay page may speak of: this one first, then every other provider linked to the
   * same relay. One relay takes both Meta's and Twilio's webhooks, and the first provider to pull a page acknowledges
   * it for all: a delivery result (and the opt-out a 21610 or 131050 carries) of the other provider's message must
   * still find its recipient, or it would be dropped with the page.
   */
  private relayPeers(provider: string, kind: ProviderKind, url: string): readonly Owner[] {
    const same = (u: string | undefined) => (u ?? '').trim().replace(/\/+$/, '');
    const peers = this.ctx.outbox
      .listProviders()
      .filter((r) => r.name !== provider && same(r.options.relayUrl) === same(url))
      .map((r) => ({ name: r.name, kind: r.kind as ProviderKind }));
    return [{ name: provider, kind }, ...peers];
  }

  /** Record one page in one transaction; a signal the register cannot take (a reply from a non-number) is left out. */
  private recordSignals(
    provider: string,
    kind: ProviderKind,
    signals: readonly ProviderSignal[],
    counts: SyncCounts,
    owners: readonly Owner[] = [{ name: provider, kind }],
  ): void {
    const now = this.ctx.clock.now();
    const added = zero();
    this.ctx.db.transaction(() => {
      for (const s of signals) {
        try {
          this.ctx.db.transaction(() => this.recordSignal(s, now, added, owners))();
        } catch (err) {
          // Refusals of the data itself are skipped; anything else (the register busy, a broken file) stops the page.
          if (!(err instanceof AppError) || err.code === 'BUSY') throw err;
        }
      }
    })();
    for (const k of Object.keys(added) as (keyof SyncCounts)[]) counts[k] += added[k];
  }

  /**
   * One signal, under the provider it belongs to: the pulling provider, or for a relay's signal the provider of the
   * same relay whose kind took that webhook (Meta's for a WhatsApp Cloud API provider, Twilio's for a Twilio one).
   */
  private recordSignal(s: ProviderSignal, now: number, counts: SyncCounts, owners: readonly Owner[]): void {
    const wanted = s.via === 'whatsapp' ? 'whatsapp-cloud' : s.via === 'twilio' ? 'twilio' : null;
    const { name: provider, kind } = owners.find((o) => o.kind === wanted) ?? owners[0]!;
    const at = Math.min(Number.isFinite(s.at) ? s.at : now, now);
    switch (s.kind) {
      case 'inbound': {
        const to = s.to && /^\+[1-9]\d{6,14}$/.test(s.to) ? s.to : undefined;
        const r = receiveInbound(
          this.ctx,
          api['inbound.receive'].input.parse({
            from: s.from,
            ...(to ? { to } : {}),
            channel: s.channel,
            text: s.text.slice(0, 4096),
            at: iso(at),
            providerId: s.providerMessageId.slice(0, 200),
          }),
          { source: `${provider} (${kind}) message ${s.providerMessageId}`.slice(0, 500), fromAnySender: true },
        );
        if (r.duplicate) return;
        counts.inbound++;
        if (r.noteSaid?.key === 'inbound.notFromNumber') counts.notFromNumber++;
        if (r.classified === 'opt_out' && r.events.length) counts.optOuts++;
        if (r.classified === 'confirm' && r.events.length) counts.confirmations++;
        return;
      }
      case 'status': {
        // The first provider that handed off a message with this id (ids are the provider's own: SM…, wamid.…).
        const owner =
          [provider, ...owners.map((o) => o.name)].find((name) => this.ctx.outbox.byProviderMessageId(name, s.providerMessageId)) ?? provider;
        this.countApplied(this.results.applyByProviderId(owner, s.providerMessageId, s.update, at), counts);
        return;
      }
      case 'opt_out':
        if (
          this.results.optOut(s.phone, s.channel, s.scope === 'all' ? ['marketing', 'service'] : ['marketing'], `${s.source} [${s.evidenceId}]`, at)
        )
          counts.optOuts++;
        return;
      case 'resume': {
        // Never a consent by itself: kept as a reply the shop sees, the register keeps its answer.
        const r = receiveInbound(
          this.ctx,
          api['inbound.receive'].input.parse({
            from: s.phone,
            channel: s.channel,
            text: `[${s.source}: marketing resumed]`,
            at: iso(at),
            providerId: s.evidenceId.slice(0, 200),
          }),
          { source: s.source.slice(0, 500) },
        );
        if (!r.duplicate) counts.inbound++;
        return;
      }
      case 'quality': {
        // Account and quality signals are kept for the Health view and the next plan's warnings (issue #16 point 5).
        if (!(QUALITY_TOPICS as readonly string[]).includes(s.topic)) return;
        new HealthRepo(this.ctx.db).recordQuality({
          provider,
          topic: s.topic as QualityTopic,
          value: s.value.slice(0, 60),
          detail: s.detail === null ? null : s.detail.slice(0, 500),
          evidenceId: s.evidenceId.slice(0, 300),
          at,
          receivedAt: now,
        });
        return;
      }
    }
  }

  private countApplied(r: ResultApplied, counts: SyncCounts): void {
    if (r.moved) counts.statuses++;
    if (r.optedOut) counts.optOuts++;
  }
}
