/** Channels a consent is bound to; each is consented separately. */
export const Channels = ['whatsapp', 'sms'] as const;
/** A messaging channel. */
export type Channel = (typeof Channels)[number];

/** What the consent covers; `personal_data` is Russia's separate 152-FZ processing consent. */
export const Purposes = ['marketing', 'service', 'personal_data'] as const;
/** A consent purpose. */
export type Purpose = (typeof Purposes)[number];

/** What an event does to a consent; `retract` voids one earlier event entered in error (an undone import). */
export const ConsentActions = ['claim', 'request', 'grant', 'confirm', 'revoke', 'expire', 'retract'] as const;
/** A consent event action. */
export type ConsentAction = (typeof ConsentActions)[number];

/** How the consent (or its withdrawal) was collected. */
export const ConsentMethods = [
  'paper_form',
  'qr_keyword',
  'inbound_keyword',
  'verbal_in_store',
  'kiosk',
  'web_form',
  'import',
  'provider_feedback',
] as const;
/** A collection method. */
export type ConsentMethod = (typeof ConsentMethods)[number];

/** Projected status of one contact × channel × purpose. */
export const ConsentStatuses = ['none', 'unproven', 'pending', 'granted', 'revoked', 'expired'] as const;
/** A consent status. */
export type ConsentStatus = (typeof ConsentStatuses)[number];

/** Evidence attached to an event; every field optional, the policy pack says which are required. */
export interface ConsentEvidence {
  formVersionId?: number | undefined;
  sheetRef?: string | undefined;
  scanSha256?: string | undefined;
  inboundMessageId?: string | undefined;
  importBatchId?: string | undefined;
  source?: string | undefined;
  note?: string | undefined;
  claimedAt?: string | undefined;
}

/** The minimum of an event the fold needs. */
export interface FoldableEvent {
  seq: number;
  channel: Channel;
  purpose: Purpose;
  action: ConsentAction;
  occurredAt: number;
  recordedAt: number;
  expiresAt: number | null;
  /** For `retract`: the seq of the event it voids. */
  targetSeq?: number | null;
}

/** Folded state of one key. */
export interface ConsentState {
  status: ConsentStatus;
  since: number | null;
  lastEventSeq: number | null;
  expiresAt: number | null;
}
