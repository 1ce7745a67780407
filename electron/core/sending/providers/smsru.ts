import type { Channel } from '../../../../shared/domain/consent/types';
import { say } from './say';
import { ProviderQueryError, isRetryableHttp, query, request, retryFromFailure, retryFromHttp, safeMessage, trimBase } from './http';
import { Redactor } from './redact';
import type { ProviderSignal, SignalPage } from './signals';
import type { DeliveryUpdate, OutgoingMessage, ProviderAdapter, ReconcileOutcome, RefusalAction, SendOutcome } from './types';

/** SMS.ru's API address. */
export const SMSRU_BASE_URL = 'https://sms.ru';

/** An SMS.ru adapter's settings, validated by the caller. */
export interface SmsruSettings {
  apiId: string;
  from?: string | undefined;
  test: boolean;
  baseUrl: string;
  ratePerSecond: number;
  timeoutMs: number;
  now: () => number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

// SMS.ru's answer codes, as listed on sms.ru/api/send and sms.ru/api/status (cross-checked against two independent
// client libraries). 100 is success; the rest below are refusals of a send.
const STOP_BATCH = new Set([
  200, // wrong api_id
  201, // not enough money on the account
  204, // sender name not approved with the number's operator (answered per number); the owner applies at SMS.ru
  221, // no approved letter sender on the account yet
  300, // wrong token
  301, // wrong api_id or login/password
  302, // account not confirmed
]);
const INVALID_NUMBER = new Set([
  202, // recipient given wrongly, or no route to it
  207, // messages cannot be sent to this number
]);
const OPTED_OUT = new Set([
  209, // the account's own stop-list
  215, // SMS.ru's stop-list: the recipient complained of spam
]);
// Limits that lift by themselves: per-number and per-account daily caps, identical-text caps.
const RETRY_AFTER: Record<number, number | undefined> = {
  220: undefined, // service temporarily unavailable
  500: undefined, // server error, repeat the request
  206: HOUR, // the account's daily limit
  230: HOUR, // more than the daily number of messages to this number
  231: MINUTE, // identical messages to this number within a minute
  232: HOUR, // identical messages to this number within a day
  233: HOUR, // repeated code messages to this number
  503: 10 * MINUTE, // too many messages to this country in a short time
  505: 10 * MINUTE, // too many messages from one IP
};

/** What an SMS.ru send code means; `retry` with a suggested wait for limits that lift by themselves. */
export function smsruAction(code: number): { action: RefusalAction } | { retry: true; afterMs?: number } {
  if (STOP_BATCH.has(code)) return { action: 'stop_batch' };
  if (INVALID_NUMBER.has(code)) return { action: 'invalid_number' };
  if (OPTED_OUT.has(code)) return { action: 'opted_out' };
  if (code in RETRY_AFTER) return { retry: true, afterMs: RETRY_AFTER[code] };
  return { action: 'fail' };
}

/** A delivery status code from sms/status mapped to ours; null while the message is still on its way. */
export function smsruDelivery(code: number): DeliveryUpdate | null {
  switch (code) {
    case 103:
      return { status: 'delivered' };
    case 110:
      return { status: 'read' };
    case 104: // lifetime expired
    case 105: // deleted by the operator
    case 106: // phone failure
    case 107: // unknown reason
    case 108: // rejected
      return { status: 'undeliverable', code: String(code), action: 'fail' };
    case 150: // no route to this number
      return { status: 'undeliverable', code: String(code), action: 'invalid_number' };
    default:
      // 100 queued, 101 passing to the operator, 102 sent (in transit), -1 not found yet
      return null;
  }
}

interface SmsruEntry {
  status?: unknown;
  status_code?: unknown;
  status_text?: unknown;
  sms_id?: unknown;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number.parseInt(String(v ?? ''), 10));

/** The SMS.ru gateway adapter (Russia). */
export class SmsruAdapter implements ProviderAdapter {
  readonly kind = 'smsru' as const;
  readonly channels: readonly Channel[] = ['sms'];
  readonly ratePerSecond: number;
  private readonly base: string;
  private readonly redact: Redactor;

  constructor(private readonly s: SmsruSettings) {
    this.ratePerSecond = s.ratePerSecond;
    this.base = trimBase(s.baseUrl);
    this.redact = new Redactor([s.apiId]);
  }

  private refusal(code: number, text: unknown): SendOutcome {
    const message = `SMS.ru ${code}: ${safeMessage(text, undefined, (t) => this.redact.text(t))}`;
    const m = smsruAction(code);
    if ('retry' in m) return { kind: 'retry', code: String(code), message, maybeDelivered: false, afterMs: m.afterMs };
    return { kind: 'refused', code: String(code), message, action: m.action };
  }

  /** Hands the message over; whatever SMS.ru (or anything at the base address) answers leaves without the api_id in any form. */
  async send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendOutcome> {
    return this.redact.outcome(await this.post(message, signal));
  }

  private async post(message: OutgoingMessage, signal?: AbortSignal): Promise<SendOutcome> {
    if (message.channel !== 'sms')
      return { kind: 'refused', code: 'CHANNEL_UNSUPPORTED', ...say('answer.onlySms', { provider: 'SMS.ru' }), action: 'fail' };
    const to = message.to.replace(/^\+/, '');
    // POST keeps the api_id and the text out of URLs (and any proxy's access log).
    const form = new URLSearchParams({ api_id: this.s.apiId, to, msg: message.text, json: '1' });
    if (this.s.from) form.set('from', this.s.from);
    if (this.s.test) form.set('test', '1');
    const r = await request(`${this.base}/sms/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form,
      timeoutMs: this.s.timeoutMs,
      signal,
    });
    if (!r.ok) return retryFromFailure(r.failure);
    const { status, json, headers } = r.response;
    if (isRetryableHttp(status)) return retryFromHttp(status, headers, this.s.now());
    if (status < 200 || status >= 300)
      return { kind: 'refused', code: `HTTP_${status}`, ...say('answer.providerHttp', { provider: 'SMS.ru', status }), action: 'fail' };
    const body = json as (SmsruEntry & { sms?: Record<string, SmsruEntry> }) | undefined;
    if (!body || typeof body !== 'object')
      // A 200 that is not SMS.ru's JSON (a captive portal, a proxy page): whether SMS.ru saw the request is unknown.
      return { kind: 'retry', code: 'BAD_RESPONSE', ...say('answer.notJson', { provider: 'SMS.ru' }), maybeDelivered: true };
    // The top-level status only says the request was valid (credentials, sender); each number has its own verdict.
    if (body.status !== 'OK') return this.refusal(num(body.status_code), body.status_text);
    const entry = body.sms?.[to];
    if (!entry) return { kind: 'retry', code: 'BAD_RESPONSE', ...say('answer.noVerdict', { provider: 'SMS.ru' }), maybeDelivered: true };
    const code = num(entry.status_code);
    if (entry.status === 'OK' && code === 100) return { kind: 'accepted', providerMessageId: typeof entry.sms_id === 'string' ? entry.sms_id : null };
    return this.refusal(code, entry.status_text);
  }

  /**
   * The account's stop-list (`stoplist/get`): each number on it is an opt-out with the entry as its evidence. The
   * list comes whole, so there is one page and no cursor; recording a number already revoked changes nothing.
   */
  async pull(_cursor: string | null, signal?: AbortSignal): Promise<SignalPage> {
    return this.redact.guard(() => this.fetchStopList(signal));
  }

  private async fetchStopList(signal?: AbortSignal): Promise<SignalPage> {
    const form = new URLSearchParams({ api_id: this.s.apiId, json: '1' });
    const res = await query(
      `${this.base}/stoplist/get`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form,
        timeoutMs: this.s.timeoutMs,
        signal,
      },
      'SMS.ru stop-list',
    );
    const body = res.json as { status?: unknown; status_code?: unknown; status_text?: unknown; stoplist?: unknown } | undefined;
    if (!body || typeof body !== 'object') throw new ProviderQueryError('BAD_RESPONSE', 'SMS.ru stop-list: the answer is not SMS.ru’s JSON');
    if (body.status !== 'OK')
      throw new ProviderQueryError(
        String(num(body.status_code)),
        `SMS.ru stop-list: ${safeMessage(body.status_text, 'refused', (t) => this.redact.text(t))}`,
      );
    // An empty stop-list may come as [] (PHP's empty array) instead of {}.
    const list = body.stoplist ?? {};
    if (typeof list !== 'object' || list === null || (Array.isArray(list) && list.length > 0))
      throw new ProviderQueryError('BAD_RESPONSE', 'SMS.ru stop-list: the answer holds no list of numbers');
    const now = this.s.now();
    const signals: ProviderSignal[] = [];
    for (const [digits, note] of Object.entries(list as Record<string, unknown>)) {
      if (!/^\d{10,15}$/.test(digits)) continue;
      const text = typeof note === 'string' && note.trim() ? ` (${safeMessage(note, '', (t) => this.redact.text(t))})` : '';
      signals.push({
        kind: 'opt_out',
        phone: `+${digits}`,
        channel: 'sms',
        scope: 'all',
        evidenceId: `smsru-stoplist:${digits}`,
        source: `SMS.ru stop-list entry${text}`,
        at: now,
      });
    }
    return { signals, cursor: null, more: false };
  }

  /** SMS.ru takes no client message id and cannot be searched by recipient: the owner decides. */
  async reconcile(): Promise<ReconcileOutcome> {
    return { kind: 'unknown' };
  }

  /** The message's delivery status; throws when SMS.ru cannot be asked, so the poll is tried again later. */
  async status(providerMessageId: string, channel: Channel, signal?: AbortSignal): Promise<DeliveryUpdate | null> {
    return this.redact.delivery(await this.redact.guard(() => this.fetchStatus(providerMessageId, channel, signal)));
  }

  private async fetchStatus(providerMessageId: string, _channel: Channel, signal?: AbortSignal): Promise<DeliveryUpdate | null> {
    const form = new URLSearchParams({ api_id: this.s.apiId, sms_id: providerMessageId, json: '1' });
    const res = await query(
      `${this.base}/sms/status`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form,
        timeoutMs: this.s.timeoutMs,
        signal,
      },
      'SMS.ru status',
    );
    const body = res.json as (SmsruEntry & { sms?: Record<string, SmsruEntry> }) | undefined;
    if (!body || body.status !== 'OK')
      throw new ProviderQueryError(
        String(num(body?.status_code)),
        `SMS.ru status: ${safeMessage(body?.status_text, 'refused', (t) => this.redact.text(t))}`,
      );
    const entry = body.sms?.[providerMessageId];
    if (!entry || entry.status !== 'OK') return null;
    return smsruDelivery(num(entry.status_code));
  }
}
