import type { Channel } from '../../../../shared/domain/consent/types';
import { say } from './say';
import {
  basicAuth,
  isRetryableHttp,
  parseRetryAfter,
  ProviderQueryError,
  query,
  request,
  retryFromFailure,
  retryFromHttp,
  safeMessage,
  trimBase,
} from './http';
import { Redactor } from './redact';
import type { ProviderSignal, SignalPage } from './signals';
import type { DeliveryUpdate, FetchedInbound, OutgoingMessage, ProviderAdapter, ReconcileOutcome, RefusalAction, SendOutcome } from './types';

/** Twilio's REST API address. */
export const TWILIO_BASE_URL = 'https://api.twilio.com';

/** A Twilio adapter's settings, validated by the caller. */
export interface TwilioSettings {
  accountSid: string;
  /** The secret: the auth token, or the API key's secret when `apiKeySid` is set. */
  authToken: string;
  apiKeySid?: string | undefined;
  from?: string | undefined;
  messagingServiceSid?: string | undefined;
  whatsappFrom?: string | undefined;
  baseUrl: string;
  ratePerSecond: number;
  timeoutMs: number;
  now: () => number;
}

/** How far back the first sync of a Twilio account looks for replies (Twilio keeps messages much longer). */
export const TWILIO_FIRST_SYNC_MS = 30 * 86_400_000;
// Replies are asked for again from a little before the last one seen: Twilio's list is eventually consistent, and a
// reply seen twice is recorded once (by its SID).
const PULL_OVERLAP_MS = 10 * 60_000;

/** Where a Twilio reply pull stands: `after` is saved between syncs; `t`, `max` and `next` only between pages. */
interface TwilioCursor {
  after: number;
  t?: number;
  max?: number;
  next?: string | null;
}

const OPTED_OUT = new Set([21610, 63014]);
const INVALID_NUMBER = new Set([21211, 21614, 21635, 30005, 30006]);
// "Not reachable on this route": for WhatsApp that means the cascade may fall back to SMS; for SMS there is no other
// route through this sender, so the message simply fails.
const ROUTE_UNREACHABLE = new Set([21612, 63016]);
const STOP_BATCH = new Set([20003, 21606, 21608, 21408, 30002]);
const RETRY = new Set([20429, 21611, 30001]);

/** What a Twilio error code means (DOMAIN §3.4); `retry` when the same message is worth sending again later. */
export function twilioAction(code: number, channel: Channel): RefusalAction | 'retry' {
  if (OPTED_OUT.has(code)) return 'opted_out';
  if (INVALID_NUMBER.has(code)) return 'invalid_number';
  if (code === 63049) return 'unreachable';
  if (ROUTE_UNREACHABLE.has(code)) return channel === 'whatsapp' ? 'unreachable' : 'fail';
  if (STOP_BATCH.has(code)) return 'stop_batch';
  if (RETRY.has(code)) return 'retry';
  return 'fail';
}

interface TwilioMessage {
  sid?: unknown;
  status?: unknown;
  direction?: unknown;
  body?: unknown;
  from?: unknown;
  to?: unknown;
  date_created?: unknown;
  error_code?: unknown;
  content_sid?: unknown;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const stripWhatsapp = (v: string) => v.replace(/^whatsapp:/, '');
const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isE164 = (v: string) => /^\+[1-9]\d{6,14}$/.test(v);

/** The Twilio Programmable Messaging adapter (SMS and WhatsApp through one account). */
export class TwilioAdapter implements ProviderAdapter {
  readonly kind = 'twilio' as const;
  readonly channels: readonly Channel[];
  readonly ratePerSecond: number;
  private readonly base: string;
  private readonly auth: string;
  private readonly redact: Redactor;

  constructor(private readonly s: TwilioSettings) {
    const channels: Channel[] = [];
    if (s.from || s.messagingServiceSid) channels.push('sms');
    if (s.whatsappFrom || s.messagingServiceSid) channels.push('whatsapp');
    this.channels = channels;
    this.ratePerSecond = s.ratePerSecond;
    this.base = `${trimBase(s.baseUrl)}/2010-04-01/Accounts/${encodeURIComponent(s.accountSid)}`;
    this.auth = basicAuth(s.apiKeySid ?? s.accountSid, s.authToken);
    // The token travels as Basic base64(SID:token): that value, and the token in every other form, never leave.
    this.redact = new Redactor([s.authToken], [...new Set([s.apiKeySid ?? s.accountSid, s.accountSid])]);
  }

  private headers(form: boolean): Record<string, string> {
    const h: Record<string, string> = { authorization: this.auth, accept: 'application/json' };
    if (form) h['content-type'] = 'application/x-www-form-urlencoded';
    return h;
  }

  /** `To` as Twilio stores it: the WhatsApp channel carries a `whatsapp:` prefix. */
  private toAddress(message: OutgoingMessage): string {
    return message.channel === 'whatsapp' ? `whatsapp:${message.to}` : message.to;
  }

  private contentSid(message: OutgoingMessage): string | null {
    const name = message.template?.name;
    return name && name.startsWith('HX') ? name : null;
  }

  /** Hands the message over; whatever Twilio (or anything at the base address) answers leaves without the credentials. */
  async send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendOutcome> {
    return this.redact.outcome(await this.post(message, signal));
  }

  private async post(message: OutgoingMessage, signal?: AbortSignal): Promise<SendOutcome> {
    const form = new URLSearchParams();
    form.set('To', this.toAddress(message));
    if (message.channel === 'whatsapp') {
      if (this.s.whatsappFrom) form.set('From', `whatsapp:${this.s.whatsappFrom}`);
      else if (this.s.messagingServiceSid) form.set('MessagingServiceSid', this.s.messagingServiceSid);
    } else if (this.s.messagingServiceSid) form.set('MessagingServiceSid', this.s.messagingServiceSid);
    else if (this.s.from) form.set('From', this.s.from);
    if (!form.has('From') && !form.has('MessagingServiceSid'))
      return {
        kind: 'refused',
        code: 'CHANNEL_UNSUPPORTED',
        ...say('answer.noSender', { channel: message.channel === 'whatsapp' ? 'WhatsApp' : 'SMS' }),
        action: 'fail',
      };
    const content = this.contentSid(message);
    if (content) {
      // Twilio refuses Body together with ContentVariables (error 35127): a content template carries its own text.
      form.set('ContentSid', content);
      const params = message.template?.parameters ?? [];
      if (params.length) form.set('ContentVariables', JSON.stringify(Object.fromEntries(params.map((p, i) => [String(i + 1), p]))));
    } else form.set('Body', message.text);

    const r = await request(`${this.base}/Messages.json`, {
      method: 'POST',
      headers: this.headers(true),
      body: form,
      timeoutMs: this.s.timeoutMs,
      signal,
    });
    if (!r.ok) return retryFromFailure(r.failure);
    const { status, json, headers } = r.response;
    const body = (json ?? {}) as TwilioMessage & { code?: unknown; message?: unknown };
    if (status >= 200 && status < 300 && typeof body.sid === 'string') {
      const st = body.status === 'sent' || body.status === 'delivered' ? body.status : undefined;
      return { kind: 'accepted', providerMessageId: body.sid, status: st };
    }
    const code = typeof body.code === 'number' ? body.code : Number.parseInt(String(body.code ?? ''), 10);
    if (Number.isFinite(code)) {
      const action = twilioAction(code, message.channel);
      const text = `Twilio ${code}: ${safeMessage(body.message, undefined, (t) => this.redact.text(t))}`;
      if (action === 'retry')
        return {
          kind: 'retry',
          code: String(code),
          message: text,
          maybeDelivered: false,
          afterMs: parseRetryAfter(headers.get('retry-after'), this.s.now()),
        };
      return { kind: 'refused', code: String(code), message: text, action };
    }
    if (isRetryableHttp(status)) return retryFromHttp(status, headers, this.s.now());
    if (status === 401 || status === 403)
      return { kind: 'refused', code: `HTTP_${status}`, ...say('answer.twilioCredentials'), action: 'stop_batch' };
    if (status >= 200 && status < 300)
      // Taken (2xx) but without a message id to follow: the provider has it, we just cannot track it.
      return { kind: 'accepted', providerMessageId: null };
    return { kind: 'refused', code: `HTTP_${status}`, ...say('answer.providerHttp', { provider: 'Twilio', status }), action: 'fail' };
  }

  /**
   * Asks Twilio's message list whether the message was created after all. A list that cannot be fetched (network,
   * 5xx) throws, so the outbox asks again later instead of handing the decision to the owner.
   */
  async reconcile(message: OutgoingMessage, since: number, signal?: AbortSignal): Promise<ReconcileOutcome> {
    return this.redact.reconcile(await this.redact.guard(() => this.findSent(message, since, signal)));
  }

  private async findSent(message: OutgoingMessage, since: number, signal?: AbortSignal): Promise<ReconcileOutcome> {
    const q = new URLSearchParams({ To: this.toAddress(message), PageSize: '20' });
    const res = await query(
      `${this.base}/Messages.json?${q}`,
      { method: 'GET', headers: this.headers(false), timeoutMs: this.s.timeoutMs, signal },
      'Twilio message list',
    );
    const list = (res.json as { messages?: unknown } | undefined)?.messages;
    if (!Array.isArray(list)) return { kind: 'unknown' };
    const content = this.contentSid(message);
    // Clocks differ between this machine and Twilio; a minute of slack keeps a message created "just before" in view.
    const from = since - 60_000;
    for (const m of list as TwilioMessage[]) {
      const sid = str(m.sid);
      const created = Date.parse(str(m.date_created) ?? '');
      if (!sid || !String(m.direction ?? '').startsWith('outbound') || !(created >= from)) continue;
      if (m.body === message.text || (content !== null && m.content_sid === content)) return { kind: 'accepted', providerMessageId: sid };
    }
    return { kind: 'resend' };
  }

  /** The message's status; throws when Twilio cannot be asked, so the poll is tried again later. */
  async status(providerMessageId: string, channel: Channel, signal?: AbortSignal): Promise<DeliveryUpdate | null> {
    return this.redact.delivery(await this.redact.guard(() => this.fetchStatus(providerMessageId, channel, signal)));
  }

  private async fetchStatus(providerMessageId: string, channel: Channel, signal?: AbortSignal): Promise<DeliveryUpdate | null> {
    const res = await query(
      `${this.base}/Messages/${encodeURIComponent(providerMessageId)}.json`,
      { method: 'GET', headers: this.headers(false), timeoutMs: this.s.timeoutMs, signal },
      'Twilio message status',
    );
    const m = (res.json ?? {}) as TwilioMessage;
    const code = m.error_code === null || m.error_code === undefined ? undefined : String(m.error_code);
    const action = (): RefusalAction | undefined => {
      if (code === undefined) return undefined;
      const a = twilioAction(Number(code), channel);
      // A delivery failure cannot be retried from a status: the provider already gave up on this message.
      return a === 'retry' ? 'fail' : a;
    };
    switch (m.status) {
      case 'sent':
      case 'partially_delivered':
        return { status: 'sent' };
      case 'delivered':
        return { status: 'delivered' };
      case 'read':
        return { status: 'read' };
      case 'failed':
      case 'canceled':
        return { status: 'failed', code, action: action() ?? 'fail' };
      case 'undelivered':
        return { status: 'undeliverable', code, action: action() ?? 'fail' };
      default:
        return null;
    }
  }

  /** Messages customers sent to our numbers since `since`; throws when Twilio cannot be asked. */
  async inbound(since: number, signal?: AbortSignal): Promise<FetchedInbound[]> {
    return this.redact.inbound(await this.redact.guard(() => this.fetchInbound(since, signal)));
  }

  private async fetchInbound(since: number, signal?: AbortSignal): Promise<FetchedInbound[]> {
    const targets = this.replyTargets();
    const out: FetchedInbound[] = [];
    const seen = new Set<string>();
    for (const t of targets) {
      // DateSent filters by day; the exact cut is made on date_created below.
      const q = new URLSearchParams({ ...(t.to ? { To: t.to } : {}), 'DateSent>': utcDate(since), PageSize: '100' });
      let url: string | null = `${this.base}/Messages.json?${q}`;
      for (let page = 0; url && page < 50; page++) {
        const res = await query(url, { method: 'GET', headers: this.headers(false), timeoutMs: this.s.timeoutMs, signal }, 'Twilio inbound messages');
        const body = (res.json ?? {}) as { messages?: unknown; next_page_uri?: unknown };
        for (const m of Array.isArray(body.messages) ? (body.messages as TwilioMessage[]) : []) {
          const sid = str(m.sid);
          const at = Date.parse(str(m.date_created) ?? '');
          const from = str(m.from);
          if (!sid || m.direction !== 'inbound' || !from || !(at >= since) || seen.has(sid)) continue;
          seen.add(sid);
          const to = str(m.to);
          out.push({
            providerMessageId: sid,
            from: stripWhatsapp(from),
            to: to ? stripWhatsapp(to) : null,
            channel: t.channel ?? (from.startsWith('whatsapp:') ? 'whatsapp' : 'sms'),
            text: str(m.body) ?? '',
            at,
          });
        }
        const next = str(body.next_page_uri);
        url = next ? `${trimBase(this.s.baseUrl)}${next}` : null;
      }
    }
    return out.sort((a, b) => a.at - b.at);
  }

  /**
   * Where replies are listed: the SMS number and the WhatsApp sender, each by `To`. A Messaging Service sends from a
   * pool of numbers, and a short code is no `To` Twilio filters by: then every inbound message of the account is listed
   * (`to` null, the channel read from the sender), or a STOP typed to a pool number would never come back.
   */
  private replyTargets(): { to: string | null; channel: Channel | null }[] {
    if (this.s.messagingServiceSid || (this.s.from && !isE164(this.s.from))) return [{ to: null, channel: null }];
    const targets: { to: string; channel: Channel }[] = [];
    if (this.s.from && isE164(this.s.from)) targets.push({ to: this.s.from, channel: 'sms' });
    if (this.s.whatsappFrom) targets.push({ to: `whatsapp:${this.s.whatsappFrom}`, channel: 'whatsapp' });
    return targets;
  }

  /**
   * One page of replies to the shop's numbers (the Messages list filtered by `To` and `DateSent>`, newest first),
   * number by number; the saved cursor is the newest reply's time. Throws when Twilio cannot be asked or its answer
   * is not a message list.
   */
  async pull(cursor: string | null, signal?: AbortSignal): Promise<SignalPage> {
    return this.redact.guard(async () => {
      const page = await this.pullPage(cursor, signal);
      return {
        ...page,
        signals: page.signals.map((x) =>
          x.kind === 'inbound' ? { ...x, providerMessageId: this.redact.text(x.providerMessageId), text: this.redact.text(x.text) } : x,
        ),
      };
    });
  }

  private async pullPage(cursorText: string | null, signal?: AbortSignal): Promise<SignalPage> {
    const c = parseTwilioCursor(cursorText, this.s.now());
    const targets = this.replyTargets();
    const t = c.t ?? 0;
    const target = targets[t];
    if (!target) return { signals: [], cursor: JSON.stringify({ after: Math.max(c.after, c.max ?? c.after) }), more: false };
    const from = c.after - PULL_OVERLAP_MS;
    const url = c.next
      ? `${trimBase(this.s.baseUrl)}${c.next}`
      : `${this.base}/Messages.json?${new URLSearchParams({ ...(target.to ? { To: target.to } : {}), 'DateSent>': utcDate(from), PageSize: '100' })}`;
    const res = await query(url, { method: 'GET', headers: this.headers(false), timeoutMs: this.s.timeoutMs, signal }, 'Twilio message list');
    const body = res.json as { messages?: unknown; next_page_uri?: unknown } | undefined;
    if (!body || typeof body !== 'object' || !Array.isArray(body.messages))
      throw new ProviderQueryError('BAD_RESPONSE', 'Twilio message list: the answer is not a list of messages');
    const next = body.next_page_uri;
    if (next !== null && next !== undefined && (typeof next !== 'string' || !next.startsWith('/')))
      throw new ProviderQueryError('BAD_RESPONSE', 'Twilio message list: the next page address is not a path');
    let max = c.max ?? c.after;
    const signals: ProviderSignal[] = [];
    for (const m of body.messages as TwilioMessage[]) {
      const sid = str(m.sid);
      const at = Date.parse(str(m.date_created) ?? '');
      const sender = str(m.from);
      if (!sid || m.direction !== 'inbound' || !sender || !Number.isFinite(at) || at < from) continue;
      max = Math.max(max, at);
      const to = str(m.to);
      signals.push({
        kind: 'inbound',
        providerMessageId: sid,
        from: stripWhatsapp(sender),
        to: to ? stripWhatsapp(to) : null,
        channel: target.channel ?? (sender.startsWith('whatsapp:') ? 'whatsapp' : 'sms'),
        text: str(m.body) ?? '',
        at,
      });
    }
    signals.sort((a, b) => a.at - b.at);
    const cursor: TwilioCursor = next
      ? { after: c.after, t, max, next }
      : t + 1 < targets.length
        ? { after: c.after, t: t + 1, max, next: null }
        : { after: max };
    return { signals, cursor: JSON.stringify(cursor), more: cursor.next !== undefined };
  }
}

/** A saved or in-between Twilio cursor; anything unreadable starts from the first-sync window again. */
function parseTwilioCursor(text: string | null, now: number): TwilioCursor {
  const fresh = { after: now - TWILIO_FIRST_SYNC_MS };
  if (!text) return fresh;
  try {
    const v = JSON.parse(text) as Partial<TwilioCursor>;
    if (typeof v.after !== 'number' || !Number.isFinite(v.after)) return fresh;
    return {
      after: v.after,
      ...(typeof v.t === 'number' ? { t: v.t } : {}),
      ...(typeof v.max === 'number' ? { max: v.max } : {}),
      ...(typeof v.next === 'string' || v.next === null ? { next: v.next } : {}),
    };
  } catch {
    return fresh;
  }
}
