import { z } from 'zod';
import { SaidKeySchema, SaidParamsSchema, SaidSchema } from './said';
import { ColumnFields } from '../domain/csv/mapping';
import { ImportWarningKinds } from '../domain/csv/warnings';
import { Channel, CountryCode, InstantInput, IsoInstant, Locale, Name, Purpose } from './common';
import { FileId } from './files';

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
    message: 'imports.consentColumnNeeds',
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

/** The warnings of one kind an import met: how many, and the first rows (with what the sentence names). */
export const ImportWarningGroup = z.object({
  kind: z.enum(ImportWarningKinds),
  count: z.number().int(),
  examples: z.array(z.object({ row: z.number().int(), params: z.record(z.string(), z.union([z.string(), z.number()])), text: z.string() })),
});
/** The warnings of one kind an import met. */
export type ImportWarningGroup = z.infer<typeof ImportWarningGroup>;

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
  /** The warnings by kind, in the order they first appeared, with up to 5 example rows each (the report holds all). */
  warningGroups: z.array(ImportWarningGroup),
  batch: z.number().int().nullable(),
  /** The first rejected rows: why, in English (`reason`, as the CSV report says it) and by key (`said`). */
  errors: z.array(z.object({ row: z.number().int(), reason: z.string(), said: SaidSchema })),
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
  /** Why the import stopped: its code, its key and parameters, and the English message; field problems likewise. */
  error: z
    .object({
      code: z.string(),
      key: SaidKeySchema.optional(),
      params: SaidParamsSchema.optional(),
      message: z.string(),
      fields: z.array(z.object({ path: z.string() }).and(SaidSchema)).optional(),
    })
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

/** The input of an import preview or commit. */
export const ImportRunInput = z.object({
  fileId: FileId,
  mapping: z.array(ColumnMapping).min(1, 'imports.mapPhoneColumn').max(1000),
  defaultCountry: CountryCode.optional(),
  merge: z.enum(['fill_blanks', 'overwrite']).default('fill_blanks'),
  encoding: z.string().trim().min(1).max(40).optional(),
  delimiter: z.enum([',', ';', '\t', '|']).optional(),
  dryRun: z.boolean().default(true),
  staff: Name.optional(),
  /** The sheet of a workbook (.xlsx) to read; without it the first. */
  sheet: z.string().trim().min(1).max(100).optional(),
  /**
   * One consent source and date for every row («анкеты в магазине, 2024»): they fill the rows' missing source and
   * date; with channels and purpose, a file without consent columns says "yes" for them on every row. The pack's
   * rules for that evidence decide grant or unproven claim, as for a source in a column.
   */
  consentForFile: z
    .object({
      source: z.string().trim().min(1, 'imports.fileConsentSource').max(500).optional(),
      date: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'imports.fileConsentDate')
        .optional(),
      channels: z.array(Channel).min(1).optional(),
      purpose: Purpose.optional(),
    })
    .refine((c) => c.source !== undefined || c.date !== undefined, { message: 'imports.fileConsentSourceOrDate', path: ['source'] })
    .refine((c) => (c.channels === undefined) === (c.purpose === undefined), {
      message: 'imports.fileConsentChannelsWithPurpose',
      path: ['channels'],
    })
    .optional(),
  /** The person's language: the report's CSV is written for their spreadsheet (`;` for Russian Excel). */
  language: Locale.optional(),
});

/** Importing a file (inspect, preview, commit, undo, presets) and exporting the register. */
export const importsMethods = {
  'import.inspect': {
    input: z.object({
      fileId: FileId,
      encoding: z.string().trim().min(1).max(40).optional(),
      delimiter: z.enum([',', ';', '\t', '|']).optional(),
      preset: z.string().trim().min(1).max(100).optional(),
      /** The row (from 1) that holds the column names; without it the first row naming a phone and another known column. */
      headerRow: z.number().int().min(1, 'imports.headerRowFrom1').max(100, 'imports.headerRowMax').optional(),
      /** The sheet of a workbook (.xlsx) to read; without it the first. */
      sheet: z.string().trim().min(1).max(100).optional(),
    }),
    output: z.object({
      /** What the file is: a CSV text, an Excel workbook, or an HTML table saved as .xls (Bitrix24's «Экспорт в Excel»). */
      format: z.enum(['csv', 'xlsx', 'html']),
      /** A workbook's sheets, in order (empty for other files), and the one read. */
      sheets: z.array(z.string()),
      sheet: z.string().nullable(),
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
      name: z.string().trim().min(1, 'imports.presetName').max(100),
      mapping: z.array(ColumnMapping).min(1).max(1000),
    }),
    output: ImportPresetInfo,
  },
  'import.deletePreset': {
    input: z.object({ id: z.string().regex(/^saved:\d+$/, 'imports.onlySavedPresets') }),
    output: z.object({ deleted: z.boolean() }),
  },
  'export.create': {
    input: z.object({
      what: z.enum(['contacts', 'suppression', 'history']),
      at: InstantInput.optional(),
      /**
       * `excel` (the default, as before): formula-safe for a spreadsheet — a value that could run as a formula,
       * a `+` phone included, gets a leading `'` — machine column names, UTC times, UTF-8 with a BOM. `crm`: for
       * re-import into a CRM — plain E.164 phones, column names in `language`, and with `ru` a `;` delimiter and
       * the shop's local date-times. Our import reads both back exactly.
       */
      for: z.enum(['excel', 'crm']).default('excel'),
      /** The person's language: the CRM variant's column names, values and dates follow it. */
      language: Locale.default('en'),
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
} as const;
