import type { Output, ParsedInput } from '../../../shared/contract/api';
import { AppError } from '../../../shared/contract/errors';
import type { Channel } from '../../../shared/domain/consent/types';
import type { ConfirmationRecord } from '../db/repos/confirmations.repo';
import type { RegisterLock } from '../infra/jobs';
import { appendAudit, type ServiceContext } from '../context';
import { checkMessage } from '../campaigns/lint';
import { isWinback } from '../register/confirmations';
import { resolveActor } from '../register/staff';
import type { Outbox } from './outbox';

/** How often the app hands queued confirmation requests to the outbox on its own while it runs. */
export const CONFIRMATIONS_EVERY_MS = 5 * 60_000;

/** What a wave needs: the register, its lock and the outbox that runs campaigns. */
export interface WaveDeps {
  ctx: ServiceContext;
  lock: RegisterLock;
  outbox: Outbox;
}

type Kind = 'request' | 'winback';
type WaveOut = Output<'confirmations.send'>['waves'][number];

/** A confirmation's kind, from its request (register/confirmations.ts). */
const kindOf = (ctx: ServiceContext, c: Pick<ConfirmationRecord, 'requestEventId'>): Kind =>
  isWinback(ctx, c.requestEventId) ? 'winback' : 'request';

/**
 * The provider that carries `channel` for confirmation requests: the one named, when it carries the channel, else
 * the first configured provider (by name) that does. Null: nobody can carry it yet.
 */
function providerFor(deps: WaveDeps, channel: Channel, named: string | undefined): string | null {
  const names = named !== undefined ? [named] : deps.ctx.outbox.listProviders().map((p) => p.name);
  for (const name of names) {
    try {
      if (deps.outbox.adapterFor(name).channels.includes(channel)) return name;
    } catch (err) {
      // A named provider that does not exist is the caller's mistake; a broken one among many is passed over.
      if (named !== undefined) throw err;
    }
  }
  return null;
}

/**
 * confirmations.send: hand every queued double opt-in confirmation request to the outbox. Requests whose deadline
 * passed first lapse (never sent late). The rest go in waves — one system campaign per channel, language and kind
 * (its text is the request's own wording, linted like any message) — that the one runner carries: the gate is
 * asked for each recipient as a confirmation request right before its hand-off (an opt-out since stops it, quiet
 * hours defer it), with the pacing, retries and crash recovery of any campaign.
 */
export async function sendConfirmations(deps: WaveDeps, input: ParsedInput<'confirmations.send'>): Promise<Output<'confirmations.send'>> {
  const { ctx, lock, outbox } = deps;
  const planned = await lock.run(() => {
    const now = ctx.clock.now();
    const actor = resolveActor(ctx, input.staff);
    if (input.provider !== undefined && !ctx.outbox.getProvider(input.provider))
      throw new AppError(
        'NOT_FOUND',
        'providers.notFound',
        { name: input.provider },
        { fields: [{ path: 'provider', key: 'providers.unknownProvider' }] },
      );
    const expired = ctx.confirmations.expireQueued(now);
    const groups = new Map<string, ConfirmationRecord[]>();
    for (const c of ctx.confirmations.queued(now)) {
      const key = JSON.stringify([c.channel, c.language, kindOf(ctx, c), c.text]);
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    const waves: { batch: number; channel: Channel; language: 'en' | 'ru'; kind: Kind; provider: string; queued: number }[] = [];
    const noProvider = new Map<Channel, number>();
    for (const rows of groups.values()) {
      const first = rows[0]!;
      const provider = providerFor(deps, first.channel, input.provider);
      if (provider === null) {
        noProvider.set(first.channel, (noProvider.get(first.channel) ?? 0) + rows.length);
        continue;
      }
      const kind = kindOf(ctx, first);
      const lint = checkMessage(ctx, {
        text: first.text,
        channel: first.channel,
        purpose: 'service',
        kind: 'doi_request',
        language: first.language,
        locale: 'en',
      });
      ctx.db.transaction(() => {
        const batch = ctx.batches.insert({
          name: `${kind === 'winback' ? 'Win-back confirmation requests' : 'Double opt-in confirmations'} (${first.channel}, ${first.language})`,
          channel: first.channel,
          purpose: 'service',
          text: first.text,
          audience: { tags: [], confirm: kind },
          plannedAt: now,
          createdAt: now,
          createdBy: actor,
          lintOk: lint.ok,
          lint: lint as unknown as Record<string, unknown>,
          counts: { confirmations: rows.length },
          state: 'planned',
        });
        ctx.outbox.insertRun({
          batchId: batch.id,
          providers: { [first.channel]: provider },
          template: null,
          fallbackAfterMs: null,
          startedAt: now,
          startedBy: actor,
        });
        for (const c of rows) {
          const contact = ctx.contacts.get(c.contactId);
          if (!contact) continue;
          ctx.outbox.enqueue({ batchId: batch.id, contactId: c.contactId, step: 0, channel: c.channel, phone: contact.phone, dueAt: now, at: now });
        }
        ctx.confirmations.handToWave(
          rows.map((c) => c.id),
          batch.id,
          now,
        );
        ctx.outbox.setBatchState(batch.id, 'sending');
        appendAudit(ctx, actor, 'confirmations.wave', `batch:${batch.id}`, {
          kind,
          channel: first.channel,
          language: first.language,
          provider,
          queued: rows.length,
        });
        waves.push({ batch: batch.id, channel: first.channel, language: first.language, kind, provider, queued: rows.length });
      })();
    }
    if (expired > 0) appendAudit(ctx, actor, 'confirmations.expired', 'confirmations', { expired });
    // Waves left unfinished (the process stopped mid-wave): carried on too, with the runner's recovery first.
    const fresh = new Set(waves.map((w) => w.batch));
    for (const run of ctx.outbox.openRuns()) {
      const batch = ctx.batches.get(run.batchId);
      if (!batch?.audience.confirm || fresh.has(batch.id) || run.pausedReason !== null) continue;
      const channel = batch.channel === 'whatsapp' ? 'whatsapp' : 'sms';
      const wave = ctx.confirmations.wave(batch.id);
      waves.push({
        batch: batch.id,
        channel,
        language: wave.language,
        kind: batch.audience.confirm,
        provider: run.providers[channel] ?? '',
        queued: wave.count,
      });
    }
    return { expired, waves, noProvider };
  });
  for (const w of planned.waves) {
    if (input.wait) await outbox.drain(w.batch, input.maxWaitSeconds * 1000);
    else outbox.start(w.batch);
  }
  return lock.run(() => ({
    expired: planned.expired,
    waves: planned.waves.map((w): WaveOut => {
      const p = outbox.progress(w.batch);
      return { ...w, sent: p.sent, skipped: p.skipped, pending: p.pending, failed: p.failed };
    }),
    noProvider: [...planned.noProvider].map(([channel, waiting]) => ({ channel, waiting })),
  }));
}

/**
 * The app's own timer: hand queued confirmation requests to the outbox now and every {@link CONFIRMATIONS_EVERY_MS},
 * in the background. Returns the stop function. A failed round is reported and the next one tries again.
 */
export function startConfirmationTimer(deps: WaveDeps, onError: (err: unknown) => void, everyMs = CONFIRMATIONS_EVERY_MS): () => void {
  let running = false;
  const round = () => {
    if (running) return;
    running = true;
    void lock(deps)
      .then((due) => (due ? sendConfirmations(deps, { wait: false, maxWaitSeconds: 120 }) : null))
      .catch(onError)
      .finally(() => {
        running = false;
      });
  };
  const first = setTimeout(round, 1_000);
  first.unref();
  const timer = setInterval(round, everyMs);
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}

/** Whether anything waits for a wave at all (most rounds: nothing, and nothing is written). */
function lock(deps: WaveDeps): Promise<boolean> {
  return deps.lock.run(() => deps.ctx.confirmations.anyQueued(), { retryBusy: false });
}
