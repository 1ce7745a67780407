import { z } from 'zod';
import { ExclusionReasons } from '../domain/gate/gate';
import { ConsentStatus, Contact, CountryCode, IsoInstant, Locale, Name, PhoneInput, Tags } from './common';
import { FileId } from './files';
import { ConsentCell, ConsentEvent, PendingOptOut } from './consent';

const ContactLocator = z
  .object({ contactId: z.number().int().positive().optional(), phone: PhoneInput.optional() })
  .refine((v) => v.contactId !== undefined || v.phone !== undefined, { message: 'common.phoneOrContact', path: ['phone'] });

/** The customers in the register. */
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
  'contacts.get': {
    input: ContactLocator,
    output: z.object({
      contact: Contact,
      consents: z.array(ConsentCell),
      timeline: z.array(ConsentEvent),
      /** Opt-outs accepted while the register was busy, not in the timeline yet (the cells already show them). */
      pending: z.array(PendingOptOut).optional(),
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
} as const;
