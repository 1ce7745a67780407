import type { Db } from '../open';
import { schemaOf, type FileSchema } from '../reference';
import { eventFromRow, type EventRecord, type EventRow } from './consent.repo';
import type { Statement } from 'better-sqlite3';
import type { Chain, ChainLink, RegisterHeads } from '../../../../shared/domain/integrity/head';
import { EMPTY_LINK } from '../../../../shared/domain/integrity/head';

interface EventWithContactRow extends EventRow {
  /** The number the contact row holds now; null when no contact row has this id. */
  contact_phone: string | null;
}

/** A stored event and the number its contact row holds now (null: no contact row has its contact id). */
export interface EventWithContact {
  event: EventRecord;
  contactPhone: string | null;
}

function toEventWithContact(r: EventWithContactRow): EventWithContact {
  let evidence: EventRecord['evidence'];
  try {
    evidence = JSON.parse(r.evidence) as EventRecord['evidence'];
  } catch {
    // An evidence cell that is not JSON any more was edited: keep the text so the hash check names the event.
    evidence = { note: r.evidence } as EventRecord['evidence'];
  }
  return {
    event: eventFromRow(r, evidence),
    contactPhone: r.contact_phone,
  };
}

const EVENT_COLUMNS =
  'e.id, e.uid, e.contact_id, e.phone, e.channel, e.purpose, e.action, e.method, e.occurred_at, e.recorded_at, e.recorded_by, e.form_version_id, e.evidence, e.policy_pack, e.expires_at, e.prev_hash, e.hash, e.target_event_id';

const TABLE: Record<Chain, string> = { events: 'consent_events', audit: 'audit_log' };

/**
 * Read-only SQL of the integrity check: the chains' heads (cheap: the newest row by id), a link by id, events
 * with their contact rows, and the schema objects that guard the register.
 */
export class IntegrityRepo {
  private readonly headStmts: Record<Chain, Statement<[], { id: number; hash: string }>>;
  private readonly hashAtStmts: Record<Chain, Statement<[number], { hash: string }>>;
  private readonly prevEventStmt;
  private readonly contactStmt;

  constructor(private readonly db: Db) {
    this.headStmts = {
      events: db.prepare('SELECT id, hash FROM consent_events ORDER BY id DESC LIMIT 1'),
      audit: db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1'),
    };
    this.hashAtStmts = {
      events: db.prepare('SELECT hash FROM consent_events WHERE id = ?'),
      audit: db.prepare('SELECT hash FROM audit_log WHERE id = ?'),
    };
    this.prevEventStmt = db.prepare<[number], { id: number; hash: string }>(
      'SELECT id, hash FROM consent_events WHERE id < ? ORDER BY id DESC LIMIT 1',
    );
    this.contactStmt = db.prepare<[number], { id: number; phone: string }>('SELECT id, phone FROM contacts WHERE id = ?');
  }

  /** The newest link of each chain (id 0 and the genesis hash when empty). */
  heads(): RegisterHeads {
    return { events: this.head('events'), audit: this.head('audit') };
  }

  head(chain: Chain): ChainLink {
    const r = this.headStmts[chain].get();
    return r ? { lastId: r.id, lastHash: r.hash } : EMPTY_LINK;
  }

  /** The hash stored for row `id` of a chain, or null when there is no such row. */
  hashAt(chain: Chain, id: number): string | null {
    return this.hashAtStmts[chain].get(id)?.hash ?? null;
  }

  /** How many rows a chain holds. */
  count(chain: Chain): number {
    return this.db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${TABLE[chain]}`).get()?.n ?? 0;
  }

  /** Every event in chain order with the number its contact row holds now, streamed. */
  *iterateEventsWithContacts(): Generator<EventWithContact> {
    for (const r of this.db
      .prepare<[], EventWithContactRow>(
        `SELECT ${EVENT_COLUMNS}, c.phone AS contact_phone FROM consent_events e LEFT JOIN contacts c ON c.id = e.contact_id ORDER BY e.id`,
      )
      .iterate())
      yield toEventWithContact(r);
  }

  /** A contact's events, in chain order, with its row's number now. */
  eventsOfContact(contactId: number): EventWithContact[] {
    return this.db
      .prepare<[number], EventWithContactRow>(
        `SELECT ${EVENT_COLUMNS}, c.phone AS contact_phone FROM consent_events e LEFT JOIN contacts c ON c.id = e.contact_id WHERE e.contact_id = ? ORDER BY e.id`,
      )
      .all(contactId)
      .map(toEventWithContact);
  }

  /**
   * Events recorded for `phone` under another contact id, with that contact's number now (null: gone). A full
   * scan (events are not indexed by number): asked once per contact page, never per row.
   */
  eventsOfNumberElsewhere(phone: string, contactId: number): EventWithContact[] {
    return this.db
      .prepare<[string, number], EventWithContactRow>(
        `SELECT ${EVENT_COLUMNS}, c.phone AS contact_phone FROM consent_events e LEFT JOIN contacts c ON c.id = e.contact_id WHERE e.phone = ? AND e.contact_id <> ? ORDER BY e.id`,
      )
      .all(phone, contactId)
      .map(toEventWithContact);
  }

  /** The event just before `id` in the chain (null: `id` is the first). */
  previousEvent(id: number): { id: number; hash: string } | null {
    return this.prevEventStmt.get(id) ?? null;
  }

  /** A contact row by id, removed or not. */
  contact(id: number): { id: number; phone: string } | null {
    return this.contactStmt.get(id) ?? null;
  }

  /** SQLite's own check of the file's pages and indexes (PRAGMA quick_check): what it found wrong, none when sound. */
  quickCheck(): string[] {
    const rows = this.db.prepare<[], [string]>('PRAGMA quick_check(20)').raw().all();
    return rows.length === 1 && rows[0]![0] === 'ok' ? [] : rows.map(([r]) => r);
  }

  /**
   * What the contacts list keeps of each contact with an id in [lo, hi], in id order: id, last consent change, SMS
   * code and expiry, WhatsApp code and expiry, personal data until (migrations 0013 and 0016).
   */
  listedRange(lo: number, hi: number): [number, number, number, number | null, number, number | null, number][] {
    return (this.listedStmt ??= this.db
      .prepare<[number, number], [number, number, number, number | null, number, number | null, number]>(
        'SELECT id, consent_changed_at, sms_listed, sms_listed_until, wa_listed, wa_listed_until, pd_until FROM contacts WHERE id BETWEEN ? AND ? ORDER BY id',
      )
      .raw()).all(lo, hi);
  }

  private listedStmt: Statement<[number, number], [number, number, number, number | null, number, number | null, number]> | undefined;

  /** Every complaint: id, contact, the reply it came with (null: recorded by staff) and when. */
  complaints(): { id: number; contactId: number; inboundMessageId: number | null; at: number }[] {
    return this.db
      .prepare<[], { id: number; contactId: number; inboundMessageId: number | null; at: number }>(
        'SELECT id, contact_id AS contactId, inbound_message_id AS inboundMessageId, at FROM complaints ORDER BY id',
      )
      .all();
  }

  /**
   * Messages handed to a provider (or answered for) whose proof is not a consent event of that very contact, channel
   * and number: rows written outside the app (the runner only ever names the recipient's own consent), first 50.
   */
  /** `contactId`: only that contact's messages (the contact page's check, along outbox_contact). */
  foreignProofs(contactId?: number): ForeignProof[] {
    return this.db
      .prepare<{ contact?: number }, ForeignProof>(
        `SELECT o.id, o.contact_id AS contactId, o.phone, o.channel, o.proof_event_id AS proof,
           e.contact_id AS proofContact, e.phone AS proofPhone, e.channel AS proofChannel
         FROM outbox o LEFT JOIN consent_events e ON e.id = o.proof_event_id
         WHERE o.status IN ('sending', 'sent', 'delivered', 'read', 'unknown')
           AND (e.id IS NULL OR e.contact_id <> o.contact_id OR e.phone <> o.phone OR e.channel <> o.channel)
           ${contactId === undefined ? '' : 'AND o.contact_id = @contact'}
         ORDER BY o.id LIMIT 50`,
      )
      .all(contactId === undefined ? {} : { contact: contactId });
  }

  /** The ids of the replies behind a contact's events (their evidence names them) and of the replies kept under it. */
  replyIdsOfContact(contactId: number): number[] {
    return this.db
      .prepare<{ contact: number }, { id: number }>(
        `SELECT CAST(json_extract(evidence, '$.inboundMessageId') AS INTEGER) AS id FROM consent_events
         WHERE contact_id = @contact AND json_extract(evidence, '$.inboundMessageId') IS NOT NULL
         UNION SELECT id FROM inbound_messages WHERE contact_id = @contact`,
      )
      .all({ contact: contactId })
      .map((r) => r.id);
  }

  /**
   * Messages handed to a provider (or answered for) after their recipient's opt-out was recorded, first 50: the runner
   * asks the gate in the transaction that marks a recipient `sending` (and stamps `sending_at`), so a revocation of a
   * cell the batch is gated on — its purpose, the proof's, and marketing too for a double opt-in wave — already in the
   * register when the gate let the message go (in the register's own order: an event id up to the row's `gate_event_id`,
   * migration 0024, whatever the wall clock did; a row from before it by time, recorded more than `slackMs` before
   * `sending_at`; never by `occurred_at`: opt-outs are backdated, and one recorded after the hand-off is "sent before the
   * opt-out"), with nothing in the register by then that the fold puts after it and that
   * moves the cell on (a grant, a request, a confirmation: by `occurred_at`, as the fold orders, so a withdrawal dated
   * before the proof's consent is not one that stands) and no retraction of it, left the cell revoked at that moment and
   * the gate would have refused. Rows whose proof is not their
   * recipient's own are {@link foreignProofs}. Read from the revocations (a covering scan of consent_events_key) into
   * each one's contact and channel along outbox_contact (contact, sending_at); one row per message, its latest such
   * revocation.
   */
  sentAfterOptOut(slackMs: number, contactId?: number): SentAfterOptOut[] {
    return this.db
      .prepare<{ slack: number; contact?: number }, SentAfterOptOut>(
        `SELECT o.id, o.contact_id AS contactId, o.phone, o.channel, o.batch_id AS batch, o.status, o.sending_at AS sendingAt,
           o.proof_event_id AS proof, p.recorded_at AS proofRecordedAt, max(v.id) AS revoke, v.purpose, v.recorded_at AS revokedAt
         FROM consent_events v
         JOIN outbox o ON o.contact_id = v.contact_id AND o.channel = v.channel
           AND (CASE WHEN o.gate_event_id IS NULL THEN o.sending_at > v.recorded_at + @slack ELSE v.id <= o.gate_event_id END)
         JOIN batches b ON b.id = o.batch_id
         JOIN consent_events p ON p.id = o.proof_event_id
         WHERE v.action = 'revoke' ${contactId === undefined ? '' : 'AND v.contact_id = @contact'}
           AND o.status IN ('sending', 'sent', 'delivered', 'read', 'unknown')
           AND p.contact_id = o.contact_id
           AND (v.purpose = b.purpose OR v.purpose = p.purpose OR (v.purpose = 'marketing' AND json_extract(b.audience, '$.confirm') IS NOT NULL))
           AND (v.purpose <> p.purpose OR v.occurred_at >= p.occurred_at)
           AND NOT EXISTS (
             SELECT 1 FROM consent_events g
             WHERE g.contact_id = v.contact_id AND g.channel = v.channel AND g.purpose = v.purpose AND g.occurred_at >= v.occurred_at
               AND g.action IN ('grant', 'confirm', 'request')
               AND (CASE WHEN o.gate_event_id IS NULL THEN g.recorded_at <= o.sending_at + @slack ELSE g.id <= o.gate_event_id END))
           AND NOT EXISTS (
             SELECT 1 FROM consent_events x
             WHERE x.contact_id = v.contact_id AND x.channel = v.channel AND x.purpose = v.purpose AND x.action = 'retract'
               AND x.target_event_id = v.id
               AND (CASE WHEN o.gate_event_id IS NULL THEN x.recorded_at <= o.sending_at + @slack ELSE x.id <= o.gate_event_id END))
         GROUP BY o.id
         ORDER BY o.id LIMIT 50`,
      )
      .all(contactId === undefined ? { slack: slackMs } : { slack: slackMs, contact: contactId });
  }

  /**
   * Replies the audit log recorded (`inbound.received`) beside the events each produced, as `pairs` gives them (JSON:
   * `[[reply id, event id or 0], …]`): each reply as stored now (null fields: no such row) and each event's evidence,
   * number and contact. Primary-key lookups only, one query: as many rows as pairs, whatever the register's size.
   */
  repliesWithEvents(pairs: string): ReplyWithEvent[] {
    return this.db
      .prepare<[string], ReplyWithEvent>(
        `SELECT json_extract(j.value, '$[0]') AS reply, json_extract(j.value, '$[1]') AS event,
           m.id AS storedId, m.text, m.intent, m.from_phone AS fromPhone, m.contact_id AS replyContact,
           e.evidence, e.phone AS eventPhone, e.contact_id AS eventContact
         FROM json_each(?) j
         LEFT JOIN inbound_messages m ON m.id = json_extract(j.value, '$[0]')
         LEFT JOIN consent_events e ON e.id = json_extract(j.value, '$[1]')
         ORDER BY j.key`,
      )
      .all(pairs);
  }

  /** The contact a stored reply came from (null: from no known contact, or no such reply). */
  inboundContact(id: number): number | null {
    return (
      this.db.prepare<[number], { contact_id: number | null }>('SELECT contact_id FROM inbound_messages WHERE id = ?').get(id)?.contact_id ?? null
    );
  }

  /** Every contact linked to a person's primary contact: its id and the primary's. */
  links(): Map<number, number> {
    return new Map(this.db.prepare<[], [number, number]>('SELECT id, merged_into FROM contacts WHERE merged_into IS NOT NULL').raw().all());
  }

  /** The triggers in the file, by name, with their SQL. */
  /** The file's views and the indexes it was given by CREATE INDEX, by name (one read of sqlite_master). */
  viewsAndIndexes(): Pick<FileSchema, 'views' | 'indexes'> {
    return schemaOf(this.db);
  }

  triggers(): Map<string, string> {
    return new Map(
      this.db
        .prepare<[], [string, string]>("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        .raw()
        .all()
        .map(([name, sql]) => [name, sql]),
    );
  }
}

/** A handed-off message whose proof is not its recipient's own consent event (or none): {@link IntegrityRepo.foreignProofs}. */
export interface ForeignProof {
  id: number;
  contactId: number;
  phone: string;
  channel: string;
  proof: number | null;
  proofContact: number | null;
  proofPhone: string | null;
  proofChannel: string | null;
}

/** A handed-off message whose recipient's opt-out was recorded before it: {@link IntegrityRepo.sentAfterOptOut}. */
export interface SentAfterOptOut {
  id: number;
  contactId: number;
  phone: string;
  channel: string;
  batch: number;
  status: string;
  sendingAt: number;
  proof: number;
  proofRecordedAt: number;
  /** The latest revocation recorded before the hand-off that left the cell revoked. */
  revoke: number;
  purpose: string;
  revokedAt: number;
}

/** A reply the audit log recorded, as stored now, beside one event it produced: {@link IntegrityRepo.repliesWithEvents}. */
export interface ReplyWithEvent {
  reply: number;
  /** 0: the reply itself (its intent), no event. */
  event: number;
  /** Null: no reply with this id is stored. */
  storedId: number | null;
  text: string | null;
  intent: string | null;
  fromPhone: string | null;
  replyContact: number | null;
  /** Null: no such event (or `event` is 0). */
  evidence: string | null;
  eventPhone: string | null;
  eventContact: number | null;
}
