import type { Statement } from 'better-sqlite3';
import type { Db } from '../open';

/** What a register holds, in counts (a backup's label, a restore's preview). */
export interface RegisterCounts {
  /** Contacts not taken out (an undone import's contacts are not counted). */
  contacts: number;
  events: number;
  auditRows: number;
  /** When the newest consent event was recorded, ms; null when there is none. */
  lastEventAt: number | null;
}

/** What the current register has that another one (attached as `other`) lacks: what restoring it would lose. */
/** An opt-out a restore would lose: what the restored register must be told again. */
export interface LostOptOut {
  uid: string;
  phone: string;
  channel: string;
  purpose: string;
  method: string;
  occurredAt: number;
}

export interface RegisterDifference {
  /** The last event (and audit row) both hold with the same hash: their common history ends there. */
  commonEvents: number;
  commonAudit: number;
  /** Events after the common history in the current register, and in the other one. */
  events: number;
  otherEvents: number;
  /** Of the current register's events after the common history: how many numbers opted out (revocations), and which (at most 20). */
  optOuts: number;
  optOutPhones: string[];
  /** When the newest of those events was recorded, ms. */
  lastEventAt: number | null;
  auditRows: number;
  /** Contacts (not taken out) whose number the other register does not hold as a contact. */
  contacts: number;
  /** Messages handed off to a provider that the other register does not record as handed off. */
  messages: number;
  /** Committed imports the other register does not hold. */
  imports: number;
}

const registerIdStmts = new WeakMap<Db, Statement<[], { register_id: string }>>();

/**
 * The register's own id (migration 0008), made once and carried inside the file: a backup and a restored register keep
 * it. Read each time it is asked (one indexed row): a restore may put another register's file in place under an
 * open connection.
 */
export function registerIdOf(db: Db): string {
  let stmt = registerIdStmts.get(db);
  if (!stmt) {
    stmt = db.prepare('SELECT register_id FROM register_meta WHERE id = 1');
    registerIdStmts.set(db, stmt);
  }
  const row = stmt.get();
  if (!row) throw new Error('the register has no id (register_meta is empty)');
  return row.register_id;
}

/** Read-only SQL over a whole register for backups: its id, its counts, and what it has that another one lacks. */
export class RegisterRepo {
  constructor(private readonly db: Db) {}

  /** The register id, or null for a file from before register ids (schema below 8). */
  registerIdOrNull(): string | null {
    const table = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'register_meta'").get();
    if (!table) return null;
    return this.db.prepare<[], { register_id: string }>('SELECT register_id FROM register_meta WHERE id = 1').get()?.register_id ?? null;
  }

  counts(): RegisterCounts {
    const n = (sql: string): number => (this.db.prepare<[], { n: number }>(sql).get()?.n ?? 0) as number;
    const hasRemoved = this.db.prepare("SELECT 1 FROM pragma_table_info('contacts') WHERE name = 'removed_at'").get() !== undefined;
    return {
      contacts: n(`SELECT count(*) AS n FROM contacts${hasRemoved ? ' WHERE removed_at IS NULL' : ''}`),
      events: n('SELECT count(*) AS n FROM consent_events'),
      auditRows: n('SELECT count(*) AS n FROM audit_log'),
      lastEventAt: this.db.prepare<[], { at: number | null }>('SELECT max(recorded_at) AS at FROM consent_events').get()?.at ?? null,
    };
  }

  /**
   * Compare with the register attached as `other` (same schema). The chains are hash-linked, so the last id holding the
   * same hash in both ends their common history; everything after it in this register is what the other one lacks.
   */
  /** The opt-outs (revocations) this register recorded after event `after`, in the order recorded. */
  revocationsAfter(after: number): LostOptOut[] {
    return this.db
      .prepare<[number], { uid: string; phone: string; channel: string; purpose: string; method: string; occurred_at: number }>(
        "SELECT uid, phone, channel, purpose, method, occurred_at FROM main.consent_events WHERE id > ? AND action = 'revoke' ORDER BY id",
      )
      .all(after)
      .map((r) => ({ uid: r.uid, phone: r.phone, channel: r.channel, purpose: r.purpose, method: r.method, occurredAt: r.occurred_at }));
  }

  differenceFrom(other: string): RegisterDifference {
    const o = `"${other.replace(/"/g, '""')}"`;
    const one = <T>(sql: string, ...params: unknown[]): T => this.db.prepare(sql).get(...params) as T;
    const commonEvents =
      one<{ id: number | null }>(`SELECT max(c.id) AS id FROM main.consent_events c JOIN ${o}.consent_events x ON x.id = c.id AND x.hash = c.hash`)
        .id ?? 0;
    const commonAudit =
      one<{ id: number | null }>(`SELECT max(c.id) AS id FROM main.audit_log c JOIN ${o}.audit_log x ON x.id = c.id AND x.hash = c.hash`).id ?? 0;
    const after = one<{ n: number; optOuts: number | null; at: number | null }>(
      "SELECT count(*) AS n, count(DISTINCT CASE WHEN action = 'revoke' THEN phone END) AS optOuts, max(recorded_at) AS at FROM main.consent_events WHERE id > ?",
      commonEvents,
    );
    const optOutPhones = this.db
      .prepare<[number], { phone: string }>(
        "SELECT DISTINCT phone FROM main.consent_events WHERE id > ? AND action = 'revoke' ORDER BY phone LIMIT 20",
      )
      .all(commonEvents)
      .map((r) => r.phone);
    return {
      commonEvents,
      commonAudit,
      events: after.n,
      otherEvents: one<{ n: number }>(`SELECT count(*) AS n FROM ${o}.consent_events WHERE id > ?`, commonEvents).n,
      optOuts: after.optOuts ?? 0,
      optOutPhones,
      lastEventAt: after.at,
      auditRows: one<{ n: number }>('SELECT count(*) AS n FROM main.audit_log WHERE id > ?', commonAudit).n,
      contacts: one<{ n: number }>(
        `SELECT count(*) AS n FROM main.contacts c WHERE c.removed_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM ${o}.contacts x WHERE x.phone = c.phone AND x.removed_at IS NULL)`,
      ).n,
      messages: one<{ n: number }>(
        `SELECT count(*) AS n FROM main.outbox m WHERE m.handed_off_at IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM ${o}.outbox x WHERE x.id = m.id AND x.batch_id = m.batch_id AND x.contact_id = m.contact_id AND x.handed_off_at IS NOT NULL)`,
      ).n,
      imports: one<{ n: number }>(
        `SELECT count(*) AS n FROM main.import_batches i
           WHERE NOT EXISTS (SELECT 1 FROM ${o}.import_batches x WHERE x.id = i.id AND x.file_sha256 = i.file_sha256 AND x.committed_at = i.committed_at)`,
      ).n,
    };
  }

  /** Attach another register file read-only under `alias` (this connection must be read-only too). */
  attach(path: string, alias: string): void {
    this.db.prepare(`ATTACH DATABASE ? AS "${alias.replace(/"/g, '""')}"`).run(path);
  }

  detach(alias: string): void {
    this.db.exec(`DETACH DATABASE "${alias.replace(/"/g, '""')}"`);
  }
}
