import { z } from 'zod';
import { Channels, ConsentActions, ConsentMethods, ConsentStatuses, Purposes } from '../domain/consent/types';
import { isKnownCountry } from '../domain/phone/normalize';

/** Building blocks every area of the contract shares: instants, phones, countries, channels, names, tags. */

/** An instant at the doors: ISO 8601 with an offset or Z. */
export const IsoInstant = z.iso.datetime({
  offset: true,
  message: 'common.notIsoInstant',
});

const EARLIEST_INPUT = Date.UTC(1970, 0, 1);
const LATEST_INPUT = Date.UTC(2101, 0, 1);

/**
 * An instant a person gives (when a consent happened, when to send, a status "as of"): ISO 8601 with an offset, from
 * 1970 to 2100 — a typo such as 1960 or 9999 is refused at every door rather than recorded or planned.
 */
export const InstantInput = IsoInstant.superRefine((s, ctx) => {
  const t = Date.parse(s);
  if (!(t >= EARLIEST_INPUT && t < LATEST_INPUT)) ctx.addIssue({ code: 'custom', message: 'common.yearOutOfRange', params: { value: s }, input: s });
});

/** A phone as typed; normalised by the service with the shop's default country. */
export const PhoneInput = z.string().trim().min(1, 'common.phoneRequired').max(64, 'common.phoneTooLong');

/** ISO 3166 alpha-2 country code. */
export const CountryCode = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(
    z
      .string()
      .regex(/^[A-Z]{2}$/, 'common.notCountryCode')
      // The country reads typed numbers: one whose numbering plan is unknown would only fail later, blamed on the phone.
      .superRefine((s, ctx) => {
        if (/^[A-Z]{2}$/.test(s) && !isKnownCountry(s))
          ctx.addIssue({ code: 'custom', message: 'common.unknownCountry', params: { country: s }, input: s });
      }),
  );

/** A messaging channel. */
export const Channel = z.enum(Channels);
/** A consent purpose. */
export const Purpose = z.enum(Purposes);
/** A consent method. */
export const ConsentMethod = z.enum(ConsentMethods);
/** A consent status. */
export const ConsentStatus = z.enum(ConsentStatuses);
/** A consent action. */
export const ConsentAction = z.enum(ConsentActions);
/** UI and content languages. */
export const Locale = z.enum(['en', 'ru']);

/** A person's or staff member's name as typed. */
export const Name = z.string().trim().max(200);
/** A contact tag. */
export const Tag = z.string().trim().min(1, 'common.tagEmpty').max(64, 'common.tagTooLong');
/** A contact's tags. */
export const Tags = z.array(Tag).max(50, 'common.tooManyTags');

/** Bidi overrides and isolates, zero-width characters, the byte-order mark, C0 and C1 controls. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const INVISIBLE = /[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/u;

/** Text shown to customers as who writes: no character that hides or reorders what they read. */
export const VisibleText = z.string().superRefine((s, ctx) => {
  const c = INVISIBLE.exec(s)?.[0];
  if (c !== undefined)
    ctx.addIssue({
      code: 'custom',
      message: 'common.invisibleCharacter',
      params: { codePoint: `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` },
      input: s,
    });
});

/** A customer in the register. */
export const Contact = z.object({
  id: z.number().int(),
  phone: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  locale: Locale.nullable(),
  country: z.string().nullable(),
  externalId: z.string().nullable(),
  tags: z.array(z.string()),
  reach: z.enum(['mobile', 'fixed_or_mobile', 'fixed_line', 'other', 'unknown']),
  messageable: z.boolean(),
  /** Other numbers of the person (from an import); consent is bound to `phone` only. */
  otherPhones: z.array(z.string()),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
  /** Set when this number was merged into another contact, the person's primary (it keeps its own consent). */
  mergedInto: z.number().int().nullable().optional(),
  /** When a deletion request was made and when it was carried out (personal fields erased); null: never. */
  erasureRequestedAt: IsoInstant.nullable().optional(),
  erasedAt: IsoInstant.nullable().optional(),
});
/** A customer in the register. */
export type Contact = z.infer<typeof Contact>;
