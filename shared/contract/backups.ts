import { z } from 'zod';
import { IsoInstant, Name } from './common';
import { AuditProblem, ChainHead } from './audit';
import { SaidKeySchema, SaidParamsSchema, SaidSchema } from './said';

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

/**
 * What checking a backup found wrong: `key` and `params` say it by key (a check recorded by an older version has only
 * `message`, in English, and the kind), `audit` when the register inside failed `audit verify`.
 */
export const BackupProblem = z.object({
  kind: z.enum(['missing', 'changed', 'unreadable', 'damaged', 'too_new', 'cannot_migrate', 'audit']),
  key: SaidKeySchema.optional(),
  params: SaidParamsSchema.optional(),
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
  /** Why it was made, in English (a note typed by hand as typed); `noteSaid` is the register's own note by key. */
  note: z.string().nullable(),
  noteSaid: SaidSchema.nullable(),
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
export const BackupLocator = z
  .object({
    id: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .refine((s) => !/[\\/]/.test(s) && s !== '.' && s !== '..', 'backups.idNotFileName')
      .optional(),
    path: z.string().trim().min(1).max(4096).optional(),
  })
  .refine((l) => (l.id === undefined) !== (l.path === undefined), {
    message: 'backups.idOrPath',
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

/** Backups, their checks, and restoring one with a preview of what it would lose. */
export const backupsMethods = {
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
      currentProblemSaid: SaidSchema.nullable(),
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
      /** Numbers whose opt-outs the replaced register recorded after the backup, entered again in the restored one (an opt-out is never lost). */
      optOutsKept: z.number().int(),
      /** Numbers whose opt-out could not be entered again (named in the audit log): record them by hand. */
      optOutsNotKept: z.array(z.string()),
    }),
  },
} as const;
