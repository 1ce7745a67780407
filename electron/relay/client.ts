import { classifyNetworkError, DEFAULT_TIMEOUT_MS, ProviderQueryError, trimBase } from '../core/sending/providers/http';
import type { SignalPage } from '../core/sending/providers/signals';
import { mapRelayEvents } from './mapping';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, type RelayEvent } from './types';

/** How the desktop talks to its relay. */
export interface RelayClientOptions {
  /** Node's fetch by default; tests and the app may pass their own. */
  fetch?: typeof fetch | undefined;
  signal?: AbortSignal | undefined;
  /** Per request (default 15 s). */
  timeoutMs?: number | undefined;
  /** Events per page (default 100, at most 1000). */
  limit?: number | undefined;
}

/** A page of signals from the relay; `cursor` is always set (pass it next time, acknowledge it once recorded). */
export interface RelayPage extends SignalPage {
  cursor: string;
  /** How many webhooks the page held. */
  events: number;
  /** Webhooks, or parts of them, that carried nothing to record (see MappedSignals). */
  skipped: number;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * What is wrong with a relay address, in plain words, or null when it will do: http(s), no query or credentials, and
 * https unless the relay is on this machine (the pull token must not cross a network in the clear).
 */
export function relayUrlProblem(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `${url} is not an address (expected e.g. https://relay.example.com)`;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return `${url}: a relay address starts with https://`;
  if (u.username || u.password) return `${url}: put no user or password in the address; the pull token is kept as a secret`;
  if (u.search || u.hash) return `${url}: the address takes no ?query or #fragment`;
  if (u.protocol === 'http:' && !LOOPBACK.has(u.hostname))
    return `${url}: use https:// — the pull token would cross the network in the clear (plain http only for a relay on this machine)`;
  return null;
}

/** A relay address or token that cannot be used: the provider's sync stops with this, its cursor untouched. */
function checkInputs(url: string, token: string): void {
  const problem = relayUrlProblem(url);
  if (problem) throw new ProviderQueryError('RELAY_CONFIG', `relay: ${problem}`);
  if (!token || /\s/.test(token)) throw new ProviderQueryError('RELAY_CONFIG', 'relay: the pull token is missing or contains spaces');
}

async function call(url: string, init: RequestInit, opts: RelayClientOptions, what: string): Promise<unknown> {
  if (opts.signal?.aborted) throw new ProviderQueryError('CANCELLED', `${what}: cancelled`);
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const doFetch = opts.fetch ?? fetch;
  let res: Response;
  let text: string;
  try {
    res = await doFetch(url, { ...init, signal, redirect: 'error' });
    text = await res.text();
  } catch (e) {
    const f = classifyNetworkError(e, timeout.aborted, opts.signal?.aborted === true);
    throw new ProviderQueryError(
      f.code,
      `${what}: ${f.code === 'TIMEOUT' ? 'the relay did not answer in time' : f.message.replace('the provider', 'the relay')}`,
    );
  }
  if (res.status === 401)
    throw new ProviderQueryError('RELAY_UNAUTHORIZED', `${what}: the relay refused the pull token (HTTP 401); check the relay token`);
  if (res.status < 200 || res.status >= 300) {
    let reason = '';
    try {
      const err = (JSON.parse(text) as { error?: unknown }).error;
      if (typeof err === 'string') reason = `: ${err.slice(0, 200)}`;
    } catch {
      reason = '';
    }
    throw new ProviderQueryError(`HTTP_${res.status}`, `${what}: the relay answered HTTP ${res.status}${reason}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ProviderQueryError('RELAY_BAD_ANSWER', `${what}: the relay's answer is not JSON (is this address a relay?)`);
  }
}

const badAnswer = (what: string, why: string) => new ProviderQueryError('RELAY_BAD_ANSWER', `${what}: ${why}`);

/**
 * Fetches the events after `cursor` (null: from the oldest kept) and maps them to signals. Throws ProviderQueryError
 * when the relay cannot be asked or answers something that is not a page (the caller keeps its cursor): `RELAY_CONFIG`
 * for an address or token that cannot be used (see relayUrlProblem, for checking an address when it is entered),
 * `RELAY_UNAUTHORIZED` for a refused token, `RELAY_BAD_ANSWER`, `HTTP_<status>` or the network's code otherwise. Never logs the token, bodies or numbers.
 */
export async function pullRelay(url: string, token: string, cursor: string | null, opts: RelayClientOptions = {}): Promise<RelayPage> {
  checkInputs(url, token);
  const limit = opts.limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT)
    throw new ProviderQueryError('RELAY_CONFIG', `relay: limit ${String(limit)} is not a whole number from 1 to ${MAX_PAGE_LIMIT}`);
  const q = new URLSearchParams({ limit: String(limit) });
  if (cursor) q.set('after', cursor);
  const what = 'relay events';
  const page = await call(
    `${trimBase(url)}/events?${q.toString()}`,
    { method: 'GET', headers: { authorization: `Bearer ${token}`, accept: 'application/json' } },
    opts,
    what,
  );
  if (typeof page !== 'object' || page === null) throw badAnswer(what, 'the answer is not a page of events');
  const p = page as { events?: unknown; cursor?: unknown; more?: unknown };
  if (!Array.isArray(p.events) || typeof p.cursor !== 'string' || !p.cursor || typeof p.more !== 'boolean')
    throw badAnswer(what, 'the answer lacks events, cursor or more');
  if (p.events.length > limit) throw badAnswer(what, `the relay sent ${p.events.length} events where at most ${limit} were asked for`);
  if (p.more && p.cursor === cursor) throw badAnswer(what, 'the relay says more events wait but its cursor did not move');
  const events: RelayEvent[] = [];
  let malformed = 0;
  for (const e of p.events as unknown[]) {
    const ev = e as Partial<RelayEvent> | null;
    if (
      ev &&
      typeof ev === 'object' &&
      (ev.source === 'whatsapp' || ev.source === 'twilio') &&
      typeof ev.receivedAt === 'number' &&
      Number.isFinite(ev.receivedAt)
    )
      events.push({ id: String(ev.id), source: ev.source, receivedAt: ev.receivedAt, body: ev.body });
    else malformed++;
  }
  const mapped = mapRelayEvents(events);
  return { signals: mapped.signals, cursor: p.cursor, more: p.more, events: p.events.length, skipped: mapped.skipped + malformed };
}

/**
 * Tells the relay that everything up to `cursor` is recorded, so it can drop those events. Call it only after the
 * page's signals and the cursor are saved; a failed acknowledgement is harmless (the next pull starts after the saved
 * cursor, and the relay drops unacknowledged events after its retention). Returns how many events the relay dropped.
 */
export async function ackRelay(url: string, token: string, cursor: string, opts: RelayClientOptions = {}): Promise<number> {
  checkInputs(url, token);
  const what = 'relay acknowledgement';
  const answer = await call(
    `${trimBase(url)}/events/ack`,
    { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ cursor }) },
    opts,
    what,
  );
  const n = (answer as { acknowledged?: unknown } | null)?.acknowledged;
  if (typeof n !== 'number') throw badAnswer(what, 'the answer does not say how many events were dropped');
  return n;
}
