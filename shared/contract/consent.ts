import { z } from 'zod';
import { SaidSchema } from './said';
import { ExclusionReasons } from '../domain/gate/gate';
import { PolicyPackIds } from '../domain/policy/policy';
import {
  Channel,
  ConsentAction,
  ConsentMethod,
  ConsentStatus,
  Contact,
  CountryCode,
  InstantInput,
  IsoInstant,
  Name,
  PhoneInput,
  Purpose,
} from './common';

/** Evidence attached to a consent event. */
export const Evidence = z
  .object({
    formVersionId: z.number().int().positive(),
    sheetRef: z.string().trim().min(1).max(200),
    scanSha256: z.string().regex(/^[0-9a-f]{64}$/, 'common.notSha256'),
    inboundMessageId: z.string().trim().min(1).max(200),
    importBatchId: z.string().trim().min(1).max(200),
    /** For imports: the file's SHA-256, its name, the row, and the consent columns as they read in the file. */
    fileSha256: z.string().regex(/^[0-9a-f]{64}$/, 'common.notSha256'),
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
 * On a number merged into another contact (one of a person's other numbers): the person's primary contact, the number
 * campaigns reach instead — the reason `merged` on this number's cells names it.
 */
export const PrimaryNumber = z.object({ contactId: z.number().int(), phone: z.string(), name: z.string() });
/** The primary contact a number was merged into. */
export type PrimaryNumber = z.infer<typeof PrimaryNumber>;

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
  /** What held the register when it was accepted: in English, and by key (waitingForSaid). */
  waitingFor: z.string(),
  waitingForSaid: SaidSchema,
  /** Why it could not be entered yet (it is honoured all the same): in English, and by key (problemSaid). */
  problem: z.string().nullable(),
  problemSaid: SaidSchema.nullable(),
});
/** An opt-out waiting to be entered into the register. */
export type PendingOptOut = z.infer<typeof PendingOptOut>;

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
  .refine((v) => v.contactId !== undefined || v.phone !== undefined, { message: 'common.phoneOrContact', path: ['phone'] })
  .refine((v) => v.action === 'revoke' || v.method !== undefined, {
    message: 'consent.methodRequired',
    path: ['method'],
  });
/** Input of consent.record. */
export type ConsentRecordInput = z.infer<typeof ConsentRecordInput>;

/** Recording consent and asking for its status. */
export const consentMethods = {
  'consent.record': {
    input: ConsentRecordInput,
    output: z.object({
      contact: Contact,
      createdContact: z.boolean(),
      events: z.array(ConsentEvent),
      consents: z.array(ConsentCell),
      /** Set when a grant lacked the evidence the pack demands and was recorded as a claim (or a request under double opt-in). */
      downgraded: z.object({ to: z.enum(['claim', 'request']), reason: z.string(), said: SaidSchema, missing: z.array(z.string()) }).nullable(),
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
      /** Set when the number was merged into another contact: messages go to that one (its cells say `merged`). */
      primary: PrimaryNumber.nullable().optional(),
    }),
  },
} as const;
