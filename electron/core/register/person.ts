import type { PrimaryNumber } from '../../../shared/contract/api';
import { storeSaid } from '../../../shared/contract/said';
import type { ContactRecord } from '../db/repos/contacts.repo';
import type { ServiceContext } from '../context';
import type { PendingEvent } from './consent-log';

/**
 * The numbers of one person (contacts linked by a merge, issue #17 item 11): the primary contact first, then its
 * other numbers in the order they were linked. A contact never merged is a person with one number. A campaign
 * reaches the person on the primary number only; an opt-out from any of the numbers reaches all of them.
 */
export function numbersOfPerson(ctx: ServiceContext, contact: ContactRecord): ContactRecord[] {
  const primary = contact.mergedInto ? ctx.contacts.get(contact.mergedInto) : contact;
  if (!primary) return [contact];
  const others = ctx.contacts.mergedInto(primary.id);
  return [primary, ...others];
}

/**
 * The primary contact a number was merged into (the number campaigns reach instead, named by the reason `merged` on
 * this number's cells), or null for a number never merged — or removed, which is no recipient for its own reason.
 */
export function primaryOf(ctx: ServiceContext, contact: ContactRecord): PrimaryNumber | null {
  if (!contact.mergedInto || contact.removedAt) return null;
  const p = ctx.contacts.get(contact.mergedInto);
  return p ? { contactId: p.id, phone: p.phone, name: p.name } : null;
}

/**
 * The other numbers an opt-out for `contact` reaches — "an opt-out from any of the numbers reaches all of them": the
 * person's linked numbers (a merge: the primary and every number merged into it), and the contacts that keep this
 * number among their other numbers (an import's row with several numbers, contacts.other_phones) with their own
 * linked numbers. `contact` itself is not among them. Every door that records an opt-out asks this (recordConsent for
 * staff, inbound replies, the journal, sheets and provider feedback; an import through {@link OptOutReach}). The
 * contacts that keep a number are found through the index of contacts with other numbers (migration 0021).
 */
export function optOutReach(ctx: ServiceContext, contact: ContactRecord): ContactRecord[] {
  const out = new Map<number, ContactRecord>();
  const add = (c: ContactRecord): void => {
    if (c.id !== contact.id && !out.has(c.id)) out.set(c.id, c);
  };
  for (const c of numbersOfPerson(ctx, contact)) add(c);
  for (const holder of ctx.contacts.holdingOtherPhone(contact.phone)) for (const c of numbersOfPerson(ctx, holder)) add(c);
  // And the other way round: the contacts of the numbers this contact keeps among its own other numbers.
  for (const p of contact.otherPhones) {
    const kept = ctx.contacts.getByPhone(p);
    if (kept) for (const c of numbersOfPerson(ctx, kept)) add(c);
  }
  return [...out.values()];
}

/**
 * {@link optOutReach} of an opt-out for `phone` that may have no contact yet (one kept in the journal while the register
 * was busy): the contacts keeping the number among their other numbers, with their linked numbers.
 */
export function optOutReachOfNumber(ctx: ServiceContext, phone: string, contact: ContactRecord | undefined): ContactRecord[] {
  if (contact) return optOutReach(ctx, contact);
  const out = new Map<number, ContactRecord>();
  for (const holder of ctx.contacts.holdingOtherPhone(phone)) for (const c of numbersOfPerson(ctx, holder)) out.set(c.id, c);
  return [...out.values()];
}

/** A number an opt-out reaches, as a writer of many needs it (the one append takes a contact's id and number). */
export type ReachedNumber = Pick<ContactRecord, 'id' | 'phone'>;

/**
 * {@link optOutReach} for a writer of many opt-outs in one transaction (an import): the register's linked numbers and
 * other numbers read once, when the first opt-out asks, and looked up by number after that.
 */
export class OptOutReach {
  private byContact: Map<number, ReachedNumber[]> | null = null;
  private byOtherPhone: Map<string, ReachedNumber[]> | null = null;
  /** The other numbers each contact keeps (only contacts with some). */
  private othersOf: Map<number, readonly string[]> | null = null;

  constructor(private readonly ctx: ServiceContext) {}

  /** The other numbers an opt-out for `phone` (its contact, if it has one yet) reaches, as the register stood when first asked. */
  of(phone: string, contactId: number | null): ReachedNumber[] {
    if (!this.byContact || !this.byOtherPhone || !this.othersOf) this.read();
    const out = new Map<number, ReachedNumber>();
    const add = (c: ReachedNumber): void => {
      if (c.id !== contactId && !out.has(c.id)) out.set(c.id, c);
    };
    if (contactId !== null) for (const c of this.byContact!.get(contactId) ?? []) add(c);
    for (const holder of this.byOtherPhone!.get(phone) ?? []) {
      add(holder);
      for (const c of this.byContact!.get(holder.id) ?? []) add(c);
    }
    // The contacts of the numbers this contact keeps among its own other numbers.
    if (contactId !== null)
      for (const p of this.othersOf!.get(contactId) ?? []) {
        const kept = this.ctx.contacts.getByPhone(p);
        if (!kept) continue;
        add(kept);
        for (const c of this.byContact!.get(kept.id) ?? []) add(c);
      }
    return [...out.values()];
  }

  private read(): void {
    const ctx = this.ctx;
    // A person of several numbers: every contact merged into a primary (few beside the register), and the primaries.
    const people = new Map<number, ReachedNumber[]>();
    for (const m of ctx.contacts.mergedAway()) {
      let members = people.get(m.mergedInto!);
      if (!members) {
        const primary = ctx.contacts.get(m.mergedInto!);
        people.set(m.mergedInto!, (members = primary ? [{ id: primary.id, phone: primary.phone }] : []));
      }
      members.push({ id: m.id, phone: m.phone });
    }
    const byContact = new Map<number, ReachedNumber[]>();
    for (const members of people.values()) for (const c of members) byContact.set(c.id, members);
    const byOtherPhone = new Map<string, ReachedNumber[]>();
    const othersOf = new Map<number, readonly string[]>();
    for (const holder of ctx.contacts.withOtherPhones()) {
      const number = { id: holder.id, phone: holder.phone };
      othersOf.set(holder.id, holder.otherPhones);
      for (const p of holder.otherPhones) {
        const holders = byOtherPhone.get(p);
        if (holders) holders.push(number);
        else byOtherPhone.set(p, [number]);
      }
    }
    this.byContact = byContact;
    this.byOtherPhone = byOtherPhone;
    this.othersOf = othersOf;
  }
}

/**
 * Opt-outs already on record for numbers now joining a person (a merge; a file that lists them among a contact's other
 * numbers), carried to the person's other numbers: every revocation a joining number ever recorded (not only those
 * still in force there — a STOP later followed by a START on that number alone still withdrew the person's consents of
 * before it) is written onto every number of `person`, dated when it was given. The fold puts it in its place: the
 * person's consents from before it stop, those given after it stand, and an older one than a cell's own opt-out changes
 * nothing. Without it a STOP from a number stopped the person only if it came after the link.
 */
export function optOutsCarried(
  ctx: ServiceContext,
  joining: readonly ContactRecord[],
  person: readonly ContactRecord[],
  recordedBy: string,
): PendingEvent[] {
  const joiningIds = new Set(joining.map((j) => j.id));
  const targets = person.filter((p) => !joiningIds.has(p.id));
  const out: PendingEvent[] = [];
  // One revocation per number, channel, purpose and instant (two joining numbers may hold the same opt-out; a target
  // may hold it already).
  const written = new Set<string>();
  for (const p of targets)
    for (const e of ctx.consent.eventsForContact(p.id)) if (e.action === 'revoke') written.add(`${p.id}/${e.channel}/${e.purpose}/${e.occurredAt}`);
  for (const j of joining) {
    const events = ctx.consent.eventsForContact(j.id);
    // An opt-out voided since (a row typed on the wrong number) is not the person's.
    const voided = new Set(events.filter((e) => e.action === 'retract').map((e) => e.targetEventId));
    for (const source of events) {
      if (source.action !== 'revoke' || source.purpose === 'service' || voided.has(source.id)) continue;
      for (const p of targets) {
        const key = `${p.id}/${source.channel}/${source.purpose}/${source.occurredAt}`;
        if (written.has(key)) continue;
        written.add(key);
        out.push({
          contact: p,
          channel: source.channel,
          purpose: source.purpose,
          action: 'revoke',
          method: source.method,
          occurredAt: source.occurredAt,
          recordedBy,
          formVersionId: null,
          evidence: { note: storeSaid('note.optOutOfLinkedNumber', { phone: j.phone, event: source.id }) },
        });
      }
    }
  }
  return out;
}
