import type { Channel } from '../../../../shared/domain/consent/types';
import type { Db } from '../open';

export type ConfirmationState = 'queued' | 'sending' | 'sent' | 'failed' | 'cancelled';

/** A double opt-in confirmation message owed to a customer (times in ms). */
export interface ConfirmationRecord {
  id: number;
  contactId: number;
  channel: Channel;
  requestEventId: number;
  formVersionId: number | null;
  language: 'en' | 'ru';
  text: string;
  createdAt: number;
  expiresAt: number;
  state: ConfirmationState;
  stateReason: string | null;
  stateAt: number;
  providerMessageId: string | null;
}

interface ConfirmationRow {
  id: number;
  contact_id: number;
  channel: Channel;
  request_event_id: number;
  form_version_id: number | null;
  language: 'en' | 'ru';
  text: string;
  created_at: number;
  expires_at: number;
  state: ConfirmationState;
  state_reason: string | null;
  state_at: number;
  provider_message_id: string | null;
}

const COLUMNS =
  'q.id, q.contact_id, q.channel, q.request_event_id, q.form_version_id, q.language, q.text, q.created_at, q.expires_at, q.state, q.state_reason, q.state_at, q.provider_message_id';
const toRecord = (r: ConfirmationRow): ConfirmationRecord => ({
  id: r.id,
  contactId: r.contact_id,
  channel: r.channel,
  requestEventId: r.request_event_id,
  formVersionId: r.form_version_id,
  language: r.language,
  text: r.text,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  state: r.state,
  stateReason: r.state_reason,
  stateAt: r.state_at,
  providerMessageId: r.provider_message_id,
});

/** SQL for the double opt-in confirmation queue. */
export class ConfirmationsRepo {
  private readonly cancelStmt;
  private readonly anyQueuedStmt;

  constructor(private readonly db: Db) {
    // Prepared once: these run for every consent event appended, imports included.
    this.cancelStmt = db.prepare(
      `UPDATE confirmations SET state = 'cancelled', state_reason = ?, state_at = ?
       WHERE contact_id = ? AND (? IS NULL OR channel = ?) AND state = 'queued'`,
    );
    this.anyQueuedStmt = db.prepare<[], { q: number }>(`SELECT EXISTS (SELECT 1 FROM confirmations WHERE state = 'queued') AS q`);
  }

  /** Whether any message is waiting at all (most registers: none, so appends skip the cancel step). */
  anyQueued(): boolean {
    return this.anyQueuedStmt.get()?.q === 1;
  }

  insert(c: Omit<ConfirmationRecord, 'id'>): ConfirmationRecord {
    const info = this.db
      .prepare(
        `INSERT INTO confirmations (contact_id, channel, request_event_id, form_version_id, language, text, created_at, expires_at, state, state_reason, state_at, provider_message_id)
         VALUES (@contactId, @channel, @requestEventId, @formVersionId, @language, @text, @createdAt, @expiresAt, @state, @stateReason, @stateAt, @providerMessageId)`,
      )
      .run(c);
    return { ...c, id: Number(info.lastInsertRowid) };
  }

  /** A confirmation still waiting to go (or going) to this contact on this channel and not yet past its deadline. */
  open(contactId: number, channel: Channel, at: number): ConfirmationRecord | undefined {
    const r = this.db
      .prepare<[number, Channel, number], ConfirmationRow>(
        `SELECT ${COLUMNS} FROM confirmations q WHERE q.contact_id = ? AND q.channel = ? AND q.state IN ('queued', 'sending') AND q.expires_at > ? ORDER BY q.id DESC LIMIT 1`,
      )
      .get(contactId, channel, at);
    return r ? toRecord(r) : undefined;
  }

  /** Cancel what is still queued for this contact (on one channel, or on all); returns how many. */
  cancelQueued(contactId: number, channel: Channel | null, reason: string, at: number): number {
    return this.cancelStmt.run(reason, at, contactId, channel, channel).changes;
  }

  /** Newest first, with the contact's number and name. */
  list(offset: number, limit: number): (ConfirmationRecord & { phone: string; name: string; formCode: string | null })[] {
    return this.db
      .prepare<[number, number], ConfirmationRow & { phone: string; name: string; code: string | null }>(
        `SELECT ${COLUMNS}, c.phone, c.name, f.code
         FROM confirmations q JOIN contacts c ON c.id = q.contact_id LEFT JOIN form_versions f ON f.id = q.form_version_id
         ORDER BY q.id DESC LIMIT ? OFFSET ?`,
      )
      .all(limit, offset)
      .map((r) => ({ ...toRecord(r), phone: r.phone, name: r.name, formCode: r.code }));
  }

  /** Lapse what is still queued past its deadline (the request expired unanswered before it could go); returns how many. */
  expireQueued(at: number): number {
    return this.db
      .prepare(`UPDATE confirmations SET state = 'cancelled', state_reason = 'expired', state_at = ? WHERE state = 'queued' AND expires_at <= ?`)
      .run(at, at).changes;
  }

  /** Every confirmation still queued and not past its deadline, oldest first. */
  queued(at: number): ConfirmationRecord[] {
    return this.db
      .prepare<[number], ConfirmationRow>(`SELECT ${COLUMNS} FROM confirmations q WHERE q.state = 'queued' AND q.expires_at > ? ORDER BY q.id`)
      .all(at)
      .map(toRecord);
  }

  /** Hand confirmations to the outbox: they are `sending` in the wave (a system campaign) `batchId`. */
  handToWave(ids: readonly number[], batchId: number, at: number): void {
    const stmt = this.db.prepare(`UPDATE confirmations SET state = 'sending', state_reason = ?, state_at = ? WHERE id = ? AND state = 'queued'`);
    for (const id of ids) stmt.run(`batch:${batchId}`, at, id);
  }

  /**
   * A win-back request (one that stands on a claim or a lapsed consent, not on a `request` event) handed to the outbox
   * for this contact and channel by `at` and still within its deadline then: a YES made at `at` answers it (one made
   * before the question went out, fetched later, does not).
   */
  openWinback(contactId: number, channel: Channel, at: number): ConfirmationRecord | undefined {
    const r = this.db
      .prepare<[number, Channel, number, number], ConfirmationRow>(
        `SELECT ${COLUMNS} FROM confirmations q JOIN consent_events e ON e.id = q.request_event_id
         WHERE q.contact_id = ? AND q.channel = ? AND q.state IN ('sending', 'sent') AND q.expires_at > ? AND q.state_at <= ? AND e.action <> 'request'
         ORDER BY q.id DESC LIMIT 1`,
      )
      .get(contactId, channel, at, at);
    return r ? toRecord(r) : undefined;
  }

  /** Whether this contact already has a win-back request waiting or out on this channel, within its deadline. */
  winbackOpen(contactId: number, channel: Channel, at: number): boolean {
    return (
      (this.db
        .prepare<[number, Channel, number], { n: number }>(
          `SELECT count(*) AS n FROM confirmations q JOIN consent_events e ON e.id = q.request_event_id
           WHERE q.contact_id = ? AND q.channel = ? AND q.state IN ('queued', 'sending', 'sent') AND q.expires_at > ? AND e.action <> 'request'`,
        )
        .get(contactId, channel, at)?.n ?? 0) > 0
    );
  }

  /** The confirmations a wave carries: how many, and their language. */
  wave(batchId: number): { count: number; language: 'en' | 'ru' } {
    const r = this.db
      .prepare<[string], { n: number; language: 'en' | 'ru' | null }>(
        'SELECT count(*) AS n, max(language) AS language FROM confirmations WHERE state_reason = ?',
      )
      .get(`batch:${batchId}`);
    return { count: r?.n ?? 0, language: r?.language ?? 'en' };
  }

  /** How many confirmations there are in each state. */
  countsByState(): Record<ConfirmationState, number> {
    const out: Record<ConfirmationState, number> = { queued: 0, sending: 0, sent: 0, failed: 0, cancelled: 0 };
    for (const r of this.db
      .prepare<[], { state: ConfirmationState; n: number }>('SELECT state, count(*) AS n FROM confirmations GROUP BY state')
      .all())
      out[r.state] = r.n;
    return out;
  }

  /** Every confirmation's contact, channel and request (for the outcome counts), newest first. */
  allRequests(): Pick<ConfirmationRecord, 'id' | 'contactId' | 'channel' | 'requestEventId' | 'state' | 'stateReason' | 'expiresAt'>[] {
    return this.db
      .prepare<[], Pick<ConfirmationRow, 'id' | 'contact_id' | 'channel' | 'request_event_id' | 'state' | 'state_reason' | 'expires_at'>>(
        'SELECT id, contact_id, channel, request_event_id, state, state_reason, expires_at FROM confirmations ORDER BY id DESC',
      )
      .all()
      .map((r) => ({
        id: r.id,
        contactId: r.contact_id,
        channel: r.channel,
        requestEventId: r.request_event_id,
        state: r.state,
        stateReason: r.state_reason,
        expiresAt: r.expires_at,
      }));
  }

  count(): number {
    return this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM confirmations').get()?.n ?? 0;
  }
}
