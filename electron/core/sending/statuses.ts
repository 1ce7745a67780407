import { api } from '../../../shared/contract/api';
import { ref, storeSaid } from '../../../shared/contract/said';
import type { Channel, Purpose } from '../../../shared/domain/consent/types';
import { normalizePhone } from '../../../shared/domain/phone/normalize';
import { iso, type ServiceContext } from '../context';
import type { OutboxRecord } from '../db/repos/outbox.repo';
import { SyncRepo } from '../db/repos/sync.repo';
import { consentCells, recordConsent, registerNow } from '../register/consent';
import { getSettings } from '../register/settings';
import type { DeliveryUpdate } from './providers/types';

/**
 * The one home of what a provider's delivery result does (issue #16): a campaign's own status poll (runner.ts) and
 * provider sync (sync.ts, by polling or through the relay) both apply results here, so 21610, 30005/30006, a second
 * 30003 and Meta's 131050 mean the same whichever way they arrive.
 */

// A delivery result moves a recipient forward only: sent → delivered → read, or sent → failed/undeliverable.
const FORWARD: Record<string, readonly string[]> = {
  sent: ['delivered', 'read', 'failed', 'undeliverable'],
  delivered: ['read'],
};

/** What one delivery result did. */
export interface ResultApplied {
  /** The recipient moved forward (false: the result was old news, or not this caller's to apply). */
  moved: boolean;
  /** It was an opt-out, and a revocation was recorded for it. */
  optedOut: boolean;
}

/** Delivery results and provider opt-outs, applied inside the caller's turn at the register (its transaction). */
export class DeliveryResults {
  private readonly repo: SyncRepo;

  constructor(private readonly ctx: ServiceContext) {
    this.repo = new SyncRepo(ctx.db);
  }

  /**
   * A delivery result for one recipient: moves it forward only, flags a number the provider calls invalid (30005,
   * 30006…) or unreachable twice (30003), and turns a provider's opt-out (21610, 63014, 131050) into a revocation.
   * `ownRun`: the campaign run that sent the message applies it (a cascade's WhatsApp step while its run goes on is
   * left to that run, which sends the SMS fallback).
   */
  apply(row: OutboxRecord, update: DeliveryUpdate, at: number, opts: { ownRun?: boolean } = {}): ResultApplied {
    const ctx = this.ctx;
    const none = { moved: false, optedOut: false };
    if (!FORWARD[row.status]?.includes(update.status)) return none;
    if (!opts.ownRun) {
      const batch = ctx.batches.get(row.batchId);
      if (batch?.channel === 'cascade' && row.step === 0 && ctx.outbox.getRun(row.batchId)?.finishedAt === null) return none;
    }
    const provider = row.provider ?? '';
    const code = update.code ?? null;
    ctx.outbox.update(
      row.id,
      { status: update.status, reason: code },
      at,
      storeSaid('outbox.statusFromProvider', { status: ref(`outbox.status.${update.status}`) }),
    );
    if (update.action === 'invalid_number') ctx.outbox.flagNumber({ phone: row.phone, reason: 'invalid_number', code: code ?? '', provider, at });
    // Twilio 30003 (handset unreachable) twice for the same number: flagged, so no campaign keeps trying it.
    else if (code === '30003' && this.repo.failuresWithCode(row.phone, code, row.id) > 0)
      ctx.outbox.flagNumber({ phone: row.phone, reason: 'unreachable', code, provider, at });
    let optedOut = false;
    if (update.action === 'opted_out') {
      // Meta 131050 stops marketing only; a carrier-level STOP (Twilio 21610, 63014) stops everything on the channel.
      const purposes: Purpose[] = code === '131050' ? ['marketing'] : ['marketing', 'service'];
      const source = `${provider || 'provider'} ${code ?? 'opt-out'} on message ${row.providerMessageId ?? row.id}`;
      optedOut = this.optOut(row.phone, row.channel, purposes, source, at);
    }
    return { moved: true, optedOut };
  }

  /** A delivery result found by the provider's id of the message (provider sync, the relay). */
  applyByProviderId(provider: string, providerMessageId: string, update: DeliveryUpdate, at: number): ResultApplied {
    const row = this.ctx.outbox.byProviderMessageId(provider, providerMessageId);
    return row ? this.apply(row, update, at) : { moved: false, optedOut: false };
  }

  /**
   * A provider's opt-out: a `provider_feedback` revocation for the purposes given on that channel, through the one
   * append — unless every one of them is already revoked there (the same opt-out seen again, by relay and by polling,
   * changes nothing). A number the register does not know yet is recorded too, so an older consent imported later
   * can never win over it. True when something was recorded.
   */
  optOut(phone: string, channel: Channel, purposes: readonly Purpose[], source: string, at: number): boolean {
    const ctx = this.ctx;
    const parsed = normalizePhone(phone, getSettings(ctx).defaultCountry);
    const contact = parsed.ok ? ctx.contacts.getByPhone(parsed.value.e164) : undefined;
    let todo = [...purposes];
    if (contact) {
      const cells = consentCells(ctx, contact, ctx.consent.eventsForContact(contact.id), registerNow(ctx));
      todo = todo.filter((p) => cells.find((c) => c.channel === channel && c.purpose === p)?.status !== 'revoked');
    }
    if (!todo.length) return false;
    for (const purpose of todo)
      recordConsent(
        ctx,
        api['consent.record'].input.parse({
          ...(contact ? { contactId: contact.id } : { phone }),
          channel,
          purpose,
          action: 'revoke',
          method: 'provider_feedback',
          occurredAt: iso(at),
          evidence: { source: source.slice(0, 500) },
        }),
      );
    return true;
  }
}
