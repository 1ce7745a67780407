import type { Channel } from '../../shared/domain/consent/types';
import type { ProviderSignal } from '../core/sending/providers/signals';
import { twilioAction } from '../core/sending/providers/twilio';
import type { DeliveryUpdate, RefusalAction } from '../core/sending/providers/types';
import { whatsappAction } from '../core/sending/providers/whatsapp-cloud';
import type { RelayEvent } from './types';

/**
 * Signals read from webhooks, and how many events (or parts of one: a message, a status, a change) carried nothing the
 * register records — intermediate statuses, media without text, unknown or malformed payloads. Nothing here throws.
 */
export interface MappedSignals {
  signals: ProviderSignal[];
  skipped: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : null);
const E164 = /^\+[1-9]\d{6,14}$/;

/** A WhatsApp id or a display number (digits, maybe with + and spaces) as E.164; null when it is not a number. */
function waPhone(v: unknown): string | null {
  const s = str(v);
  if (!s || !/^\+?[\d\s().-]+$/.test(s)) return null;
  const e = `+${s.replace(/\D/g, '')}`;
  return E164.test(e) ? canonicalWaId(e) : null;
}

/**
 * The number a WhatsApp id stands for, where WhatsApp keeps an older form than the numbering plan: Mexican mobiles
 * keep the "1" after the country code dropped in 2019 (+52 1 55… is +52 55…), and older Brazilian accounts lack the
 * ninth digit every mobile got (+55 11 8765-4321 is +55 11 98765-4321). Without this a STOP from such an id was
 * recorded for a new contact, and the customer's own number kept getting marketing.
 */
export function canonicalWaId(e164: string): string {
  if (/^\+521\d{10}$/.test(e164)) return `+52${e164.slice(4)}`;
  const br = /^\+55(\d{2})([6-9]\d{7})$/.exec(e164);
  if (br) return `+55${br[1]}9${br[2]}`;
  return e164;
}

/** Meta's Unix-seconds timestamp (string or number) in ms; `fallback` when absent or unreadable. */
function seconds(v: unknown, fallback: number): number {
  const s = str(v);
  if (!s || !/^\d{1,12}$/.test(s)) return fallback;
  return Number(s) * 1000;
}

/** The opt-out evidence id of a provider refusal reported by a status: the message id and the code. */
export function refusalEvidenceId(provider: 'whatsapp' | 'twilio', providerMessageId: string, code: string): string {
  return `${provider}:${providerMessageId}:${code}`;
}

/** The text a customer's WhatsApp message carries: typed text, a quick-reply button, an interactive reply, a caption. */
function waText(m: Obj): string | null {
  const type = str(m.type);
  const part = (name: string): Obj => (isObj(m[name]) ? (m[name] as Obj) : {});
  switch (type) {
    case 'text':
      return str(part('text').body);
    case 'button':
      return str(part('button').text) ?? str(part('button').payload);
    case 'interactive': {
      const i = part('interactive');
      const reply = isObj(i.button_reply) ? i.button_reply : isObj(i.list_reply) ? i.list_reply : null;
      return reply ? (str(reply.title) ?? str(reply.id)) : null;
    }
    case 'image':
    case 'video':
    case 'document':
      return str(part(type).caption);
    default:
      return null;
  }
}

function waStatus(s: Obj, receivedAt: number, out: MappedSignals): void {
  const id = str(s.id);
  const phone = waPhone(s.recipient_id);
  const at = seconds(s.timestamp, receivedAt);
  if (!id) return void out.skipped++;
  let update: DeliveryUpdate;
  switch (s.status) {
    case 'sent':
    case 'delivered':
    case 'read':
      update = { status: s.status };
      break;
    case 'failed': {
      const err = arr(s.errors).find(isObj);
      const code = err ? str(err.code) : null;
      let action: RefusalAction = 'fail';
      if (code && /^\d+$/.test(code)) {
        const a = whatsappAction(Number(code), phone ?? '');
        // A failure reported by a status cannot be retried: Meta already gave up on this message.
        action = 'action' in a ? a.action : 'fail';
      }
      update = { status: 'failed', code: code ?? undefined, action };
      break;
    }
    default:
      return void out.skipped++;
  }
  out.signals.push({ kind: 'status', providerMessageId: id, update, at });
  // 131050: the person stopped marketing from this business. The status names the message; the opt-out names the
  // number, so it is recorded even when the message is not in this register's outbox (sent from another install).
  if (update.action === 'opted_out' && phone && update.code)
    out.signals.push({
      kind: 'opt_out',
      phone,
      channel: 'whatsapp',
      scope: 'marketing',
      evidenceId: refusalEvidenceId('whatsapp', id, update.code),
      source: `WhatsApp Cloud API status (error ${update.code})`,
      at,
    });
}

function waMessages(value: Obj, receivedAt: number, out: MappedSignals): void {
  const metadata = isObj(value.metadata) ? value.metadata : {};
  const to = waPhone(metadata.display_phone_number);
  const messages = arr(value.messages);
  const statuses = arr(value.statuses);
  if (!messages.length && !statuses.length) return void out.skipped++;
  for (const m of messages) {
    if (!isObj(m)) {
      out.skipped++;
      continue;
    }
    const id = str(m.id);
    const from = waPhone(m.from);
    const text = waText(m);
    if (!id || !from || text === null || !text.trim()) {
      out.skipped++;
      continue;
    }
    out.signals.push({ kind: 'inbound', providerMessageId: id, from, to, channel: 'whatsapp', text, at: seconds(m.timestamp, receivedAt) });
  }
  for (const s of statuses) {
    if (isObj(s)) waStatus(s, receivedAt, out);
    else out.skipped++;
  }
}

function waPreferences(value: Obj, receivedAt: number, out: MappedSignals): void {
  const prefs = arr(value.user_preferences);
  if (!prefs.length) return void out.skipped++;
  for (const p of prefs) {
    const phone = isObj(p) ? waPhone(p.wa_id) : null;
    if (!isObj(p) || !phone || p.category !== 'marketing_messages' || (p.value !== 'stop' && p.value !== 'resume')) {
      out.skipped++;
      continue;
    }
    const at = seconds(p.timestamp, receivedAt);
    const evidenceId = `whatsapp:user_preferences:${phone.slice(1)}:${Math.floor(at / 1000)}:${p.value}`;
    if (p.value === 'stop')
      out.signals.push({
        kind: 'opt_out',
        phone,
        channel: 'whatsapp',
        scope: 'marketing',
        evidenceId,
        source: 'WhatsApp user_preferences (marketing stop)',
        at,
      });
    else out.signals.push({ kind: 'resume', phone, channel: 'whatsapp', evidenceId, source: 'WhatsApp user_preferences (marketing resume)', at });
  }
}

function waQuality(field: string, value: Obj, entry: Obj, receivedAt: number, out: MappedSignals): void {
  const at = seconds(entry.time ?? value.timestamp, receivedAt);
  const stamp = Math.floor(at / 1000);
  if (field === 'phone_number_quality_update') {
    const event = str(value.event);
    const number = waPhone(value.display_phone_number);
    if (!event) return void out.skipped++;
    const limit = str(value.current_limit);
    out.signals.push({
      kind: 'quality',
      evidenceId: `whatsapp:phone_quality:${number ? number.slice(1) : (str(entry.id) ?? '?')}:${stamp}:${event}`,
      topic: 'phone_quality',
      value: event,
      // Meta's tier code alone (TIER_1K): the Health view words it in the user's language.
      detail: limit ?? null,
      at,
    });
    return;
  }
  const templateId = str(value.message_template_id);
  const name = str(value.message_template_name);
  const language = str(value.message_template_language);
  const label = name ? `${name}${language ? ` (${language})` : ''}` : templateId;
  if (field === 'message_template_status_update') {
    const event = str(value.event);
    if (!event || !templateId) return void out.skipped++;
    const reason = str(value.reason);
    out.signals.push({
      kind: 'quality',
      evidenceId: `whatsapp:template_status:${templateId}:${stamp}:${event}`,
      topic: 'template_status',
      value: event,
      detail: reason && reason !== 'NONE' ? `${label}: ${reason}` : label,
      at,
    });
    return;
  }
  const score = str(value.new_quality_score);
  if (!score || !templateId) return void out.skipped++;
  out.signals.push({
    kind: 'quality',
    evidenceId: `whatsapp:template_quality:${templateId}:${stamp}:${score}`,
    topic: 'template_quality',
    value: score,
    detail: label,
    at,
  });
}

/**
 * A WhatsApp Cloud API webhook (`object: whatsapp_business_account`) as signals: customers' messages (text, quick-reply
 * buttons, interactive replies, captions) → `inbound` with the wamid; statuses → `status` (errors by DOMAIN §2.6;
 * 131050 also → `opt_out` marketing); `user_preferences` marketing stop/resume → `opt_out` marketing / `resume`; phone
 * quality and template status/quality → `quality`. `receivedAt` dates what carries no time of its own.
 */
export function mapMetaWebhook(body: unknown, receivedAt: number): MappedSignals {
  const out: MappedSignals = { signals: [], skipped: 0 };
  if (!isObj(body) || body.object !== 'whatsapp_business_account' || !arr(body.entry).length) return { signals: [], skipped: 1 };
  for (const entry of arr(body.entry)) {
    const changes = isObj(entry) ? arr(entry.changes) : [];
    if (!isObj(entry) || !changes.length) {
      out.skipped++;
      continue;
    }
    for (const change of changes) {
      const field = isObj(change) ? str(change.field) : null;
      const value = isObj(change) && isObj(change.value) ? change.value : null;
      if (!field || !value) {
        out.skipped++;
        continue;
      }
      if (field === 'messages') waMessages(value, receivedAt, out);
      else if (field === 'user_preferences') waPreferences(value, receivedAt, out);
      else if (field === 'phone_number_quality_update' || field === 'message_template_status_update' || field === 'message_template_quality_update')
        waQuality(field, value, entry, receivedAt, out);
      else out.skipped++;
    }
  }
  return out;
}

const twilioAddress = (v: unknown): { phone: string; channel: Channel } | null => {
  const s = str(v);
  if (!s) return null;
  const whatsapp = s.startsWith('whatsapp:');
  const phone = whatsapp ? s.slice('whatsapp:'.length) : s;
  return E164.test(phone) ? { phone, channel: whatsapp ? 'whatsapp' : 'sms' } : null;
};

/**
 * A Twilio webhook's form fields as signals: an incoming SMS or WhatsApp message (`SmsStatus`/`MessageStatus`
 * `received`) → `inbound` with its SM… id, plus `opt_out` scope `all` when Twilio's opt-out handling marked it
 * `OptOutType=STOP` (or `resume` for START); a status callback → `status` (error codes by DOMAIN §3.4, as the adapter's
 * polling reads them), and one whose error means the person opted out (21610, 63014) also → `opt_out` scope `all` for
 * that number and channel. Callbacks carry no time: `receivedAt` is when the relay got them.
 */
export function mapTwilioCallback(fields: unknown, receivedAt: number): MappedSignals {
  if (!isObj(fields)) return { signals: [], skipped: 1 };
  const sid = str(fields.MessageSid) ?? str(fields.SmsSid) ?? str(fields.SmsMessageSid);
  const status = str(fields.MessageStatus) ?? str(fields.SmsStatus);
  if (!sid || !status) return { signals: [], skipped: 1 };
  if (status === 'received') {
    const from = twilioAddress(fields.From);
    const to = twilioAddress(fields.To);
    const text = str(fields.Body);
    if (!from || text === null || !text.trim()) return { signals: [], skipped: 1 };
    const signals: ProviderSignal[] = [
      { kind: 'inbound', providerMessageId: sid, from: from.phone, to: to?.phone ?? null, channel: from.channel, text, at: receivedAt },
    ];
    // Twilio's own opt-out handling (Advanced Opt-Out, localised keywords such as ARRET) says what it did with the
    // reply: after STOP it blocks the number itself, so the register records that whatever the words were.
    const optOutType = str(fields.OptOutType)?.toUpperCase();
    const evidenceId = `twilio:${sid}:OptOutType:${optOutType ?? ''}`;
    if (optOutType === 'STOP')
      signals.push({
        kind: 'opt_out',
        phone: from.phone,
        channel: from.channel,
        scope: 'all',
        evidenceId,
        source: 'Twilio opt-out keyword (STOP)',
        at: receivedAt,
      });
    else if (optOutType === 'START')
      signals.push({ kind: 'resume', phone: from.phone, channel: from.channel, evidenceId, source: 'Twilio opt-in keyword (START)', at: receivedAt });
    return { signals, skipped: 0 };
  }
  const recipient = twilioAddress(fields.To);
  const code = str(fields.ErrorCode);
  const action = (): RefusalAction => {
    if (!code || !/^\d+$/.test(code)) return 'fail';
    const a = twilioAction(Number(code), recipient?.channel ?? 'sms');
    // A delivery failure cannot be retried from a status: Twilio already gave up on this message.
    return a === 'retry' ? 'fail' : a;
  };
  let update: DeliveryUpdate;
  switch (status) {
    case 'sent':
    case 'partially_delivered':
      update = { status: 'sent' };
      break;
    case 'delivered':
      update = { status: 'delivered' };
      break;
    case 'read':
      update = { status: 'read' };
      break;
    case 'failed':
    case 'canceled':
      update = { status: 'failed', code: code ?? undefined, action: action() };
      break;
    case 'undelivered':
      update = { status: 'undeliverable', code: code ?? undefined, action: action() };
      break;
    default:
      // queued, sending, accepted, scheduled…: nothing final to record yet.
      return { signals: [], skipped: 1 };
  }
  const signals: ProviderSignal[] = [{ kind: 'status', providerMessageId: sid, update, at: receivedAt }];
  if (update.action === 'opted_out' && recipient && code)
    signals.push({
      kind: 'opt_out',
      phone: recipient.phone,
      channel: recipient.channel,
      scope: 'all',
      evidenceId: refusalEvidenceId('twilio', sid, code),
      source: `Twilio status callback (error ${code})`,
      at: receivedAt,
    });
  return { signals, skipped: 0 };
}

/** Every event of a relay page as signals, in the order they arrived. */
export function mapRelayEvents(events: readonly RelayEvent[]): MappedSignals {
  const out: MappedSignals = { signals: [], skipped: 0 };
  for (const e of events) {
    const r = e.source === 'whatsapp' ? mapMetaWebhook(e.body, e.receivedAt) : e.source === 'twilio' ? mapTwilioCallback(e.body, e.receivedAt) : null;
    if (!r) {
      out.skipped++;
      continue;
    }
    for (const signal of r.signals) out.signals.push({ ...signal, via: e.source });
    out.skipped += r.skipped;
  }
  return out;
}
