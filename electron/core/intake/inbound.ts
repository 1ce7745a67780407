import { AppError } from '../../../shared/contract/errors';
import { said, storeSaid, type Said } from '../../../shared/contract/said';
import { api, type ConsentEvent, type Output, type ParsedInput } from '../../../shared/contract/api';
import { classifyInbound, DEFAULT_KEYWORDS, withdrawsMarketing } from '../../../shared/domain/keywords/classify';
import { normalizeSender } from '../../../shared/domain/phone/normalize';
import { Channels, type Channel, type Purpose } from '../../../shared/domain/consent/types';
import { revocationTargets } from '../../../shared/domain/consent/decide';
import type { PolicyPack } from '../../../shared/domain/policy/policy';
import { appendAudit, iso, type ServiceContext } from '../context';
import { sha256Hex } from '../infra/hash';
import { getSettings } from '../register/settings';
import { resolveActor } from '../register/staff';
import { findContact, insertContact, parsePhoneOrThrow } from '../register/contacts';
import { consentCells, recordConsent, registerNow } from '../register/consent';
import { WINBACK_SOURCE } from '../register/confirmations';

/** The answer to a message whose provider id was received before (a provider's retry, a sync run twice): nothing new. */
export function alreadyReceived(ctx: ServiceContext, providerId: string): Output<'inbound.receive'> | null {
  const seen = ctx.inbound.byProviderId(providerId);
  if (!seen) return null;
  const already = said('inbound.alreadyReceived');
  return {
    messageId: seen.id,
    duplicate: true,
    classified: seen.intent,
    formCode: seen.formCode,
    events: [],
    note: already.message,
    noteSaid: already,
  };
}

/**
 * inbound.receive: store the message, classify it with the pack's keywords and act at once. An opt-out is
 * recorded before anything else can happen and even for an unknown number; an opt-in with a form code grants
 * (or, under double opt-in, requests) on the channel it came from; "YES" confirms what is pending there.
 * A provider id seen before is answered from the first delivery and changes nothing.
 */
export function receiveInbound(
  ctx: ServiceContext,
  input: ParsedInput<'inbound.receive'>,
  /**
   * `source`: where a fetched reply came from (provider sync names the provider and its message id), kept in the evidence.
   * `fromAnySender`: a message from a sender that is not a phone number (an operator's or a service's name) and not
   * an opt-out is kept, linked to no customer and acted on for no one (provider sync: a reply the provider holds is
   * never lost); without it, such a sender is refused as a wrong number (a reply entered by hand).
   */
  opts: { source?: string | undefined; fromAnySender?: boolean } = {},
): Output<'inbound.receive'> {
  const settings = getSettings(ctx);
  if (input.providerId) {
    const seen = alreadyReceived(ctx, input.providerId);
    if (seen) return seen;
  }
  const now = registerNow(ctx);
  const at = input.at ? Date.parse(input.at) : now;
  if (at > now + 5 * 60 * 1000)
    throw new AppError('FUTURE_DATE', 'inbound.futureAt', { at: input.at ?? '' }, { fields: [{ path: 'at', key: 'common.inFuture' }] });
  const c = classifyInbound(input.text, DEFAULT_KEYWORDS, settings.effectivePolicy.optOutKeywords);
  const parsed = normalizeSender(input.from, settings.defaultCountry);
  // An opt-out (or a complaint) from a number the metadata rejects is still honoured (recordConsent keeps it); anything
  // else needs a valid number, or is only kept (fromAnySender).
  const notFromNumber = !parsed.ok && !withdrawsMarketing(c.intent);
  if (notFromNumber && !opts.fromAnySender) parsePhoneOrThrow(ctx, input.from, undefined, 'from');
  const actor = resolveActor(ctx, input.staff);
  const evidenceNote = input.text.slice(0, 500);

  return ctx.db.transaction(() => {
    let contact = parsed.ok ? ctx.contacts.getByPhone(parsed.value.e164) : undefined;
    if (!contact && parsed.ok && c.intent !== 'help' && c.intent !== 'other') contact = insertContact(ctx, parsed.value, {}, actor);
    const message = ctx.inbound.insert({
      providerId: input.providerId ?? null,
      channel: input.channel,
      fromPhone: parsed.ok ? parsed.value.e164 : input.from.trim(),
      toPhone: input.to ?? null,
      text: input.text,
      receivedAt: at,
      recordedAt: now,
      intent: c.intent,
      formCode: c.formCode,
      contactId: contact?.id ?? null,
    });
    const evidence = { inboundMessageId: String(message.id), note: evidenceNote, ...(opts.source ? { source: opts.source } : {}) };
    const events: ConsentEvent[] = [];
    let note: Said | null = null;
    const record = (raw: Record<string, unknown>) => {
      const r = recordConsent(ctx, api['consent.record'].input.parse(raw));
      events.push(...r.events);
      return r;
    };
    const who = contact ? { contactId: contact.id } : { phone: parsed.ok ? parsed.value.e164 : input.from };

    // Not from a number: kept with a note, nothing done for anyone (the switch below takes no case).
    if (notFromNumber) note = said('inbound.notFromNumber');
    switch (notFromNumber ? null : c.intent) {
      case 'opt_out': {
        // The person asked, not the number: recordConsent revokes on every number of the person (a merged person's
        // primary that campaigns reach and its other numbers; a contact keeping this number among its other numbers),
        // each event naming this very message as its evidence.
        // A withdrawal of the personal-data consent is recorded as the staff would record it (purpose personal_data):
        // revocationTargets takes it to that consent and to marketing on every channel, so it stops marketing at once
        // under every pack, and a later START alone cannot make marketing sendable where the pack needs that consent.
        const r = record({
          ...who,
          channel: input.channel,
          purpose: c.personalData ? 'personal_data' : 'marketing',
          action: 'revoke',
          method: 'inbound_keyword',
          occurredAt: iso(at),
          staff: input.staff,
          evidence,
        });
        contact = r.contact.id ? (ctx.contacts.get(r.contact.id) ?? contact) : contact;
        break;
      }
      case 'opt_in': {
        const form = c.formCode ? ctx.forms.byCode(c.formCode) : undefined;
        if (c.formCode && !form) {
          note = said('inbound.noForm', { code: c.formCode });
          break;
        }
        if (form && !form.channels.includes(input.channel)) {
          note = said('inbound.formChannel', { code: form.code, channel: input.channel });
          break;
        }
        // The wording names what the customer agreed to; a bare START agrees to marketing on this channel.
        const purposes: Purpose[] = form ? form.purposes : ['marketing'];
        for (const purpose of purposes) {
          const r = record({
            ...who,
            channel: input.channel,
            purpose,
            action: 'grant',
            method: form ? 'qr_keyword' : 'inbound_keyword',
            occurredAt: iso(at),
            staff: input.staff,
            evidence: { ...evidence, ...(form ? { formVersionId: form.id } : {}) },
          });
          if (r.downgraded) note = r.downgraded.said;
        }
        break;
      }
      case 'confirm': {
        if (!contact) break;
        const cells = consentCells(ctx, contact, ctx.consent.eventsForContact(contact.id), at).filter(
          (x) => x.channel === input.channel && x.status === 'pending',
        );
        // A YES to a win-back the shop sent (a claim or a lapsed consent it asked about): the question and this answer
        // become the proof — a request naming the win-back, confirmed by this reply, both through the one append.
        let winback = cells.length === 0 ? ctx.confirmations.openWinback(contact.id, input.channel, at) : undefined;
        // A STOP after the question declined it: the win-back is closed, and a YES now does not undo the opt-out (the
        // customer may send START, an opt-in of its own). A win-back only asks about a claim or a lapsed consent, so a
        // marketing cell that reads revoked now was revoked after the question.
        if (winback && revokedMarketing(ctx, contact, input.channel, at)) {
          winback = undefined;
          note = said('inbound.winbackDeclined');
          break;
        }
        if (winback) {
          record({
            contactId: contact.id,
            channel: input.channel,
            purpose: 'marketing',
            action: 'request',
            method: 'inbound_keyword',
            occurredAt: iso(at),
            staff: input.staff,
            evidence: {
              ...evidence,
              source: WINBACK_SOURCE,
              note: storeSaid('note.winbackConfirmation', { id: winback.id, text: winback.text.slice(0, 400) }),
            },
          });
          record({
            contactId: contact.id,
            channel: input.channel,
            purpose: 'marketing',
            action: 'confirm',
            method: 'inbound_keyword',
            occurredAt: iso(at),
            staff: input.staff,
            evidence,
          });
          break;
        }
        if (cells.length === 0) note = said('inbound.nothingPending');
        for (const cell of cells)
          record({
            contactId: contact.id,
            channel: cell.channel,
            purpose: cell.purpose,
            action: 'confirm',
            method: 'inbound_keyword',
            occurredAt: iso(at),
            staff: input.staff,
            evidence,
          });
        break;
      }
      case 'complaint': {
        // Kept on the complaints list (under the number it came from), and marketing withdrawn on every channel (see
        // withdrawsMarketing): the same revocations a STOP makes, with this message as their evidence.
        for (const channel of complaintChannels(input.channel, settings.effectivePolicy))
          record({
            ...who,
            channel,
            purpose: 'marketing',
            action: 'revoke',
            method: 'inbound_keyword',
            occurredAt: iso(at),
            staff: input.staff,
            evidence,
          });
        // A complaint that also withdraws the personal-data consent ("это спам, удалите мои данные"): recorded as that.
        if (c.personalData)
          record({
            ...who,
            channel: input.channel,
            purpose: 'personal_data',
            action: 'revoke',
            method: 'inbound_keyword',
            occurredAt: iso(at),
            staff: input.staff,
            evidence,
          });
        // At the instant its revocations count from (the time rule: never ahead of its receipt).
        if (contact)
          ctx.inbound.insertComplaint({
            contactId: contact.id,
            inboundMessageId: message.id,
            note: evidenceNote,
            at: Math.min(at, now),
            recordedBy: actor,
          });
        break;
      }
      default:
        break;
    }
    // The reply's whole text by its SHA-256 (the events keep its first 500 characters): audit verify holds the stored reply to it.
    appendAudit(ctx, actor, 'inbound.received', `inbound:${message.id}`, {
      intent: c.intent,
      events: events.map((e) => e.id),
      sha256: sha256Hex(input.text),
    });
    return {
      messageId: message.id,
      duplicate: false,
      classified: c.intent,
      formCode: c.formCode,
      events,
      note: note?.message ?? null,
      noteSaid: note,
    };
  })();
}

/** Whether the contact's marketing on this channel is revoked at `at` (a STOP answered a win-back question). */
function revokedMarketing(ctx: ServiceContext, contact: Parameters<typeof consentCells>[1], channel: string, at: number): boolean {
  return consentCells(ctx, contact, ctx.consent.eventsForContact(contact.id), at).some(
    (x) => x.channel === channel && x.purpose === 'marketing' && x.status === 'revoked',
  );
}

/**
 * The channels a complaint's revocations are recorded on, the channel it came on first: marketing is withdrawn on
 * every channel (a complaint objects to the shop's marketing, not to one channel of it), one revocation per channel
 * the pack's revocation scope does not already reach from an earlier one.
 */
function complaintChannels(first: Channel | null, policy: PolicyPack): Channel[] {
  const reached = new Set<Channel>();
  const out: Channel[] = [];
  for (const channel of first ? [first, ...Channels.filter((c) => c !== first)] : Channels) {
    if (reached.has(channel)) continue;
    out.push(channel);
    for (const t of revocationTargets(channel, 'marketing', policy)) reached.add(t.channel);
  }
  return out;
}

/**
 * complaints.record: staff mark a complaint against a contact (a call, a word at the till). A complaint withdraws
 * marketing (see withdrawsMarketing): here on every channel, as the customer did not say which, in the same
 * transaction, each revocation naming the complaint.
 */
export function recordComplaint(ctx: ServiceContext, input: ParsedInput<'complaints.record'>): Output<'complaints.record'> {
  const contact = findContact(ctx, input);
  const actor = resolveActor(ctx, input.staff);
  const policy = getSettings(ctx).effectivePolicy;
  return ctx.db.transaction(() => {
    const at = ctx.clock.now();
    const id = ctx.inbound.insertComplaint({ contactId: contact.id, inboundMessageId: null, note: input.note, at, recordedBy: actor });
    const events: ConsentEvent[] = [];
    for (const channel of complaintChannels(null, policy)) {
      const r = recordConsent(
        ctx,
        api['consent.record'].input.parse({
          contactId: contact.id,
          channel,
          purpose: 'marketing',
          action: 'revoke',
          method: 'verbal_in_store',
          occurredAt: iso(at),
          staff: input.staff,
          evidence: { note: storeSaid('note.complaint', { id, note: input.note.slice(0, 500) }) },
        }),
      );
      events.push(...r.events);
    }
    appendAudit(ctx, actor, 'complaint.recorded', `contact:${contact.id}`, { complaint: id, events: events.map((e) => e.id) });
    return { id, events };
  })();
}

/** complaints.list: newest first. */
export function listComplaints(ctx: ServiceContext, input: ParsedInput<'complaints.list'>): Output<'complaints.list'> {
  return {
    complaints: ctx.inbound.complaints(input.offset, input.limit).map((k) => ({
      id: k.id,
      contactId: k.contactId,
      phone: k.phone,
      name: k.name,
      text: k.text,
      note: k.note,
      at: iso(k.at),
      recordedBy: k.recordedBy,
    })),
  };
}
