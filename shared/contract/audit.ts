import { z } from 'zod';
import { parseHead } from '../domain/integrity/head';
import { IsoInstant, Name } from './common';
import { SaidSchema } from './said';

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
  /** The register was opened with its witness gone (deleted, or the register moved without it); its head not accepted since. */
  'witness_missing',
  /** A trigger Optin Desk did not make was added to the register file. */
  'schema_added',
  /** What the contacts list keeps of a contact (statuses, expiries, personal data, last change) differs from its events. */
  'listed_mismatch',
  /** A form's wording no longer gives the fingerprint recorded when it was made. */
  'form_altered',
  /** A complaint the audit log recorded is gone or moved, or one is there that no audit row recorded. */
  'complaint_missing',
  /** A link between a person's numbers differs from the merges the audit log recorded. */
  'link_changed',
  /** The opt-out journal beside the register cannot be read: opt-outs may be waiting in it. */
  'journal_unreadable',
  /** The rules pack or its tightening in the settings differs from what the last settings change recorded, or loosens the pack. */
  'settings_changed',
  /** A message handed to a provider names as its proof a consent event that is not its recipient's (or none). */
  'proof_mismatch',
  /** A message was handed to a provider after its recipient's opt-out was recorded (the gate, asked then, would have refused). */
  'sent_after_optout',
  /** A consent event that no audit row accounts for: it was added to the register file outside Optin Desk. */
  'event_unaccounted',
  /** A customer's reply kept as evidence differs from what its events and audit row recorded of it, or is gone. */
  'reply_rewritten',
] as const;
/** What an integrity problem is. */
export type AuditProblemKind = (typeof AuditProblemKinds)[number];

/** One problem found by verification: what differs, about whom, and (in `message`, English) what to do. */
export const AuditProblem = z.object({
  table: z.enum([
    'consent_events',
    'audit_log',
    'consent_state',
    'contacts',
    'schema',
    'witness',
    'form_versions',
    'complaints',
    'optouts',
    'settings',
    'outbox',
  ]),
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
  /** The detail by key, when it has one (why the witness cannot be read; `actual` holds its English). */
  said: SaidSchema.optional(),
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
    for (const p of parseHead(s).problems) ctx.addIssue({ code: 'custom', message: p.key, params: p.params });
  });

/** Verifying the register's chains and reading the audit log. */
export const auditMethods = {
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
} as const;
