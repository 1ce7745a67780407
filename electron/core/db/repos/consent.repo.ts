import type {
  Channel,
  ConsentAction,
  ConsentMethod,
  ConsentState,
  ConsentStatus,
  FoldableEvent,
  Purpose,
} from '../../../../shared/domain/consent/types';
import type { Evidence } from '../../../../shared/contract/api';
import type { PolicyPackId } from '../../../../shared/domain/policy/policy';
import { EXPIRING, FOREVER, LISTED_CODE, listedColumns } from '../../../../shared/domain/consent/listed';
import { consentKey } from '../../../../shared/domain/consent/fold';
import type { Db } from '../open';
import { deferIndexes } from './statements';
import type { Statement } from 'better-sqlite3';

/** A stored consent event (times in ms). */
/** How a projection is folded: the fold's version and the pack's deadlines it bounds consents by. */
export interface FoldTerms {
  foldVersion: number;
  maxConsentAgeDays: number | null;
  pendingExpiryHours: number;
}

export interface EventRecord {
  id: number;
  uid: string;
  contactId: number;
  phone: string;
  channel: Channel;
  purpose: Purpose;
  action: ConsentAction;
  method: ConsentMethod;
  occurredAt: number;
  recordedAt: number;
  recordedBy: string;
  formVersionId: number | null;
  evidence: Evidence;
  policyPack: PolicyPackId;
  expiresAt: number | null;
  prevHash: string;
  hash: string;
  /** For `retract`: the id of the event it voids. */
  targetEventId: number | null;
}

/** A consent_events row as SQLite returns it. */
export interface EventRow {
  id: number;
  uid: string;
  contact_id: number;
  phone: string;
  channel: Channel;
  purpose: Purpose;
  action: ConsentAction;
  method: ConsentMethod;
  occurred_at: number;
  recorded_at: number;
  recorded_by: string;
  form_version_id: number | null;
  evidence: string;
  policy_pack: PolicyPackId;
  expires_at: number | null;
  prev_hash: string;
  hash: string;
  target_event_id: number | null;
}

const EVENT_COLUMNS =
  'id, uid, contact_id, phone, channel, purpose, action, method, occurred_at, recorded_at, recorded_by, form_version_id, evidence, policy_pack, expires_at, prev_hash, hash, target_event_id';

function toEvent(r: EventRow): EventRecord {
  return eventFromRow(r, JSON.parse(r.evidence) as Evidence);
}

/** A consent_events row → EventRecord with its evidence already read: the one mapping (the integrity check uses it too). */
export function eventFromRow(r: EventRow, evidence: Evidence): EventRecord {
  return {
    id: r.id,
    uid: r.uid,
    contactId: r.contact_id,
    phone: r.phone,
    channel: r.channel,
    purpose: r.purpose,
    action: r.action,
    method: r.method,
    occurredAt: r.occurred_at,
    recordedAt: r.recorded_at,
    recordedBy: r.recorded_by,
    formVersionId: r.form_version_id,
    evidence,
    policyPack: r.policy_pack,
    expiresAt: r.expires_at,
    prevHash: r.prev_hash,
    hash: r.hash,
    targetEventId: r.target_event_id,
  };
}

/** One projection cell as stored. */
export interface StateRecord extends ConsentState {
  contactId: number;
  channel: Channel;
  purpose: Purpose;
}

/** A channel's columns on contacts for what the list shows of its marketing (migration 0016). */
const LISTED_COLUMNS: Record<Channel, { code: string; until: string }> = {
  sms: { code: 'sms_listed', until: 'sms_listed_until' },
  whatsapp: { code: 'wa_listed', until: 'wa_listed_until' },
};

/** The list's code of a stored status in SQL (the same table as listedCell). */
const CODE_SQL = `CASE status ${Object.entries(LISTED_CODE)
  .map(([status, code]) => `WHEN '${status}' THEN ${code}`)
  .join(' ')} ELSE ${LISTED_CODE.none} END`;
const EXPIRING_SQL = EXPIRING.map((s) => `'${s}'`).join(', ');

/**
 * Each contact's listed columns from its projection cells, for contacts with ids in [@lo, @hi] that have any, the
 * same values {@link listedCell} and {@link personalDataUntil} give (a rebuild, and a register built by bulk SQL).
 */
const LISTED_OF_RANGE = `SELECT contact_id, coalesce(max(since), 0) AS at,
    ${(['sms', 'whatsapp'] as const)
      .map(
        (
          ch,
        ) => `coalesce(max(CASE WHEN channel = '${ch}' AND purpose = 'marketing' THEN ${CODE_SQL} END), ${LISTED_CODE.none}) AS ${LISTED_COLUMNS[ch].code},
    max(CASE WHEN channel = '${ch}' AND purpose = 'marketing' AND status IN (${EXPIRING_SQL}) THEN expires_at END) AS ${LISTED_COLUMNS[ch].until},`,
      )
      .join('\n    ')}
    coalesce(max(CASE WHEN purpose = 'personal_data' AND status = 'granted' THEN coalesce(expires_at, ${FOREVER}) END), 0) AS pd_until
  FROM consent_state WHERE contact_id BETWEEN @lo AND @hi GROUP BY contact_id`;

/** A contact's id and its columns of what the list shows, in this order (as read and written by a rebuild). */
const LISTED_ROW_COLUMNS = [
  'consent_changed_at',
  LISTED_COLUMNS.sms.code,
  LISTED_COLUMNS.sms.until,
  LISTED_COLUMNS.whatsapp.code,
  LISTED_COLUMNS.whatsapp.until,
  'pd_until',
];
type ListedRow = [id: number, changedAt: number, sms: number, smsUntil: number | null, wa: number, waUntil: number | null, pdUntil: number];

/**
 * The listed columns (positions in a ListedRow) in the groups an index reads together: the last change (the
 * changed-order index), each channel's code and expiry (its status index), the personal-data consent (both). A
 * rebuild writes only the groups that moved, so the indexes of the others are not touched.
 */
const LISTED_GROUPS: readonly (readonly number[])[] = [[1], [2, 3], [4, 5], [6]];

/** How many projection cells one INSERT of {@link ConsentRepo.insertStates} carries (7 values each). */
const STATE_BLOCK = 32;

/** SQL for the consent event log and its projection. */
export class ConsentRepo {
  private readonly insertStmt;
  private readonly lastHashStmt;
  private readonly keyEventsStmt;
  private readonly contactEventsStmt;
  private readonly upsertStateStmt;
  private readonly contactStatesStmt;
  private readonly insertStateStmt;
  private readonly proofStmt;
  private eventByIdStmt: Statement<[number], EventRow> | undefined;

  /** `contactsChanged`: told when a write here changed contacts rows (the list forgets what it worked out). */
  constructor(
    private readonly db: Db,
    private readonly contactsChanged: () => void = () => undefined,
  ) {
    this.insertStmt = db.prepare(
      `INSERT INTO consent_events (id, uid, contact_id, phone, channel, purpose, action, method, occurred_at, recorded_at, recorded_by, form_version_id, evidence, policy_pack, expires_at, prev_hash, hash, target_event_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.lastHashStmt = db.prepare<[], { id: number; hash: string }>('SELECT id, hash FROM consent_events ORDER BY id DESC LIMIT 1');
    this.keyEventsStmt = db.prepare<[number, string, string], EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM consent_events WHERE contact_id = ? AND channel = ? AND purpose = ? ORDER BY occurred_at, id`,
    );
    this.contactEventsStmt = db.prepare<[number, number], EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM consent_events WHERE contact_id = ? AND recorded_at <= ? ORDER BY occurred_at, id`,
    );
    this.upsertStateStmt = db.prepare(
      `INSERT INTO consent_state (contact_id, channel, purpose, status, since, expires_at, last_event_id)
       VALUES (@contactId, @channel, @purpose, @status, @since, @expiresAt, @lastEventSeq)
       ON CONFLICT (contact_id, channel, purpose) DO UPDATE SET status = excluded.status, since = excluded.since,
         expires_at = excluded.expires_at, last_event_id = excluded.last_event_id`,
    );
    this.insertStateStmt = db.prepare(
      'INSERT INTO consent_state (contact_id, channel, purpose, status, since, expires_at, last_event_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.proofStmt = db.prepare<[number], { method: ConsentMethod; evidence: string; form_version_id: number | null }>(
      'SELECT method, evidence, form_version_id FROM consent_events WHERE id = ?',
    );
    this.contactStatesStmt = db.prepare<[number], StateRow>(
      'SELECT contact_id, channel, purpose, status, since, expires_at, last_event_id FROM consent_state WHERE contact_id = ?',
    );
  }

  /** How the projection was last folded (migration 0022): the fold's version and the pack's deadlines; null when never recorded. */
  foldedAs(): FoldTerms | null {
    const r = this.db
      .prepare<[], { v: number; d: number | null; h: number }>(
        'SELECT fold_version AS v, max_consent_age_days AS d, pending_expiry_hours AS h FROM projection_fold WHERE id = 1',
      )
      .get();
    return r ? { foldVersion: r.v, maxConsentAgeDays: r.d, pendingExpiryHours: r.h } : null;
  }

  /** Remember how the projection has just been folded. */
  setFoldedAs(terms: FoldTerms, at: number): void {
    this.db
      .prepare(
        `INSERT INTO projection_fold (id, fold_version, max_consent_age_days, pending_expiry_hours, folded_at) VALUES (1, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET fold_version = excluded.fold_version, max_consent_age_days = excluded.max_consent_age_days,
           pending_expiry_hours = excluded.pending_expiry_hours, folded_at = excluded.folded_at`,
      )
      .run(terms.foldVersion, terms.maxConsentAgeDays, terms.pendingExpiryHours, at);
  }

  /** The newest link of the chain, or null for an empty log. */
  lastLink(): { id: number; hash: string } | null {
    return this.lastHashStmt.get() ?? null;
  }

  /** When the newest event was recorded (0: none): the register's time, which its next events are not recorded before. */
  lastRecordedAt(): number {
    return (
      (this.lastRecordedStmt ??= this.db.prepare<[], number>('SELECT recorded_at FROM consent_events ORDER BY id DESC LIMIT 1').pluck()).get() ?? 0
    );
  }

  private lastRecordedStmt: Statement<[], number> | undefined;

  insertEvent(e: EventRecord): void {
    this.insertStmt.run(
      e.id,
      e.uid,
      e.contactId,
      e.phone,
      e.channel,
      e.purpose,
      e.action,
      e.method,
      e.occurredAt,
      e.recordedAt,
      e.recordedBy,
      e.formVersionId,
      JSON.stringify(e.evidence),
      e.policyPack,
      e.expiresAt,
      e.prevHash,
      e.hash,
      e.targetEventId,
    );
  }

  eventsForKey(contactId: number, channel: Channel, purpose: Purpose): EventRecord[] {
    return this.keyEventsStmt.all(contactId, channel, purpose).map(toEvent);
  }

  /** Just what the fold needs of one cell's events, in the fold's order (a projection write reads no evidence). */
  foldableForKey(contactId: number, channel: Channel, purpose: Purpose): FoldableEvent[] {
    return (this.keyFoldableStmt ??= this.db
      .prepare<[number, string, string], [number, ConsentAction, number, number, number | null, number | null]>(
        'SELECT id, action, occurred_at, recorded_at, expires_at, target_event_id FROM consent_events WHERE contact_id = ? AND channel = ? AND purpose = ? ORDER BY occurred_at, id',
      )
      .raw())
      .all(contactId, channel, purpose)
      .map(([seq, action, occurredAt, recordedAt, expiresAt, targetSeq]) => ({
        seq,
        channel,
        purpose,
        action,
        occurredAt,
        recordedAt,
        expiresAt,
        targetSeq,
      }));
  }

  private keyFoldableStmt: Statement<[number, string, string], [number, ConsentAction, number, number, number | null, number | null]> | undefined;

  /** Every event of a contact entered at or before `knownAt`. */
  eventsForContact(contactId: number, knownAt = Number.MAX_SAFE_INTEGER): EventRecord[] {
    return this.contactEventsStmt.all(contactId, knownAt).map(toEvent);
  }

  /** Write one projection cell, and what the list keeps of its contact (see {@link writeStates}). */
  upsertState(s: StateRecord): void {
    this.writeStates([s]);
  }

  /**
   * Write projection cells (each one's events folded by the caller), then, once per contact, what the list keeps of its
   * consent: its last consent change (`contacts.consent_changed_at`, the latest `since` of its cells, which the list
   * sorts and filters by) and the list columns, worked out by the domain (listedColumns in consent/listed.ts) from all
   * its cells as they now stand, as a rebuild works them out. A grant that touches three cells of a contact writes the
   * contact once, and only the column groups that moved: its entries in the list's other indexes stay where they are.
   */
  writeStates(cells: readonly StateRecord[]): void {
    if (cells.length === 0) return;
    const contacts = new Set<number>();
    for (const s of cells) {
      this.upsertStateStmt.run(s);
      contacts.add(s.contactId);
    }
    const ids = JSON.stringify([...contacts]);
    const stored = (this.cellsInOrderStmt ??= this.db
      .prepare<[string], StateTuple>(
        `SELECT contact_id, channel, purpose, status, since, expires_at, last_event_id FROM consent_state
         WHERE contact_id IN (SELECT value FROM json_each(?)) ORDER BY contact_id`,
      )
      .raw())
      .all(ids)
      .map(stateOf);
    const rows = (this.listedRowsOfStmt ??= this.db
      .prepare<[string], ListedRow>(
        `SELECT id, ${LISTED_ROW_COLUMNS.join(', ')} FROM contacts WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`,
      )
      .raw()).all(ids);
    this.writeListed(rows, stored);
    // The cells moved even where the list columns did not: what the list worked out from the register is forgotten.
    this.contactsChanged();
  }

  private cellsInOrderStmt: Statement<[string], StateTuple> | undefined;
  private listedRowsOfStmt: Statement<[string], ListedRow> | undefined;

  /**
   * Write the first projection cells of contacts that had none, whose last consent change and listed columns were set
   * from these very cells when the contacts were written (listedColumns in consent/listed.ts, ContactsRepo.insertNumbered): plain inserts,
   * nothing read back, the contacts not written again.
   */
  insertFirstStates(cells: readonly StateRecord[]): void {
    this.insertStates(cells);
    if (cells.length > 0) this.contactsChanged();
  }

  /** One event by id. */
  eventById(id: number): EventRecord | undefined {
    const r = (this.eventByIdStmt ??= this.db.prepare<[number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM consent_events WHERE id = ?`)).get(id);
    return r ? toEvent(r) : undefined;
  }

  private cellsOfContactsStmt: Statement<[string], StateTuple> | undefined;

  statesForContact(contactId: number): StateRecord[] {
    return this.contactStatesStmt.all(contactId).map(toState);
  }

  /** When a revocation of that cell was first recorded at or after `since` (ms), if ever (a recipient marked sending at `since` was gated then, so an equal time came after). */
  firstWithdrawalAfter(contactId: number, channel: Channel, purpose: Purpose, since: number, afterEventId: number | null = null): number | null {
    // After the event the gate last saw, in the register's own order (a clock set back does not hide it); else by time.
    if (afterEventId !== null)
      return (
        (this.firstWithdrawalAfterIdStmt ??= this.db
          .prepare<[number, string, string, number], number>(
            `SELECT recorded_at FROM consent_events WHERE contact_id = ? AND channel = ? AND purpose = ? AND action = 'revoke' AND id > ? ORDER BY id LIMIT 1`,
          )
          .pluck()).get(contactId, channel, purpose, afterEventId) ?? null
      );
    return (
      (this.firstWithdrawalStmt ??= this.db
        .prepare<[number, string, string, number], number>(
          `SELECT min(recorded_at) FROM consent_events WHERE contact_id = ? AND channel = ? AND purpose = ? AND action = 'revoke' AND recorded_at >= ?`,
        )
        .pluck()).get(contactId, channel, purpose, since) ?? null
    );
  }

  private firstWithdrawalStmt: Statement<[number, string, string, number], number> | undefined;
  private firstWithdrawalAfterIdStmt: Statement<[number, string, string, number], number> | undefined;

  /**
   * Every projection cell of a page of contacts, by contact and then by key (consentKey: `channel/purpose`). Read as
   * raw rows and put straight into the maps the gate reads: the contacts list asks this on every keystroke of a
   * search, and an object per row, then a record per object, cost more than the read itself.
   */
  cellsOfContacts(contactIds: readonly number[]): Map<number, Map<string, ConsentState>> {
    const out = new Map<number, Map<string, ConsentState>>();
    if (contactIds.length === 0) return out;
    const rows = (this.cellsOfContactsStmt ??= this.db
      .prepare<[string], StateTuple>(
        'SELECT contact_id, channel, purpose, status, since, expires_at, last_event_id FROM consent_state WHERE contact_id IN (SELECT value FROM json_each(?))',
      )
      .raw()).all(JSON.stringify(contactIds));
    for (const [contactId, channel, purpose, status, since, expiresAt, lastEventSeq] of rows) {
      let cells = out.get(contactId);
      if (!cells) out.set(contactId, (cells = new Map()));
      cells.set(consentKey({ channel, purpose }), { status, since, lastEventSeq, expiresAt });
    }
    return out;
  }

  /** Every event in chain order, streamed. */
  *iterateChain(): Generator<EventRecord> {
    for (const r of this.db.prepare<[], EventRow>(`SELECT ${EVENT_COLUMNS} FROM consent_events ORDER BY id`).iterate()) yield toEvent(r);
  }

  private foldableStmt: Statement<[number, number], FoldableRow> | undefined;

  /** Just what the fold needs, for contacts with ids in [lo, hi], in key order. */
  foldableForContactRange(lo: number, hi: number): (FoldableEvent & { contactId: number })[] {
    // Raw rows: this feeds the projection rebuild over millions of events.
    const rows = (this.foldableStmt ??= this.db
      .prepare<[number, number], FoldableRow>(
        'SELECT id, contact_id, channel, purpose, action, occurred_at, recorded_at, expires_at, target_event_id FROM consent_events WHERE contact_id BETWEEN ? AND ? ORDER BY contact_id, channel, purpose',
      )
      .raw()).all(lo, hi);
    return rows.map(([seq, contactId, channel, purpose, action, occurredAt, recordedAt, expiresAt, targetSeq]) => ({
      seq,
      contactId,
      channel,
      purpose,
      action,
      occurredAt,
      recordedAt,
      expiresAt,
      targetSeq,
    }));
  }

  private deleteRangeStmt: Statement<[number, number]> | undefined;

  /**
   * Put the projection cells of contacts with ids in [lo, hi] in place of what is there (a rebuild) — of only the
   * contacts in `onlyContacts` when given (those whose cells differ; `cells` are still all the range's cells) —, and
   * set the range's last consent change and list columns from them: each contact is written once, and only when it
   * changes.
   */
  replaceStatesRange(lo: number, hi: number, cells: readonly StateRecord[], onlyContacts?: ReadonlySet<number>): number {
    if (onlyContacts === undefined) {
      (this.deleteRangeStmt ??= this.db.prepare<[number, number]>('DELETE FROM consent_state WHERE contact_id BETWEEN ? AND ?')).run(lo, hi);
      this.insertStates(cells);
    } else if (onlyContacts.size > 0) {
      // Only the contacts whose cells differ are rewritten: a rebuild of a register in use rewrites almost nothing.
      this.db.prepare('DELETE FROM consent_state WHERE contact_id IN (SELECT value FROM json_each(?))').run(JSON.stringify([...onlyContacts]));
      this.insertStates(cells, onlyContacts);
    }
    // What the list shows is set again for the whole range, whatever changed: a rebuild also repairs those columns.
    return this.relistFromCells(lo, hi, cells);
  }

  /**
   * Insert projection cells (of only the contacts in `only`, when given), in their order, {@link STATE_BLOCK} to a
   * statement: a rebuild filling an empty projection inserts every cell of the register, and an import the first cells
   * of its new contacts; running the one-row INSERT once per cell cost more in the calls into SQLite than in the
   * inserts. The rest go one by one.
   */
  private insertStates(cells: readonly StateRecord[], only?: ReadonlySet<number>): void {
    const block = (this.insertStatesStmt ??= this.db.prepare<unknown[]>(
      `INSERT INTO consent_state (contact_id, channel, purpose, status, since, expires_at, last_event_id) VALUES ${Array.from({ length: STATE_BLOCK }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    ));
    const values: unknown[] = new Array<unknown>(STATE_BLOCK * 7);
    let n = 0;
    for (const s of cells) {
      if (only && !only.has(s.contactId)) continue;
      const at = n * 7;
      values[at] = s.contactId;
      values[at + 1] = s.channel;
      values[at + 2] = s.purpose;
      values[at + 3] = s.status;
      values[at + 4] = s.since;
      values[at + 5] = s.expiresAt;
      values[at + 6] = s.lastEventSeq;
      if (++n === STATE_BLOCK) {
        block.run(values);
        n = 0;
      }
    }
    for (let i = 0; i < n; i++) this.insertStateStmt.run(values.slice(i * 7, i * 7 + 7));
  }

  private insertStatesStmt: Statement<unknown[]> | undefined;

  /**
   * Set the last consent change and what the list shows of contacts with ids in [lo, hi] from `cells`, all the
   * projection cells of that range as they now stand: worked out by the domain (listedColumns) from the cells in hand
   * rather than read back from consent_state, compared with each contact's columns, and written only where they
   * differ — and then only the columns that moved, so a contact's entries in the list's indexes that did not change
   * are left alone. Returns how many contacts were written.
   */
  private relistFromCells(lo: number, hi: number, cells: readonly StateRecord[]): number {
    let inOrder = cells;
    for (let i = 1; i < cells.length; i++)
      if (cells[i]!.contactId < cells[i - 1]!.contactId) {
        inOrder = [...cells].sort((a, b) => a.contactId - b.contactId);
        break;
      }
    const rows = (this.listedRowsStmt ??= this.db
      .prepare<[number, number], ListedRow>(`SELECT id, ${LISTED_ROW_COLUMNS.join(', ')} FROM contacts WHERE id BETWEEN ? AND ? ORDER BY id`)
      .raw()).all(lo, hi);
    return this.writeListed(rows, inOrder);
  }

  /**
   * Write what the list keeps of the contacts of `rows` (their stored listed columns, by id) from `cells` (all their
   * projection cells, by contact id): compared with each contact's columns, and written only where they differ — and
   * then only the column groups that moved. Returns how many contacts were written.
   */
  private writeListed(rows: readonly ListedRow[], cells: readonly StateRecord[]): number {
    let k = 0;
    let wrote = 0;
    for (const row of rows) {
      const id = row[0];
      while (k < cells.length && cells[k]!.contactId < id) k++;
      const from = k;
      while (k < cells.length && cells[k]!.contactId === id) k++;
      const l = listedColumns(cells, from, k);
      const values: ListedRow = [
        id,
        l.changedAt,
        l.marketing.sms.code,
        l.marketing.sms.until,
        l.marketing.whatsapp.code,
        l.marketing.whatsapp.until,
        l.pdUntil,
      ];
      let moved = 0;
      const set: (number | null)[] = [];
      for (let g = 0; g < LISTED_GROUPS.length; g++) {
        const group = LISTED_GROUPS[g]!;
        if (!group.some((c) => values[c] !== row[c])) continue;
        moved |= 1 << g;
        for (const c of group) set.push(values[c]!);
      }
      if (moved === 0) continue;
      set.push(id);
      this.relistStatement(moved).run(...set);
      wrote++;
    }
    if (wrote > 0) this.contactsChanged();
    return wrote;
  }

  /**
   * Drop the indexes on contacts that hold the list's columns (the status and last-change orders) and return what
   * creates them again, exactly as they were: for a rebuild that rewrites most contacts' columns (one filling an empty
   * projection), building an index once from a sort costs far less than moving each contact's entries one by one.
   * Only inside a transaction, which they are created again in (a rollback puts them back too).
   */
  deferListIndexes(): () => void {
    return deferIndexes(
      this.db,
      'deferListIndexes',
      `SELECT DISTINCT m.name, m.sql FROM sqlite_master m, pragma_index_info(m.name) i
       WHERE m.type = 'index' AND m.tbl_name = 'contacts' AND m.sql IS NOT NULL AND i.name IN (SELECT value FROM json_each(?))
       ORDER BY m.name`,
      JSON.stringify(LISTED_ROW_COLUMNS),
    );
  }

  private listedRowsStmt: Statement<[number, number], ListedRow> | undefined;
  private readonly relistStmts = new Map<number, Statement<(number | null)[]>>();

  /** UPDATE of one contact's listed columns in the groups of `moved` (a bit per LISTED_GROUPS entry). */
  private relistStatement(moved: number): Statement<(number | null)[]> {
    let stmt = this.relistStmts.get(moved);
    if (!stmt) {
      const set = LISTED_GROUPS.flatMap((group, g) => (moved & (1 << g) ? group.map((c) => `${LISTED_ROW_COLUMNS[c - 1]} = ?`) : []));
      stmt = this.db.prepare<(number | null)[]>(`UPDATE contacts SET ${set.join(', ')} WHERE id = ?`);
      this.relistStmts.set(moved, stmt);
    }
    return stmt;
  }

  /**
   * Set the last consent change and what the list shows (migration 0016's columns) of contacts with ids in [lo, hi]
   * from their projection cells, in one pass: each contact is written once, and only when it changes.
   */
  relistRange(lo: number, hi: number): void {
    const columns = ['consent_changed_at', ...Object.values(LISTED_COLUMNS).flatMap((c) => [c.code, c.until]), 'pd_until'];
    const from = (c: string) => (c === 'consent_changed_at' ? 'at' : c);
    this.db
      .prepare(
        `UPDATE contacts SET ${columns.map((c) => `${c} = m.${from(c)}`).join(', ')}
         FROM (${LISTED_OF_RANGE}) AS m
         WHERE contacts.id = m.contact_id AND (${columns.map((c) => `contacts.${c} IS NOT m.${from(c)}`).join(' OR ')})`,
      )
      .run({ lo, hi });
    // Contacts left without any cell.
    this.db
      .prepare(
        `UPDATE contacts SET consent_changed_at = 0, ${Object.values(LISTED_COLUMNS)
          .map((c) => `${c.code} = ${LISTED_CODE.none}, ${c.until} = NULL`)
          .join(', ')}, pd_until = 0
         WHERE id BETWEEN ? AND ? AND (consent_changed_at <> 0 OR ${Object.values(LISTED_COLUMNS)
           .map((c) => `${c.code} <> ${LISTED_CODE.none} OR ${c.until} IS NOT NULL`)
           .join(' OR ')} OR pd_until <> 0)
           AND NOT EXISTS (SELECT 1 FROM consent_state s WHERE s.contact_id = contacts.id)`,
      )
      .run(lo, hi);
    this.contactsChanged();
  }

  private rangeStatesStmt: Statement<[number, number], StateTuple> | undefined;

  /** Projection cells of contacts with ids in [lo, hi]. */
  statesForContactRange(lo: number, hi: number): StateRecord[] {
    return (this.rangeStatesStmt ??= this.db
      .prepare<[number, number], StateTuple>(
        'SELECT contact_id, channel, purpose, status, since, expires_at, last_event_id FROM consent_state WHERE contact_id BETWEEN ? AND ? ORDER BY contact_id, channel, purpose',
      )
      .raw())
      .all(lo, hi)
      .map(stateOf);
  }

  /** Events with ids in [first, last], in order (an import batch's own events are one such range). */
  eventsInRange(first: number, last: number): EventRecord[] {
    return this.db
      .prepare<[number, number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM consent_events WHERE id BETWEEN ? AND ? ORDER BY id`)
      .all(first, last)
      .map(toEvent);
  }

  /** Every event, contact by contact (then by time), streamed: exports fold each contact in turn. */
  *iterateByContact(): Generator<EventRecord> {
    for (const r of this.db.prepare<[], EventRow>(`SELECT ${EVENT_COLUMNS} FROM consent_events ORDER BY contact_id, occurred_at, id`).iterate())
      yield toEvent(r);
  }

  /** How an event was collected and its evidence (the proof an export summarises). */
  proof(id: number): { method: ConsentMethod; evidence: string; formVersionId: number | null } | undefined {
    const r = this.proofStmt.get(id);
    return r ? { method: r.method, evidence: r.evidence, formVersionId: r.form_version_id } : undefined;
  }

  countEvents(): number {
    return this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM consent_events').get()?.n ?? 0;
  }

  maxEventId(): number {
    return this.db.prepare<[], { n: number | null }>('SELECT max(id) AS n FROM consent_events').get()?.n ?? 0;
  }
}

/** A projection cell as a raw row, in the column order of StateRow. */
type StateTuple = [
  contactId: number,
  channel: Channel,
  purpose: Purpose,
  status: ConsentStatus,
  since: number | null,
  expiresAt: number | null,
  lastEventId: number | null,
];

type FoldableRow = [number, number, Channel, Purpose, ConsentAction, number, number, number | null, number | null];

interface StateRow {
  contact_id: number;
  channel: Channel;
  purpose: Purpose;
  status: ConsentStatus;
  since: number | null;
  expires_at: number | null;
  last_event_id: number | null;
}

/** A projection cell read as an array (a raw statement), in consent_state's column order. */
function stateOf([contactId, channel, purpose, status, since, expiresAt, lastEventSeq]: StateTuple): StateRecord {
  return { contactId, channel, purpose, status, since, expiresAt, lastEventSeq };
}

function toState(r: StateRow): StateRecord {
  return {
    contactId: r.contact_id,
    channel: r.channel,
    purpose: r.purpose,
    status: r.status,
    since: r.since,
    expiresAt: r.expires_at,
    lastEventSeq: r.last_event_id,
  };
}
