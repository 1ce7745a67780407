import type { ConsentState } from '../../../../shared/domain/consent/types';
import type { Db } from '../open';

/** A planned batch (times in ms; JSON columns parsed). */
export interface BatchRecord {
  id: number;
  name: string;
  channel: 'sms' | 'whatsapp' | 'cascade';
  purpose: 'marketing' | 'service';
  text: string;
  audience: { tags: string[] };
  plannedAt: number;
  createdAt: number;
  createdBy: string;
  lintOk: boolean;
  lint: Record<string, unknown>;
  counts: Record<string, unknown>;
  state: 'planned' | 'sending' | 'done' | 'cancelled';
}

interface BatchRow {
  id: number;
  name: string;
  channel: BatchRecord['channel'];
  purpose: BatchRecord['purpose'];
  text: string;
  audience: string;
  planned_at: number;
  created_at: number;
  created_by: string;
  lint_ok: number;
  lint: string;
  counts: string;
  state: BatchRecord['state'];
}

const COLUMNS = 'id, name, channel, purpose, text, audience, planned_at, created_at, created_by, lint_ok, lint, counts, state';
const toRecord = (r: BatchRow): BatchRecord => ({
  id: r.id,
  name: r.name,
  channel: r.channel,
  purpose: r.purpose,
  text: r.text,
  audience: JSON.parse(r.audience) as BatchRecord['audience'],
  plannedAt: r.planned_at,
  createdAt: r.created_at,
  createdBy: r.created_by,
  lintOk: r.lint_ok === 1,
  lint: JSON.parse(r.lint) as Record<string, unknown>,
  counts: JSON.parse(r.counts) as Record<string, unknown>,
  state: r.state,
});

/** One contact of an audience with everything the send-time gate reads about it. */
export interface AudienceMember {
  contactId: number;
  phone: string;
  name: string;
  messageable: boolean;
  /** Stored projection cells, keyed `channel/purpose`. */
  cells: Map<string, ConsentState>;
}

/** SQL for batches and for reading an audience through the consent projection. */
export class BatchesRepo {
  constructor(private readonly db: Db) {}

  insert(b: Omit<BatchRecord, 'id'>): BatchRecord {
    const info = this.db
      .prepare(
        `INSERT INTO batches (name, channel, purpose, text, audience, planned_at, created_at, created_by, lint_ok, lint, counts, state)
         VALUES (@name, @channel, @purpose, @text, @audience, @plannedAt, @createdAt, @createdBy, @lintOk, @lint, @counts, @state)`,
      )
      .run({
        ...b,
        audience: JSON.stringify(b.audience),
        lintOk: b.lintOk ? 1 : 0,
        lint: JSON.stringify(b.lint),
        counts: JSON.stringify(b.counts),
      });
    return { ...b, id: Number(info.lastInsertRowid) };
  }

  get(id: number): BatchRecord | undefined {
    const r = this.db.prepare<[number], BatchRow>(`SELECT ${COLUMNS} FROM batches WHERE id = ?`).get(id);
    return r ? toRecord(r) : undefined;
  }

  list(offset: number, limit: number): BatchRecord[] {
    return this.db
      .prepare<[number, number], BatchRow>(`SELECT ${COLUMNS} FROM batches ORDER BY id DESC LIMIT ? OFFSET ?`)
      .all(limit, offset)
      .map(toRecord);
  }

  /** When each contact last complained. */
  lastComplaints(): Map<number, number> {
    const rows = this.db.prepare<[], { c: number; at: number }>('SELECT contact_id AS c, max(at) AS at FROM complaints GROUP BY contact_id').all();
    return new Map(rows.map((r) => [r.c, r.at]));
  }

  /**
   * Walk the audience (every contact, or those with any of `tags`) in id order with all its projection cells
   * (the personal-data consent may sit on another channel than the message), one contact at a time, without
   * holding the audience in memory.
   */
  *audience(tags: readonly string[]): Generator<AudienceMember> {
    const tagFilter = tags.length ? `WHERE EXISTS (SELECT 1 FROM json_each(c.tags) t WHERE t.value IN (${tags.map(() => '?').join(', ')}))` : '';
    const rows = this.db
      .prepare<
        unknown[],
        {
          id: number;
          phone: string;
          name: string;
          reach: string;
          channel: string | null;
          purpose: string | null;
          status: ConsentState['status'] | null;
          since: number | null;
          expires_at: number | null;
          last_event_id: number | null;
        }
      >(
        `SELECT c.id, c.phone, c.name, c.reach, s.channel, s.purpose, s.status, s.since, s.expires_at, s.last_event_id
         FROM contacts c LEFT JOIN consent_state s ON s.contact_id = c.id
         ${tagFilter}
         ORDER BY c.id`,
      )
      .iterate(...tags);
    let current: AudienceMember | null = null;
    for (const r of rows) {
      if (!current || current.contactId !== r.id) {
        if (current) yield current;
        current = {
          contactId: r.id,
          phone: r.phone,
          name: r.name,
          messageable: r.reach === 'mobile' || r.reach === 'fixed_or_mobile' || r.reach === 'unknown',
          cells: new Map(),
        };
      }
      if (r.channel && r.purpose && r.status)
        current.cells.set(`${r.channel}/${r.purpose}`, { status: r.status, since: r.since, lastEventSeq: r.last_event_id, expiresAt: r.expires_at });
    }
    if (current) yield current;
  }
}
