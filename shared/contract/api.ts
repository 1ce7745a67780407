import { z } from 'zod';
import { Channels, ConsentActions, ConsentMethods, ConsentStatuses, Purposes } from '../domain/consent/types';
import { PolicyOverrides, PolicyPack, PolicyPackIds } from '../domain/policy/policy';
import { ColumnFields } from '../domain/csv/mapping';
import { MessageKinds } from '../domain/lint/types';
import { ExclusionReasons, type ExclusionReason } from '../domain/gate/gate';
import { ProviderKinds, RecipientStatuses, type RecipientStatus } from '../domain/outbox/types';
import { parseHead } from '../domain/integrity/head';
import { isKnownCountry } from '../domain/phone/normalize';

// ---- building blocks ----

/** An instant at the doors: ISO 8601 with an offset or Z. */
export const IsoInstant = z.iso.datetime({
  offset: true,
  message: 'expected an ISO 8601 date-time with a time zone, e.g. 2026-05-01T10:00:00+03:00',
});

const EARLIEST_INPUT = Date.UTC(1970, 0, 1);
const LATEST_INPUT = Date.UTC(2101, 0, 1);

/**
 * An instant a person gives (when a consent happened, when to send, a status "as of"): ISO 8601 with an offset, from
 * 1970 to 2100 — a typo such as 1960 or 9999 is refused at every door rather than recorded or planned.
 */
export const InstantInput = IsoInstant.superRefine((s, ctx) => {
  const t = Date.parse(s);
  if (!(t >= EARLIEST_INPUT && t < LATEST_INPUT))
    ctx.addIssue({ code: 'custom', message: `${s} is not between 1970 and 2100; check the year`, input: s });
});

/** A phone as typed; normalised by the service with the shop's default country. */
export const PhoneInput = z.string().trim().min(1, 'phone is required').max(64, 'phone is too long');

/** ISO 3166 alpha-2 country code. */
export const CountryCode = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(
    z
      .string()
      .regex(/^[A-Z]{2}$/, 'expected a two-letter country code such as RU or DE')
      // The country reads typed numbers: one whose numbering plan is unknown would only fail later, blamed on the phone.
      .superRefine((s, ctx) => {
        if (/^[A-Z]{2}$/.test(s) && !isKnownCountry(s))
          ctx.addIssue({ code: 'custom', message: `"${s}" is not a country whose phone numbers are known (e.g. RU, DE, US)`, input: s });
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

const Name = z.string().trim().max(200);
const Tag = z.string().trim().min(1, 'a tag cannot be empty').max(64, 'a tag is at most 64 characters');
const Tags = z.array(Tag).max(50, 'at most 50 tags');

/** Bidi overrides and isolates, zero-width characters, the byte-order mark, C0 and C1 controls. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const INVISIBLE = /[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/u;

/** Text shown to customers as who writes: no character that hides or reorders what they read. */
const VisibleText = z.string().superRefine((s, ctx) => {
  const c = INVISIBLE.exec(s)?.[0];
  if (c !== undefined)
    ctx.addIssue({
      code: 'custom',
      message: `contains an invisible or control character (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}); type the name without it`,
      input: s,
    });
});

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
    /** Set by the register, never by a door: the date a device gave when it lay ahead of the recording (see the time rule). */
    claimedAt: z.string().max(40),
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
  blockedBy: z.enum(ExclusionReasons).nullable(),
});
/** The status of one channel × purpose. */
export type ConsentCell = z.infer<typeof ConsentCell>;

/**
 * An opt-out accepted while another window or process held the register (a long import): kept durably beside the
 * register and honoured by the gate from the moment it was accepted; entered into the register as soon as it is free.
 */
export const PendingOptOut = z.object({
  id: z.string(),
  phone: z.string(),
  channel: Channel,
  purpose: Purpose,
  receivedAt: IsoInstant,
  /** What held the register when it was accepted. */
  waitingFor: z.string(),
  /** Why it could not be entered yet (it is honoured all the same). */
  problem: z.string().nullable(),
});
/** An opt-out waiting to be entered into the register. */
export type PendingOptOut = z.infer<typeof PendingOptOut>;

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
  /** Other names the shop goes by; any of them identifies the sender in a message. */
  brandAliases: z.array(z.string()),
  /** Domains the shop's links may point to. */
  shopDomains: z.array(z.string()),
  /** Segments above which an SMS is flagged as costly. */
  smsSegmentLimit: z.number().int(),
  /** Lint warnings the owner switched off. */
  lintDisabledRules: z.array(z.string()),
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

/** What an integrity problem is; the renderer words each kind itself from the problem's fields. */
export const AuditProblemKinds = [
  /** A row's content no longer gives its hash: it was edited after it was written. */
  'hash_mismatch',
  /** A row does not link to the one before it: rows were removed, inserted or reordered. */
  'chain_broken',
  /** Rows are missing (a gap in the ids, or events an audit row recorded). */
  'missing',
  'reordered',
  /** A stored consent status differs from what the events say. */
  'projection_mismatch',
  /** An event was recorded for another number than its contact has now (a consent moved to another number). */
  'phone_changed',
  /** An event's contact is gone from the register. */
  'contact_missing',
  /** The register holds fewer events or audit rows than the witness (or the expected head) saw. */
  'register_shorter',
  /** The event or audit row the witness (or the expected head) saw has another hash now: history was rewritten. */
  'history_rewritten',
  /** A safeguard of the register file (a trigger) was removed or changed. */
  'schema_altered',
  /** The witness file beside the register cannot be read. */
  'witness_unreadable',
] as const;
/** What an integrity problem is. */
export type AuditProblemKind = (typeof AuditProblemKinds)[number];

/** One problem found by verification: what differs, about whom, and (in `message`, English) what to do. */
export const AuditProblem = z.object({
  table: z.enum(['consent_events', 'audit_log', 'consent_state', 'contacts', 'schema', 'witness']),
  id: z.number().int().nullable(),
  kind: z.enum(AuditProblemKinds),
  message: z.string(),
  /** The contact the problem is about, when known. */
  contactId: z.number().int().nullable(),
  /** The number concerned (E.164): the one the event was recorded for. */
  phone: z.string().nullable(),
  /** The consent event concerned, when there is one. */
  eventId: z.number().int().nullable(),
  /** What the record should hold (a number, a hash, a chain head…) and what it holds. */
  expected: z.string().nullable(),
  actual: z.string().nullable(),
});
/** One problem found by verification. */
export type AuditProblem = z.infer<typeof AuditProblem>;

/** The newest link of a hash chain and how many rows the chain holds. */
export const ChainHead = z.object({ count: z.number().int(), lastId: z.number().int(), lastHash: z.string() });
/** The newest link of a hash chain. */
export type ChainHead = z.infer<typeof ChainHead>;

/** A chain's newest link as the witness remembers it. */
const ChainLinkSchema = z.object({ lastId: z.number().int(), lastHash: z.string() });

/** A register head as `optin audit verify` prints it: `events:<id>:<hash>,audit:<id>:<hash>` (hashes may be shortened). */
export const HeadText = z
  .string()
  .trim()
  .max(400)
  .superRefine((s, ctx) => {
    for (const message of parseHead(s).issues) ctx.addIssue({ code: 'custom', message });
  });

/** Why a backup was made: by the daily timer, by hand, or before a change that could lose something. */
export const BackupReason = z.enum(['daily', 'manual', 'before-migration', 'before-import', 'before-undo', 'before-restore']);
/** Why a backup was made. */
export type BackupReason = z.infer<typeof BackupReason>;

/** What a register holds: its id, counts, the newest event's time and both chains' heads (a backup's label, a restore's preview). */
export const RegisterSummary = z.object({
  /** The register's own id (null: a file from before register ids; it gets one when it is restored). */
  registerId: z.string().nullable(),
  schemaVersion: z.number().int(),
  /** Contacts (those an undone import took out are not counted). */
  contacts: z.number().int(),
  events: z.number().int(),
  auditRows: z.number().int(),
  lastEventAt: IsoInstant.nullable(),
  heads: z.object({ events: ChainHead, audit: ChainHead }),
  /** The heads as one line (`optin audit verify --expect` takes it). */
  head: z.string(),
});
/** What a register holds. */
export type RegisterSummary = z.infer<typeof RegisterSummary>;

/** What checking a backup found wrong; `message` in English, `audit` when the register inside failed `audit verify`. */
export const BackupProblem = z.object({
  kind: z.enum(['missing', 'changed', 'unreadable', 'damaged', 'too_new', 'cannot_migrate', 'audit']),
  message: z.string(),
  audit: AuditProblem.nullable(),
});
/** What checking a backup found wrong. */
export type BackupProblem = z.infer<typeof BackupProblem>;

/** One backup file and what is recorded beside it (`<backup>.json`). */
export const BackupInfo = z.object({
  /** The file name in the register's backups folder, or the full path of a backup elsewhere. */
  id: z.string(),
  path: z.string(),
  /** Null for a register file found without its record (copied by hand). */
  reason: BackupReason.nullable(),
  note: z.string().nullable(),
  createdAt: IsoInstant.nullable(),
  bytes: z.number().int(),
  sha256: z.string().nullable(),
  /** What the register inside holds (null: it could not be read). */
  register: RegisterSummary.nullable(),
  /** The last check: opens read-only, migrates in a copy, `audit verify` ok, same file and heads as recorded. */
  verified: z.object({ ok: z.boolean(), at: IsoInstant, problems: z.array(BackupProblem) }).nullable(),
});
/** One backup. */
export type BackupInfo = z.infer<typeof BackupInfo>;

/** A backup by file name in the register's backups folder, or by path (a USB stick, another folder). */
const BackupLocator = z
  .object({
    id: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .refine((s) => !/[\\/]/.test(s) && s !== '.' && s !== '..', 'id: a file name in the backups folder (give a folder with path)')
      .optional(),
    path: z.string().trim().min(1).max(4096).optional(),
  })
  .refine((l) => (l.id === undefined) !== (l.path === undefined), {
    message: 'give either id (a backup in the backups folder) or path',
    path: ['id'],
  });

/** What restoring a backup would lose: what the current register holds after the history both share. */
export const RestoreLoss = z.object({
  /** False when the current register cannot be read (nothing could be compared). */
  compared: z.boolean(),
  /** True when the backup is an earlier state of the current register (their histories agree up to the backup's heads). */
  sameHistory: z.boolean(),
  sameRegister: z.boolean(),
  /** The last event both hold with the same hash. */
  commonEvents: z.number().int(),
  /** Consent events the current register has after that (lost); how many numbers opted out among them, and which (at most 20). */
  events: z.number().int(),
  optOuts: z.number().int(),
  optOutPhones: z.array(z.string()),
  lastEventAt: IsoInstant.nullable(),
  /** Events the backup has that the current register lacks (they come back). */
  backupOnlyEvents: z.number().int(),
  auditRows: z.number().int(),
  contacts: z.number().int(),
  /** Messages handed off to a provider that the backup does not record. */
  messages: z.number().int(),
  imports: z.number().int(),
  /** True when restoring loses nothing. */
  nothing: z.boolean(),
  /** The warning in plain English (the CLI prints it; the app words it from the fields). */
  warning: z.string(),
});
/** What restoring a backup would lose. */
export type RestoreLoss = z.infer<typeof RestoreLoss>;

/** What a column of an imported file means. */
export const ColumnTarget = z.object({
  field: z.enum(ColumnFields),
  channels: z.array(Channel).min(1).optional(),
  purpose: Purpose.optional(),
});
/** What a column of an imported file means. */
export type ColumnTarget = z.infer<typeof ColumnTarget>;

/** One column of an import mapping. */
export const ColumnMapping = z
  .object({ column: z.number().int().min(0).max(999), header: z.string().max(500), target: ColumnTarget })
  .refine((m) => m.target.field !== 'consent' || (m.target.channels !== undefined && m.target.purpose !== undefined), {
    message: 'a consent column needs its channels and purpose',
    path: ['target'],
  });
/** One column of an import mapping. */
export type ColumnMapping = z.infer<typeof ColumnMapping>;

/** A mapping preset the import wizard can apply. */
export const ImportPresetInfo = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['built_in', 'saved']),
});
/** A mapping preset. */
export type ImportPresetInfo = z.infer<typeof ImportPresetInfo>;

/** The figures of an import preview or commit. */
export const ImportSummary = z.object({
  rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  merged: z.number().int(),
  unchanged: z.number().int(),
  rejected: z.number().int(),
  consentsGranted: z.number().int(),
  claims: z.number().int(),
  requests: z.number().int(),
  revocations: z.number().int(),
  /** Marketing grants the gate would still refuse as `needs_personal_data` (Russia's separate 152-FZ consent). */
  needsPersonalData: z.number().int(),
  warnings: z.number().int(),
  batch: z.number().int().nullable(),
  errors: z.array(z.object({ row: z.number().int(), reason: z.string() })),
  file: z.object({ name: z.string(), sha256: z.string(), bytes: z.number().int(), encoding: z.string(), delimiter: z.string() }),
  reportFileId: z.string().nullable(),
});
/** The figures of an import preview or commit. */
export type ImportSummary = z.infer<typeof ImportSummary>;

/** A running or finished import (preview or commit). */
export const ImportJob = z.object({
  jobId: z.string(),
  dryRun: z.boolean(),
  state: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']),
  progress: z.object({ bytesRead: z.number().int(), totalBytes: z.number().int(), rows: z.number().int() }),
  summary: ImportSummary.nullable(),
  error: z
    .object({ code: z.string(), message: z.string(), fields: z.array(z.object({ path: z.string(), message: z.string() })).optional() })
    .nullable(),
});
/** A running or finished import. */
export type ImportJob = z.infer<typeof ImportJob>;

/** A committed import as listed for undo. */
export const ImportBatch = z.object({
  id: z.number().int(),
  fileName: z.string(),
  fileSha256: z.string(),
  rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  consentsGranted: z.number().int(),
  revocations: z.number().int(),
  committedAt: IsoInstant,
  committedBy: z.string(),
  undoneAt: IsoInstant.nullable(),
});
/** A committed import. */
export type ImportBatch = z.infer<typeof ImportBatch>;

const FileId = z.string().uuid('not a file id');
const Base64 = z
  .string()
  .max(3_000_000, 'a chunk may hold at most 2 MB')
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');
const ImportRunInput = z.object({
  fileId: FileId,
  mapping: z.array(ColumnMapping).min(1, 'map at least the phone column').max(1000),
  defaultCountry: CountryCode.optional(),
  merge: z.enum(['fill_blanks', 'overwrite']).default('fill_blanks'),
  encoding: z.string().trim().min(1).max(40).optional(),
  delimiter: z.enum([',', ';', '\t', '|']).optional(),
  dryRun: z.boolean().default(true),
  staff: Name.optional(),
});

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
    occurredAt: InstantInput.optional(),
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

// ---- sending ----

/** A provider's name as the shop calls it. */
const ProviderName = z
  .string()
  .trim()
  .min(1, 'provider name is required')
  .max(40, 'provider name is longer than 40 characters')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, 'provider name: letters, digits, spaces, dot, dash and underscore');

/** A configured provider (secrets shown only as set or not). */
export const ProviderInfo = z.object({
  name: z.string(),
  kind: z.enum(ProviderKinds),
  options: z.record(z.string(), z.string()),
  channels: z.array(Channel),
  ratePerSecond: z.number(),
  /** Per secret field: whether it is available (keychain in the app, environment in the CLI), and where from. */
  secrets: z.array(z.object({ key: z.string(), set: z.boolean(), required: z.boolean(), source: z.string() })),
  /** What is wrong with the configuration, if anything (a missing secret, a bad option). */
  problems: z.array(z.string()),
});

/** One recipient of a batch on one channel. */
export const Recipient = z.object({
  id: z.number().int(),
  batch: z.number().int(),
  contactId: z.number().int(),
  name: z.string(),
  phone: z.string(),
  /** 0: the batch's channel (or a cascade's WhatsApp try); 1: a cascade's SMS fallback. */
  step: z.number().int(),
  channel: Channel,
  status: z.enum(RecipientStatuses),
  /** Why skipped, failed or undeliverable (an exclusion reason or the provider's code and words). */
  reason: z.string().nullable(),
  proofEvent: z.number().int().nullable(),
  text: z.string().nullable(),
  provider: z.string().nullable(),
  providerMessageId: z.string().nullable(),
  attempts: z.number().int(),
  dueAt: IsoInstant,
  handedOffAt: IsoInstant.nullable(),
  updatedAt: IsoInstant,
});

/** Where a batch's sending stands. */
export const BatchProgress = z.object({
  batch: z.number().int(),
  state: z.enum(['planned', 'sending', 'done', 'cancelled']),
  /** The outbox is working on it right now. */
  running: z.boolean(),
  paused: z.object({ reason: z.string(), at: IsoInstant }).nullable(),
  providers: z.record(z.string(), z.string()),
  counts: z.object(Object.fromEntries(RecipientStatuses.map((s) => [s, z.number().int()])) as Record<RecipientStatus, z.ZodNumber>),
  /** Handed to the provider (sent, delivered or read). */
  sent: z.number().int(),
  delivered: z.number().int(),
  /** Failed or undeliverable. */
  failed: z.number().int(),
  /** Left out at hand-off by the gate (a revocation since the plan, a cap reached…). */
  skipped: z.number().int(),
  /** Queued, being sent, or waiting for a retry, quiet hours or the cascade's wait. */
  pending: z.number().int(),
  /** Sent but the provider cannot say whether it arrived: the owner decides. */
  unknown: z.number().int(),
  skipReasons: z.record(z.string(), z.number().int()),
  /** When the next queued message is due, if any waits. */
  nextAttemptAt: IsoInstant.nullable(),
  startedAt: IsoInstant.nullable(),
  finishedAt: IsoInstant.nullable(),
});

/** Operation table: the single list of everything a door may call. */
// ---- message linter ----

/** A WhatsApp template button. */
export const TemplateButton = z.object({ type: z.enum(['quick_reply', 'url', 'phone', 'copy_code']), text: z.string().max(200) });

/** One message to check (see shared/domain/lint). */
export const LintRequest = z.object({
  text: z.string().max(10_000, 'the message is longer than 10,000 characters'),
  channel: z.enum(['sms', 'whatsapp']),
  purpose: z.enum(['marketing', 'service']),
  kind: z.enum(MessageKinds).optional(),
  policy: z.enum(PolicyPackIds).optional(),
  language: Locale.optional(),
  sendAt: InstantInput.optional(),
  recipientTimeZones: z.array(z.string().min(1).max(64)).max(50).optional(),
  sample: z.record(z.string(), z.string().max(500)).optional(),
  header: z.string().max(2000).optional(),
  footer: z.string().max(2000).optional(),
  buttons: z.array(TemplateButton).max(50).optional(),
});
/** One message to check. */
export type LintRequest = z.infer<typeof LintRequest>;

const Encoding = z.enum(['GSM-7', 'UCS-2']);

/** One lint finding; offsets are UTF-16 code units, end exclusive. */
export const LintDiagnostic = z.object({
  rule: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  target: z.enum(['text', 'header', 'footer', 'buttons', 'settings', 'sendAt']),
  start: z.number().int(),
  end: z.number().int(),
  message: z.string(),
  source: z.string(),
  fix: z
    .object({
      label: z.string(),
      edits: z.array(z.object({ start: z.number().int(), end: z.number().int(), text: z.string() })),
      sendAt: z.string().optional(),
    })
    .nullable(),
});

/** The result of linting one message. */
export const LintResultSchema = z.object({
  ok: z.boolean(),
  encoding: Encoding,
  characters: z.number().int(),
  units: z.number().int(),
  segments: z.number().int(),
  ucs2Characters: z.array(z.string()),
  language: Locale,
  longest: z.object({ characters: z.number().int(), segments: z.number().int(), encoding: Encoding }),
  preview: z.object({ text: z.string(), characters: z.number().int(), segments: z.number().int(), encoding: Encoding }).nullable(),
  diagnostics: z.array(LintDiagnostic),
});

/** What the composer needs to lint as the owner types, without a round trip per keystroke. */
export const LintProfileSchema = z.object({
  businessName: z.string(),
  brandAliases: z.array(z.string()),
  senderName: z.string(),
  shopPhone: z.string().nullable(),
  shopDomains: z.array(z.string()),
  policy: PolicyPack,
  segmentLimit: z.number().int(),
  disabledRules: z.array(z.string()),
  timezone: z.string(),
  fieldMaxLength: z.record(z.string(), z.number().int()),
  namesNeedUcs2: z.boolean(),
});

/** A lint rule's description. */
export const LintRuleInfo = z.object({
  id: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  title: z.object({ en: z.string(), ru: z.string() }),
  source: z.string(),
  switchable: z.boolean(),
});

/** A sheet serial as typed or scanned from its QR ("S-000042", "42", "F7-3 S-000042"). */
const SerialInput = z.string().trim().min(1, 'serial is required').max(60);

/** A printed consent sheet and how far its entry has got. */
export const SheetSummary = z.object({
  serial: z.string(),
  formVersionId: z.number().int(),
  formCode: z.string(),
  formTitle: z.string(),
  layout: z.enum(['individual', 'group']),
  rows: z.number().int(),
  paper: z.enum(['a4', 'letter']),
  printRun: z.number().int(),
  printedAt: IsoInstant,
  printedBy: z.string(),
  enteredRows: z.number().int(),
  scans: z.number().int(),
  lastEnteredAt: IsoInstant.nullable(),
  /** Printed a while ago with nothing entered and no scan: possibly lost. */
  notReturned: z.boolean(),
});
/** A printed consent sheet. */
export type SheetSummary = z.infer<typeof SheetSummary>;

export const api = {
  'contacts.add': {
    input: z.object({
      phone: PhoneInput,
      name: Name.optional(),
      email: z.email('not a valid e-mail address').optional(),
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
      email: z.email('not a valid e-mail address').nullable().optional(),
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
    }),
    output: z.object({
      contacts: z.array(
        Contact.extend({
          marketing: z.object({ sms: ConsentStatus, whatsapp: ConsentStatus }),
          /** The gate's answer for marketing now, per channel: null where it may go, else the same reason a campaign gives. */
          marketingBlockedBy: z.object({ sms: z.enum(ExclusionReasons).nullable(), whatsapp: z.enum(ExclusionReasons).nullable() }),
        }),
      ),
      total: z.number().int().nullable(),
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
  'consent.record': {
    input: ConsentRecordInput,
    output: z.object({
      contact: Contact,
      createdContact: z.boolean(),
      events: z.array(ConsentEvent),
      consents: z.array(ConsentCell),
      /** Set when a grant lacked the evidence the pack demands and was recorded as a claim (or a request under double opt-in). */
      downgraded: z.object({ to: z.enum(['claim', 'request']), reason: z.string(), missing: z.array(z.string()) }).nullable(),
      /** Set when the register was busy: the revocation was accepted and kept (no events yet; `contact` may not exist yet, id 0). */
      pending: PendingOptOut.optional(),
    }),
  },
  'consent.status': {
    input: z.object({ phone: PhoneInput, at: InstantInput.optional(), knownAt: InstantInput.optional() }),
    output: z.object({
      phone: z.string(),
      at: IsoInstant,
      knownAt: IsoInstant,
      consents: z.array(ConsentCell),
      /** Opt-outs accepted while the register was busy, not entered yet (the cells already show them). */
      pending: z.array(PendingOptOut).optional(),
    }),
  },
  'settings.get': { input: z.object({}), output: Settings },
  'settings.update': {
    input: z.object({
      businessName: z.string().trim().min(1, 'business name cannot be empty').max(200).optional(),
      senderName: VisibleText.trim().max(20).optional(),
      shopPhone: PhoneInput.nullable().optional(),
      businessAddress: z.string().trim().max(500).optional(),
      defaultCountry: CountryCode.optional(),
      timezone: z.string().trim().min(1).max(64).optional(),
      policyPack: z.enum(PolicyPackIds).optional(),
      policyOverrides: PolicyOverrides.optional(),
      brandAliases: z.array(z.string().trim().min(1).max(100)).max(20).optional(),
      shopDomains: z.array(z.string().trim().min(1).max(253)).max(20).optional(),
      smsSegmentLimit: z.number().int().min(1, 'at least 1 segment').max(10, 'at most 10 segments').optional(),
      lintDisabledRules: z.array(z.string().trim().min(1).max(64)).max(100).optional(),
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
      /** Default: the wording's first line when it reads as a heading, else a standard title. */
      title: z.string().trim().min(1, 'title is required').max(200).optional(),
      language: Locale,
      channels: z.array(Channel).min(1, 'choose at least one channel'),
      purposes: z.array(Purpose).min(1, 'choose at least one purpose'),
      body: z.string().trim().min(20, 'the consent wording is too short').max(20000),
      staff: Name.optional(),
    }),
    output: FormVersion,
  },
  'forms.template': {
    input: z.object({
      language: Locale,
      policyPack: z.enum(PolicyPackIds).optional(),
      channels: z.array(Channel).min(1, 'choose at least one channel').optional(),
    }),
    output: z.object({ title: z.string(), language: Locale, channels: z.array(Channel), purposes: z.array(Purpose), body: z.string() }),
  },
  'forms.print': {
    input: z.object({
      formVersionId: z.number().int().positive(),
      layout: z.enum(['individual', 'group']),
      /** Rows per group sheet (ignored for individual sheets). */
      rows: z.number().int().min(1, 'at least 1 row').max(40, 'at most 40 rows per sheet').default(15),
      /** How many sheets (pages), each with its own serial. */
      copies: z.number().int().min(1, 'at least 1 sheet').max(500, 'at most 500 sheets at once').default(1),
      paper: z.enum(['a4', 'letter']).default('a4'),
      staff: Name.optional(),
    }),
    output: z.object({
      fileId: FileId,
      name: z.string(),
      bytes: z.number().int(),
      formCode: z.string(),
      serials: z.array(z.string()),
      printRun: z.number().int(),
      rowsPerSheet: z.number().int(),
    }),
  },
  'forms.qr': {
    input: z.object({ formVersionId: z.number().int().positive(), kind: Channel, format: z.enum(['png', 'svg']).default('png') }),
    output: z.object({ fileId: FileId, name: z.string(), bytes: z.number().int(), payload: z.string(), text: z.string() }),
  },
  'forms.poster': {
    input: z.object({
      formVersionId: z.number().int().positive(),
      kind: Channel,
      paper: z.enum(['a4', 'a5']).default('a4'),
      /** The short wording on the poster; default: what the shop sends, how often, where the full wording is. */
      wording: z.string().trim().min(10, 'the poster wording is too short').max(600, 'keep the poster wording under 600 characters').optional(),
    }),
    output: z.object({ fileId: FileId, name: z.string(), bytes: z.number().int(), payload: z.string(), text: z.string() }),
  },
  'sheets.list': {
    input: z.object({
      formVersionId: z.number().int().positive().optional(),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(500).default(100),
    }),
    output: z.object({ sheets: z.array(SheetSummary), total: z.number().int() }),
  },
  'sheets.get': {
    input: z.object({ serial: SerialInput }),
    output: z.object({
      sheet: SheetSummary,
      form: FormVersion,
      rows: z.array(
        z.object({
          row: z.number().int(),
          contactId: z.number().int(),
          phone: z.string(),
          name: z.string(),
          signedOn: z.string(),
          enteredAt: IsoInstant,
          enteredBy: z.string(),
          events: z.array(z.number().int()),
        }),
      ),
      scans: z.array(
        z.object({
          sha256: z.string(),
          fileName: z.string(),
          mediaType: z.string(),
          bytes: z.number().int(),
          addedAt: IsoInstant,
          addedBy: z.string(),
        }),
      ),
      /** The first row not entered yet; null when every row is. */
      nextRow: z.number().int().nullable(),
    }),
  },
  'sheets.checkPhone': {
    input: z.object({ phone: z.string().max(64) }),
    output: z.object({
      ok: z.boolean(),
      problem: z.string().nullable(),
      phone: z.string().nullable(),
      messageable: z.boolean(),
      contact: z.object({ id: z.number().int(), name: z.string() }).nullable(),
      onSheets: z.array(z.object({ serial: z.string(), row: z.number().int() })),
    }),
  },
  'sheets.enterRow': {
    input: z.object({
      serial: SerialInput,
      row: z.number().int().min(1, 'rows start at 1'),
      name: Name.optional(),
      phone: PhoneInput,
      channels: z.array(Channel).min(1, 'tick at least one channel'),
      /** Default: every purpose the form asks for. */
      purposes: z.array(Purpose).min(1, 'tick at least one consent').optional(),
      /** The date written on the sheet. */
      signedOn: z.iso.date({ message: 'expected the date on the sheet as YYYY-MM-DD' }),
      staff: Name.optional(),
    }),
    output: z.object({
      serial: z.string(),
      row: z.number().int(),
      contactId: z.number().int(),
      phone: z.string(),
      name: z.string(),
      createdContact: z.boolean(),
      events: z.array(ConsentEvent),
      downgraded: z.object({ to: z.enum(['claim', 'request']), reason: z.string(), missing: z.array(z.string()) }).nullable(),
    }),
  },
  'sheets.attachScan': {
    input: z.object({ serial: SerialInput, fileId: FileId, staff: Name.optional() }),
    output: z.object({ serial: z.string(), sha256: z.string(), bytes: z.number().int(), mediaType: z.string(), duplicate: z.boolean() }),
  },
  'confirmations.list': {
    input: z.object({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(100) }),
    output: z.object({
      total: z.number().int(),
      confirmations: z.array(
        z.object({
          id: z.number().int(),
          contactId: z.number().int(),
          phone: z.string(),
          name: z.string(),
          channel: Channel,
          language: Locale,
          text: z.string(),
          formCode: z.string().nullable(),
          createdAt: IsoInstant,
          expiresAt: IsoInstant,
          /** Where the message is: waiting for the provider outbox, sent, or cancelled (opt-out, confirmed first). */
          state: z.enum(['queued', 'sending', 'sent', 'failed', 'cancelled']),
          stateReason: z.string().nullable(),
          /** What became of the request, read from the register. */
          outcome: z.enum(['waiting', 'confirmed', 'declined', 'expired']),
        }),
      ),
    }),
  },
  'batch.plan': {
    input: z.object({
      channel: z.enum(['sms', 'whatsapp', 'cascade']),
      purpose: z.enum(['marketing', 'service']),
      text: z.string().trim().min(1, 'the message is empty').max(10_000, 'the message is longer than 10,000 characters'),
      /** Only contacts with any of these tags; default: everyone. */
      tags: Tags.optional(),
      /** When it is to go; default: now. */
      at: InstantInput.optional(),
      /** Language of the message (default: detected). */
      language: Locale.optional(),
      /** Language the lint findings are written in. */
      locale: Locale.default('en'),
      name: z.string().trim().min(1).max(200).optional(),
      staff: Name.optional(),
    }),
    output: z.object({
      batch: z.number().int(),
      name: z.string(),
      plannedAt: IsoInstant,
      audience: z.number().int(),
      eligible: z.number().int(),
      /** Eligible recipients by the channel they would get it on (a cascade tries WhatsApp first). */
      byChannel: z.object({ whatsapp: z.number().int(), sms: z.number().int() }),
      excluded: z.object(Object.fromEntries(ExclusionReasons.map((r) => [r, z.number().int()])) as Record<ExclusionReason, z.ZodNumber>),
      lint: z.object({
        ok: z.boolean(),
        errors: z.array(z.object({ rule: z.string(), message: z.string() })),
        warnings: z.number().int(),
        segments: z.number().int().nullable(),
        encoding: z.enum(['GSM-7', 'UCS-2']).nullable(),
      }),
    }),
  },
  'batch.list': {
    input: z.object({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(100) }),
    output: z.object({
      batches: z.array(
        z.object({
          id: z.number().int(),
          name: z.string(),
          channel: z.enum(['sms', 'whatsapp', 'cascade']),
          purpose: z.enum(['marketing', 'service']),
          text: z.string(),
          tags: z.array(z.string()),
          plannedAt: IsoInstant,
          createdAt: IsoInstant,
          createdBy: z.string(),
          lintOk: z.boolean(),
          state: z.enum(['planned', 'sending', 'done', 'cancelled']),
          audience: z.number().int(),
          eligible: z.number().int(),
        }),
      ),
    }),
  },
  'batch.audience': {
    input: z.object({
      batch: z.number().int().positive(),
      reason: z.enum(['eligible', ...ExclusionReasons]),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(100),
    }),
    output: z.object({
      batch: z.number().int(),
      reason: z.string(),
      total: z.number().int(),
      people: z.array(
        z.object({
          contactId: z.number().int(),
          phone: z.string(),
          name: z.string(),
          channel: Channel.nullable(),
          /** The consent event that makes the message lawful (eligible only). */
          proofEvent: z.number().int().nullable(),
          /** Quiet hours: the first moment the message may go. */
          deferUntil: IsoInstant.nullable(),
        }),
      ),
    }),
  },
  'batch.send': {
    input: z.object({
      batch: z.number().int().positive(),
      /**
       * The providers to hand off through, by name: one that carries the batch's channel, or for a cascade one for
       * WhatsApp and one for SMS (a provider carrying both may serve both).
       */
      providers: z.array(ProviderName).min(1, 'name a provider').max(2, 'at most two providers (WhatsApp and SMS)'),
      /** The approved WhatsApp template this text is (Cloud API; Twilio Content SID `HX…` for Twilio WhatsApp). */
      template: z.object({ name: z.string().trim().min(1).max(512), language: z.string().trim().min(2).max(15) }).optional(),
      /** Cascade: how long WhatsApp gets to deliver before the SMS fallback goes (default 60 minutes). */
      fallbackAfterMinutes: z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 60)
        .default(60),
      /** Run until the batch is done or nothing can progress, and answer then (the CLI); else send in the background. */
      wait: z.boolean().default(false),
      /** With `wait`: how long to wait for a retry or deferral before answering with what is still pending. */
      maxWaitSeconds: z.number().int().min(0).max(3600).default(60),
      staff: Name.optional(),
    }),
    output: BatchProgress,
  },
  'batch.progress': { input: z.object({ batch: z.number().int().positive() }), output: BatchProgress },
  'batch.pause': { input: z.object({ batch: z.number().int().positive(), staff: Name.optional() }), output: BatchProgress },
  'batch.resume': { input: z.object({ batch: z.number().int().positive(), staff: Name.optional() }), output: BatchProgress },
  'batch.recipients': {
    input: z.object({
      batch: z.number().int().positive(),
      statuses: z.array(z.enum(RecipientStatuses)).max(9).default([]),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(100),
    }),
    output: z.object({ batch: z.number().int(), total: z.number().int(), recipients: z.array(Recipient) }),
  },
  'batch.recipient': {
    input: z.object({ id: z.number().int().positive() }),
    output: z.object({
      recipient: Recipient,
      /** Every step this person took in the batch (a cascade's WhatsApp try and SMS fallback). */
      path: z.array(Recipient),
      history: z.array(z.object({ step: z.number().int(), at: IsoInstant, status: z.string(), detail: z.string().nullable() })),
      /** The consent event that made the hand-off lawful, as recorded. */
      proof: ConsentEvent.nullable(),
      /** The form wording the proof refers to, when it names one. */
      proofForm: z.object({ code: z.string(), sha256: z.string(), language: z.string() }).nullable(),
    }),
  },
  'batch.resolve': {
    input: z.object({
      id: z.number().int().positive(),
      /** For a recipient in `unknown` state: the provider did take it (`sent`), or send it again (`resend`). */
      decision: z.enum(['sent', 'resend']),
      staff: Name.optional(),
    }),
    output: z.object({ recipient: Recipient }),
  },
  'batch.report': {
    input: z.object({ batch: z.number().int().positive(), format: z.enum(['pdf', 'csv']), locale: Locale.default('en') }),
    output: z.object({
      fileId: FileId,
      name: z.string(),
      bytes: z.number().int(),
      recipients: z.number().int(),
      /** The register's head when the report was made (`optin audit verify --expect` takes it back). */
      head: z.string(),
    }),
  },
  'providers.kinds': {
    input: z.object({}),
    output: z.object({
      kinds: z.array(
        z.object({
          kind: z.enum(ProviderKinds),
          /** `destination`: where requests (and so the secrets) go; changing one clears the provider's stored secrets. */
          options: z.array(
            z.object({ key: z.string(), required: z.boolean(), secret: z.boolean(), destination: z.boolean(), description: z.string() }),
          ),
        }),
      ),
      /** Whether secrets outlive this process (false on the local host, which keeps them in memory only). */
      secretsPersistent: z.boolean(),
    }),
  },
  'providers.list': { input: z.object({}), output: z.object({ providers: z.array(ProviderInfo) }) },
  'providers.save': {
    input: z.object({
      name: ProviderName,
      kind: z.enum(ProviderKinds),
      options: z.record(z.string().max(64), z.string().max(2000)).default({}),
      /**
       * Secrets to store in the OS keychain (never in the register). Omitted ones keep their stored value — unless the
       * destination (URL, base URL, kind) changes: then every stored secret is cleared, so none is sent to the new address.
       */
      secrets: z.record(z.string().max(64), z.string().max(4000)).optional(),
      staff: Name.optional(),
    }),
    output: ProviderInfo.extend({
      /** Whether the address the provider's requests go to changed with this save. */
      destinationChanged: z.boolean(),
      /** Whether a stored secret was cleared because the destination changed (and not given again): it must be re-entered. */
      secretCleared: z.boolean(),
    }),
  },
  'providers.remove': { input: z.object({ name: ProviderName, staff: Name.optional() }), output: z.object({ removed: z.boolean() }) },
  'providers.test': {
    input: z.object({
      name: ProviderName,
      /** Your own number (default: the shop's phone). */
      to: PhoneInput.optional(),
      channel: Channel.optional(),
      text: z.string().trim().min(1).max(1000).optional(),
      staff: Name.optional(),
    }),
    output: z.object({
      ok: z.boolean(),
      outcome: z.enum(['accepted', 'retry', 'refused']),
      to: z.string(),
      channel: Channel,
      code: z.string().nullable(),
      message: z.string(),
      providerMessageId: z.string().nullable(),
    }),
  },
  'audit.verify': {
    input: z.object({
      /** A head to compare with, as printed by verify or on a report; the witness beside the register is compared too. */
      expect: HeadText.optional(),
    }),
    output: z.object({
      ok: z.boolean(),
      events: z.number().int(),
      auditRows: z.number().int(),
      problems: z.array(AuditProblem),
      /** The newest link of each chain now. */
      heads: z.object({ events: ChainHead, audit: ChainHead }),
      /** The heads as one line, for `optin audit verify --expect`. */
      head: z.string(),
      /** The last heads remembered outside the register file, and whether the register still holds them. */
      witness: z.object({
        path: z.string().nullable(),
        state: z.enum(['none', 'unreadable', 'consistent', 'diverged']),
        heads: z.object({ events: ChainLinkSchema, audit: ChainLinkSchema }).nullable(),
        updatedAt: IsoInstant.nullable(),
      }),
      /** The head given with `expect`, and whether the register still holds it. */
      expected: z.object({ head: z.string(), held: z.boolean() }).nullable(),
    }),
  },
  'audit.verifyContact': {
    input: z.object({ contactId: z.number().int().positive() }),
    output: z.object({ contactId: z.number().int(), ok: z.boolean(), problems: z.array(AuditProblem) }),
  },
  'audit.acceptHead': {
    /** After restoring an older backup on purpose: remember the register as it is now (recorded in the audit log). */
    input: z.object({ staff: Name.optional() }),
    output: z.object({ head: z.string(), previous: z.string().nullable() }),
  },
  'audit.list': {
    input: z.object({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(100) }),
    output: z.object({ entries: z.array(AuditEntry) }),
  },
  'backup.list': {
    input: z.object({}),
    output: z.object({
      /** The register's backups folder (`backups/` beside it). */
      folder: z.string(),
      backups: z.array(BackupInfo),
      /** What rotation keeps: the newest daily backup of each of the last N days, of N weeks before, the last N "before …" ones (by hand: all). */
      keeps: z.object({ daily: z.number().int(), weekly: z.number().int(), before: z.number().int() }),
    }),
  },
  'backup.create': {
    input: z.object({
      /** A folder to back up to (a USB stick); default: the register's backups folder. */
      to: z.string().trim().min(1).max(4096).optional(),
      note: z.string().trim().max(200).optional(),
      staff: Name.optional(),
    }),
    output: z.object({ backup: BackupInfo }),
  },
  'backup.verify': {
    input: BackupLocator,
    output: z.object({ backup: BackupInfo, ok: z.boolean(), problems: z.array(BackupProblem) }),
  },
  'backup.preview': {
    input: BackupLocator,
    output: z.object({
      backup: BackupInfo,
      /** The backup checks out (restore refuses one that does not). */
      ok: z.boolean(),
      problems: z.array(BackupProblem),
      /** What the restored register would hold (brought to this version). */
      restored: RegisterSummary.nullable(),
      /** The current register, and why it could not be read. */
      current: RegisterSummary.nullable(),
      currentProblem: z.string().nullable(),
      loss: RestoreLoss,
    }),
  },
  'backup.restore': {
    input: z.intersection(
      BackupLocator,
      z.object({
        /** The current register's head the preview was made against: a restore refuses when the register moved since. */
        currentHead: z.string().trim().max(400).optional(),
        /** Write the restored register to this new file instead, leaving the current one as it is. */
        to: z.string().trim().min(1).max(4096).optional(),
        staff: Name.optional(),
      }),
    ),
    output: z.object({
      /** The register file written. */
      path: z.string(),
      restored: RegisterSummary,
      /** The register it replaced, kept as a backup first (null with `to`, or when there was no register file). */
      keptAs: BackupInfo.nullable(),
      loss: RestoreLoss,
      /** The head the witness remembers now, and what it remembered before. */
      head: z.string(),
      previousHead: z.string().nullable(),
      /** Campaigns that were sending in the backup: paused until someone checks them (messages after the backup are not in it). */
      pausedBatches: z.array(z.number().int()),
    }),
  },
  'inbound.receive': {
    input: z.object({
      from: PhoneInput,
      to: PhoneInput.optional(),
      channel: Channel.default('sms'),
      text: z.string().max(4096, 'text is too long'),
      at: InstantInput.optional(),
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
      /** Set when the register was busy: the opt-out was accepted and kept (messageId 0 until it is entered). */
      pending: PendingOptOut.optional(),
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
  'files.begin': {
    input: z.object({ name: z.string().trim().min(1).max(300) }),
    output: z.object({ uploadId: FileId }),
  },
  'files.append': {
    input: z.object({ uploadId: FileId, offset: z.number().int().min(0), data: Base64 }),
    output: z.object({ bytes: z.number().int() }),
  },
  'files.finish': {
    input: z.object({ uploadId: FileId }),
    output: z.object({ fileId: FileId, name: z.string(), bytes: z.number().int() }),
  },
  'files.discard': {
    input: z.object({ fileId: FileId }),
    output: z.object({ discarded: z.boolean() }),
  },
  'files.read': {
    input: z.object({
      fileId: FileId,
      offset: z.number().int().min(0).default(0),
      length: z
        .number()
        .int()
        .min(1)
        .max(2 * 1024 * 1024)
        .default(1024 * 1024),
    }),
    output: z.object({ name: z.string(), data: z.string(), total: z.number().int() }),
  },
  'import.inspect': {
    input: z.object({
      fileId: FileId,
      encoding: z.string().trim().min(1).max(40).optional(),
      delimiter: z.enum([',', ';', '\t', '|']).optional(),
      preset: z.string().trim().min(1).max(100).optional(),
      /** The row (from 1) that holds the column names; without it the first row naming a phone and another known column. */
      headerRow: z.number().int().min(1, 'headerRow: rows are counted from 1').max(100, 'headerRow: at most row 100').optional(),
    }),
    output: z.object({
      encoding: z.string(),
      delimiter: z.string(),
      bytes: z.number().int(),
      /** The row the headers were read from; rows above it are not imported. */
      headerRow: z.number().int(),
      headers: z.array(z.string()),
      sample: z.array(z.array(z.string())),
      preset: ImportPresetInfo.nullable(),
      mapping: z.array(ColumnMapping),
      presets: z.array(ImportPresetInfo),
    }),
  },
  'import.start': { input: ImportRunInput, output: ImportJob },
  'import.job': { input: z.object({ jobId: z.string().uuid() }), output: ImportJob },
  'import.cancel': { input: z.object({ jobId: z.string().uuid() }), output: ImportJob },
  'import.undo': {
    input: z.object({ batch: z.number().int().positive(), staff: Name.optional() }),
    output: z.object({
      batch: z.number().int(),
      retracted: z.number().int(),
      revocationsKept: z.number().int(),
      contactsRemoved: z.number().int(),
      contactsRestored: z.number().int(),
      contactsKept: z.number().int(),
    }),
  },
  'import.batches': { input: z.object({}), output: z.object({ batches: z.array(ImportBatch) }) },
  'import.savePreset': {
    input: z.object({
      name: z.string().trim().min(1, 'give the preset a name').max(100),
      mapping: z.array(ColumnMapping).min(1).max(1000),
    }),
    output: ImportPresetInfo,
  },
  'import.deletePreset': {
    input: z.object({ id: z.string().regex(/^saved:\d+$/, 'only saved presets can be deleted') }),
    output: z.object({ deleted: z.boolean() }),
  },
  'export.create': {
    input: z.object({
      what: z.enum(['contacts', 'suppression', 'history']),
      at: InstantInput.optional(),
      delimiter: z.enum([',', ';', '\t']).optional(),
      encoding: z.enum(['utf-8', 'windows-1251']).default('utf-8'),
    }),
    output: z.object({
      fileId: FileId,
      name: z.string(),
      rows: z.number().int(),
      bytes: z.number().int(),
      lossy: z.number().int(),
      /** The register's head when the export was made (`optin audit verify --expect` takes it back). */
      head: z.string(),
    }),
  },
  'lint.check': {
    input: LintRequest.extend({
      /** Fill the preview with this contact's fields. */
      sampleContactId: z.number().int().positive().optional(),
      /** Language of the diagnostics. */
      locale: Locale.default('en'),
    }),
    output: LintResultSchema,
  },
  'lint.profile': {
    input: z.object({}),
    output: z.object({ profile: LintProfileSchema, rules: z.array(LintRuleInfo) }),
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
