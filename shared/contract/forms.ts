import { z } from 'zod';
import { PolicyPackIds } from '../domain/policy/policy';
import { Channel, IsoInstant, Locale, Name, PhoneInput, Purpose } from './common';
import { ConsentEvent } from './consent';
import { FileId } from './files';
import { RecipientStatuses } from '../domain/outbox/types';
import { ProviderName } from './providers';
import { SaidSchema } from './said';

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

/** A sheet serial as typed or scanned from its QR ("S-000042", "42", "F7-3 S-000042"). */
const SerialInput = z.string().trim().min(1, 'forms.serialRequired').max(60);

/** How sheets are printed: tear-off slips (one customer each, the default), one customer a page, or a group table. */
export const SheetLayout = z.enum(['slip', 'individual', 'group']);

/** A row typed in from a sheet: what was written on it, the contact it stands for, and its last correction. */
export const SheetRow = z.object({
  row: z.number().int(),
  /** The contact the row stands for now (a correction may have moved it; a void leaves it as entered). */
  contactId: z.number().int(),
  phone: z.string(),
  name: z.string(),
  /** What was written on the paper (null for rows entered before the register kept it). */
  writtenName: z.string().nullable(),
  writtenPhone: z.string().nullable(),
  signedOn: z.string(),
  enteredAt: IsoInstant,
  enteredBy: z.string(),
  events: z.array(z.number().int()),
  /** The row's last correction: how it reads now (a void: it grants nothing). */
  correction: z
    .object({
      kind: z.enum(['void', 'correct']),
      reason: z.string(),
      writtenName: z.string().nullable(),
      writtenPhone: z.string().nullable(),
      at: IsoInstant,
      by: z.string(),
      events: z.array(z.number().int()),
    })
    .nullable(),
});
export type SheetRow = z.infer<typeof SheetRow>;

/** A printed consent sheet and how far its entry has got. */
export const SheetSummary = z.object({
  serial: z.string(),
  formVersionId: z.number().int(),
  formCode: z.string(),
  formTitle: z.string(),
  layout: SheetLayout,
  /** The separate personal-data consent printed with this sheet as its own document (ru pack, 152-FZ), if any. */
  personalDataSerial: z.string().nullable(),
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

/** Consent wording, its printed sheets, QR codes and posters, paper entry, and double-opt-in confirmations. */
export const formsMethods = {
  'forms.list': { input: z.object({}), output: z.array(FormVersion) },
  'forms.create': {
    input: z.object({
      formKey: z
        .string()
        .trim()
        .regex(/^[a-z0-9-]{1,40}$/, 'forms.formKeyPattern')
        .optional(),
      /** Default: the wording's first line when it reads as a heading, else a standard title. */
      title: z.string().trim().min(1, 'forms.titleRequired').max(200).optional(),
      language: Locale,
      channels: z.array(Channel).min(1, 'forms.chooseChannel'),
      purposes: z.array(Purpose).min(1, 'forms.choosePurpose'),
      body: z.string().trim().min(20, 'forms.wordingTooShort').max(20000),
      staff: Name.optional(),
    }),
    output: FormVersion,
  },
  'forms.template': {
    input: z.object({
      language: Locale,
      policyPack: z.enum(PolicyPackIds).optional(),
      channels: z.array(Channel).min(1, 'forms.chooseChannel').optional(),
    }),
    output: z.object({ title: z.string(), language: Locale, channels: z.array(Channel), purposes: z.array(Purpose), body: z.string() }),
  },
  'forms.print': {
    input: z.object({
      formVersionId: z.number().int().positive(),
      /** Tear-off slips by default: on a group sheet every customer sees the names and numbers above their own. */
      layout: SheetLayout.default('slip'),
      /** Rows per group sheet (ignored for individual sheets). */
      rows: z.number().int().min(1, 'forms.atLeastOneRow').max(40, 'forms.atMost40Rows').default(15),
      /** How many sheets (pages, or slips), each with its own serial. */
      copies: z.number().int().min(1, 'forms.atLeastOneSheet').max(500, 'forms.atMost500Sheets').default(1),
      paper: z.enum(['a4', 'letter']).default('a4'),
      staff: Name.optional(),
    }),
    output: z.object({
      fileId: FileId,
      name: z.string(),
      bytes: z.number().int(),
      formCode: z.string(),
      serials: z.array(z.string()),
      /**
       * Under a pack that wants the personal-data consent as a document of its own (ru, 152-FZ since 1 September
       * 2025): the serial of each sheet's separate personal-data document, in the order of `serials`.
       */
      personalDataSerials: z.array(z.string()),
      printRun: z.number().int(),
      rowsPerSheet: z.number().int(),
      /** `group_shows_others`: each customer on a group sheet sees the names and numbers written above theirs. */
      warnings: z.array(z.enum(['group_shows_others'])),
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
      wording: z.string().trim().min(10, 'forms.posterTooShort').max(600, 'forms.posterTooLong').optional(),
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
      rows: z.array(SheetRow),
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
    input: z.object({
      phone: z.string().max(64),
      /** The rest of the row as typed so far: the answer then says what saving it would do. */
      name: Name.optional(),
      serial: SerialInput.optional(),
      signedOn: z.iso.date({ message: 'sheets.signedOnFormat' }).optional(),
      channels: z.array(Channel).optional(),
      purposes: z.array(Purpose).optional(),
    }),
    output: z.object({
      ok: z.boolean(),
      /** Why the number cannot be used, in English (the CLI prints it); `problemSaid` is the same by key. */
      problem: z.string().nullable(),
      problemSaid: SaidSchema.nullable(),
      phone: z.string().nullable(),
      messageable: z.boolean(),
      contact: z.object({ id: z.number().int(), name: z.string() }).nullable(),
      onSheets: z.array(z.object({ serial: z.string(), row: z.number().int() })),
      /** The number belongs to a contact with another name than the one written: same person, or a mistyped number? */
      nameDiffers: z.boolean(),
      /**
       * Consents this number withdrew that the row would touch: when, and whether the row gives them again (the
       * sheet's date is later) or the opt-out still wins (the sheet is dated on or before it).
       */
      optedOut: z.array(z.object({ channel: Channel, purpose: Purpose, at: IsoInstant, rowWins: z.boolean() })),
      /** Under a pack that needs the separate personal-data consent: marketing from this row would not be sendable. */
      needsPersonalData: z.boolean(),
    }),
  },
  'sheets.enterRow': {
    input: z.object({
      serial: SerialInput,
      row: z.number().int().min(1, 'sheets.rowsStartAt1'),
      name: Name.optional(),
      phone: PhoneInput,
      channels: z.array(Channel).min(1, 'sheets.tickChannel'),
      /** Default: every purpose the form asks for. */
      purposes: z.array(Purpose).min(1, 'sheets.tickConsent').optional(),
      /** The date written on the sheet. */
      signedOn: z.iso.date({ message: 'sheets.signedOnFormat' }),
      /**
       * The number belongs to a contact with another name than the one written: staff say it is the same person
       * (the contact keeps its name, the row keeps what was written). Without it such a row is refused.
       */
      samePerson: z.boolean().optional(),
      staff: Name.optional(),
    }),
    output: z.object({
      serial: z.string(),
      row: z.number().int(),
      contactId: z.number().int(),
      phone: z.string(),
      name: z.string(),
      writtenName: z.string().nullable(),
      /** The separate personal-data document the row's personal-data tick came from, when there is one. */
      personalDataSerial: z.string().nullable(),
      createdContact: z.boolean(),
      events: z.array(ConsentEvent),
      downgraded: z.object({ to: z.enum(['claim', 'request']), reason: z.string(), said: SaidSchema, missing: z.array(z.string()) }).nullable(),
    }),
  },
  'sheets.correctRow': {
    input: z.object({
      serial: SerialInput,
      row: z.number().int().min(1, 'sheets.rowsStartAt1'),
      /**
       * `void`: the row should never have been entered (not signed, wrong sheet, not this customer) — every consent
       * it recorded is retracted, so nothing it alone granted may be sent; the log keeps it. `correct`: the number or
       * name was typed wrong — the row's consents move to the corrected number (retracted on the old one).
       */
      action: z.enum(['void', 'correct']),
      reason: z.string().trim().min(3, 'sheets.reasonRequired').max(500),
      /** For `correct`: the number as written on the sheet (default: as entered). */
      phone: PhoneInput.optional(),
      /** For `correct`: the name as written on the sheet (default: as entered). */
      name: Name.optional(),
      staff: Name.optional(),
    }),
    output: z.object({
      serial: z.string(),
      row: z.number().int(),
      action: z.enum(['void', 'correct']),
      /** The contact the row now stands for (null after a void). */
      contactId: z.number().int().nullable(),
      /** Events written: retractions of what the row granted, then (a correction) grants for the corrected number. */
      events: z.array(ConsentEvent),
    }),
  },
  'sheets.contactRows': {
    input: z.object({ contactId: z.number().int().positive() }),
    output: z.object({
      /** Every paper row entered for this contact or corrected to it, oldest first, voided ones included. */
      rows: z.array(SheetRow.extend({ serial: z.string(), formCode: z.string() })),
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
          /** The confirmation wave (a system campaign) that carries it, once handed to the outbox. */
          batch: z.number().int().nullable(),
          /** Where its message is in that wave's outbox (null: not handed over yet). */
          delivery: z.enum(RecipientStatuses).nullable(),
          /** `winback`: a request to confirm a claimed or expired consent; `request`: the customer's own opt-in. */
          kind: z.enum(['request', 'winback']),
        }),
      ),
      /** Over every confirmation: how many wait for the outbox, went out, were confirmed, declined, expired. */
      counts: z.object({
        queued: z.number().int(),
        sent: z.number().int(),
        confirmed: z.number().int(),
        declined: z.number().int(),
        expired: z.number().int(),
        waiting: z.number().int(),
      }),
    }),
  },
  'confirmations.send': {
    input: z.object({
      /** Send through this provider only (default: the first one configured for each channel). */
      provider: ProviderName.optional(),
      /** Wait until the waves are handed off (the CLI) instead of sending in the background. */
      wait: z.boolean().default(false),
      maxWaitSeconds: z.number().int().min(1).max(3600).default(120),
      staff: Name.optional(),
    }),
    output: z.object({
      /** Requests whose deadline passed before they could go: never sent now. */
      expired: z.number().int(),
      /** Each wave: a system campaign per channel, language and kind, with where its messages are. */
      waves: z.array(
        z.object({
          batch: z.number().int(),
          channel: Channel,
          language: Locale,
          kind: z.enum(['request', 'winback']),
          provider: z.string(),
          queued: z.number().int(),
          sent: z.number().int(),
          skipped: z.number().int(),
          pending: z.number().int(),
          failed: z.number().int(),
        }),
      ),
      /** Channels with requests waiting and no provider to carry them (they wait for one). */
      noProvider: z.array(z.object({ channel: Channel, waiting: z.number().int() })),
    }),
  },
} as const;
