import { marketingOfPage } from '../campaigns/audience';
import { isMessageableReach } from '../../../shared/domain/phone/reach';
import { AppError } from '../../../shared/contract/errors';
import type { Contact, ParsedInput, Output } from '../../../shared/contract/api';
import { describePhoneRefusal, normalizePhone, type NormalizedPhone } from '../../../shared/domain/phone/normalize';
import { nameKey, searchSource, type ContactRecord, type ListPosition, type ListSource } from '../db/repos/contacts.repo';
import { appendAudit, iso, type ServiceContext } from '../context';
import { getSettings } from './settings';
import { resolveActor } from './staff';
import { toApiEvent, consentCells } from './consent';

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
  };
}

/** Normalise a typed phone with the shop's (or the given) country, or refuse naming the field. */
export function parsePhoneOrThrow(ctx: ServiceContext, phone: string, country?: string, field = 'phone'): NormalizedPhone {
  const p = normalizePhone(phone, country ?? getSettings(ctx).defaultCountry);
  if (!p.ok) {
    throw new AppError(
      'INVALID_PHONE',
      'phone.refused',
      { field, problem: describePhoneRefusal(p.reason), phone: phone.slice(0, 40) },
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

/**
 * A search is counted exactly up to this many matches; past it the list says "1,000+". Counted on every keystroke,
 * so it stays cheap: 10,000 made search-as-you-type 20× slower than the page itself on a broad prefix.
 */
export const SEARCH_COUNT_CAP = 1_000;

/** The text that identifies a search for its cursors: two spellings that fold alike are one search. */
const searchIdentity = (query: string): string => nameKey(query);

/** A cursor: where a page ended, and for which search (opaque to callers; base64url of JSON). */
function encodeCursor(query: string, at: ListPosition): string {
  return Buffer.from(JSON.stringify([1, searchIdentity(query), at.key, at.id])).toString('base64url');
}

function decodeCursor(cursor: string, query: string): ListPosition {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parts = null;
  }
  const ok =
    Array.isArray(parts) &&
    parts.length === 4 &&
    parts[0] === 1 &&
    typeof parts[1] === 'string' &&
    typeof parts[2] === 'string' &&
    Number.isSafeInteger(parts[3]) &&
    (parts[3] as number) >= 0;
  if (!ok) throw new AppError('VALIDATION_FAILED', 'contacts.cursorInvalid', {}, { fields: [{ path: 'cursor', key: 'contacts.notACursor' }] });
  const [, search, key, id] = parts as [1, string, string, number];
  if (search !== searchIdentity(query))
    throw new AppError('VALIDATION_FAILED', 'contacts.cursorOtherSearch', {}, { fields: [{ path: 'cursor', key: 'contacts.otherSearch' }] });
  return { key, id };
}

/**
 * contacts.list: a page of the whole list (in name order) or of a search, by offset or by the cursor of the page
 * before, with marketing status per channel and the gate's answer for it, the count (a search's exact up to
 * {@link SEARCH_COUNT_CAP}) and the cursor of the next page.
 */
export function listContacts(ctx: ServiceContext, input: ParsedInput<'contacts.list'>): Output<'contacts.list'> {
  const query = input.query?.trim() ?? '';
  if (input.cursor !== undefined && input.offset > 0)
    throw new AppError('VALIDATION_FAILED', 'contacts.offsetWithCursor', {}, { fields: [{ path: 'offset', key: 'contacts.offsetOrCursor' }] });
  const source: ListSource | null = query ? searchSource(query) : { kind: 'all' };
  if (!source) return { contacts: [], total: 0, nextCursor: null };
  const from = input.cursor !== undefined ? { after: decodeCursor(input.cursor, query) } : { offset: input.offset };
  const page = ctx.contacts.list(source, from, input.limit);
  // A first page that is not full is the whole answer: no count to ask for.
  const whole = !('after' in from) && from.offset === 0 && page.rows.length < input.limit && source.kind !== 'all';
  const count = whole ? { total: page.rows.length } : ctx.contacts.countOf(source, SEARCH_COUNT_CAP);
  const now = ctx.clock.now();
  const gated = marketingOfPage(ctx, page.rows, now);
  return {
    contacts: page.rows.map((r) => ({ ...toContact(r), ...gated.get(r.id)! })),
    ...('total' in count ? { total: count.total } : { total: null, atLeast: count.atLeast }),
    nextCursor: page.rows.length === input.limit && page.last ? encodeCursor(query, page.last) : null,
  };
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
    consents: consentCells(ctx, c, events, ctx.clock.now()),
    timeline: events
      .slice()
      .sort((a, b) => b.occurredAt - a.occurredAt || b.id - a.id)
      .map((e) => toApiEvent(e, formCodes)),
  };
}
