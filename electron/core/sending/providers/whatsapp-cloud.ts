import type { Channel } from '../../../../shared/domain/consent/types';
import { say } from './say';
import { isRetryableHttp, parseRetryAfter, request, retryFromFailure, retryFromHttp, safeMessage, trimBase } from './http';
import { Redactor } from './redact';
import type { OutgoingMessage, ProviderAdapter, ReconcileOutcome, RefusalAction, SendOutcome } from './types';

/** Meta's Graph API address. */
export const GRAPH_BASE_URL = 'https://graph.facebook.com';
/** The Graph API version used when none is configured. */
export const DEFAULT_GRAPH_VERSION = 'v23.0';

/** A Cloud API adapter's settings, validated by the caller. */
export interface WhatsappCloudSettings {
  phoneNumberId: string;
  accessToken: string;
  apiVersion: string;
  defaultLanguage?: string | undefined;
  baseUrl: string;
  ratePerSecond: number;
  timeoutMs: number;
  now: () => number;
}

const HOUR = 3_600_000;
const STOP_BATCH = new Set([0, 190, 3, 10, 131031, 131042, 368, 131048]);
const RETRY = new Set([4, 80007, 130429, 131056, 1, 2, 131000]);

/** What a Cloud API error code means (DOMAIN §2.6) for a message to `to` (E.164). */
export function whatsappAction(code: number, to: string): { action: RefusalAction } | { retry: true; afterMs?: number } {
  if (STOP_BATCH.has(code) || (code >= 200 && code <= 299)) return { action: 'stop_batch' };
  if (code === 131056) return { retry: true, afterMs: 60_000 };
  if (RETRY.has(code)) return { retry: true };
  if (code === 131026) return { action: 'unreachable' };
  // Meta's per-user marketing limit and the US marketing pause: US numbers will not get marketing at all, elsewhere
  // the limit lifts after a while, so only a much later attempt makes sense.
  if (code === 131049) return to.startsWith('+1') ? { action: 'unreachable' } : { retry: true, afterMs: HOUR };
  if (code === 131050) return { action: 'opted_out' };
  return { action: 'fail' };
}

interface GraphError {
  code?: unknown;
  message?: unknown;
  error_data?: { details?: unknown } | undefined;
}

/** The WhatsApp Business Cloud API adapter (Meta, direct). */
export class WhatsappCloudAdapter implements ProviderAdapter {
  readonly kind = 'whatsapp-cloud' as const;
  readonly channels: readonly Channel[] = ['whatsapp'];
  readonly ratePerSecond: number;
  private readonly url: string;
  private readonly redact: Redactor;

  constructor(private readonly s: WhatsappCloudSettings) {
    this.ratePerSecond = s.ratePerSecond;
    this.url = `${trimBase(s.baseUrl)}/${s.apiVersion}/${encodeURIComponent(s.phoneNumberId)}/messages`;
    this.redact = new Redactor([s.accessToken]);
  }

  private payload(message: OutgoingMessage): Record<string, unknown> {
    const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: message.to.replace(/^\+/, '') };
    const t = message.template;
    if (!t) return { ...base, type: 'text', text: { preview_url: false, body: message.text } };
    const template: Record<string, unknown> = {
      name: t.name,
      language: { code: t.language || this.s.defaultLanguage || 'en_US', policy: 'deterministic' },
    };
    if (t.parameters.length) template.components = [{ type: 'body', parameters: t.parameters.map((text) => ({ type: 'text', text })) }];
    return { ...base, type: 'template', template };
  }

  /** Hands the message over; whatever Meta (or anything at the base address) answers leaves without the token in any form. */
  async send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendOutcome> {
    return this.redact.outcome(await this.post(message, signal));
  }

  private async post(message: OutgoingMessage, signal?: AbortSignal): Promise<SendOutcome> {
    if (message.channel !== 'whatsapp') return { kind: 'refused', code: 'CHANNEL_UNSUPPORTED', ...say('answer.onlyWhatsapp'), action: 'fail' };
    const r = await request(this.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.s.accessToken}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(this.payload(message)),
      timeoutMs: this.s.timeoutMs,
      signal,
    });
    if (!r.ok) return retryFromFailure(r.failure);
    const { status, json, headers } = r.response;
    if (status >= 200 && status < 300) {
      const id = (json as { messages?: { id?: unknown }[] } | undefined)?.messages?.[0]?.id;
      return { kind: 'accepted', providerMessageId: typeof id === 'string' ? id : null };
    }
    const err = (json as { error?: GraphError } | undefined)?.error;
    const code = typeof err?.code === 'number' ? err.code : Number.parseInt(String(err?.code ?? ''), 10);
    if (Number.isFinite(code)) {
      // Meta says to key on the code and `details`; titles change. Details can name the recipient, so it is masked.
      const details = err?.error_data?.details;
      const text = `WhatsApp ${code}: ${safeMessage(typeof details === 'string' && details ? details : err?.message, undefined, (t) => this.redact.text(t))}`;
      const m = whatsappAction(code, message.to);
      if ('retry' in m) {
        const fromHeader = parseRetryAfter(headers.get('retry-after'), this.s.now());
        const afterMs = m.afterMs !== undefined || fromHeader !== undefined ? Math.max(m.afterMs ?? 0, fromHeader ?? 0) : undefined;
        return { kind: 'retry', code: String(code), message: text, maybeDelivered: false, afterMs };
      }
      return { kind: 'refused', code: String(code), message: text, action: m.action };
    }
    if (isRetryableHttp(status)) return retryFromHttp(status, headers, this.s.now());
    if (status === 401 || status === 403) return { kind: 'refused', code: `HTTP_${status}`, ...say('answer.metaToken'), action: 'stop_batch' };
    return { kind: 'refused', code: `HTTP_${status}`, ...say('answer.cloudHttp', { status }), action: 'fail' };
  }

  /** The Cloud API takes no idempotency key and cannot be asked about a message it may have taken: the owner decides. */
  async reconcile(): Promise<ReconcileOutcome> {
    return { kind: 'unknown' };
  }
}
