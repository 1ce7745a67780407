import type { Channel } from '../../../../shared/domain/consent/types';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../open';

import { RecipientStatuses, type RecipientStatus } from '../../../../shared/domain/outbox/types';

export { RecipientStatuses, type RecipientStatus };

/** One recipient of a batch on one channel (step 1 is a cascade's SMS fallback). Times in ms. */
export interface OutboxRecord {
  id: number;
  batchId: number;
  contactId: number;
  step: 0 | 1;
  channel: Channel;
  phone: string;
  status: RecipientStatus;
  reason: string | null;
  proofEventId: number | null;
  text: string | null;
  provider: string | null;
  providerMessageId: string | null;
  attempts: number;
  dueAt: number;
  sendingAt: number | null;
  handedOffAt: number | null;
  updatedAt: number;
  /** The register's newest consent event when the gate let it go (null: not yet, or sent before migration 0024). */
  gateEventId: number | null;
}

interface OutboxRow {
  id: number;
  batch_id: number;
  contact_id: number;
  step: 0 | 1;
  channel: Channel;
  phone: string;
  status: RecipientStatus;
  reason: string | null;
  proof_event_id: number | null;
  text: string | null;
  provider: string | null;
  provider_message_id: string | null;
  attempts: number;
  due_at: number;
  sending_at: number | null;
  handed_off_at: number | null;
  updated_at: number;
  gate_event_id: number | null;
}

const COLUMNS =
  'id, batch_id, contact_id, step, channel, phone, status, reason, proof_event_id, text, provider, provider_message_id, attempts, due_at, sending_at, handed_off_at, updated_at, gate_event_id';
const toRecord = (r: OutboxRow): OutboxRecord => ({
  id: r.id,
  batchId: r.batch_id,
  contactId: r.contact_id,
  step: r.step,
  channel: r.channel,
  phone: r.phone,
  status: r.status,
  reason: r.reason,
  proofEventId: r.proof_event_id,
  text: r.text,
  provider: r.provider,
  providerMessageId: r.provider_message_id,
  attempts: r.attempts,
  dueAt: r.due_at,
  sendingAt: r.sending_at,
  handedOffAt: r.handed_off_at,
  updatedAt: r.updated_at,
  gateEventId: r.gate_event_id,
});

/** A batch's sending: which providers, the Cloud API template, the cascade's wait, and whether it is paused. */
export interface RunRecord {
  batchId: number;
  providers: Partial<Record<Channel, string>>;
  template: { name: string; language: string } | null;
  fallbackAfterMs: number | null;
  startedAt: number;
  startedBy: string;
  pausedReason: string | null;
  pausedAt: number | null;
  finishedAt: number | null;
}

interface RunRow {
  batch_id: number;
  providers: string;
  template: string | null;
  fallback_after_ms: number | null;
  started_at: number;
  started_by: string;
  paused_reason: string | null;
  paused_at: number | null;
  finished_at: number | null;
}
const toRun = (r: RunRow): RunRecord => ({
  batchId: r.batch_id,
  providers: JSON.parse(r.providers) as RunRecord['providers'],
  template: r.template === null ? null : (JSON.parse(r.template) as RunRecord['template']),
  fallbackAfterMs: r.fallback_after_ms,
  startedAt: r.started_at,
  startedBy: r.started_by,
  pausedReason: r.paused_reason,
  pausedAt: r.paused_at,
  finishedAt: r.finished_at,
});

/** A configured provider as stored (options are not secret). */
export interface ProviderRow {
  name: string;
  kind: string;
  options: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

/** A change to one recipient; omitted fields keep their value. */
export interface RecipientUpdate {
  status: RecipientStatus;
  channel?: Channel;
  phone?: string;
  reason?: string | null;
  proofEventId?: number | null;
  text?: string | null;
  provider?: string | null;
  providerMessageId?: string | null;
  attempts?: number;
  dueAt?: number;
  sendingAt?: number | null;
  handedOffAt?: number | null;
  /** The register's newest consent event when the gate let the message go (migration 0024; only ever raised). */
  gateEventId?: number;
}

/**
 * What counts as "handed to a provider" for the frequency cap: a message on its way or taken (the statuses below), and
 * any message a provider took (`handed_off_at`, kept as set: migration 0023) whatever became of it later — a rewritten
 * status ('sent' to 'failed') gives nobody a message more.
 */
const HANDED_SQL = `(o.status IN ('sending', 'sent', 'delivered', 'read', 'unknown') OR o.handed_off_at IS NOT NULL)`;

/** SQL for providers, batch runs, the outbox, its log and provider-flagged numbers. */
export class OutboxRepo {
  private readonly insertStmt;
  private readonly logStmt;
  private readonly getStmt;
  private readonly flagStmt;
  private readonly recentStmt;
  private readonly complaintStmt;
  private readonly providerStmt;
  private readonly updateStmts = new Map<string, ReturnType<Db['prepare']>>();

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO outbox (batch_id, contact_id, step, channel, phone, status, reason, proof_event_id, text, due_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?) ON CONFLICT (batch_id, contact_id, step) DO NOTHING`,
    );
    this.logStmt = db.prepare('INSERT INTO outbox_log (recipient_id, at, status, detail) VALUES (?, ?, ?, ?)');
    this.getStmt = db.prepare<[number], OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE id = ?`);
    this.flagStmt = db.prepare<[string], { reason: string; code: string; flaggedAt: number }>(
      'SELECT reason, code, flagged_at AS flaggedAt FROM number_flags WHERE phone = ?',
    );
    this.recentStmt = db.prepare<[number, number, number], { n: number }>(
      `SELECT count(*) AS n FROM outbox o JOIN batches b ON b.id = o.batch_id
       WHERE o.contact_id = ? AND b.purpose = 'marketing' AND ${HANDED_SQL} AND o.sending_at >= ? AND o.batch_id <> ?`,
    );
    this.providerStmt = db.prepare<[string], { name: string; kind: string; options: string; created_at: number; updated_at: number }>(
      'SELECT name, kind, options, created_at, updated_at FROM providers WHERE name = ?',
    );
    // The person's numbers (the primary and every number merged into it), each looked up by complaints_contact.
    this.complaintStmt = db.prepare<[number, number], { at: number | null }>(
      `WITH p AS (SELECT coalesce(merged_into, id) AS id FROM contacts WHERE id = ?)
       SELECT max(at) AS at FROM complaints WHERE contact_id IN (SELECT id FROM p UNION SELECT c.id FROM contacts c JOIN p ON c.merged_into = p.id) AND at <= ?`,
    );
  }

  // ── providers ──
  listProviders(): ProviderRow[] {
    return this.db
      .prepare<[], { name: string; kind: string; options: string; created_at: number; updated_at: number }>(
        'SELECT name, kind, options, created_at, updated_at FROM providers ORDER BY name',
      )
      .all()
      .map((r) => ({
        name: r.name,
        kind: r.kind,
        options: JSON.parse(r.options) as Record<string, string>,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      }));
  }

  /** One provider by name (asked for each hand-off, so one prepared lookup rather than the whole list). */
  getProvider(name: string): ProviderRow | undefined {
    const r = this.providerStmt.get(name);
    return r
      ? { name: r.name, kind: r.kind, options: JSON.parse(r.options) as Record<string, string>, createdAt: r.created_at, updatedAt: r.updated_at }
      : undefined;
  }

  saveProvider(p: { name: string; kind: string; options: Record<string, string>; at: number }): void {
    this.db
      .prepare(
        `INSERT INTO providers (name, kind, options, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, options = excluded.options, updated_at = excluded.updated_at`,
      )
      .run(p.name, p.kind, JSON.stringify(p.options), p.at, p.at);
  }

  removeProvider(name: string): boolean {
    return this.db.prepare('DELETE FROM providers WHERE name = ?').run(name).changes > 0;
  }

  // ── runs ──
  private getRunStmt: Statement<[number], RunRow> | undefined;

  /** A batch's run; asked before every hand-off (whether it was paused meanwhile), so its statement is kept. */
  getRun(batchId: number): RunRecord | undefined {
    const r = (this.getRunStmt ??= this.db.prepare<[number], RunRow>('SELECT * FROM batch_runs WHERE batch_id = ?')).get(batchId);
    return r ? toRun(r) : undefined;
  }

  insertRun(r: Omit<RunRecord, 'pausedReason' | 'pausedAt' | 'finishedAt'>): void {
    this.db
      .prepare('INSERT INTO batch_runs (batch_id, providers, template, fallback_after_ms, started_at, started_by) VALUES (?, ?, ?, ?, ?, ?)')
      .run(r.batchId, JSON.stringify(r.providers), r.template ? JSON.stringify(r.template) : null, r.fallbackAfterMs, r.startedAt, r.startedBy);
  }

  updateRun(
    batchId: number,
    change: { providers?: RunRecord['providers']; pausedReason?: string | null; pausedAt?: number | null; finishedAt?: number | null },
  ): void {
    const run = this.getRun(batchId);
    if (!run) return;
    const next = { ...run, ...change };
    this.db
      .prepare('UPDATE batch_runs SET providers = ?, paused_reason = ?, paused_at = ?, finished_at = ? WHERE batch_id = ?')
      .run(JSON.stringify(next.providers), next.pausedReason, next.pausedAt, next.finishedAt, batchId);
  }

  /** Runs not finished, oldest first (the background outbox resumes them). */
  openRuns(): RunRecord[] {
    return this.db.prepare<[], RunRow>('SELECT * FROM batch_runs WHERE finished_at IS NULL ORDER BY started_at').all().map(toRun);
  }

  setBatchState(batchId: number, state: 'planned' | 'sending' | 'done' | 'cancelled'): void {
    this.db.prepare('UPDATE batches SET state = ? WHERE id = ?').run(state, batchId);
  }

  // ── recipients ──
  /** Queue a recipient; a second enqueue of the same batch × contact × step is ignored. */
  enqueue(r: { batchId: number; contactId: number; step: 0 | 1; channel: Channel; phone: string; dueAt: number; at: number }): number | null {
    const info = this.insertStmt.run(r.batchId, r.contactId, r.step, r.channel, r.phone, 'queued', null, r.dueAt, r.at);
    if (info.changes === 0) return null;
    const id = Number(info.lastInsertRowid);
    this.logStmt.run(id, r.at, 'queued', r.step === 1 ? 'sms fallback' : null);
    return id;
  }

  /** Record a recipient as skipped at the start (excluded by the gate when the run began). */
  enqueueSkipped(r: { batchId: number; contactId: number; channel: Channel; phone: string; reason: string; at: number }): void {
    const info = this.insertStmt.run(r.batchId, r.contactId, 0, r.channel, r.phone, 'skipped', r.reason, r.at, r.at);
    if (info.changes > 0) this.logStmt.run(Number(info.lastInsertRowid), r.at, 'skipped', r.reason);
  }

  get(id: number): OutboxRecord | undefined {
    const r = this.getStmt.get(id);
    return r ? toRecord(r) : undefined;
  }

  /** Apply a change and log it, in the caller's transaction. */
  update(id: number, change: RecipientUpdate, at: number, detail: string | null): void {
    const sets: string[] = ['status = @status', 'updated_at = @at'];
    const params: Record<string, unknown> = { id, status: change.status, at };
    const map: [keyof RecipientUpdate, string][] = [
      ['channel', 'channel'],
      ['phone', 'phone'],
      ['reason', 'reason'],
      ['proofEventId', 'proof_event_id'],
      ['text', 'text'],
      ['provider', 'provider'],
      ['providerMessageId', 'provider_message_id'],
      ['attempts', 'attempts'],
      ['dueAt', 'due_at'],
      ['sendingAt', 'sending_at'],
      ['handedOffAt', 'handed_off_at'],
      ['gateEventId', 'gate_event_id'],
    ];
    for (const [key, column] of map) {
      if (change[key] === undefined) continue;
      sets.push(`${column} = @${key}`);
      params[key] = change[key];
    }
    // A handful of column sets recur for every recipient: prepare each once.
    const sql = `UPDATE outbox SET ${sets.join(', ')} WHERE id = @id`;
    let stmt = this.updateStmts.get(sql);
    if (!stmt) this.updateStmts.set(sql, (stmt = this.db.prepare(sql)));
    stmt.run(params);
    this.logStmt.run(id, at, change.status, detail);
  }

  /** Queued recipients whose time has come, oldest first. */
  due(batchId: number, now: number, limit: number): OutboxRecord[] {
    return this.db
      .prepare<[number, number, number], OutboxRow>(
        `SELECT ${COLUMNS} FROM outbox WHERE batch_id = ? AND status = 'queued' AND due_at <= ? ORDER BY due_at, id LIMIT ?`,
      )
      .all(batchId, now, limit)
      .map(toRecord);
  }

  /** Recipients left `sending` (a crash, or an ambiguous timeout) whose reconciliation is due. */
  inDoubt(batchId: number, now: number, limit: number): OutboxRecord[] {
    return this.db
      .prepare<[number, number, number], OutboxRow>(
        `SELECT ${COLUMNS} FROM outbox WHERE batch_id = ? AND status = 'sending' AND due_at <= ? ORDER BY id LIMIT ?`,
      )
      .all(batchId, now, limit)
      .map(toRecord);
  }

  /** The earliest moment anything queued or in doubt becomes due, or null when nothing waits. */
  nextDue(batchId: number): number | null {
    const r = this.db
      .prepare<[number], { at: number | null }>(`SELECT min(due_at) AS at FROM outbox WHERE batch_id = ? AND status IN ('queued', 'sending')`)
      .get(batchId);
    return r?.at ?? null;
  }

  /**
   * Messages waiting for another try after a provider's passing refusal (an outage, a timeout, throttling): how many,
   * the most attempts among them, when the next is due, and the latest one's last log line (the provider's answer).
   * Null when none waits. Only rows due later than `now` are looked at, through the (batch, status, due_at) index.
   */
  retrying(
    batchId: number,
    now: number,
  ): { count: number; attempts: number; nextDue: number; last: { at: number; detail: string | null } | null } | null {
    const r = this.db
      .prepare<[number, number], { n: number; attempts: number | null; due: number | null }>(
        `SELECT count(*) AS n, max(attempts) AS attempts, min(due_at) AS due FROM outbox
         WHERE batch_id = ? AND status IN ('queued', 'sending') AND due_at > ? AND attempts > 0`,
      )
      .get(batchId, now);
    if (!r || r.n === 0 || r.due === null) return null;
    const last = this.db
      .prepare<[number, number], { at: number; detail: string | null }>(
        `SELECT at, detail FROM outbox_log WHERE recipient_id = (
           SELECT id FROM outbox WHERE batch_id = ? AND status IN ('queued', 'sending') AND due_at > ? AND attempts > 0
           ORDER BY updated_at DESC, id DESC LIMIT 1
         ) ORDER BY id DESC LIMIT 1`,
      )
      .get(batchId, now);
    return { count: r.n, attempts: r.attempts ?? 0, nextDue: r.due, last: last ?? null };
  }

  /**
   * Sent messages still without a final status, for polling: the next `limit` in the order of outbox_due (due time,
   * then id) after `after` (null: from the first). A seek on the index, however many of the campaign's messages are
   * waiting: the run walks them round, so none waits behind messages whose status never comes.
   */
  awaitingStatus(batchId: number, after: { dueAt: number; id: number } | null, limit: number): OutboxRecord[] {
    this.awaitingStatusStmt ??= this.db.prepare<[number, number, number, number], OutboxRow>(
      `SELECT ${COLUMNS} FROM outbox INDEXED BY outbox_due
       WHERE batch_id = ? AND status = 'sent' AND (due_at, id) > (?, ?) AND provider_message_id IS NOT NULL
       ORDER BY due_at, id LIMIT ?`,
    );
    return this.awaitingStatusStmt.all(batchId, after?.dueAt ?? Number.MIN_SAFE_INTEGER, after?.id ?? 0, limit).map(toRecord);
  }

  private awaitingStatusStmt: Statement<[number, number, number, number], OutboxRow> | undefined;

  /** WhatsApp first steps handed off before `before` and not delivered or read, with no SMS step yet. */
  undeliveredWhatsapp(batchId: number, before: number, limit: number): OutboxRecord[] {
    return this.db
      .prepare<[number, number, number], OutboxRow>(
        `SELECT ${COLUMNS} FROM outbox o WHERE batch_id = ? AND step = 0 AND channel = 'whatsapp' AND status = 'sent' AND handed_off_at <= ?
           AND NOT EXISTS (SELECT 1 FROM outbox f WHERE f.batch_id = o.batch_id AND f.contact_id = o.contact_id AND f.step = 1)
         ORDER BY id LIMIT ?`,
      )
      .all(batchId, before, limit)
      .map(toRecord);
  }

  /** Count of recipients per status (steps counted separately). */
  counts(batchId: number): Record<RecipientStatus, number> {
    const out = Object.fromEntries(RecipientStatuses.map((s) => [s, 0])) as Record<RecipientStatus, number>;
    for (const r of this.db
      .prepare<[number], { status: RecipientStatus; n: number }>('SELECT status, count(*) AS n FROM outbox WHERE batch_id = ? GROUP BY status')
      .all(batchId))
      out[r.status] = r.n;
    return out;
  }

  /** Skip reasons and their counts. */
  skipReasons(batchId: number): Record<string, number> {
    return Object.fromEntries(
      this.db
        .prepare<[number], { reason: string; n: number }>(
          `SELECT coalesce(reason, '') AS reason, count(*) AS n FROM outbox WHERE batch_id = ? AND status = 'skipped' GROUP BY reason`,
        )
        .all(batchId)
        .map((r) => [r.reason, r.n]),
    );
  }

  /** A page of a batch's recipients, optionally of some statuses, with the contact's name. */
  list(
    batchId: number,
    statuses: readonly RecipientStatus[],
    offset: number,
    limit: number,
  ): { rows: (OutboxRecord & { name: string })[]; total: number } {
    const filter = statuses.length ? `AND o.status IN (${statuses.map(() => '?').join(', ')})` : '';
    const rows = this.db
      .prepare<unknown[], OutboxRow & { name: string }>(
        `SELECT ${COLUMNS.split(', ')
          .map((c) => 'o.' + c)
          .join(', ')}, c.name FROM outbox o JOIN contacts c ON c.id = o.contact_id WHERE o.batch_id = ? ${filter} ORDER BY o.id LIMIT ? OFFSET ?`,
      )
      .all(batchId, ...statuses, limit, offset)
      .map((r) => ({ ...toRecord(r), name: r.name }));
    const total =
      this.db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM outbox o WHERE o.batch_id = ? ${filter}`).get(batchId, ...statuses)?.n ??
      0;
    return { rows, total };
  }

  /** Every recipient of a batch in id order, for reports. */
  *all(batchId: number): Generator<OutboxRecord & { name: string }> {
    const rows = this.db
      .prepare<[number], OutboxRow & { name: string }>(
        `SELECT ${COLUMNS.split(', ')
          .map((c) => 'o.' + c)
          .join(', ')}, c.name FROM outbox o JOIN contacts c ON c.id = o.contact_id WHERE o.batch_id = ? ORDER BY o.contact_id, o.step`,
      )
      .iterate(batchId);
    for (const r of rows) yield { ...toRecord(r), name: r.name };
  }

  /** Every step of one contact in a batch (a cascade's WhatsApp try and SMS fallback). */
  stepsOf(batchId: number, contactId: number): OutboxRecord[] {
    return this.db
      .prepare<[number, number], OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE batch_id = ? AND contact_id = ? ORDER BY step`)
      .all(batchId, contactId)
      .map(toRecord);
  }

  /** A recipient's history. */
  log(recipientId: number): { at: number; status: string; detail: string | null }[] {
    return this.db
      .prepare<[number], { at: number; status: string; detail: string | null }>(
        'SELECT at, status, detail FROM outbox_log WHERE recipient_id = ? ORDER BY id',
      )
      .all(recipientId);
  }

  /** Find a recipient by the provider's message id (delivery statuses, opt-outs arriving later). */
  byProviderMessageId(provider: string, providerMessageId: string): OutboxRecord | undefined {
    const r = this.db
      .prepare<[string, string], OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE provider = ? AND provider_message_id = ?`)
      .get(provider, providerMessageId);
    return r ? toRecord(r) : undefined;
  }

  // ── frequency cap and number flags ──
  /** Marketing messages handed to one contact since `since` by other batches (a cascade's own WhatsApp try doesn't count against its SMS). */
  recentMarketing(contactId: number, since: number, exceptBatch: number): number {
    return this.recentStmt.get(contactId, since, exceptBatch)?.n ?? 0;
  }

  /** When the contact's person last complained (from any of its numbers: a merge links them), if ever. */
  /** The person's latest complaint made by `at` (any of its numbers), or null. */
  lastComplaint(contactId: number, at = Number.MAX_SAFE_INTEGER): number | null {
    return this.complaintStmt.get(contactId, at)?.at ?? null;
  }

  private recentAllStmt: Statement<[number], number> | undefined;
  /**
   * Marketing messages handed to each contact since `since` (only contacts with any), in contact order. One contact id
   * per message, counted here: SQLite's GROUP BY over the same rows cost about twice the whole read (a plan after a
   * campaign that reached 60,000 contacts: ~85 -> ~35 ms). Read along outbox_contact (contact, sending_at) as the
   * grouped query was, so that the window is checked in the index and only its messages are looked up: without the
   * grouping the planner would start from each marketing campaign's rows (outbox_due), every one of them ever sent.
   */
  recentMarketingAll(since: number): Map<number, number> {
    this.recentAllStmt ??= this.db
      .prepare<[number], number>(
        `SELECT o.contact_id FROM outbox o INDEXED BY outbox_contact JOIN batches b ON b.id = o.batch_id
         WHERE b.purpose = 'marketing' AND ${HANDED_SQL} AND o.sending_at >= ?`,
      )
      .pluck();
    const counts = new Map<number, number>();
    for (const c of this.recentAllStmt.all(since)) counts.set(c, (counts.get(c) ?? 0) + 1);
    return counts;
  }

  flag(phone: string): { reason: string; code: string; flaggedAt: number } | undefined {
    return this.flagStmt.get(phone);
  }

  flaggedPhones(): Set<string> {
    return new Set(
      this.db
        .prepare<[], { phone: string }>('SELECT phone FROM number_flags')
        .all()
        .map((r) => r.phone),
    );
  }

  flagNumber(f: { phone: string; reason: string; code: string; provider: string; at: number }): void {
    this.db
      .prepare('INSERT INTO number_flags (phone, reason, code, provider, flagged_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (phone) DO NOTHING')
      .run(f.phone, f.reason, f.code, f.provider, f.at);
  }

  // ── reports ──
  /**
   * Every recipient of a batch with the consent event it went under (null when none), contact by contact and
   * step by step: one streamed query, so a report over 100,000 recipients makes no lookup per row.
   */
  *allWithProof(batchId: number): Generator<
    OutboxRecord & {
      name: string;
      proof: {
        id: number;
        uid: string;
        method: string;
        action: string;
        occurredAt: number;
        recordedAt: number;
        recordedBy: string;
        formVersionId: number | null;
        evidence: Record<string, unknown>;
        hash: string;
      } | null;
    }
  > {
    type ProofColumns = {
      e_id: number | null;
      e_uid: string;
      e_method: string;
      e_action: string;
      e_occurred_at: number;
      e_recorded_at: number;
      e_recorded_by: string;
      e_form_version_id: number | null;
      e_evidence: string;
      e_hash: string;
    };
    const rows = this.db
      .prepare<[number], OutboxRow & { name: string } & ProofColumns>(
        `SELECT ${COLUMNS.split(', ')
          .map((c) => 'o.' + c)
          .join(', ')}, c.name, e.id AS e_id, e.uid AS e_uid, e.method AS e_method, e.action AS e_action, e.occurred_at AS e_occurred_at,
           e.recorded_at AS e_recorded_at, e.recorded_by AS e_recorded_by, e.form_version_id AS e_form_version_id, e.evidence AS e_evidence,
           e.hash AS e_hash
         FROM outbox o JOIN contacts c ON c.id = o.contact_id LEFT JOIN consent_events e ON e.id = o.proof_event_id
         WHERE o.batch_id = ? ORDER BY o.contact_id, o.step`,
      )
      .iterate(batchId);
    for (const r of rows)
      yield {
        ...toRecord(r),
        name: r.name,
        proof:
          r.e_id === null
            ? null
            : {
                id: r.e_id,
                uid: r.e_uid,
                method: r.e_method,
                action: r.e_action,
                occurredAt: r.e_occurred_at,
                recordedAt: r.e_recorded_at,
                recordedBy: r.e_recorded_by,
                formVersionId: r.e_form_version_id,
                evidence: JSON.parse(r.e_evidence) as Record<string, unknown>,
                hash: r.e_hash,
              },
      };
  }
}
