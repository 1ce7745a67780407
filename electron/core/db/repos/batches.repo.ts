import { isMessageableReach, isUsNumber } from '../../../../shared/domain/phone/reach';
import { Channels, ConsentStatuses, Purposes, type ConsentState } from '../../../../shared/domain/consent/types';
import type { PhoneReach } from '../../../../shared/domain/phone/normalize';
import type { Db } from '../open';
import type { FilterSql } from './contacts.repo';

/** Who an audience walk reads: contacts with any of `tags` (all when none), narrowed by a segment's filter in SQL. */
export interface AudienceSpec {
  tags: readonly string[];
  filter?: FilterSql | null | undefined;
}
const specOf = (a: readonly string[] | AudienceSpec): AudienceSpec => (Array.isArray(a) ? { tags: a as readonly string[] } : (a as AudienceSpec));

/** A planned batch (times in ms; JSON columns parsed). */
export interface BatchRecord {
  id: number;
  name: string;
  channel: 'sms' | 'whatsapp' | 'cascade';
  purpose: 'marketing' | 'service';
  text: string;
  /**
   * Who it goes to: contacts with any of `tags` (all when none). `confirm` marks a system campaign of double opt-in
   * confirmation requests (sending/confirmation-waves.ts): its recipients are written by the wave, not by tags.
   */
  audience: {
    tags: string[];
    confirm?: 'request' | 'winback';
    /** A segment's filter, copied when the campaign was planned (the segment may change or go later). */
    segment?: { id: number; name: string; filter: Record<string, unknown> };
  };
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

/** Whether a number of this reach can take SMS/WhatsApp (before any provider flag). */
const messageableReach = isMessageableReach;

/**
 * Contacts of an audience that look the same to the gate at one instant: a representative member (its cells
 * reduced as described at {@link BatchesRepo.audienceGroups}), the history class the caller gave them, and how many.
 */
export interface AudienceGroup {
  member: AudienceMember;
  /** The caller's history class of these contacts; 0 for contacts the caller gave none. */
  historyClass: number;
  count: number;
}

// ── The audience key ──
// What the gate reads about a contact, as one integer; contacts alike to the gate share a key:
//   bits 0–2   reach (index in REACHES + 1)
//   bit  3     the number starts with +1
//   bits 4–39  one 6-bit field per channel × purpose cell (index in CELLS): status (index in ConsentStatuses + 1;
//              0 = no cell), +8 when the cell has no event, +16 × where its expiry falls (0 none, 1 before `at`,
//              2 at `at`, 3 after `at`)
//   bits 40–52 the caller's history class (classes past 13 bits are appended as text instead: `<key>|<class>`)
// SQL reads the register as number streams in contact order, one number per row (in better-sqlite3 each value
// handed to JavaScript is what costs), ids relative to a slice of 65,536 so that every number is a small integer:
// `id × 16 + bits 0–3` per contact and `contact_id × 4096 + cell index × 64 + cell field` per projection cell,
// merged in JavaScript. A value outside the vocabularies is coded as reach 0, cell index 63 (channel or purpose)
// or status 7; the caller then counts member by member instead.
const REACHES = ['mobile', 'fixed_or_mobile', 'fixed_line', 'other', 'unknown'] as const satisfies readonly PhoneReach[];
const CELLS = Channels.flatMap((channel) => Purposes.map((purpose) => ({ channel, purpose })));
const CELL_UNIT = CELLS.map((_, i) => 2 ** (4 + 6 * i));
const HISTORY_UNIT = 2 ** 40;
const HISTORY_IN_KEY = 2 ** 13;
/** How many history classes {@link BatchesRepo.audienceGroups} takes: entries are `contact id × HISTORY_CLASSES + class`. */
export const HISTORY_CLASSES = 2 ** 20;
/**
 * Reach code of a contact an undone import removed, or of another number of a person (merged into a primary contact):
 * never part of an audience (a campaign reaches a merged person on the primary number only).
 */
const REMOVED_CODE = 7;
const FITS = ConsentStatuses.length < 7 && CELLS.length <= 6 && REACHES.length < REMOVED_CODE;
const SLICE = 1 << 16;
const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;
/** `CASE column WHEN … END` over (value, code) pairs, the likeliest values first (each miss is a string comparison). */
const caseOf = (column: string, whens: [string, string | number][], likeliest: readonly string[], otherwise: string | number) => {
  const rank = (v: string) => (likeliest.includes(v) ? likeliest.indexOf(v) : likeliest.length);
  const ordered = [...whens].sort(([a], [b]) => rank(a) - rank(b));
  return `CASE ${column} ${ordered.map(([v, code]) => `WHEN ${quote(v)} THEN ${code}`).join(' ')} ELSE ${otherwise} END`;
};
const CONTACT_CODE = `iif(c.removed_at IS NOT NULL OR c.merged_into IS NOT NULL, ${REMOVED_CODE}, ${caseOf(
  'c.reach',
  REACHES.map((r, i) => [r, i + 1]),
  ['mobile'],
  0,
)} + 8 * (substr(c.phone, 1, 2) = '+1' AND coalesce(c.us_number, optin_is_us_number(c.phone))))`;
const CELL_CODE = `(s.contact_id - @lo) * 4096 + 64 * ${caseOf(
  's.channel',
  Channels.map((channel) => [
    channel,
    caseOf(
      's.purpose',
      Purposes.map((purpose) => [purpose, CELLS.findIndex((c) => c.channel === channel && c.purpose === purpose)]),
      ['marketing', 'personal_data'],
      63,
    ),
  ]),
  ['sms'],
  63,
)} + ${caseOf(
  's.status',
  ConsentStatuses.map((st, i) => [st, i + 1]),
  ['granted', 'revoked', 'unproven'],
  7,
)} + iif(s.last_event_id IS NULL, 8, 0)
  + CASE WHEN s.expires_at IS NULL THEN 0 WHEN s.expires_at < @at THEN 16 WHEN s.expires_at > @at THEN 48 ELSE 32 END`;
/** Stand-in numbers for a group: the gate reads no more of a number than whether it is a US one. */
const STAND_IN_PHONE = { us: '+12024561111', other: '+70000000000' };
const field = (key: number, unit: number, bits: number) => Math.floor(key / unit) % 2 ** bits;

/**
 * A condition true for every contact whose {@link CONTACT_CODE} is not `usual` (and perhaps for a few whose code is):
 * the people stream of a whole-register plan. For the usual code of a register — a reach, no US number — it is a
 * few plain comparisons (another reach, removed, merged, a +1 number) instead of working the code out for every
 * contact twice; a contact it lets through with the usual code is counted as read, the same as one left to the
 * remainder. Any other usual code is compared as it is.
 */
function mayDiffer(usual: number): string {
  const reach = REACHES[(usual % 8) - 1];
  if (!reach || usual >= 8) return `${CONTACT_CODE} <> @usual`;
  return `(c.reach <> ${quote(reach)} OR c.removed_at IS NOT NULL OR c.merged_into IS NOT NULL OR (c.phone >= '+1' AND c.phone < '+2'))`;
}

/** The tag condition of an audience, with `@tag0…` parameters; '[]' (no tags) is ruled out before parsing any JSON. */
function tagCondition(tags: readonly string[]): string {
  return tags.length
    ? `c.tags <> '[]' AND EXISTS (SELECT 1 FROM json_each(c.tags) t WHERE t.value IN (${tags.map((_, i) => `@tag${i}`).join(', ')}))`
    : '1';
}

/** The rows of a stream in contact order (the contact being `row >> shift`): as given when they already are. */
function byContact(rows: number[], shift: number): number[] {
  for (let i = 1; i < rows.length; i++) if (rows[i]! >> shift < rows[i - 1]! >> shift) return rows.sort((a, b) => a - b);
  return rows;
}

/** A representative member for an audience key (bits 0–39), or null when it holds a code the encoding does not know. */
function memberOf(key: number, at: number): AudienceMember | null {
  const reach = REACHES[field(key, 1, 3) - 1];
  if (!reach) return null;
  const cells = new Map<string, ConsentState>();
  for (const [i, c] of CELLS.entries()) {
    const code = field(key, CELL_UNIT[i]!, 6);
    if (code === 0) continue;
    const status = ConsentStatuses[(code % 8) - 1];
    if (!status) return null;
    const expiry = Math.floor(code / 16);
    cells.set(`${c.channel}/${c.purpose}`, {
      status,
      since: null,
      lastEventSeq: code & 8 ? null : 1,
      expiresAt: expiry === 0 ? null : at + expiry - 2,
    });
  }
  const us = field(key, 8, 1) === 1;
  return { contactId: 0, phone: us ? STAND_IN_PHONE.us : STAND_IN_PHONE.other, name: '', messageable: messageableReach(reach), cells };
}

/** SQL for batches and for reading an audience through the consent projection. */
export class BatchesRepo {
  constructor(private readonly db: Db) {
    // The gate's own US rule (by area code: Canada and the Caribbean share +1), so SQL groups numbers as it does; asked
    // only of +1 numbers whose `us_number` nobody has worked out yet (the contacts repo does when it writes one).
    db.function('optin_is_us_number', { deterministic: true }, (phone: unknown) => (isUsNumber(String(phone)) ? 1 : 0));
  }

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

  /**
   * When each contact's person last complained: a complaint from any number of a merged person counts for every number
   * of it (the primary that campaigns reach, and the numbers merged into it), as the hand-off (OutboxRepo.lastComplaint)
   * and the contacts list (ContactsRepo.pageHistory) read it.
   */
  lastComplaints(): Map<number, number> {
    const rows = this.db
      .prepare<[], { c: number; at: number }>(
        `WITH person AS (
           SELECT coalesce(n.merged_into, n.id) AS p, max(k.at) AS at FROM complaints k JOIN contacts n ON n.id = k.contact_id GROUP BY p
         )
         SELECT p AS c, at FROM person
         UNION ALL
         SELECT m.id AS c, person.at FROM person JOIN contacts m ON m.merged_into = person.p`,
      )
      .all();
    return new Map(rows.map((r) => [r.c, r.at]));
  }

  /**
   * Walk the audience (every contact, or those with any of `tags`) in id order with all its projection cells
   * (the personal-data consent may sit on another channel than the message), one contact at a time, without
   * holding the audience in memory. A merged person's other numbers are not members: the primary number is.
   */
  *audience(audience: readonly string[] | AudienceSpec): Generator<AudienceMember> {
    const { tags, filter } = specOf(audience);
    const params: Record<string, string | number> = { ...(filter?.params ?? {}) };
    tags.forEach((t, i) => (params[`tag${i}`] = t));
    const where = [
      `c.removed_at IS NULL AND c.merged_into IS NULL`,
      ...(tags.length ? [tagCondition(tags)] : []),
      ...(filter ? [filter.sql] : []),
    ].join(' AND ');
    const rows = this.db
      .prepare<
        Record<string, string | number>,
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
         WHERE ${where}
         ORDER BY c.id`,
      )
      .iterate(params);
    let current: AudienceMember | null = null;
    for (const r of rows) {
      if (!current || current.contactId !== r.id) {
        if (current) yield current;
        current = {
          contactId: r.id,
          phone: r.phone,
          name: r.name,
          messageable: messageableReach(r.reach),
          cells: new Map(),
        };
      }
      if (r.channel && r.purpose && r.status)
        current.cells.set(`${r.channel}/${r.purpose}`, { status: r.status, since: r.since, lastEventSeq: r.last_event_id, expiresAt: r.expires_at });
    }
    if (current) yield current;
  }

  /** Contacts (ids, in order) whose primary number is one of `phones`. */
  contactIdsByPhone(phones: Iterable<string>): Set<number> {
    const list = [...phones];
    if (!list.length) return new Set();
    return new Set(
      this.db
        .prepare<[string], number>('SELECT id FROM contacts WHERE phone IN (SELECT value FROM json_each(?)) ORDER BY id')
        .pluck()
        .all(JSON.stringify(list)),
    );
  }

  /**
   * The audience of {@link audience}, grouped by what the gate reads about each contact at instant `at`, without
   * one object per contact: contacts that share reach, the +1 prefix, every projection cell's status, whether it
   * has an event and where its expiry falls against `at` (before, at, after, none), and their history class form
   * one group, with a stand-in member the gate may be run on once for all of them. The gate reads nothing else of
   * a member: not the name, not the cells' `since`, nor the exact expiry or event. `history` holds
   * `contact id × HISTORY_CLASSES + class` for each contact the caller gave a class ≥ 1, in any order (it is
   * sorted here). Null when the register holds a value outside the known reaches, channels, purposes or statuses:
   * the caller then walks {@link audience} instead.
   *
   * Read in slices of ids, each as sorted numbers merged here: the projection cells of the slice; the contacts of
   * the audience (with tags), or else only those whose reach and +1 prefix differ from the register's usual ones;
   * and the contacts with a history class. A contact in none of them is a usual one with no cells and no history,
   * counted as the remainder (the projection and the history only name existing contacts: foreign keys).
   */
  audienceGroups(audience: readonly string[] | AudienceSpec, at: number, history: Float64Array = new Float64Array()): AudienceGroup[] | null {
    if (!FITS) return null;
    const { tags, filter } = specOf(audience);
    const listed = tags.length > 0 || !!filter;
    const params: Record<string, string | number> = { ...(filter?.params ?? {}), at };
    tags.forEach((t, i) => (params[`tag${i}`] = t));
    const chosen = [...(tags.length ? [tagCondition(tags)] : []), ...(filter ? [filter.sql] : [])].join(' AND ');
    let total = 0;
    let usual = 0;
    if (!listed) {
      total = this.db.prepare<[], number>('SELECT count(*) FROM contacts').pluck().get() ?? 0;
      // The usual reach and prefix: the commonest among the first contacts (any choice counts right; a good one is quicker).
      const sample = this.db.prepare<[], number>(`SELECT ${CONTACT_CODE} FROM contacts c ORDER BY c.id LIMIT 1024`).pluck().all();
      const seen = new Map<number, number>();
      for (const code of sample) seen.set(code, (seen.get(code) ?? 0) + 1);
      usual = [...seen].reduce((a, b) => (b[1] > a[1] ? b : a), [1, 0])[0];
      params.usual = usual;
    }
    const people = this.db
      .prepare<Record<string, string | number>, number>(
        `SELECT (c.id - @lo) * 16 + ${CONTACT_CODE} FROM contacts c
         WHERE c.id > @lo AND c.id <= @hi AND ${listed ? `c.removed_at IS NULL AND c.merged_into IS NULL AND ${chosen}` : mayDiffer(usual)} ORDER BY c.id`,
      )
      .pluck();
    // With tags, the cells of those contacts only (a seek each); without, the whole projection in key order.
    const cells = this.db
      .prepare<Record<string, string | number>, number>(
        listed
          ? `SELECT ${CELL_CODE} FROM json_each(@ids) j CROSS JOIN consent_state s ON s.contact_id = j.value`
          : `SELECT ${CELL_CODE} FROM consent_state s WHERE s.contact_id > @lo AND s.contact_id <= @hi ORDER BY s.contact_id`,
      )
      .pluck();
    history.sort();
    // Two subqueries, each a seek to one end of the table (min and max in one SELECT walk every row).
    const range = this.db
      .prepare<[], { lo: number | null; hi: number | null }>('SELECT (SELECT min(id) FROM contacts) AS lo, (SELECT max(id) FROM contacts) AS hi')
      .get();
    const counts = new Map<number | string, number>();
    const count = (key: number, cls: number, n: number) => {
      const k = cls === 0 ? key : cls < HISTORY_IN_KEY ? key + cls * HISTORY_UNIT : `${key}|${cls}`;
      counts.set(k, (counts.get(k) ?? 0) + n);
    };
    let visited = 0;
    let h = 0;
    for (let lo = (range?.lo ?? 1) - 1; lo < (range?.hi ?? 0); lo += SLICE) {
      const hi = lo + SLICE;
      const slice: Record<string, string | number> = { ...params, lo, hi };
      // Sorted by contact (the merge relies on it; sorting costs nothing when they already are).
      const rows = byContact(people.all(slice), 4);
      if (listed) slice.ids = JSON.stringify(rows.map((row) => lo + (row >> 4)));
      const cellRows = byContact(cells.all(slice), 12);
      while (h < history.length && Math.floor(history[h]! / HISTORY_CLASSES) <= lo) h++;
      // Ids below are relative to the slice (`id - lo`), so that every number stays a small integer.
      let i = 0;
      let j = 0;
      for (;;) {
        const person = i < rows.length ? rows[i]! >> 4 : SLICE + 1;
        const withCells = j < cellRows.length ? cellRows[j]! >> 12 : SLICE + 1;
        const historyId = h < history.length ? Math.floor(history[h]! / HISTORY_CLASSES) : Infinity;
        const withHistory = historyId <= hi ? historyId - lo : SLICE + 1;
        const id = Math.min(person, withCells, withHistory);
        if (id > SLICE) break;
        // Not in the people stream: a usual contact, or (with tags) one outside the audience.
        const inAudience = id === person || !listed;
        let key = id === person ? rows[i++]! & 15 : usual;
        if (inAudience && key % 8 === 0) return null;
        for (; j < cellRows.length && cellRows[j]! >> 12 === id; j++) {
          const code = cellRows[j]! & 4095;
          const unit = CELL_UNIT[code >> 6];
          if (unit === undefined || code % 8 === 7) return null;
          key += (code & 63) * unit;
        }
        const cls = id === withHistory ? history[h++]! - (lo + id) * HISTORY_CLASSES : 0;
        if (!inAudience) continue;
        visited++;
        if (key % 8 === REMOVED_CODE) continue;
        count(key, cls, 1);
      }
    }
    if (!listed && total > visited && usual % 8 !== REMOVED_CODE) count(usual, 0, total - visited);
    const groups: AudienceGroup[] = [];
    for (const [k, n] of counts) {
      const [key, cls] = typeof k === 'number' ? [k % HISTORY_UNIT, Math.floor(k / HISTORY_UNIT)] : k.split('|').map(Number);
      const member = memberOf(key!, at);
      if (!member) return null;
      groups.push({ member, historyClass: cls!, count: n });
    }
    return groups;
  }
}
