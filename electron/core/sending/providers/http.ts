import type { SendOutcome } from './types';
import { say } from './say';
import type { SaidRef } from '../../../../shared/contract/said';

/** The default per-request timeout when the environment gives none. */
export const DEFAULT_TIMEOUT_MS = 15_000;

/** A response that arrived, body read in full. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, when it is JSON; undefined otherwise. */
  json: unknown;
}

/** Why no response arrived. */
export interface HttpFailure {
  /** A short code for the outbox log: ECONNREFUSED, TIMEOUT, CANCELLED, UND_ERR_SOCKET… */
  code: string;
  message: string;
  /** The message by key (say()), for the person's language. */
  said?: SaidRef | undefined;
  /** False only when the request certainly never left this machine (the connection was never made). */
  maybeDelivered: boolean;
}

/** One request's result: a response of any status, or a failure before one arrived. */
export type HttpResult = { ok: true; response: HttpResponse } | { ok: false; failure: HttpFailure };

/** What a request needs besides its address. */
export interface RequestOptions {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | URLSearchParams;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

// Errors raised while connecting (DNS, TCP, TLS handshake): the request was never written, so sending again cannot
// make a second message. Everything else (reset, socket closed, timeout) may come after the provider read it.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_INVALID_ARG',
  'ERR_INVALID_URL',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

function errorCodes(e: unknown, depth = 0): string[] {
  if (!e || typeof e !== 'object' || depth > 5) return [];
  const out: string[] = [];
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') out.push(code);
  const errors = (e as { errors?: unknown }).errors;
  if (Array.isArray(errors)) for (const inner of errors) out.push(...errorCodes(inner, depth + 1));
  out.push(...errorCodes((e as { cause?: unknown }).cause, depth + 1));
  return out;
}

/** Sorts a thrown fetch error into "never sent" or "maybe sent"; exported for tests. */
export function classifyNetworkError(e: unknown, timedOut: boolean, cancelled: boolean): HttpFailure {
  if (timedOut) return { code: 'TIMEOUT', ...say('answer.timeout'), maybeDelivered: true };
  if (cancelled) return { code: 'CANCELLED', ...say('answer.cancelledUnderWay'), maybeDelivered: true };
  const codes = errorCodes(e);
  const notSent = codes.find((c) => NOT_SENT_CODES.has(c) || c.startsWith('ERR_SSL_'));
  if (notSent) return { code: notSent, ...say('answer.noConnection'), maybeDelivered: false };
  const code = codes[0] ?? 'NETWORK';
  return { code, ...say('answer.connectionBroke'), maybeDelivered: true };
}

/**
 * One HTTP request through Node's fetch (keep-alive by default), bounded by `timeoutMs` and the caller's signal.
 * Never throws: a failure says whether the request may have reached the provider.
 */
export async function request(url: string, opts: RequestOptions): Promise<HttpResult> {
  if (opts.signal?.aborted) return { ok: false, failure: { code: 'CANCELLED', ...say('answer.cancelledBefore'), maybeDelivered: false } };
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  try {
    const res = await fetch(url, { method: opts.method, headers: opts.headers, body: opts.body, signal, redirect: 'error' });
    const text = await res.text();
    let json: unknown = undefined;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    return { ok: true, response: { status: res.status, headers: res.headers, text, json } };
  } catch (e) {
    return { ok: false, failure: classifyNetworkError(e, timeout.aborted, opts.signal?.aborted === true) };
  }
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** The outcome for a request that got no answer. */
export function retryFromFailure(f: HttpFailure): SendOutcome {
  return { kind: 'retry', code: f.code, message: f.message, said: f.said, maybeDelivered: f.maybeDelivered };
}

/**
 * The outcome for an HTTP status the provider gave no usable code with: 429 and 5xx are worth another try. A 502 or
 * 504 comes from a gateway in front of the provider, which may have passed the request on before giving up.
 */
export function retryFromHttp(status: number, headers: Headers, now: number): SendOutcome {
  return {
    kind: 'retry',
    code: `HTTP_${status}`,
    ...say('answer.http', { status }),
    maybeDelivered: status === 502 || status === 504,
    afterMs: parseRetryAfter(headers.get('retry-after'), now),
  };
}

/** Whether an HTTP status alone means "try again later". */
export function isRetryableHttp(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * A provider's error text made safe to store: providers echo the recipient's number in their messages (Twilio: "The
 * 'To' number +7… is not a valid phone number"), and the outbox keeps these messages, so long digit runs are masked.
 * `redact` (the adapter's Redactor) removes its secrets first, before masking or cutting could split one into pieces
 * that no longer match.
 */
export function safeMessage(text: unknown, fallback = 'no message', redact: (s: string) => string = (s) => s): string {
  if (typeof text !== 'string' || !text.trim()) return fallback;
  const masked = redact(text)
    .replace(/\+?\d[\d\s().-]{5,}\d/g, '…')
    .replace(/\s+/g, ' ')
    .trim();
  return masked.length > 200 ? `${masked.slice(0, 199)}…` : masked;
}

/** An HTTP Basic Authorization header value. */
export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** The base address without trailing slashes, so paths can be appended. */
export function trimBase(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * Thrown by reconcile, status and inbound when the provider could not be asked (network down, 5xx): the outbox catches
 * it and asks again later, which is safer than answering "unknown" (that hands the decision to the owner for good).
 */
export class ProviderQueryError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ProviderQueryError';
  }
}

/** A response for a query (not a send): the 2xx response, or a ProviderQueryError thrown. */
export async function query(url: string, opts: RequestOptions, what: string): Promise<HttpResponse> {
  const r = await request(url, opts);
  if (!r.ok) throw new ProviderQueryError(r.failure.code, `${what}: ${r.failure.message}`);
  if (r.response.status < 200 || r.response.status >= 300)
    throw new ProviderQueryError(`HTTP_${r.response.status}`, `${what}: HTTP ${r.response.status}`);
  return r.response;
}
