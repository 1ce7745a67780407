import type { Db } from '../open';

/** An audit log row (times in ms). */
export interface AuditRecord {
  id: number;
  at: number;
  actor: string;
  action: string;
  entity: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  entity: string;
  details: string;
  prev_hash: string;
  hash: string;
}

const toRecord = (r: AuditRow): AuditRecord => ({
  id: r.id,
  at: r.at,
  actor: r.actor,
  action: r.action,
  entity: r.entity,
  details: detailsOf(r.details),
  prevHash: r.prev_hash,
  hash: r.hash,
});

/**
 * A row's details as written: always a JSON object (appendAudit stringifies one). Text that is not one was written
 * outside Optin Desk; it is kept as it is under `unreadable` rather than failing every reader of the log (listing,
 * verify, a certificate) with an internal error. Its row's hash, computed over what was written, no longer matches
 * what is read, so `audit verify` names the row as altered.
 */
function detailsOf(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // not JSON: below
  }
  return { unreadable: String(text) };
}

/** SQL for the append-only audit log. */
export class AuditRepo {
  private readonly insertStmt;
  private readonly lastStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO audit_log (id, at, actor, action, entity, details, prev_hash, hash) VALUES (@id, @at, @actor, @action, @entity, @details, @prevHash, @hash)',
    );
    this.lastStmt = db.prepare<[], { id: number; hash: string }>('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1');
  }

  lastLink(): { id: number; hash: string } | null {
    return this.lastStmt.get() ?? null;
  }

  insert(r: AuditRecord): void {
    this.insertStmt.run({ ...r, details: JSON.stringify(r.details) });
  }

  page(offset: number, limit: number): AuditRecord[] {
    return this.db
      .prepare<[number, number], AuditRow>(
        'SELECT id, at, actor, action, entity, details, prev_hash, hash FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?',
      )
      .all(limit, offset)
      .map(toRecord);
  }

  *iterate(): Generator<AuditRecord> {
    yield* this.iterateAfter(0);
  }

  /** The rows after row `afterId`, in order (the log is append-only: what a reader has seen up to a row stays so). */
  *iterateAfter(afterId: number): Generator<AuditRecord> {
    for (const r of this.db
      .prepare<[number], AuditRow>('SELECT id, at, actor, action, entity, details, prev_hash, hash FROM audit_log WHERE id > ? ORDER BY id')
      .iterate(afterId))
      yield toRecord(r);
  }

  /** The first row about `entity` after row `afterId` (found by the primary key range, not a scan of the log). */
  findEntity(entity: string, afterId: number): AuditRecord | undefined {
    const r = this.db
      .prepare<[number, string], AuditRow>(
        'SELECT id, at, actor, action, entity, details, prev_hash, hash FROM audit_log WHERE id > ? AND entity = ? ORDER BY id LIMIT 1',
      )
      .get(afterId, entity);
    return r ? toRecord(r) : undefined;
  }

  /**
   * When a contact was first merged into another (the earliest `contact.merged` row naming it among the merged, a
   * number handed on to a later primary included), or null when no row names it. Reads the merge rows only: asked for
   * a merged number about a moment before its contact's last change (a certificate or status as of then).
   */
  firstMerged(contactId: number): number | null {
    return (
      this.db
        .prepare<[number], { at: number | null }>(
          // Details that are not JSON (written outside Optin Desk) name no merge, rather than failing the query.
          `SELECT min(at) AS at FROM audit_log WHERE action = 'contact.merged'
             AND CASE WHEN json_valid(details)
               THEN EXISTS (SELECT 1 FROM json_each(details, '$.merged') m WHERE json_extract(m.value, '$.id') = ?) ELSE 0 END`,
        )
        .get(contactId)?.at ?? null
    );
  }

  /** Every row of one action, oldest first (rare actions: backups; the log has no index by action). */
  byAction(action: string): AuditRecord[] {
    return this.db
      .prepare<[string], AuditRow>('SELECT id, at, actor, action, entity, details, prev_hash, hash FROM audit_log WHERE action = ? ORDER BY id')
      .all(action)
      .map(toRecord);
  }

  count(): number {
    return this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM audit_log').get()?.n ?? 0;
  }
}
