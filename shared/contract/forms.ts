import { z } from 'zod';
import { PolicyPackIds } from '../domain/policy/policy';
import { Channel, IsoInstant, Locale, Name, PhoneInput, Purpose } from './common';
import { ConsentEvent } from './consent';
import { FileId } from './files';

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

/** Consent wording, its printed sheets, QR codes and posters, paper entry, and double-opt-in confirmations. */
export const formsMethods = {
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
} as const;
