import { createHmac } from 'node:crypto';

/**
 * A fake Meta (and a fake Twilio callback sender) for relay tests: builds webhook payloads shaped like the real ones
 * and posts them to a relay on 127.0.0.1, signed correctly or wrongly. The signatures are computed here, apart from
 * the relay's own code, so a mistake in the relay's check cannot hide behind the same mistake in the test.
 */

/** How a fake signs what it posts. */
export type Signing =
  /** the real signature of the bytes sent */
  | 'good'
  /** signed with another secret */
  | 'wrong-secret'
  /** the real signature of the body, then one character of the body changed */
  | 'tampered'
  /** no signature header */
  | 'missing'
  /** a header that is not a signature */
  | 'malformed';

export interface Posted {
  status: number;
  text: string;
}

/** Meta's webhook verification request (`GET /whatsapp?hub.mode=…`). */
export async function metaVerify(relayUrl: string, q: { mode?: string; token?: string; challenge?: string }): Promise<Posted> {
  const params = new URLSearchParams();
  if (q.mode !== undefined) params.set('hub.mode', q.mode);
  if (q.token !== undefined) params.set('hub.verify_token', q.token);
  if (q.challenge !== undefined) params.set('hub.challenge', q.challenge);
  const res = await fetch(`${relayUrl}/whatsapp?${params.toString()}`, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, text: await res.text() };
}

const hmacHex = (secret: string, body: string) => createHmac('sha256', secret).update(body, 'utf8').digest('hex');

/** Posts one webhook to `relayUrl/whatsapp` as Meta does: JSON, `X-Hub-Signature-256: sha256=<hex>`. */
export async function metaPost(
  relayUrl: string,
  appSecret: string,
  payload: unknown,
  opts: { signing?: Signing; headers?: Record<string, string> } = {},
): Promise<Posted> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const signing = opts.signing ?? 'good';
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
  let sent = body;
  if (signing === 'good') headers['x-hub-signature-256'] = `sha256=${hmacHex(appSecret, body)}`;
  else if (signing === 'wrong-secret') headers['x-hub-signature-256'] = `sha256=${hmacHex(`${appSecret}-not`, body)}`;
  else if (signing === 'tampered') {
    headers['x-hub-signature-256'] = `sha256=${hmacHex(appSecret, body)}`;
    sent = body.replace(/\d(?=[^\d]*$)/, (d) => String((Number(d) + 1) % 10));
  } else if (signing === 'malformed') headers['x-hub-signature-256'] = 'sha1=abc';
  const res = await fetch(`${relayUrl}/whatsapp`, { method: 'POST', headers, body: sent, signal: AbortSignal.timeout(5_000) });
  return { status: res.status, text: await res.text() };
}

/** Twilio's signature, as Twilio computes it: base64 HMAC-SHA1 of the URL and the sorted name+value pairs. */
export function twilioSign(url: string, fields: Record<string, string>, token: string): string {
  const data = Object.keys(fields)
    .sort()
    .reduce((acc, k) => acc + k + fields[k], url);
  return createHmac('sha1', token).update(data, 'utf8').digest('base64');
}

/**
 * Posts one Twilio webhook (an incoming message or a status callback) to `relayUrl/twilio`, signed for `signedUrl`
 * (the address Twilio was configured with, i.e. the relay's public URL + `/twilio`).
 */
export async function twilioPost(
  relayUrl: string,
  signedUrl: string,
  token: string,
  fields: Record<string, string>,
  opts: { signing?: Signing; headers?: Record<string, string> } = {},
): Promise<Posted> {
  const signing = opts.signing ?? 'good';
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...opts.headers };
  let sentFields = fields;
  if (signing === 'good') headers['x-twilio-signature'] = twilioSign(signedUrl, fields, token);
  else if (signing === 'wrong-secret') headers['x-twilio-signature'] = twilioSign(signedUrl, fields, `${token}-not`);
  else if (signing === 'tampered') {
    headers['x-twilio-signature'] = twilioSign(signedUrl, fields, token);
    sentFields = { ...fields, ErrorCode: fields.ErrorCode === '30003' ? '30005' : '30003' };
  } else if (signing === 'malformed') headers['x-twilio-signature'] = '!!';
  const res = await fetch(`${relayUrl}/twilio`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(sentFields).toString(),
    signal: AbortSignal.timeout(5_000),
  });
  return { status: res.status, text: await res.text() };
}

/** Business number and ids the payloads use. */
export const META_BUSINESS = { wabaId: '102290129340398', phoneNumberId: '106540352242922', display: '15550783881' };

const envelope = (field: string, value: Record<string, unknown>, time?: number) => ({
  object: 'whatsapp_business_account',
  entry: [{ id: META_BUSINESS.wabaId, ...(time !== undefined ? { time } : {}), changes: [{ value, field }] }],
});

const metadata = () => ({ display_phone_number: META_BUSINESS.display, phone_number_id: META_BUSINESS.phoneNumberId });

/** A customer's message: plain text, a quick-reply button, or an interactive button reply. */
export function metaMessage(m: {
  from: string;
  id: string;
  timestamp: number;
  text: string;
  kind?: 'text' | 'button' | 'interactive';
  name?: string;
}): unknown {
  const waId = m.from.replace(/^\+/, '');
  const kind = m.kind ?? 'text';
  const content =
    kind === 'text'
      ? { type: 'text', text: { body: m.text } }
      : kind === 'button'
        ? { type: 'button', button: { text: m.text, payload: 'OPTOUT_MARKETING' } }
        : { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'reply-1', title: m.text } } };
  return envelope('messages', {
    messaging_product: 'whatsapp',
    metadata: metadata(),
    contacts: [{ profile: { name: m.name ?? 'Customer' }, wa_id: waId }],
    messages: [{ from: waId, id: m.id, timestamp: String(m.timestamp), ...content }],
  });
}

/** A status of a message the shop sent; `errorCode` for `failed`. */
export function metaStatus(s: {
  id: string;
  recipient: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  timestamp: number;
  errorCode?: number;
}): unknown {
  return envelope('messages', {
    messaging_product: 'whatsapp',
    metadata: metadata(),
    statuses: [
      {
        id: s.id,
        status: s.status,
        timestamp: String(s.timestamp),
        recipient_id: s.recipient.replace(/^\+/, ''),
        ...(s.errorCode !== undefined
          ? { errors: [{ code: s.errorCode, title: 'error', message: 'error', error_data: { details: 'details' } }] }
          : {}),
      },
    ],
  });
}

/** The `user_preferences` webhook: the person stopped or resumed marketing messages from the business. */
export function metaUserPreference(p: { waId: string; value: 'stop' | 'resume'; timestamp: number }): unknown {
  const waId = p.waId.replace(/^\+/, '');
  return envelope('user_preferences', {
    messaging_product: 'whatsapp',
    metadata: metadata(),
    contacts: [{ profile: { name: 'Customer' }, wa_id: waId }],
    user_preferences: [
      {
        wa_id: waId,
        detail: `User requested to ${p.value} marketing messages`,
        category: 'marketing_messages',
        value: p.value,
        timestamp: p.timestamp,
      },
    ],
  });
}

/** The business number's quality or messaging limit changed. */
export function metaPhoneQuality(q: { event: string; currentLimit: string; time: number }): unknown {
  return envelope(
    'phone_number_quality_update',
    { display_phone_number: META_BUSINESS.display, event: q.event, current_limit: q.currentLimit },
    q.time,
  );
}

/** A template was approved, paused, disabled… */
export function metaTemplateStatus(t: { id: string; name: string; language: string; event: string; reason?: string; time: number }): unknown {
  return envelope(
    'message_template_status_update',
    { event: t.event, message_template_id: t.id, message_template_name: t.name, message_template_language: t.language, reason: t.reason ?? 'NONE' },
    t.time,
  );
}

/** Twilio's form for an incoming SMS (or WhatsApp when the numbers carry `whatsapp:`). */
export function twilioInbound(m: { sid: string; from: string; to: string; body: string; accountSid: string }): Record<string, string> {
  return {
    ToCountry: 'US',
    SmsMessageSid: m.sid,
    NumMedia: '0',
    SmsSid: m.sid,
    SmsStatus: 'received',
    Body: m.body,
    To: m.to,
    NumSegments: '1',
    MessageSid: m.sid,
    AccountSid: m.accountSid,
    From: m.from,
    ApiVersion: '2010-04-01',
  };
}

/** Twilio's status callback for a message the shop sent. */
export function twilioStatus(s: {
  sid: string;
  to: string;
  from: string;
  status: string;
  errorCode?: string;
  accountSid: string;
}): Record<string, string> {
  return {
    MessageSid: s.sid,
    SmsSid: s.sid,
    MessageStatus: s.status,
    SmsStatus: s.status,
    To: s.to,
    From: s.from,
    AccountSid: s.accountSid,
    ApiVersion: '2010-04-01',
    ...(s.errorCode !== undefined ? { ErrorCode: s.errorCode } : {}),
  };
}
