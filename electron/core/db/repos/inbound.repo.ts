import type { Channel } from '../../../../shared/domain/consent/types';
import type { InboundIntent } from '../../../../shared/domain/keywords/classify';
import type { Db } from '../open';

/** A stored inbound message (times in ms). */
export interface InboundRecord {
  id: number;
  providerId: string | null;
  channel: Channel;
  fromPhone: string;
  toPhone: string | null;
  text: string;
  receivedAt: number;
  recordedAt: number;
  intent: InboundIntent;
  formCode: string | null;
  contactId: number | null;
}

interface InboundRow {
  id: number;
  provider_id: string | null;
  channel: Channel;
  from_phone: string;
  to_phone: string | null;
  text: string;
  received_at: number;
  recorded_at: number;
  intent: InboundIntent;
  form_code: string | null;
  contact_id: number | null;
}

const COLUMNS = 'id, provider_id, channel, from_phone, to_phone, text, received_at, recorded_at, intent, form_code, contact_id';
const toRecord = (r: InboundRow): InboundRecord => ({
  id: r.id,
  providerId: r.provider_id,
  channel: r.channel,
  fromPhone: r.from_phone,
  toPhone: r.to_phone,
  text: r.text,
  receivedAt: r.received_at,
  recordedAt: r.recorded_at,
  intent: r.intent,
  formCode: r.form_code,
  contactId: r.contact_id,
});

/** A complaint row joined with its contact's number. */
export interface ComplaintRecord {
  id: number;
  contactId: number;
  phone: string;
  name: string;
  inboundMessageId: number | null;
  text: string | null;
  note: string;
  at: number;
  recordedBy: string;
}

/** SQL for inbound messages and complaints. */
export class InboundRepo {
  constructor(private readonly db: Db) {}

  /** One message by its id in the register (what a consent event's evidence names). */
  byId(id: number): InboundRecord | undefined {
    const r = this.db.prepare<[number], InboundRow>(`SELECT ${COLUMNS} FROM inbound_messages WHERE id = ?`).get(id);
    return r ? toRecord(r) : undefined;
  }

  byProviderId(providerId: string): InboundRecord | undefined {
    const r = this.db.prepare<[string], InboundRow>(`SELECT ${COLUMNS} FROM inbound_messages WHERE provider_id = ?`).get(providerId);
    return r ? toRecord(r) : undefined;
  }

  insert(m: Omit<InboundRecord, 'id'>): InboundRecord {
    const info = this.db
      .prepare(
        `INSERT INTO inbound_messages (provider_id, channel, from_phone, to_phone, text, received_at, recorded_at, intent, form_code, contact_id)
         VALUES (@providerId, @channel, @fromPhone, @toPhone, @text, @receivedAt, @recordedAt, @intent, @formCode, @contactId)`,
      )
      .run(m);
    return { ...m, id: Number(info.lastInsertRowid) };
  }

  insertComplaint(c: { contactId: number; inboundMessageId: number | null; note: string; at: number; recordedBy: string }): number {
    const info = this.db
      .prepare(
        'INSERT INTO complaints (contact_id, inbound_message_id, note, at, recorded_by) VALUES (@contactId, @inboundMessageId, @note, @at, @recordedBy)',
      )
      .run(c);
    return Number(info.lastInsertRowid);
  }

  complaints(offset: number, limit: number): ComplaintRecord[] {
    return this.db
      .prepare<
        [number, number],
        {
          id: number;
          contact_id: number;
          phone: string;
          name: string;
          inbound_message_id: number | null;
          text: string | null;
          note: string;
          at: number;
          recorded_by: string;
        }
      >(
        `SELECT k.id, k.contact_id, c.phone, c.name, k.inbound_message_id, m.text, k.note, k.at, k.recorded_by
         FROM complaints k JOIN contacts c ON c.id = k.contact_id LEFT JOIN inbound_messages m ON m.id = k.inbound_message_id
         ORDER BY k.at DESC, k.id DESC LIMIT ? OFFSET ?`,
      )
      .all(limit, offset)
      .map((r) => ({
        id: r.id,
        contactId: r.contact_id,
        phone: r.phone,
        name: r.name,
        inboundMessageId: r.inbound_message_id,
        text: r.text,
        note: r.note,
        at: r.at,
        recordedBy: r.recorded_by,
      }));
  }
}
