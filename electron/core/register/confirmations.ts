import type { Output, ParsedInput } from '../../../shared/contract/api';
import { storeSaid } from '../../../shared/contract/said';
import { confirmationText } from '../../../shared/domain/forms/confirmation';
import type { Channel } from '../../../shared/domain/consent/types';
import type { EventRecord } from '../db/repos/consent.repo';
import { consentCells } from './consent';
import { iso, type ServiceContext } from '../context';
import { getSettings } from './settings';

/** The evidence source of a win-back: the shop asked someone whose marketing was only claimed or expired to confirm. */
export const WINBACK_SOURCE = storeSaid('note.winbackSource');

/**
 * Whether a confirmation is a win-back (the shop's question about a claim or a lapsed consent), not the follow-up of
 * the customer's own opt-in: a win-back stands on the claim's (or the lapsed consent's) event, never on a request.
 */
export function isWinback(ctx: ServiceContext, requestEventId: number): boolean {
  const e = ctx.consent.eventById(requestEventId);
  return e !== undefined && e.action !== 'request';
}

/** Countries whose customers get Russian wording when nothing else says which language they read. */
export const RUSSIAN_SPEAKING = new Set(['RU', 'BY', 'KZ', 'KG']);

/**
 * Keep the double opt-in queue in step with events just appended (inside their transaction): a request queues
 * one confirmation message per contact and channel; an opt-out, or a confirmation that came first, cancels what
 * has not gone yet — nobody who said STOP is sent even the confirmation request.
 */
export function settleConfirmations(ctx: ServiceContext, appended: readonly EventRecord[]): void {
  const now = ctx.clock.now();
  let anyQueued: boolean | null = null;
  const queued = () => (anyQueued ??= ctx.confirmations.anyQueued());
  for (const e of appended) {
    if (e.action === 'revoke') {
      if (queued()) ctx.confirmations.cancelQueued(e.contactId, e.channel, 'opted_out', now);
    } else if (e.action === 'confirm' || e.action === 'grant') {
      if (queued()) ctx.confirmations.cancelQueued(e.contactId, e.channel, 'confirmed', now);
    } else if (
      e.action === 'request' &&
      // A request a CRM file reports (an imported "pending") queues nothing: a confirmation request is itself a mailing,
      // and the file's word proves nobody asked; the win-back door asks such people, under its own rules.
      e.method !== 'import' &&
      e.expiresAt !== null &&
      e.expiresAt > now &&
      isPending(ctx, e) &&
      !ctx.confirmations.open(e.contactId, e.channel, now)
    ) {
      // An older message whose request lapsed unanswered is never sent now: the new request replaces it.
      if (queued()) ctx.confirmations.cancelQueued(e.contactId, e.channel, 'expired', now);
      const contact = ctx.contacts.get(e.contactId);
      const settings = getSettings(ctx);
      const form = e.formVersionId !== null ? ctx.forms.get(e.formVersionId) : undefined;
      const language = form?.language ?? contact?.locale ?? (RUSSIAN_SPEAKING.has(settings.defaultCountry) ? 'ru' : 'en');
      anyQueued = true;
      ctx.confirmations.insert({
        contactId: e.contactId,
        channel: e.channel,
        requestEventId: e.id,
        formVersionId: e.formVersionId,
        language,
        text: confirmationText(language, settings.businessName, e.channel),
        createdAt: now,
        expiresAt: e.expiresAt,
        state: 'queued',
        stateReason: null,
        stateAt: now,
        providerMessageId: null,
      });
    }
  }
}

/** Whether the request left its cell pending (a START from someone already subscribed changes nothing). */
function isPending(ctx: ServiceContext, e: EventRecord): boolean {
  return ctx.consent.statesForContact(e.contactId).some((s) => s.channel === e.channel && s.purpose === e.purpose && s.status === 'pending');
}

type Outcome = Output<'confirmations.list'>['confirmations'][number]['outcome'];

/** What became of the request: read from the register, not from the queue. */
function outcomeOf(ctx: ServiceContext, contactId: number, channel: Channel, requestEventId: number, at: number, expiresAt: number): Outcome {
  const contact = ctx.contacts.get(contactId);
  if (!contact) return 'waiting';
  const events = ctx.consent.eventsForContact(contactId);
  const request = events.find((e) => e.id === requestEventId);
  const cell = consentCells(ctx, contact, events, at).find((c) => c.channel === channel && c.purpose === (request?.purpose ?? 'marketing'));
  switch (cell?.status) {
    case 'pending':
      return 'waiting';
    case 'granted':
      return 'confirmed';
    case 'revoked':
      return 'declined';
    case 'expired':
      return 'expired';
    case 'unproven':
      // A win-back leaves the claim as it is until the YES: waiting within the deadline, lapsed after it.
      return expiresAt > at ? 'waiting' : 'expired';
    default:
      return 'expired';
  }
}

/** The wave (system campaign) a confirmation was handed to, from its state reason `batch:N`. */
const waveOf = (stateReason: string | null): number | null => {
  const m = /^batch:(\d+)$/.exec(stateReason ?? '');
  return m ? Number(m[1]) : null;
};

/** Where a handed-over confirmation's message is in its wave's outbox. */
function deliveryOf(ctx: ServiceContext, contactId: number, stateReason: string | null) {
  const batch = waveOf(stateReason);
  if (batch === null) return { batch, delivery: null };
  const steps = ctx.outbox.stepsOf(batch, contactId);
  return { batch, delivery: steps.length ? steps[steps.length - 1]!.status : null };
}

/** Statuses of an outbox row that mean the message left. */
const LEFT = new Set(['sent', 'delivered', 'read', 'undeliverable', 'unknown']);

/** Over every confirmation: queued, sent (the message left), and what became of the requests. */
function countConfirmations(ctx: ServiceContext, now: number): Output<'confirmations.list'>['counts'] {
  const counts = { queued: 0, sent: 0, confirmed: 0, declined: 0, expired: 0, waiting: 0 };
  for (const c of ctx.confirmations.allRequests()) {
    if (c.state === 'queued') counts.queued++;
    const { delivery } = deliveryOf(ctx, c.contactId, c.stateReason);
    if (delivery !== null && LEFT.has(delivery)) counts.sent++;
    counts[outcomeOf(ctx, c.contactId, c.channel, c.requestEventId, now, c.expiresAt)]++;
  }
  return counts;
}

/** confirmations.list: the double opt-in queue, newest first, each with what became of the request. */
export function listConfirmations(ctx: ServiceContext, input: ParsedInput<'confirmations.list'>): Output<'confirmations.list'> {
  const now = ctx.clock.now();
  return {
    total: ctx.confirmations.count(),
    counts: countConfirmations(ctx, now),
    confirmations: ctx.confirmations.list(input.offset, input.limit).map((c) => ({
      ...deliveryOf(ctx, c.contactId, c.stateReason),
      kind: isWinback(ctx, c.requestEventId) ? ('winback' as const) : ('request' as const),
      id: c.id,
      contactId: c.contactId,
      phone: c.phone,
      name: c.name,
      channel: c.channel,
      language: c.language,
      text: c.text,
      formCode: c.formCode,
      createdAt: iso(c.createdAt),
      expiresAt: iso(c.expiresAt),
      state: c.state,
      stateReason: c.stateReason,
      outcome: outcomeOf(ctx, c.contactId, c.channel, c.requestEventId, now, c.expiresAt),
    })),
  };
}
