import { ref } from '../../../shared/contract/said';
import { isMessageableReach } from '../../../shared/domain/phone/reach';
import { AppError } from '../../../shared/contract/errors';
import type { Contact, ParsedInput, Output } from '../../../shared/contract/api';
import { normalizePhone, type NormalizedPhone } from '../../../shared/domain/phone/normalize';
import type { ContactRecord } from '../db/repos/contacts.repo';
import { appendAudit, iso, type ServiceContext } from '../context';
import { getSettings } from './settings';
import { resolveActor } from './staff';
import { toApiEvent, consentCells, registerNow } from './consent';
import { primaryOf } from './person';

/** Contact record → contract shape. */
export function toContact(c: ContactRecord): Contact {
  return {
    id: c.id,
    phone: c.phone,
    name: c.name,
    email: c.email,
    locale: c.locale,
    country: c.country,
    externalId: c.externalId,
    tags: c.tags,
    reach: c.reach,
    messageable: isMessageableReach(c.reach),
    otherPhones: c.otherPhones,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
    mergedInto: c.mergedInto ?? null,
    erasureRequestedAt: c.erasureRequestedAt ? iso(c.erasureRequestedAt) : null,
    erasedAt: c.erasedAt ? iso(c.erasedAt) : null,
  };
}

/** Normalise a typed phone with the shop's (or the given) country, or refuse naming the field. */
export function parsePhoneOrThrow(ctx: ServiceContext, phone: string, country?: string, field = 'phone'): NormalizedPhone {
  const p = normalizePhone(phone, country ?? getSettings(ctx).defaultCountry);
  if (!p.ok) {
    throw new AppError(
      'INVALID_PHONE',
      'phone.refused',
      { field, problem: ref(`phone.${p.reason}`), phone: phone.slice(0, 40) },
      { fields: [{ path: field, key: `phone.${p.reason}` }], reason: p.reason },
    );
  }
  return p.value;
}

/** Insert a new contact for a normalised number; the caller runs it inside its transaction. */
export function insertContact(
  ctx: ServiceContext,
  phone: NormalizedPhone,
  fields: {
    name?: string | undefined;
    email?: string | undefined;
    locale?: 'en' | 'ru' | undefined;
    externalId?: string | undefined;
    tags?: string[] | undefined;
  },
  actor: string,
): ContactRecord {
  const now = ctx.clock.now();
  const c = ctx.contacts.insert({
    phone: phone.e164,
    nationalNumber: phone.nationalNumber,
    name: fields.name ?? '',
    email: fields.email ?? null,
    locale: fields.locale ?? null,
    country: phone.country,
    externalId: fields.externalId ?? null,
    tags: [...new Set(fields.tags ?? [])],
    reach: phone.reach,
    otherPhones: [],
    importBatchId: null,
    createdAt: now,
    updatedAt: now,
  });
  appendAudit(ctx, actor, 'contact.created', `contact:${c.id}`, {
    fields: Object.keys(fields).filter((k) => (fields as Record<string, unknown>)[k] !== undefined),
  });
  return c;
}

/** contacts.add: refuse a duplicate number, naming the existing contact. */
export function addContact(ctx: ServiceContext, input: ParsedInput<'contacts.add'>): Contact {
  const phone = parsePhoneOrThrow(ctx, input.phone, input.country);
  const actor = resolveActor(ctx, input.staff);
  return ctx.db.transaction(() => {
    const existing = ctx.contacts.getByPhone(phone.e164);
    if (existing)
      throw new AppError(
        'CONFLICT',
        'contacts.exists',
        { phone: phone.e164, contactId: existing.id },
        { fields: [{ path: 'phone', key: 'contacts.alreadyInRegister' }], contactId: existing.id },
      );
    return toContact(insertContact(ctx, phone, input, actor));
  })();
}

/** contacts.update: identity fields only; the number is the key consent is bound to and does not change. */
export function updateContact(ctx: ServiceContext, input: ParsedInput<'contacts.update'>): Contact {
  const actor = resolveActor(ctx, input.staff);
  return ctx.db.transaction(() => {
    const c = ctx.contacts.get(input.id);
    if (!c) throw new AppError('NOT_FOUND', 'contacts.notFound', { field: 'id', contactId: input.id });
    const next: ContactRecord = {
      ...c,
      name: input.name ?? c.name,
      email: input.email === undefined ? c.email : input.email,
      locale: input.locale === undefined ? c.locale : input.locale,
      externalId: input.externalId === undefined ? c.externalId : input.externalId || null,
      tags: input.tags ? [...new Set(input.tags)] : c.tags,
      updatedAt: ctx.clock.now(),
    };
    ctx.contacts.update(next);
    appendAudit(ctx, actor, 'contact.updated', `contact:${c.id}`, { fields: Object.keys(input).filter((k) => k !== 'id' && k !== 'staff') });
    return toContact(next);
  })();
}

/** Find a contact by id or typed phone, or refuse. */
export function findContact(ctx: ServiceContext, loc: { contactId?: number | undefined; phone?: string | undefined }): ContactRecord {
  if (loc.contactId !== undefined) {
    const c = ctx.contacts.get(loc.contactId);
    if (!c) throw new AppError('NOT_FOUND', 'contacts.notFound', { field: 'contactId', contactId: loc.contactId });
    return c;
  }
  const phone = parsePhoneOrThrow(ctx, loc.phone ?? '');
  const c = ctx.contacts.getByPhone(phone.e164);
  if (!c) throw new AppError('NOT_FOUND', 'contacts.phoneNotInRegister', { phone: phone.e164 });
  return c;
}

/** contacts.get: the contact, its consents now, and its whole timeline (newest first). */
export function getContact(ctx: ServiceContext, input: ParsedInput<'contacts.get'>): Output<'contacts.get'> {
  const c = findContact(ctx, input);
  const events = ctx.consent.eventsForContact(c.id);
  // The codes of the forms its events cite (most contacts cite none, or one).
  const formIds = new Set(events.flatMap((e) => (e.formVersionId === null ? [] : [e.formVersionId])));
  const formCodes = new Map<number, string>();
  for (const id of formIds) {
    const f = ctx.forms.get(id);
    if (f) formCodes.set(id, f.code);
  }
  return {
    contact: toContact(c),
    consents: consentCells(ctx, c, events, registerNow(ctx)),
    timeline: events
      .slice()
      .sort((a, b) => b.occurredAt - a.occurredAt || b.id - a.id)
      .map((e) => toApiEvent(e, formCodes)),
    primary: primaryOf(ctx, c),
  };
}
