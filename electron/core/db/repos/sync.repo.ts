import type { Db } from '../open';

/** Where one provider's sync stands (table provider_sync). */
export interface SyncStateRecord {
  provider: string;
  kind: string;
  cursor: string | null;
  /** Where the relay's pages stand (saved with each page recorded; null: none pulled yet). */
  relayCursor: string | null;
  /** The last outbox row whose status was asked for; the next poll goes on after it. */
  statusAfter: number;
  syncedAt: number | null;
  attemptedAt: number;
  totals: SyncCounts;
  error: { code: string; message: string } | null;
}

/** What one sync (or all of them) recorded. */
export interface SyncCounts {
  inbound: number;
  optOuts: number;
  confirmations: number;
  statuses: number;
  /** Of the replies, those not from a phone number (an operator's or a service's name): kept, linked to no customer. */
  notFromNumber: number;
}

interface Row {
  provider: string;
  kind: string;
  cursor: string | null;
  relay_cursor: string | null;
  status_after: number;
  synced_at: number | null;
  attempted_at: number;
  inbound: number;
  opt_outs: number;
  confirmations: number;
  statuses: number;
  not_from_number: number;
  error_code: string | null;
  error_message: string | null;
}

const toRecord = (r: Row): SyncStateRecord => ({
  provider: r.provider,
  kind: r.kind,
  cursor: r.cursor,
  relayCursor: r.relay_cursor,
  statusAfter: r.status_after,
  syncedAt: r.synced_at,
  attemptedAt: r.attempted_at,
  totals: { inbound: r.inbound, optOuts: r.opt_outs, confirmations: r.confirmations, statuses: r.statuses, notFromNumber: r.not_from_number },
  error: r.error_code !== null && r.error_message !== null ? { code: r.error_code, message: r.error_message } : null,
});

/** Provider sync state, and the outbox rows whose delivery results sync asks providers for. */
export class SyncRepo {
  private readonly getStmt;
  constructor(private readonly db: Db) {
    this.getStmt = db.prepare<[string], Row>('SELECT * FROM provider_sync WHERE provider = ?');
  }

  /** A provider's sync state; undefined before its first sync (or after it was saved again as another kind). */
  get(provider: string, kind: string): SyncStateRecord | undefined {
    const r = this.getStmt.get(provider);
    return r && r.kind === kind ? toRecord(r) : undefined;
  }

  /** Every provider's sync state, by provider name. */
  all(): Map<string, SyncStateRecord> {
    return new Map(
      this.db
        .prepare<[], Row>('SELECT * FROM provider_sync')
        .all()
        .map((r) => [r.provider, toRecord(r)]),
    );
  }

  /**
   * Record one sync of a provider: what it added to the totals, and either its new cursor (it finished) or its error
   * (the cursor stays where it was). A provider saved again as another kind starts over.
   */
  record(s: {
    provider: string;
    kind: string;
    at: number;
    added: SyncCounts;
    statusAfter: number;
    outcome: { cursor: string | null } | { error: { code: string; message: string } };
  }): void {
    const ok = 'cursor' in s.outcome;
    this.db
      .prepare(
        `INSERT INTO provider_sync (provider, kind, cursor, status_after, synced_at, attempted_at, inbound, opt_outs, confirmations, statuses, not_from_number, error_code, error_message)
         VALUES (@provider, @kind, @cursor, @statusAfter, @syncedAt, @at, @inbound, @optOuts, @confirmations, @statuses, @notFromNumber, @errorCode, @errorMessage)
         ON CONFLICT (provider) DO UPDATE SET
           cursor = CASE WHEN provider_sync.kind <> excluded.kind THEN excluded.cursor WHEN @ok THEN excluded.cursor ELSE provider_sync.cursor END,
           synced_at = CASE WHEN provider_sync.kind <> excluded.kind OR @ok THEN excluded.synced_at ELSE provider_sync.synced_at END,
           inbound = CASE WHEN provider_sync.kind <> excluded.kind THEN 0 ELSE provider_sync.inbound END + @inbound,
           opt_outs = CASE WHEN provider_sync.kind <> excluded.kind THEN 0 ELSE provider_sync.opt_outs END + @optOuts,
           confirmations = CASE WHEN provider_sync.kind <> excluded.kind THEN 0 ELSE provider_sync.confirmations END + @confirmations,
           statuses = CASE WHEN provider_sync.kind <> excluded.kind THEN 0 ELSE provider_sync.statuses END + @statuses,
           not_from_number = CASE WHEN provider_sync.kind <> excluded.kind THEN 0 ELSE provider_sync.not_from_number END + @notFromNumber,
           kind = excluded.kind,
           status_after = excluded.status_after,
           attempted_at = excluded.attempted_at,
           error_code = excluded.error_code,
           error_message = excluded.error_message`,
      )
      .run({
        provider: s.provider,
        kind: s.kind,
        cursor: ok ? (s.outcome as { cursor: string | null }).cursor : null,
        statusAfter: s.statusAfter,
        syncedAt: ok ? s.at : null,
        at: s.at,
        ok: ok ? 1 : 0,
        ...s.added,
        errorCode: ok ? null : (s.outcome as { error: { code: string } }).error.code,
        errorMessage: ok ? null : (s.outcome as { error: { message: string } }).error.message,
      });
  }

  /**
   * Recipients handed to `provider` whose delivery result is not in yet (status `sent`, with the provider's id),
   * handed off since `since`, after outbox row `afterId`, oldest first. A cascade's WhatsApp step whose campaign is
   * still running is left to that run: it sends the SMS fallback when WhatsApp does not deliver.
   */
  awaitingStatus(provider: string, since: number, afterId: number, limit: number): number[] {
    return this.db
      .prepare<[string, number, number, number], { id: number }>(
        `SELECT o.id FROM outbox o
         JOIN batches b ON b.id = o.batch_id
         LEFT JOIN batch_runs r ON r.batch_id = o.batch_id
         WHERE o.provider = ? AND o.status = 'sent' AND o.provider_message_id IS NOT NULL AND o.handed_off_at >= ? AND o.id > ?
           AND NOT (b.channel = 'cascade' AND o.step = 0 AND r.finished_at IS NULL)
         ORDER BY o.id LIMIT ?`,
      )
      .all(provider, since, afterId, limit)
      .map((r) => r.id);
  }

  /**
   * Save the relay's cursor once its page is recorded, in the same transaction (so a page is never acknowledged, nor
   * skipped, before it is in the register). A provider's first sync starts its row here.
   */
  saveRelayCursor(provider: string, kind: string, cursor: string, at: number): void {
    this.db
      .prepare(
        `INSERT INTO provider_sync (provider, kind, relay_cursor, attempted_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (provider) DO UPDATE SET relay_cursor = excluded.relay_cursor`,
      )
      .run(provider, kind, cursor, at);
  }

  /** Other messages to this number that ended with this provider error code (a second "unreachable handset"). */
  failuresWithCode(phone: string, code: string, exceptId: number): number {
    return (
      this.db
        .prepare<[string, string, number], { n: number }>(
          `SELECT count(*) AS n FROM outbox WHERE phone = ? AND reason = ? AND id <> ? AND status IN ('failed', 'undeliverable')`,
        )
        .get(phone, code, exceptId)?.n ?? 0
    );
  }
}
