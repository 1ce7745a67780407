import { createHash } from 'node:crypto';
import { say } from './say';
import type { Channel } from '../../../../shared/domain/consent/types';
import { ProviderQueryError, isRetryableHttp, query, request, retryFromFailure, retryFromHttp, safeMessage, trimBase } from './http';
import { Redactor } from './redact';
import type { ProviderSignal, SignalPage } from './signals';
import type { DeliveryUpdate, OutgoingMessage, ProviderAdapter, ReconcileOutcome, RefusalAction, SendOutcome } from './types';

/** SMSC.ru's API address (smscentre.com and smsc.kz answer the same API: set `baseUrl`). */
export const SMSC_BASE_URL = 'https://smsc.ru';

/** An SMSC.ru adapter's settings, validated by the caller. */
export interface SmscSettings {
  /** Empty: `password` is an API key (SMSC reads `psw` as the key when `login` is empty). */
  login?: string | undefined;
  password: string;
  sender?: string | undefined;
  /** The shop's own SMSC number replies come to, to leave out replies to other numbers of the account. */
  replyTo?: string | undefined;
  baseUrl: string;
  ratePerSecond: number;
  timeoutMs: number;
  now: () => number;
}

const MINUTE = 60_000;
/** Replies asked for per page (SMSC allows up to 10,000). */
const ANSWERS_PAGE = 100;
/** SMSC keeps replies this many hours for `get_answers` (its maximum). */
const ANSWERS_HOURS = 168;

/**
 * What an SMSC.ru send error code means (DOMAIN §4.2: 1 parameters, 2 login or IP, 3 funds, 4 IP blocked for a while,
 * 5 date format, 6 text or sender prohibited, 7 number format, 8 cannot be delivered to the number, 9 too many
 * identical requests).
 */
export function smscAction(code: number): { action: RefusalAction } | { retry: true; afterMs?: number } {
  switch (code) {
    case 2:
    case 3:
      return { action: 'stop_batch' };
    case 4:
      return { retry: true, afterMs: 10 * MINUTE };
    case 9:
      return { retry: true, afterMs: MINUTE };
    case 7:
      return { action: 'invalid_number' };
    default:
      return { action: 'fail' };
  }
}

/**
 * An SMSC.ru message status (status.php) as ours; null while it is on its way or not found. SMSC's status table
 * (https://smsc.ru/api/http/status_messages/statuses/, English at https://smscentre.com/api/http/status_messages/;
 * the same list in client libraries that cite it): -3 not found, -2 stopped, -1 waiting, 0 passed to the operator,
 * 1 delivered, 2 read, 3 expired, 4 link opened, 20 cannot be delivered, 22 wrong number, 23 prohibited, 24 no funds,
 * 25 number unavailable. -2 is final: SMSC stopped the message and will not send it, so it is a failure, not one on
 * its way. Codes outside the table are left as "on its way" rather than guessed.
 */
export function smscDelivery(code: number): DeliveryUpdate | null {
  switch (code) {
    case 1:
      return { status: 'delivered' };
    case 2:
    case 4:
      return { status: 'read' };
    case -2:
      return { status: 'failed', code: String(code), action: 'fail' };
    case 3:
    case 20:
    case 23:
    case 24:
    case 25:
      return { status: 'undeliverable', code: String(code), action: 'fail' };
    case 22:
      return { status: 'undeliverable', code: String(code), action: 'invalid_number' };
    default:
      return null;
  }
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number.parseInt(String(v ?? ''), 10));
const digitsOf = (e164: string) => e164.replace(/^\+/, '');

/**
 * SMSC's `id` for one of our messages: the idempotency key when it fits SMSC's rule (up to 40 Latin letters, digits,
 * "." "-" "_"), else a hash of it — the same for every attempt, so a status query can tell whether SMSC took it.
 */
export function smscMessageId(idempotencyKey: string): string {
  if (/^[A-Za-z0-9._-]{1,40}$/.test(idempotencyKey)) return idempotencyKey;
  return `o-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 38)}`;
}

/** Our provider message id for an SMSC message: its id and the number, since SMSC's status query needs both. */
const providerId = (id: string, to: string) => `${id}@${digitsOf(to)}`;

/** SMSC's "dd.mm.yyyy hh:mm:ss" in Moscow time (SMSC's clock, UTC+3 all year since 2014) as ms; NaN when unreadable. */
export function smscTime(text: unknown): number {
  const m = /^(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2})(?::(\d{2}))?$/.exec(String(text ?? '').trim());
  if (!m) return Number.NaN;
  return Date.parse(`${m[3]}-${m[2]}-${m[1]}T${m[4]}:${m[5]}:${m[6] ?? '00'}+03:00`);
}

/** The SMSC.ru gateway adapter (Russia; also smscentre.com, smsc.kz): SMS, statuses, and replies to a dedicated number. */
export class SmscAdapter implements ProviderAdapter {
  readonly kind = 'smsc' as const;
  readonly channels: readonly Channel[] = ['sms'];
  readonly ratePerSecond: number;
  private readonly base: string;
  private readonly redact: Redactor;

  constructor(private readonly s: SmscSettings) {
    this.ratePerSecond = s.ratePerSecond;
    this.base = trimBase(s.baseUrl);
    this.redact = new Redactor([s.password]);
  }

  /** login + psw, or the API key alone. */
  private auth(): Record<string, string> {
    return this.s.login ? { login: this.s.login, psw: this.s.password } : { apikey: this.s.password };
  }

  private async ask(path: string, params: Record<string, string>, what: string, signal?: AbortSignal) {
    // POST keeps the password and texts out of URLs (and any proxy's access log).
    return query(
      `${this.base}${path}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ ...this.auth(), ...params, fmt: '3', charset: 'utf-8' }),
        timeoutMs: this.s.timeoutMs,
        signal,
      },
      what,
    );
  }

  /** Hands the message over; whatever SMSC (or anything at the base address) answers leaves without the password. */
  async send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendOutcome> {
    return this.redact.outcome(await this.post(message, signal));
  }

  private async post(message: OutgoingMessage, signal?: AbortSignal): Promise<SendOutcome> {
    if (message.channel !== 'sms')
      return { kind: 'refused', code: 'CHANNEL_UNSUPPORTED', ...say('answer.onlySms', { provider: 'SMSC.ru' }), action: 'fail' };
    const id = smscMessageId(message.idempotencyKey);
    // The + keeps SMSC from "correcting" the number.
    const form = new URLSearchParams({ ...this.auth(), phones: message.to, mes: message.text, id, fmt: '3', charset: 'utf-8' });
    if (this.s.sender) form.set('sender', this.s.sender);
    const r = await request(`${this.base}/sys/send.php`, {
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
      return { kind: 'refused', code: `HTTP_${status}`, ...say('answer.providerHttp', { provider: 'SMSC.ru', status }), action: 'fail' };
    const body = json as { id?: unknown; cnt?: unknown; error?: unknown; error_code?: unknown } | undefined;
    if (!body || typeof body !== 'object')
      return { kind: 'retry', code: 'BAD_RESPONSE', ...say('answer.notJson', { provider: 'SMSC.ru' }), maybeDelivered: true };
    if (body.error !== undefined || body.error_code !== undefined) {
      const code = num(body.error_code);
      const text = `SMSC.ru ${code}: ${safeMessage(body.error, undefined, (t) => this.redact.text(t))}`;
      const m = smscAction(code);
      if ('retry' in m) return { kind: 'retry', code: String(code), message: text, maybeDelivered: false, afterMs: m.afterMs };
      return { kind: 'refused', code: String(code), message: text, action: m.action };
    }
    if (num(body.cnt) > 0) return { kind: 'accepted', providerMessageId: providerId(id, message.to) };
    return { kind: 'retry', code: 'BAD_RESPONSE', ...say('answer.noCount', { provider: 'SMSC.ru' }), maybeDelivered: true };
  }

  /** Asks SMSC for the message by the id it was sent with: found, it was taken; not found, sending again is safe. */
  async reconcile(message: OutgoingMessage, _since: number, signal?: AbortSignal): Promise<ReconcileOutcome> {
    return this.redact.reconcile(
      await this.redact.guard(async () => {
        const id = smscMessageId(message.idempotencyKey);
        const s = await this.statusCode(id, message.to, signal);
        return s === -3 ? { kind: 'resend' } : { kind: 'accepted', providerMessageId: providerId(id, message.to) };
      }),
    );
  }

  /** The status code SMSC gives for one message (-3: not found). */
  private async statusCode(id: string, to: string, signal?: AbortSignal): Promise<number> {
    const res = await this.ask('/sys/status.php', { phone: digitsOf(to), id }, 'SMSC.ru status', signal);
    const body = res.json as { status?: unknown; error?: unknown; error_code?: unknown } | undefined;
    if (!body || typeof body !== 'object') throw new ProviderQueryError('BAD_RESPONSE', 'SMSC.ru status: the answer is not SMSC’s JSON');
    if (body.error !== undefined || body.error_code !== undefined)
      throw new ProviderQueryError(String(num(body.error_code)), `SMSC.ru status: ${safeMessage(body.error, 'refused', (t) => this.redact.text(t))}`);
    const code = num(body.status);
    if (!Number.isFinite(code)) throw new ProviderQueryError('BAD_RESPONSE', 'SMSC.ru status: the answer holds no status');
    return code;
  }

  /** The message's delivery status; throws when SMSC cannot be asked, so the poll is tried again later. */
  async status(providerMessageId: string, _channel: Channel, signal?: AbortSignal): Promise<DeliveryUpdate | null> {
    return this.redact.delivery(
      await this.redact.guard(async () => {
        const at = providerMessageId.lastIndexOf('@');
        if (at <= 0) return null;
        return smscDelivery(await this.statusCode(providerMessageId.slice(0, at), `+${providerMessageId.slice(at + 1)}`, signal));
      }),
    );
  }

  /** Replies to the account's numbers after the last one seen (`get_answers` with `after_id`), a page at a time. */
  async pull(cursor: string | null, signal?: AbortSignal): Promise<SignalPage> {
    return this.redact.guard(() => this.answers(cursor, signal));
  }

  private async answers(cursor: string | null, signal?: AbortSignal): Promise<SignalPage> {
    const after = cursor && /^\d+$/.test(cursor) ? cursor : null;
    const params: Record<string, string> = { get_answers: '1', hour: String(ANSWERS_HOURS), cnt: String(ANSWERS_PAGE) };
    if (after) params.after_id = after;
    if (this.s.replyTo) params.to_phone = digitsOf(this.s.replyTo);
    const res = await this.ask('/sys/get.php', params, 'SMSC.ru replies', signal);
    const body = res.json;
    if (body && typeof body === 'object' && !Array.isArray(body) && ('error' in body || 'error_code' in body)) {
      const e = body as { error?: unknown; error_code?: unknown };
      throw new ProviderQueryError(String(num(e.error_code)), `SMSC.ru replies: ${safeMessage(e.error, 'refused', (t) => this.redact.text(t))}`);
    }
    if (!Array.isArray(body)) throw new ProviderQueryError('BAD_RESPONSE', 'SMSC.ru replies: the answer is not a list');
    let max = after === null ? 0 : Number(after);
    const signals: ProviderSignal[] = [];
    const now = this.s.now();
    for (const raw of body as Record<string, unknown>[]) {
      if (!raw || typeof raw !== 'object') throw new ProviderQueryError('BAD_RESPONSE', 'SMSC.ru replies: an entry is not an object');
      const id = num(raw.id);
      const phone = String(raw.phone ?? '').replace(/\D/g, '');
      if (!Number.isSafeInteger(id) || id <= 0 || phone.length < 10) continue;
      max = Math.max(max, id);
      const received = smscTime(raw.received);
      const to = String(raw.to_phone ?? '').replace(/\D/g, '');
      signals.push({
        kind: 'inbound',
        providerMessageId: `smsc-${id}`,
        from: `+${phone}`,
        to: to ? `+${to}` : null,
        channel: 'sms',
        text: typeof raw.message === 'string' ? raw.message : '',
        at: Number.isFinite(received) ? received : now,
      });
    }
    return { signals, cursor: max > 0 ? String(max) : after, more: body.length >= ANSWERS_PAGE };
  }
}
