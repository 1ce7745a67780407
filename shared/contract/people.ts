import { z } from 'zod';
import { ConsentStatus, Contact, IsoInstant, Name, PhoneInput } from './common';
import { ExclusionReasons } from '../domain/gate/gate';

/** One contact named by its id or by its number. */
const Locator = z
  .object({ contactId: z.number().int().positive().optional(), phone: PhoneInput.optional() })
  .refine((v) => v.contactId !== undefined || v.phone !== undefined, { message: 'common.phoneOrContact', path: ['phone'] });

/** Another number of a person on their primary contact's page: its own contact, with its own consent. */
export const OtherNumber = z.object({
  contactId: z.number().int(),
  phone: z.string(),
  name: z.string(),
  /** When it was merged (its contact's last change at the time). */
  linkedAt: IsoInstant,
  marketing: z.object({ sms: ConsentStatus, whatsapp: ConsentStatus }),
  /** The gate's answer for marketing to THIS number now, per channel: null where it may go. */
  marketingBlockedBy: z.object({ sms: z.enum(ExclusionReasons).nullable(), whatsapp: z.enum(ExclusionReasons).nullable() }),
});
export type OtherNumber = z.infer<typeof OtherNumber>;

/** Who a contact is as a person: the primary it was merged into, or the other numbers merged into it. */
export const Person = z.object({
  /** Set on a number merged into another contact: that (primary) contact. */
  primary: z.object({ contactId: z.number().int(), phone: z.string(), name: z.string() }).nullable(),
  /** On a primary contact: the numbers merged into it, each with its own consent. */
  others: z.array(OtherNumber),
});
export type Person = z.infer<typeof Person>;

/**
 * Managing people (issue #17 item 11): merge two contacts that are one person, delete a contact that was never
 * asked, carry out a deletion request. A merge links contacts and moves no consent event: each number keeps its own
 * history and its own consent decides what may be sent to it.
 */
export const peopleMethods = {
  /** The primary a contact was merged into, or the other numbers merged into it. */
  'contacts.person': { input: Locator, output: Person },
  /**
   * Merge a contact into another one (the primary): the merged number becomes one of the primary's other numbers.
   * Nothing moves between numbers: events stay with the number they were recorded for, each number's own consent
   * decides messages to it, campaigns reach the primary number per its own consent. Empty fields of the primary
   * (name, e-mail, language, CRM id) are filled from the merged contact and the tags joined; a contact that was
   * itself a primary hands its other numbers on to the new primary. The audit log records the merge.
   */
  'contacts.merge': {
    input: z
      .object({
        contactId: z.number().int().positive().optional(),
        phone: PhoneInput.optional(),
        intoContactId: z.number().int().positive().optional(),
        intoPhone: PhoneInput.optional(),
        staff: Name.optional(),
      })
      .refine((v) => v.contactId !== undefined || v.phone !== undefined, { message: 'common.phoneOrContact', path: ['phone'] })
      .refine((v) => v.intoContactId !== undefined || v.intoPhone !== undefined, { message: 'people.intoWhom', path: ['intoPhone'] }),
    output: z.object({
      primary: Contact,
      /** The contacts now linked to the primary by this merge (the one named, and any it had itself). */
      merged: z.array(Contact),
      /** The primary's fields this merge filled in. */
      filled: z.array(z.enum(['name', 'email', 'locale', 'externalId', 'tags'])),
    }),
  },
  /**
   * Delete a contact that has no consent events and no other records naming it (added by hand, never asked). A
   * contact with events is kept — its history must stay provable —: carry out a deletion request instead.
   */
  'contacts.delete': {
    input: z
      .object({ contactId: z.number().int().positive().optional(), phone: PhoneInput.optional(), staff: Name.optional() })
      .refine((v) => v.contactId !== undefined || v.phone !== undefined, { message: 'common.phoneOrContact', path: ['phone'] }),
    output: z.object({ contactId: z.number().int(), phone: z.string() }),
  },
  /**
   * Carry out a deletion request (152-FZ art. 21, GDPR art. 17) for the person a number belongs to (the primary and
   * every other number of theirs): the request is recorded in the audit log; every consent still in force is revoked
   * through the consent log (the proof that this number opted out, which no later import can undo); the personal
   * fields (name, e-mail, language, CRM id, tags, other numbers) are erased, also from what imports kept for their
   * undo; the completion is recorded. The number, its consent events (hashed proof) and the dates stay.
   */
  'contacts.erase': {
    input: z
      .object({
        contactId: z.number().int().positive().optional(),
        phone: PhoneInput.optional(),
        /** When the person asked (default: now; never ahead of now). */
        requestedAt: IsoInstant.optional(),
        /** How they asked, kept as the revocations' evidence (a letter's reference, "by e-mail of 12.11"). */
        reference: z.string().trim().min(1).max(500).optional(),
        staff: Name.optional(),
      })
      .refine((v) => v.contactId !== undefined || v.phone !== undefined, { message: 'common.phoneOrContact', path: ['phone'] }),
    output: z.object({
      /** Every contact of the person, as erased. */
      erased: z.array(Contact),
      requestedAt: IsoInstant,
      erasedAt: IsoInstant,
      /** Revocation events the erasure recorded (consents that were still in force, and the opt-out of marketing). */
      revocations: z.number().int(),
    }),
  },
} as const;
