/** The providers a shop can hand messages to. */
export const ProviderKinds = ['twilio', 'whatsapp-cloud', 'smsru', 'smsc', 'webhook', 'file'] as const;
/** A provider kind. */
export type ProviderKind = (typeof ProviderKinds)[number];

/** Where a recipient of a batch stands. */
export const RecipientStatuses = ['queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'undeliverable', 'skipped', 'unknown'] as const;
/** A recipient status. */
export type RecipientStatus = (typeof RecipientStatuses)[number];
