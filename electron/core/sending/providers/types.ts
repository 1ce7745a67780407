import type { SaidRef } from '../../../../shared/contract/said';
import type { Channel } from '../../../../shared/domain/consent/types';

import type { ProviderKind } from '../../../../shared/domain/outbox/types';
import type { SignalPage } from './signals';
import type { RelayLink } from './relay';

export { ProviderKinds, type ProviderKind } from '../../../../shared/domain/outbox/types';

/** One message handed to a provider. */
export interface OutgoingMessage {
  /** Stable across every attempt of this recipient in this batch; providers that take one use it to drop repeats. */
  idempotencyKey: string;
  /** E.164, with the plus. */
  to: string;
  channel: Channel;
  /** The rendered text exactly as linted for this recipient. */
  text: string;
  purpose: 'marketing' | 'service';
  /** The batch it belongs to; 0 for a test message or a double opt-in confirmation. */
  batch: number;
  /** WhatsApp Cloud API: the approved template this text was rendered from, and its body parameters in order. */
  template?: { name: string; language: string; parameters: string[] } | undefined;
}

/**
 * What a definite refusal means for the register and the batch (DOMAIN §2.6, §3.4, §4, §7(b) 15):
 * - `fail`: this message fails, no retry (bad parameters, template missing, filtered as spam…);
 * - `opted_out`: the recipient opted out with the provider (Twilio 21610, 63014; Cloud API 131050) — record a
 *   `provider_feedback` revocation for the channel (marketing only for 131050);
 * - `invalid_number`: the number is invalid, a landline or unknown — flag it so no batch tries it again;
 * - `unreachable`: not reachable on this channel (not a WhatsApp user, US marketing pause…) — a cascade falls back
 *   to SMS when the person has SMS consent;
 * - `stop_batch`: auth, billing, permission or policy trouble — stop everything sent through this provider until the
 *   owner fixes it; the message itself stays queued.
 */
export type RefusalAction = 'fail' | 'opted_out' | 'invalid_number' | 'unreachable' | 'stop_batch';

/** The provider's answer to one send. */
export type SendOutcome =
  /** Taken by the provider. `status` when the answer already says more than "accepted". */
  | { kind: 'accepted'; providerMessageId: string | null; status?: 'sent' | 'delivered' | undefined }
  /**
   * Not taken now, try again later: 429, 5xx, a provider's throttling code, a timeout, the network down.
   * `maybeDelivered`: the request may have reached the provider (a timeout after sending), so the outbox asks
   * `reconcile` before sending again. `afterMs`: the provider's Retry-After, when it gave one.
   */
  | { kind: 'retry'; code: string; message: string; said?: SaidRef | undefined; maybeDelivered: boolean; afterMs?: number | undefined }
  /** A definite no. */
  | { kind: 'refused'; code: string; message: string; said?: SaidRef | undefined; action: RefusalAction };

/**
 * After a crash or an ambiguous timeout: did the provider take the message?
 * - `accepted`: yes (found by a status query), with its id;
 * - `resend`: sending again cannot make a second message (idempotency key honoured, or a status query proved it
 *   was not taken, or nothing has left the machine);
 * - `unknown`: the provider cannot tell; the owner decides.
 */
export type ReconcileOutcome = { kind: 'accepted'; providerMessageId: string | null } | { kind: 'resend' } | { kind: 'unknown' };

/** A delivery status fetched from a provider that can be polled. */
export interface DeliveryUpdate {
  status: 'sent' | 'delivered' | 'read' | 'failed' | 'undeliverable';
  /** The provider's error code on failure, e.g. Twilio 30005. */
  code?: string | undefined;
  /** What a failure means for the register, as for a refusal. */
  action?: RefusalAction | undefined;
}

/** A message a customer sent to the shop, fetched from the provider. */
export interface FetchedInbound {
  providerMessageId: string;
  from: string;
  to: string | null;
  channel: Channel;
  text: string;
  at: number;
}

/** One configured provider, ready to send. Adapters never log message text, numbers or secrets. */
export interface ProviderAdapter {
  readonly kind: ProviderKind;
  /** The channels this provider carries with the configured sender. */
  readonly channels: readonly Channel[];
  /** The account's sustained rate limit, messages per second (the outbox never exceeds it). */
  readonly ratePerSecond: number;
  /** Hand one message over. Never throws for provider or network trouble: that is an outcome. */
  send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendOutcome>;
  /** See ReconcileOutcome; `since` is when the message was first marked sending (ms). */
  reconcile(message: OutgoingMessage, since: number, signal?: AbortSignal): Promise<ReconcileOutcome>;
  /** Delivery status by the provider's message id, where the provider can be polled; null when it has nothing new. */
  status?(providerMessageId: string, channel: Channel, signal?: AbortSignal): Promise<DeliveryUpdate | null>;
  /** Messages customers sent since `since` (ms), where the provider lets them be fetched. */
  inbound?(since: number, signal?: AbortSignal): Promise<FetchedInbound[]>;
  /**
   * One page of what came back by itself (replies, stop-list entries…) after `cursor` (null: from the start the kind
   * allows). Called again with the page's cursor while `more`; provider sync saves the last cursor only once every
   * page is recorded. Throws ProviderQueryError when the provider cannot be asked or answers something unreadable.
   */
  pull?(cursor: string | null, signal?: AbortSignal): Promise<SignalPage>;
  /**
   * The relay this provider's webhooks go to, when one is linked (`relayUrl` and the `relayToken` secret): provider
   * sync pulls it beside (or, for the WhatsApp Cloud API, instead of) polling the provider.
   */
  relay?: RelayLink | undefined;
  /** Called when a run ends (the file hand-off finishes its file here). Returns the file written, if any. */
  finish?(): Promise<{ file?: string | undefined }>;
}

/** Non-secret settings of a provider, stored in the register. Secrets live in the SecretStore. */
export interface ProviderConfig {
  name: string;
  kind: ProviderKind;
  /**
   * Kind-specific options (account SID, From, Messaging Service SID, phone number id, URL, sender name…);
   * `baseUrl` overrides the provider's API address (a regional edge, a mirror, a local fake in tests).
   */
  options: Record<string, string>;
}

/** Where provider secrets live: the OS keychain in the app (Electron safeStorage), environment variables in the CLI. */
export interface SecretStore {
  /** Whether secrets persist beyond this process (false for the in-memory store of the local host). */
  readonly persistent: boolean;
  get(provider: string, field: string): string | undefined;
  set(provider: string, field: string, value: string): void;
  remove(provider: string): void;
  /** Where the CLI reads this secret from, for error messages: e.g. "$OPTIN_SHOP_TWILIO_AUTH_TOKEN". */
  describe(provider: string, field: string): string;
}

/** What building an adapter needs besides the config. */
export interface AdapterEnv {
  secrets: SecretStore;
  /** Per-request timeout in ms (default 15 s). */
  timeoutMs?: number | undefined;
  /** The file hand-off's output folder. */
  outDir?: string | undefined;
  now: () => number;
}
