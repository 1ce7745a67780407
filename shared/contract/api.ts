import { z } from 'zod';
import { Channels, ConsentActions, ConsentMethods, ConsentStatuses, Purposes } from '../domain/consent/types';
import { PolicyOverrides, PolicyPack, PolicyPackIds } from '../domain/policy/policy';

// ---- building blocks ----

/** An instant at the doors: ISO 8601 with an offset or Z. */
export const IsoInstant = z.iso.datetime({
  offset: true,
  message: 'expected an ISO 8601 date-time with a time zone, e.g. 2026-05-01T10:00:00+03:00',
});

/** A phone as typed; normalised by the service with the shop's default country. */
export const PhoneInput = z.string().trim().min(1, 'phone is required').max(64, 'phone is too long');

/** ISO 3166 alpha-2 country code. */
export const CountryCode = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(/^[A-Z]{2}$/, 'expected a two-letter country code such as RU or DE'));

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

const Name = z.string().trim().max(200);
const Tag = z.string().trim().min(1).max(64);

// ---- entities ----

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
});
/** A customer in the register. */
export type Contact = z.infer<typeof Contact>;

/** Evidence attached to a consent event. */
export const Evidence = z
  .object({
    formVersionId: z.number().int().positive(),
    sheetRef: z.string().trim().min(1).max(200),
    scanSha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex SHA-256'),
    inboundMessageId: z.string().trim().min(1).max(200),
    importBatchId: z.string().trim().min(1).max(200),
    /** For imports: the file's SHA-256, its name, the row, and the consent columns as they read in the file. */
    fileSha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex SHA-256'),
    fileName: z.string().trim().min(1).max(300),
    row: z.number().int().positive(),
    columns: z.record(z.string().max(200), z.string().max(1000)),
    source: z.string().trim().min(1).max(500),
    note: z.string().trim().min(1).max(2000),
  })
  .partial();
/** Evidence attached to a consent event. */
export type Evidence = z.infer<typeof Evidence>;

/** One stored consent event, as shown on a timeline or in proofs. */
export const ConsentEvent = z.object({
  id: z.number().int(),
  uid: z.string(),
  contactId: z.number().int(),
  phone: z.string(),
  channel: Channel,
  purpose: Purpose,
  action: ConsentAction,
  method: ConsentMethod,
  occurredAt: IsoInstant,
  recordedAt: IsoInstant,
  recordedBy: z.string(),
  evidence: Evidence,
  formCode: z.string().nullable(),
  policyPack: z.enum(PolicyPackIds),
  expiresAt: IsoInstant.nullable(),
  hash: z.string(),
  /** For a retraction: the id of the event it voids. */
  retracts: z.number().int().nullable(),
});
/** One stored consent event. */
export type ConsentEvent = z.infer<typeof ConsentEvent>;

/** The status of one channel × purpose at an instant. */
export const ConsentCell = z.object({
  channel: Channel,
  purpose: Purpose,
  status: ConsentStatus,
  since: IsoInstant.nullable(),
  expiresAt: IsoInstant.nullable(),
  event: z.number().int().nullable(),
  /** Whether a message for this purpose may go on this channel (status and the pack's companion consents). */
  sendable: z.boolean(),
  /** Why it may not, when not sendable and the status alone does not say. */
  blockedBy: z.enum(['personal_data_consent_missing', 'number_not_messageable']).nullable(),
});
/** The status of one channel × purpose. */
export type ConsentCell = z.infer<typeof ConsentCell>;

/** Business identity, defaults and policy. */
export const Settings = z.object({
  businessName: z.string(),
  senderName: z.string(),
  shopPhone: z.string().nullable(),
  businessAddress: z.string(),
  defaultCountry: z.string(),
  timezone: z.string(),
  policyPack: z.enum(PolicyPackIds),
  policyOverrides: PolicyOverrides,
  effectivePolicy: PolicyPack,
});
/** Business identity, defaults and policy. */
export type Settings = z.infer<typeof Settings>;

/** A staff member who records consents. */
export const Staff = z.object({
  id: z.number().int(),
  name: z.string(),
  role: z.enum(['owner', 'staff']),
  active: z.boolean(),
  createdAt: IsoInstant,
});
/** A staff member. */
export type Staff = z.infer<typeof Staff>;

/** A version of consent wording. */
export const FormVersion = z.object({
  id: z.number().int(),
  code: z.string(),
  formKey: z.string(),
  version: z.number().int(),
  title: z.string(),
  language: Locale,
  channels: z.array(Channel),
  purposes: z.array(Purpose),
  body: z.string(),
  businessIdentity: z.string(),
  sha256: z.string(),
  createdAt: IsoInstant,
  firstUsedAt: IsoInstant.nullable(),
});
/** A version of consent wording. */
export type FormVersion = z.infer<typeof FormVersion>;

/** One audit log row. */
export const AuditEntry = z.object({
  id: z.number().int(),
  at: IsoInstant,
  actor: z.string(),
  action: z.string(),
  entity: z.string(),
  details: z.record(z.string(), z.unknown()),
});
/** One audit log row. */
export type AuditEntry = z.infer<typeof AuditEntry>;

/** One problem found by chain verification. */
export const AuditProblem = z.object({
  table: z.enum(['consent_events', 'audit_log', 'consent_state']),
  id: z.number().int().nullable(),
  kind: z.enum(['hash_mismatch', 'chain_broken', 'missing', 'reordered', 'projection_mismatch']),
  message: z.string(),
});
/** One problem found by chain verification. */
export type AuditProblem = z.infer<typeof AuditProblem>;

// ---- inputs ----

const ContactLocator = z
  .object({ contactId: z.number().int().positive().optional(), phone: PhoneInput.optional() })
  .refine((v) => v.contactId !== undefined || v.phone !== undefined, { message: 'give a phone or a contactId', path: ['phone'] });

/** Input of consent.record. */
export const ConsentRecordInput = z
  .object({
    contactId: z.number().int().positive().optional(),
    phone: PhoneInput.optional(),
    channel: Channel,
    purpose: Purpose,
    action: z.enum(['grant', 'revoke', 'request', 'confirm', 'claim']),
    method: ConsentMethod.optional(),
    occurredAt: IsoInstant.optional(),
    staff: Name.optional(),
    evidence: Evidence.optional(),
    /** For a new contact created by a revocation or grant. */
    name: Name.optional(),
    country: CountryCode.optional(),
  })
  .refine((v) => v.contactId !== undefined || v.phone !== undefined, { message: 'give a phone or a contactId', path: ['phone'] })
  .refine((v) => v.action === 'revoke' || v.method !== undefined, {
    message: 'a method is required (how was this consent collected?)',
    path: ['method'],
  });
/** Input of consent.record. */
export type ConsentRecordInput = z.infer<typeof ConsentRecordInput>;

/** Operation table: the single list of everything a door may call. */
export const api = {
  'contacts.add': {
    input: z.object({
      phone: PhoneInput,
      name: Name.optional(),
      email: z.email('not a valid e-mail address').optional(),
      country: CountryCode.optional(),
      locale: Locale.optional(),
      externalId: z.string().trim().min(1).max(200).optional(),
      tags: z.array(Tag).max(50).optional(),
      staff: Name.optional(),
    }),
    output: Contact,
  },
  'contacts.update': {
    input: z.object({
      id: z.number().int().positive(),
      name: Name.optional(),
      email: z.email('not a valid e-mail address').nullable().optional(),
      locale: Locale.nullable().optional(),
      externalId: z.string().trim().max(200).nullable().optional(),
      tags: z.array(Tag).max(50).optional(),
      staff: Name.optional(),
    }),
    output: Contact,
  },
  'contacts.list': {
    input: z.object({
      query: z.string().max(200).optional(),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(100),
    }),
    output: z.object({
      contacts: z.array(Contact.extend({ marketing: z.object({ sms: ConsentStatus, whatsapp: ConsentStatus }) })),
      total: z.number().int().nullable(),
    }),
  },
  'contacts.get': {
    input: ContactLocator,
    output: z.object({ contact: Contact, consents: z.array(ConsentCell), timeline: z.array(ConsentEvent) }),
  },
  'consent.record': {
    input: ConsentRecordInput,
    output: z.object({
      contact: Contact,
      createdContact: z.boolean(),
      events: z.array(ConsentEvent),
      consents: z.array(ConsentCell),
      /** Set when a grant lacked the evidence the pack demands and was recorded as a claim (or a request under double opt-in). */
      downgraded: z.object({ to: z.enum(['claim', 'request']), reason: z.string(), missing: z.array(z.string()) }).nullable(),
    }),
  },
  'consent.status': {
    input: z.object({ phone: PhoneInput, at: IsoInstant.optional(), knownAt: IsoInstant.optional() }),
    output: z.object({ phone: z.string(), at: IsoInstant, knownAt: IsoInstant, consents: z.array(ConsentCell) }),
  },
  'settings.get': { input: z.object({}), output: Settings },
  'settings.update': {
    input: z.object({
      businessName: z.string().trim().min(1, 'business name cannot be empty').max(200).optional(),
      senderName: z.string().trim().max(20).optional(),
      shopPhone: PhoneInput.nullable().optional(),
      businessAddress: z.string().trim().max(500).optional(),
      defaultCountry: CountryCode.optional(),
      timezone: z.string().trim().min(1).max(64).optional(),
      policyPack: z.enum(PolicyPackIds).optional(),
      policyOverrides: PolicyOverrides.optional(),
      staff: Name.optional(),
    }),
    output: Settings,
  },
  'policy.list': { input: z.object({}), output: z.array(PolicyPack) },
  'staff.list': { input: z.object({}), output: z.array(Staff) },
  'staff.add': {
    input: z.object({ name: z.string().trim().min(1, 'name is required').max(100), role: z.enum(['owner', 'staff']).default('staff') }),
    output: Staff,
  },
  'staff.setActive': { input: z.object({ id: z.number().int().positive(), active: z.boolean() }), output: Staff },
  'forms.list': { input: z.object({}), output: z.array(FormVersion) },
  'forms.create': {
    input: z.object({
      formKey: z
        .string()
        .trim()
        .regex(/^[a-z0-9-]{1,40}$/, 'lowercase letters, digits and dashes')
        .optional(),
      title: z.string().trim().min(1, 'title is required').max(200),
      language: Locale,
      channels: z.array(Channel).min(1, 'choose at least one channel'),
      purposes: z.array(Purpose).min(1, 'choose at least one purpose'),
      body: z.string().trim().min(20, 'the consent wording is too short').max(20000),
      staff: Name.optional(),
    }),
    output: FormVersion,
  },
  'audit.verify': {
    input: z.object({}),
    output: z.object({ ok: z.boolean(), events: z.number().int(), auditRows: z.number().int(), problems: z.array(AuditProblem) }),
  },
  'audit.list': {
    input: z.object({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(100) }),
    output: z.object({ entries: z.array(AuditEntry) }),
  },
  'inbound.receive': {
    input: z.object({
      from: PhoneInput,
      to: PhoneInput.optional(),
      channel: Channel.default('sms'),
      text: z.string().max(4096, 'text is too long'),
      at: IsoInstant.optional(),
      providerId: z.string().trim().min(1).max(200).optional(),
      staff: Name.optional(),
    }),
    output: z.object({
      messageId: z.number().int(),
      duplicate: z.boolean(),
      classified: z.enum(['opt_out', 'opt_in', 'confirm', 'help', 'complaint', 'other']),
      formCode: z.string().nullable(),
      events: z.array(ConsentEvent),
      /** Why a recognised request caused no event (unknown form code, nothing pending to confirm…). */
      note: z.string().nullable(),
    }),
  },
  'complaints.record': {
    input: z
      .object({
        contactId: z.number().int().positive().optional(),
        phone: PhoneInput.optional(),
        note: z.string().trim().min(1, 'say what the complaint was').max(2000),
        staff: Name.optional(),
      })
      .refine((v) => v.contactId !== undefined || v.phone !== undefined, { message: 'give a phone or a contactId', path: ['phone'] }),
    output: z.object({ id: z.number().int() }),
  },
  'complaints.list': {
    input: z.object({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(100) }),
    output: z.object({
      complaints: z.array(
        z.object({
          id: z.number().int(),
          contactId: z.number().int(),
          phone: z.string(),
          name: z.string(),
          text: z.string().nullable(),
          note: z.string(),
          at: IsoInstant,
          recordedBy: z.string(),
        }),
      ),
    }),
  },
  'register.rebuildProjection': { input: z.object({}), output: z.object({ cells: z.number().int(), changed: z.number().int() }) },
} as const;

/** The contract's operation table type. */
export type Api = typeof api;
/** Name of an operation. */
export type Method = keyof Api;
/** Input a caller passes (before defaults are applied). */
export type Input<M extends Method> = z.input<Api[M]['input']>;
/** Input a service receives (after validation). */
export type ParsedInput<M extends Method> = z.output<Api[M]['input']>;
/** Output of an operation. */
export type Output<M extends Method> = z.output<Api[M]['output']>;
/** The service side: one function per operation. */
export type Handlers = { [M in Method]: (input: ParsedInput<M>) => Output<M> | Promise<Output<M>> };

/** The allow-list of operation names. */
export const methods = Object.keys(api) as Method[];

/** True when `name` is an operation of the contract. */
export function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(api, name);
}
