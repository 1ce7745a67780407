import type { Channel } from '../../../../shared/domain/consent/types';
import { say } from './say';
import { parseRetryAfter, request, retryFromFailure, safeMessage } from './http';
import { Redactor } from './redact';
import type { OutgoingMessage, ProviderAdapter, ReconcileOutcome, SendOutcome } from './types';

/** A webhook adapter's settings, validated by the caller. */
export interface WebhookSettings {
  url: string;
  token?: string | undefined;
  ratePerSecond: number;
  timeoutMs: number;
  now: () => number;
}

/**
 * Hands each message to the shop's own system (a relay, a BSP bridge, an automation tool) as one JSON POST:
 *
 *   POST <url>   Content-Type: application/json   Idempotency-Key: <key>   [Authorization: Bearer <token>]
 *   {"to":"+E164","text":"…","channel":"sms"|"whatsapp","purpose":"marketing"|"service","batch":N,"idempotencyKey":"…"}
 *
 * Answers: any 2xx takes the message (a JSON body's string or number `id` becomes the provider message id);
 * 408, 425, 429 and 5xx mean "later" (Retry-After honoured); any other 4xx refuses it, and a JSON body may say why:
 * `{"optedOut":true}` (the person opted out there: recorded as a revocation) or `{"invalidNumber":true}`.
 * The receiver must drop a repeated idempotency key (answering 2xx again): after a crash the message is sent again.
 */
export class WebhookAdapter implements ProviderAdapter {
  readonly kind = 'webhook' as const;
  readonly channels: readonly Channel[] = ['sms', 'whatsapp'];
  readonly ratePerSecond: number;
  private readonly redact: Redactor;

  constructor(private readonly s: WebhookSettings) {
    this.ratePerSecond = s.ratePerSecond;
    this.redact = new Redactor([s.token]);
  }

  /** Hands the message over; whatever the receiver answers leaves without the token in any form. */
  async send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendOutcome> {
    return this.redact.outcome(await this.post(message, signal));
  }

  private async post(message: OutgoingMessage, signal?: AbortSignal): Promise<SendOutcome> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      'idempotency-key': message.idempotencyKey,
    };
    if (this.s.token) headers.authorization = `Bearer ${this.s.token}`;
    const body = JSON.stringify({
      to: message.to,
      text: message.text,
      channel: message.channel,
      purpose: message.purpose,
      batch: message.batch,
      idempotencyKey: message.idempotencyKey,
    });
    const r = await request(this.s.url, { method: 'POST', headers, body, timeoutMs: this.s.timeoutMs, signal });
    if (!r.ok) return retryFromFailure(r.failure);
    const { status, json, headers: h } = r.response;
    const answer = (json && typeof json === 'object' ? json : {}) as {
      id?: unknown;
      optedOut?: unknown;
      invalidNumber?: unknown;
      error?: unknown;
      message?: unknown;
    };
    if (status >= 200 && status < 300) {
      const id = typeof answer.id === 'string' || typeof answer.id === 'number' ? String(answer.id) : null;
      return { kind: 'accepted', providerMessageId: id };
    }
    if (status === 408 || status === 425 || status === 429 || status >= 500)
      return {
        kind: 'retry',
        code: `HTTP_${status}`,
        ...say('answer.webhookHttp', { status }),
        // A gateway in front of the receiver may have passed the request on before giving up.
        maybeDelivered: status === 502 || status === 504,
        afterMs: parseRetryAfter(h.get('retry-after'), this.s.now()),
      };
    const why = safeMessage(typeof answer.message === 'string' ? answer.message : answer.error, `HTTP ${status}`, (t) => this.redact.text(t));
    if (answer.optedOut === true) return { kind: 'refused', code: 'OPTED_OUT', ...say('answer.webhookSaid', { text: why }), action: 'opted_out' };
    if (answer.invalidNumber === true)
      return { kind: 'refused', code: 'INVALID_NUMBER', ...say('answer.webhookSaid', { text: why }), action: 'invalid_number' };
    if (status === 401 || status === 403) return { kind: 'refused', code: `HTTP_${status}`, ...say('answer.webhookToken'), action: 'stop_batch' };
    return { kind: 'refused', code: `HTTP_${status}`, ...say('answer.webhookSaid', { text: why }), action: 'fail' };
  }

  /** The receiver drops repeats by idempotency key (see above), so sending again cannot make a second message. */
  async reconcile(): Promise<ReconcileOutcome> {
    return { kind: 'resend' };
  }
}
