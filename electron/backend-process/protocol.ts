import type { ApiError, Result } from '../../shared/contract/errors';

// The messages between the Electron main process and the utility process that runs the core. Both sides import
// this file; it imports nothing that runs, so the main process bundles no part of the core by way of it.

/** What the backend process needs to open the register (the main process alone knows the app's paths). */
export interface StartMessage {
  type: 'start';
  dbPath: string;
  /** Resume unfinished campaigns in the background at start. */
  autoResume: boolean;
}

/** One contract call; answered by a `ResultMessage` with the same id. */
export interface CallMessage {
  type: 'call';
  id: number;
  method: string;
  input: unknown;
}

/** The main process answers the backend's `secret.*` requests with the same id. */
export type SecretReplyMessage =
  { type: 'secret.reply'; id: number; ok: true; value?: SecretSnapshot } | { type: 'secret.reply'; id: number; ok: false; error: string };

/** Main → backend. */
export type ToBackend = StartMessage | CallMessage | SecretReplyMessage | { type: 'close' };

/** Every provider secret the keychain holds, decrypted, and whether a new one can be stored safely now. */
export interface SecretSnapshot {
  values: { provider: string; field: string; value: string }[];
  /** Why a secret cannot be stored now (no keychain); null when it can. */
  unwritable: string | null;
}

/** The backend asks the main process, which alone can use the OS keychain (Electron safeStorage). */
export type SecretAsk =
  { type: 'secret.get' } | { type: 'secret.set'; provider: string; field: string; value: string } | { type: 'secret.delete'; provider: string };

/** A secret request as sent, numbered so that its reply can find it. */
export type SecretRequest = SecretAsk & { id: number };

/** The dispatcher's envelope for one call. */
export interface ResultMessage {
  type: 'result';
  id: number;
  result: Result<unknown>;
}

/** Backend → main. */
export type FromBackend =
  | { type: 'ready' }
  /** The register could not be opened (damaged, too new…): the message names the file and what to do. */
  | { type: 'fatal'; error: ApiError }
  | ResultMessage
  | SecretRequest
  | { type: 'event'; name: BackendEvent; payload: unknown }
  | { type: 'closed' };

/**
 * Events the window may hear (window.bridge.on). The core emits none of its own yet — progress is polled
 * (`import.job`, `campaign.progress`) — so today only the main process's own notice passes: the backend process
 * stopped unexpectedly and was started again.
 */
export const BACKEND_EVENTS = ['backend.restarted'] as const;
/** One of the events the window may hear. */
export type BackendEvent = (typeof BACKEND_EVENTS)[number];

/** True for a name on the event allow-list. */
export function isBackendEvent(name: unknown): name is BackendEvent {
  return typeof name === 'string' && (BACKEND_EVENTS as readonly string[]).includes(name);
}

/** True for a plain object carrying a string `type`: the shape every message of this protocol has. */
export function hasType(message: unknown): message is { type: string; [key: string]: unknown } {
  return typeof message === 'object' && message !== null && typeof (message as { type?: unknown }).type === 'string';
}

/** True for a request id: a safe non-negative integer. */
export function isId(id: unknown): id is number {
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0;
}
