import type { PrimaryNumber } from '../../../shared/contract/api';
import type { ContactRecord } from '../db/repos/contacts.repo';
import type { ServiceContext } from '../context';

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

/** The person's other numbers: every number of the person but `contact` itself. */
export function otherNumbersOfPerson(ctx: ServiceContext, contact: ContactRecord): ContactRecord[] {
  return numbersOfPerson(ctx, contact).filter((c) => c.id !== contact.id);
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
