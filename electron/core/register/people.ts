import { AppError } from '../../../shared/contract/errors';
import type { ParsedInput, Output } from '../../../shared/contract/api';
import { isFutureDate } from '../../../shared/domain/consent/decide';
import { Channels, Purposes } from '../../../shared/domain/consent/types';
import { marketingOfPage } from '../campaigns/audience';
import type { ContactRecord } from '../db/repos/contacts.repo';
import { appendAudit, iso, type ServiceContext } from '../context';
import { appendEvents, type PendingEvent } from './consent-log';
import { findContact, parsePhoneOrThrow, toContact } from './contacts';
import { getSettings } from './settings';
import { numbersOfPerson, optOutsCarried } from './person';
import { resolveActor } from './staff';

/**
 * Managing people (issue #17 item 11): merging two contacts that are one person, deleting a contact never asked,
 * and carrying out a deletion request. A consent event carries its number inside its hashed content and audit verify
 * checks it against its contact, so nothing here moves an event or changes a number: a merge LINKS contacts
 * (contacts.merged_into), each number keeps its own history and its own consent decides what may be sent to it.
 */

/** The last four digits of a number, for audit rows that must not keep a deleted contact's number. */
const numberEnd = (phone: string): string => `…${phone.slice(-4)}`;

/** A contact by id or number, where the refusal names the field it came from (`intoPhone` for the primary). */
function locate(ctx: ServiceContext, id: number | undefined, phone: string | undefined, field: 'phone' | 'intoPhone'): ContactRecord {
  if (field === 'phone' || id !== undefined) return findContact(ctx, { contactId: id, phone });
  const p = parsePhoneOrThrow(ctx, phone ?? '', undefined, field);
  const c = ctx.contacts.getByPhone(p.e164);
  if (!c) throw new AppError('NOT_FOUND', 'people.intoNotInRegister', { phone: p.e164 }, { fields: [{ path: field, key: 'people.notInRegister' }] });
  return c;
}

/** contacts.person: the primary a contact was merged into, or the numbers merged into it with their own marketing. */
export function personOf(ctx: ServiceContext, input: ParsedInput<'contacts.person'>): Output<'contacts.person'> {
  return personOfContact(ctx, findContact(ctx, input));
}

export function personOfContact(ctx: ServiceContext, c: ContactRecord): Output<'contacts.person'> {
  if (c.mergedInto) {
    const p = ctx.contacts.get(c.mergedInto);
    return { primary: p ? { contactId: p.id, phone: p.phone, name: p.name } : null, others: [] };
  }
  const others = ctx.contacts.mergedInto(c.id);
  const gated = marketingOfPage(ctx, others, ctx.clock.now());
  return {
    primary: null,
    others: others.map((o) => ({
      contactId: o.id,
      phone: o.phone,
      name: o.name,
      linkedAt: iso(o.updatedAt),
      ...gated.get(o.id)!,
    })),
  };
}

/** contacts.merge: link a contact (and any numbers already linked to it) to a primary contact. */
export function mergeContacts(ctx: ServiceContext, input: ParsedInput<'contacts.merge'>): Output<'contacts.merge'> {
  const actor = resolveActor(ctx, input.staff);
  return ctx.db
    .transaction(() => {
      const from = locate(ctx, input.contactId, input.phone, 'phone');
      const into = locate(ctx, input.intoContactId, input.intoPhone, 'intoPhone');
      if (from.id === into.id)
        throw new AppError(
          'VALIDATION_FAILED',
          'people.intoItself',
          { phone: from.phone },
          { fields: [{ path: 'intoPhone', key: 'people.sameContact' }] },
        );
      if (into.mergedInto) {
        const primary = ctx.contacts.get(into.mergedInto);
        throw new AppError(
          'CONFLICT',
          'people.intoMerged',
          { phone: into.phone, primaryPhone: primary?.phone ?? `contact ${into.mergedInto}` },
          { fields: [{ path: 'intoPhone', key: 'people.isOtherNumber' }], primaryId: into.mergedInto },
        );
      }
      if (from.mergedInto) {
        const primary = ctx.contacts.get(from.mergedInto);
        throw new AppError(
          'CONFLICT',
          'people.alreadyMerged',
          { phone: from.phone, primaryPhone: primary?.phone ?? `contact ${from.mergedInto}` },
          { fields: [{ path: 'phone', key: 'people.isOtherNumber' }], primaryId: from.mergedInto },
        );
      }
      for (const [c, path] of [
        [from, 'phone'],
        [into, 'intoPhone'],
      ] as const)
        if (c.erasedAt) throw new AppError('CONFLICT', 'people.erasedNotMerged', { phone: c.phone }, { fields: [{ path, key: 'people.erased' }] });

      const now = ctx.clock.now();
      // The merged contact's own other numbers come along: one level of links, never a chain.
      const handedOn = ctx.contacts.mergedInto(from.id);
      for (const o of handedOn) ctx.contacts.setMergedInto(o.id, into.id, now);
      ctx.contacts.setMergedInto(from.id, into.id, now);

      // The primary's empty fields are filled from the merged contact; tags are joined. No consent moves.
      const filled: Output<'contacts.merge'>['filled'] = [];
      const next: ContactRecord = { ...into, updatedAt: now };
      const fill = <K extends 'name' | 'email' | 'locale' | 'externalId'>(key: K): void => {
        if (next[key] || !from[key]) return;
        next[key] = from[key];
        filled.push(key);
      };
      fill('name');
      fill('email');
      fill('locale');
      fill('externalId');
      const tags = [...new Set([...into.tags, ...from.tags])];
      if (tags.length !== into.tags.length) {
        next.tags = tags;
        filled.push('tags');
      }
      ctx.contacts.update(next);

      const merged = [from, ...handedOn];
      // An opt-out already given from a joining number now stops the person (dated when it was given).
      const carried = optOutsCarried(ctx, merged, numbersOfPerson(ctx, ctx.contacts.get(into.id)!), actor);
      const appended = carried.length ? appendEvents(ctx, carried, getSettings(ctx).effectivePolicy) : [];
      appendAudit(ctx, actor, 'contact.merged', `contact:${into.id}`, {
        merged: merged.map((m) => ({ id: m.id, phone: m.phone })),
        from: from.id,
        filled,
        // The opt-outs it carried, named as every writer names its events (audit verify: event_unaccounted).
        events: appended.map((e) => e.id),
      });
      return {
        primary: toContact({ ...next, mergedInto: null }),
        merged: merged.map((m) => toContact({ ...ctx.contacts.get(m.id)! })),
        filled,
      };
    })
    .immediate();
}

/** contacts.delete: a contact that was never asked (no consent events, no other records) goes for good. */
export function deleteContact(ctx: ServiceContext, input: ParsedInput<'contacts.delete'>): Output<'contacts.delete'> {
  const actor = resolveActor(ctx, input.staff);
  return ctx.db
    .transaction(() => {
      const c = findContact(ctx, input);
      const events = ctx.consent.eventsForContact(c.id).length;
      if (events > 0) throw new AppError('CONFLICT', 'people.hasEvents', { phone: c.phone, count: events }, { contactId: c.id, events, erase: true });
      const others = ctx.contacts.mergedInto(c.id).length;
      if (others > 0) throw new AppError('CONFLICT', 'people.hasOtherNumbers', { phone: c.phone, count: others }, { contactId: c.id });
      // What an import kept for its undo goes with the contact; anything else naming it (a message sent, a reply, a
      // sheet row, a complaint) is a record that is kept, and so is the contact.
      const records = ctx.contacts.recordsNaming(c.id).filter((t) => t !== 'consent_events' && t !== 'contacts' && t !== 'import_batch_updates');
      if (records.length > 0)
        throw new AppError('CONFLICT', 'people.keptForRecords', { phone: c.phone, records: records.join(', ') }, { contactId: c.id, records });
      ctx.contacts.delete(c.id);
      // The audit row keeps no personal data of the contact gone: its id and its number's last digits.
      appendAudit(ctx, actor, 'contact.deleted', `contact:${c.id}`, { phoneEnd: numberEnd(c.phone), mergedInto: c.mergedInto ?? null });
      return { contactId: c.id, phone: c.phone };
    })
    .immediate();
}

/** What an erasure clears of a contact (and of what imports kept of it for their undo). */
const ERASED_FIELDS = { name: '', email: null, locale: null, externalId: null, tags: [], otherPhones: [] };

/**
 * contacts.erase: carry out a deletion request for the person a number belongs to (152-FZ art. 21, GDPR art. 17).
 * In one transaction: the request in the audit log; a revocation (dated now, when it is carried out) through the
 * consent log of every consent still in force and of marketing on every channel (the proof of the opt-out: an import can never grant this number again);
 * the personal fields erased from the contact and from the import before-images; the completion in the audit log.
 */
export function eraseContact(ctx: ServiceContext, input: ParsedInput<'contacts.erase'>): Output<'contacts.erase'> {
  const actor = resolveActor(ctx, input.staff);
  const now = ctx.clock.now();
  const requestedAt = input.requestedAt === undefined ? now : Date.parse(input.requestedAt);
  if (isFutureDate(requestedAt, now))
    throw new AppError(
      'FUTURE_DATE',
      'people.requestFuture',
      { at: input.requestedAt ?? '' },
      { fields: [{ path: 'requestedAt', key: 'common.inFuture' }] },
    );
  const policy = getSettings(ctx).effectivePolicy;
  return ctx.db
    .transaction(() => {
      const c = findContact(ctx, input);
      const primary = c.mergedInto ? (ctx.contacts.get(c.mergedInto) ?? c) : c;
      if (primary.erasedAt)
        throw new AppError(
          'CONFLICT',
          'people.alreadyErased',
          { phone: primary.phone, date: iso(primary.erasedAt).slice(0, 10) },
          { contactId: primary.id },
        );
      const person = [primary, ...ctx.contacts.mergedInto(primary.id)];
      const ids = person.map((p) => p.id);
      appendAudit(ctx, actor, 'contact.erasure_requested', `contact:${primary.id}`, {
        requestedAt: iso(requestedAt),
        contacts: ids,
        ...(input.reference ? { reference: input.reference } : {}),
      });

      let revocations = 0;
      for (const p of person) {
        const pending: PendingEvent[] = [];
        for (const channel of Channels)
          for (const purpose of Purposes) {
            // Every cell, whatever it says now, revoked at the moment the request is carried out: the erasure is on record
            // with its own time, so a consent dated earlier (a sheet dated from the start of that day, a file's date)
            // can never land after it. Skipping a cell already revoked by an older opt-out let such a consent win.
            pending.push({
              contact: p,
              channel,
              purpose,
              action: 'revoke',
              method: 'verbal_in_store',
              // Carried out now: a consent given after the request (and before this) is withdrawn too.
              occurredAt: now,
              recordedBy: actor,
              formVersionId: null,
              evidence: input.reference ? { note: input.reference } : {},
            });
          }
        if (pending.length === 0) continue;
        const appended = appendEvents(ctx, pending, policy);
        revocations += appended.length;
        appendAudit(ctx, actor, 'consent.recorded', `contact:${p.id}`, {
          events: appended.map((e) => e.id),
          lastHash: appended[appended.length - 1]?.hash ?? null,
        });
      }

      for (const p of person) {
        ctx.contacts.erase(p.id, requestedAt, now);
        ctx.contacts.eraseBeforeImages(p.id, ERASED_FIELDS);
      }
      appendAudit(ctx, actor, 'contact.erased', `contact:${primary.id}`, {
        requestedAt: iso(requestedAt),
        contacts: ids,
        fields: Object.keys(ERASED_FIELDS),
        revocations,
      });
      return {
        erased: ids.map((id) => toContact(ctx.contacts.get(id)!)),
        requestedAt: iso(requestedAt),
        erasedAt: iso(now),
        revocations,
      };
    })
    .immediate();
}
