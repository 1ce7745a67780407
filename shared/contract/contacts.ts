import { z } from 'zod';
import { ExclusionReasons } from '../domain/gate/gate';
import { ConsentMethods } from '../domain/consent/types';
import { ConsentStatus, Contact, CountryCode, IsoInstant, Locale, Name, PhoneInput, Tag, Tags } from './common';
import { FileId } from './files';
import { ConsentCell, ConsentEvent, PendingOptOut, PrimaryNumber } from './consent';

const ContactLocator = z
  .object({ contactId: z.number().int().positive().optional(), phone: PhoneInput.optional() })
  .refine((v) => v.contactId !== undefined || v.phone !== undefined, { message: 'common.phoneOrContact', path: ['phone'] });

/**
 * What the contacts list shows in a marketing column, as a filter: the status (with its expiry applied), or
 * `needs_personal_data` — a granted consent the gate holds back for want of the personal-data consent (the badge
 * the list shows; the gate in electron/core/campaigns/audience.ts decides it, as it does for the list).
 */
export const ListedStatuses = ['granted', 'needs_personal_data', 'unproven', 'pending', 'expired', 'revoked', 'none'] as const;
export type ListedStatus = (typeof ListedStatuses)[number];

/** Days from and to, both included, in the shop's time zone (YYYY-MM-DD; either may be left open). */
const DayRange = z.strictObject({
  from: z.iso.date({ message: 'contacts.notADay' }).optional(),
  to: z.iso.date({ message: 'contacts.notADay' }).optional(),
});

/** Who the contacts list (and a segment, and a bulk tag) is narrowed to: every part given must hold. */
export const ContactFilter = z.strictObject({
  /** Marketing on one channel as the list shows it: any of these. */
  marketing: z
    .strictObject({ channel: z.enum(['sms', 'whatsapp']), status: z.array(z.enum(ListedStatuses)).min(1).max(ListedStatuses.length) })
    .optional(),
  /** Any of these tags. */
  tags: z.array(Tag).min(1).max(20).optional(),
  /** Has a consent event recorded this way (paper_form, qr_keyword, import…): where their consent came from. */
  method: z.enum(ConsentMethods).optional(),
  /** Added or updated by this import (its id), or given consents by it. */
  importBatch: z.number().int().positive().optional(),
  /** Added to the register between these days. */
  added: DayRange.optional(),
  /** Their last consent change (any channel or purpose) between these days. */
  consentChanged: DayRange.optional(),
});
export type ContactFilter = z.infer<typeof ContactFilter>;

/** The list's orders: name, number, when added, when their consent last changed; each either way. */
export const ListSortBy = ['name', 'phone', 'added', 'consentChanged'] as const;
export const ListSort = z.strictObject({ by: z.enum(ListSortBy).default('name'), dir: z.enum(['asc', 'desc']).default('asc') });
export type ListSort = z.infer<typeof ListSort>;

/** A saved filter's name. */
export const SegmentName = z.string().trim().min(1, 'segments.nameEmpty').max(100, 'segments.nameTooLong');

/** The customers in the register. */
/** Everyone a search, filter or saved segment of the contacts list matches (all of them when none is given). */
export const Matching = z.strictObject({ query: z.string().max(200).optional(), filter: ContactFilter.optional(), segment: SegmentName.optional() });
/** A Matching as given. */
export type Matching = z.infer<typeof Matching>;

export const contactsMethods = {
  'contacts.add': {
    input: z.object({
      phone: PhoneInput,
      name: Name.optional(),
      email: z.email('common.notEmail').optional(),
      country: CountryCode.optional(),
      locale: Locale.optional(),
      externalId: z.string().trim().min(1).max(200).optional(),
      tags: Tags.optional(),
      staff: Name.optional(),
    }),
    output: Contact,
  },
  'contacts.update': {
    input: z.object({
      id: z.number().int().positive(),
      name: Name.optional(),
      email: z.email('common.notEmail').nullable().optional(),
      locale: Locale.nullable().optional(),
      externalId: z.string().trim().max(200).nullable().optional(),
      tags: Tags.optional(),
      staff: Name.optional(),
    }),
    output: Contact,
  },
  'contacts.list': {
    input: z.object({
      query: z.string().max(200).optional(),
      /** Only those that match (with a segment: narrows it further). */
      filter: ContactFilter.optional(),
      /** A saved segment's filter (by name). */
      segment: SegmentName.optional(),
      /** Default: by name. A search keeps the order it finds in unless a sort is given. */
      sort: ListSort.optional(),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(100),
      /** Continue right after the page that returned this `nextCursor` (same query): as fast at any depth; not with an offset. */
      cursor: z.string().min(1).max(2000).optional(),
    }),
    output: z.object({
      contacts: z.array(
        Contact.extend({
          marketing: z.object({ sms: ConsentStatus, whatsapp: ConsentStatus }),
          /** The gate's answer for marketing now, per channel: null where it may go, else the same reason a campaign gives. */
          marketingBlockedBy: z.object({ sms: z.enum(ExclusionReasons).nullable(), whatsapp: z.enum(ExclusionReasons).nullable() }),
        }),
      ),
      /** How many match: the register's size without a query, else the exact count up to a cap (null past it). */
      total: z.number().int().nullable(),
      /** When `total` is null: at least this many match (the cap, e.g. 10,000). */
      atLeast: z.number().int().optional(),
      /** Pass as `cursor` for the page after this one; null after the last. */
      nextCursor: z.string().nullable().optional(),
    }),
  },
  /**
   * Tag (or untag) many contacts at once: those chosen by id (a page's selection), or everyone a search, filter or
   * segment matches ("all N matching"). One audit row names what was done and to how many; removing the same tag
   * the same way undoes it. `dryRun`: only count them.
   */
  'contacts.tag': {
    input: z
      .object({
        add: Tag.optional(),
        remove: Tag.optional(),
        contactIds: z.array(z.number().int().positive()).min(1).max(10_000).optional(),
        matching: Matching.optional(),
        dryRun: z.boolean().default(false),
        staff: Name.optional(),
      })
      .refine((v) => (v.add !== undefined) !== (v.remove !== undefined), { message: 'contacts.tagAddOrRemove', path: ['add'] })
      .refine((v) => (v.contactIds !== undefined) !== (v.matching !== undefined), { message: 'contacts.tagWhom', path: ['contactIds'] }),
    output: z.object({
      /** Contacts chosen (those of `contactIds` still in the register, or everyone matching). */
      matched: z.number().int(),
      /** Contacts whose tags changed (0 on a dry run); the others already had (or lacked) the tag. */
      changed: z.number().int(),
    }),
  },
  'contacts.get': {
    input: ContactLocator,
    output: z.object({
      contact: Contact,
      consents: z.array(ConsentCell),
      timeline: z.array(ConsentEvent),
      /** Opt-outs accepted while the register was busy, not in the timeline yet (the cells already show them). */
      pending: z.array(PendingOptOut).optional(),
      /** Set when the number was merged into another contact: messages go to that one (its cells say `merged`). */
      primary: PrimaryNumber.nullable().optional(),
    }),
  },
  /**
   * The consent certificate of one contact at an instant (default now): who, each channel and purpose's status then
   * and what the register knew then, the wording with its text and fingerprint, method, staff, sheet and scan, the
   * customer's message, every later event and the register's fingerprint — as a PDF (EN or RU) or as an
   * ISO/IEC TS 27560 consent record in JSON-LD with DPV terms. Answers a file to fetch with files.read.
   */
  'contacts.certificate': {
    input: z
      .object({
        contactId: z.number().int().positive().optional(),
        phone: PhoneInput.optional(),
        at: IsoInstant.optional(),
        format: z.enum(['pdf', 'jsonld']),
        locale: Locale.optional(),
      })
      .refine((v) => v.contactId !== undefined || v.phone !== undefined, { message: 'common.phoneOrContact', path: ['phone'] }),
    output: z.object({
      fileId: FileId,
      name: z.string(),
      bytes: z.number().int(),
      format: z.enum(['pdf', 'jsonld']),
      /** The consent record's id (a UUID, new for every certificate). */
      recordId: z.string(),
      contactId: z.number().int(),
      at: IsoInstant,
      /** The register's chain heads when the certificate was made. */
      head: z.string(),
      /** Whether this contact's own history verifies (hashes, links, stored statuses). */
      contactVerified: z.boolean(),
    }),
  },
  /**
   * Win-back (issue #16 point 4): ask people whose marketing is only claimed or has expired to confirm it, with a
   * neutral double-opt-in style request. Each is asked on the channels where a request may reach them (their service
   * consent there); a YES that comes back turns the claim into a proven consent whose evidence is the reply.
   * `dryRun`: only count who can be asked and why the others cannot (the dialog).
   */
  'contacts.winback': {
    input: z
      .object({
        contactIds: z.array(z.number().int().positive()).min(1).max(100_000).optional(),
        /** Everyone an import brought in. */
        importBatch: z.number().int().positive().optional(),
        /** Everyone a search, filter or segment of the contacts list matches (the whole list, not the rows on screen). */
        matching: Matching.optional(),
        channel: z.enum(['sms', 'whatsapp']).optional(),
        dryRun: z.boolean().default(false),
        staff: Name.optional(),
      })
      .refine((v) => [v.contactIds, v.importBatch, v.matching].filter((w) => w !== undefined).length === 1, {
        message: 'contacts.winbackWhom',
        path: ['contactIds'],
      }),
    output: z.object({
      /** Contacts looked at. */
      considered: z.number().int(),
      /** Contacts that can be asked (on at least one channel). */
      askable: z.number().int(),
      /** Requests per channel (what would be, or was, queued). */
      byChannel: z.object({ sms: z.number().int(), whatsapp: z.number().int() }),
      /** Contacts that cannot be asked, by the reason that holds them back. */
      blocked: z.array(
        z.object({
          reason: z.enum(['not_claimed', 'revoked', 'invalid_number', 'no_service_consent', 'whatsapp_needs_optin', 'already_asked', 'no_contact']),
          count: z.number().int(),
        }),
      ),
      /** Requests recorded and confirmation messages queued (0 on a dry run). */
      asked: z.number().int(),
      /** The request text per language, linted like any message (the dialog shows it). */
      text: z.object({ en: z.string(), ru: z.string() }),
    }),
  },
} as const;
