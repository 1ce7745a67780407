import type { Input, Method, Output } from '../../../shared/contract/api';
import { apiError, type ApiError, type ErrorCode, type FieldProblem, type Result } from '../../../shared/contract/errors';
import { markSlow, SLOW_CALL_MS } from '../stores/busy.store';

/** A refused or failed call, with the contract's code and field problems. */
export class ApiCallError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldProblem[];
  readonly details: ApiError['details'];
  /** What happened, as a key of the shared catalog with its parameters (the renderer translates it); absent on a door's own English answer. */
  readonly key: ApiError['key'];
  readonly params: ApiError['params'];
  constructor(error: ApiError) {
    super(error.message);
    this.code = error.code;
    this.key = error.key;
    this.params = error.params;
    this.fields = error.details?.fields ?? [];
    this.details = error.details;
  }
}

// The local HTTP host's per-launch access key. The host prints the address to open with it in the fragment
// (http://127.0.0.1:5178/#k=KEY), which the browser never sends to a server or in a Referer. The page takes it once,
// keeps it in memory, and wipes it from the address bar (and so from history and bookmarks). A copy in this tab's
// sessionStorage lets a reload keep working: it is gone when the tab closes, and dead when the host restarts anyway.
const KEY_STORAGE = 'optin.hostKey';
let hostKey: string | null = null;

function takeHostKey(): string | null {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromHash = params.get('k');
  if (fromHash) {
    params.delete('k');
    const rest = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
    try {
      sessionStorage.setItem(KEY_STORAGE, fromHash);
    } catch {
      // storage refused (private mode): the key lives in memory only, and a reload needs the printed address again
    }
    return fromHash;
  }
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

/** The access key for the HTTP transport, taken from the address on first use. */
function accessKey(): string | null {
  hostKey ??= takeHostKey();
  return hostKey;
}

async function viaHttp(method: string, input: unknown): Promise<Result<unknown>> {
  const key = accessKey();
  const res = await fetch(`/api/${encodeURIComponent(method)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(key ? { Authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(input ?? {}),
  });
  return (await res.json()) as Result<unknown>;
}

async function viaIpc(method: string, input: unknown): Promise<Result<unknown>> {
  if (!window.bridge) throw new Error('the Optin Desk bridge is missing');
  return (await window.bridge.invoke(method, input)) as Result<unknown>;
}

// Chosen at build time, so the desktop build carries no HTTP client.
const transport = import.meta.env.VITE_TRANSPORT === 'http' ? viaHttp : viaIpc;
// Take the key before anything else reads the address, so it leaves the address bar at once.
if (import.meta.env.VITE_TRANSPORT === 'http') accessKey();

// Calls that are slow for their own reasons, not because they wait for the register: a provider's answer, file data.
const NOT_WAITING_FOR_REGISTER: ReadonlySet<string> = new Set<Method>(['providers.test', 'files.append', 'files.finish', 'files.read']);

/**
 * Call one contract operation; throws ApiCallError on refusal. A call that takes longer than SLOW_CALL_MS shows the
 * shell's "Waiting for the register…" until it answers (another window or process may hold the register's write
 * lock: the register then waits a few seconds for it before answering BUSY).
 */
export async function call<M extends Method>(method: M, input: Input<M>): Promise<Output<M>> {
  let result: Result<unknown>;
  const startedAt = Date.now();
  const slow: { settle?: () => void } = {};
  const timer = NOT_WAITING_FOR_REGISTER.has(method) ? null : setTimeout(() => (slow.settle = markSlow(startedAt)), SLOW_CALL_MS);
  try {
    result = await transport(method, input);
  } catch {
    throw new ApiCallError(apiError('INTERNAL', 'door.unreachable'));
  } finally {
    if (timer !== null) clearTimeout(timer);
    slow.settle?.();
  }
  if (!result.ok) throw new ApiCallError(result.error);
  return result.value as Output<M>;
}
