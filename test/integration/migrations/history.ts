import { expect } from 'vitest';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { migrate } from '../../../electron/core/db/open';
import { EVER, foldEvents } from '../../../shared/domain/consent/fold';
import type { FoldableEvent } from '../../../shared/domain/consent/types';
import { isUsNumber } from '../../../shared/domain/phone/reach';
import { searchKey } from '../../../shared/domain/text/fold';

/**
 * Registers as they were at each schema version, with the data a Kazan flower shop would have put in them by then,
 * written with SQL the way the app at that version wrote it (not through today's repos, which follow the latest
 * schema): contacts with Cyrillic names, consent events and audit rows with their hash chains, inbound replies and a
 * complaint, imports (one undone), printed sheets with entered rows and a scan, double opt-in confirmations,
 * campaigns, the outbox with its log. A migration's test takes `registerAt(N - 1)`, applies N and checks the rows.
 */

type Db = Database.Database;
type Row = Record<string, unknown>;

/** Prepared statements per connection: an era writes a few dozen rows through a handful of statements. */
const statements = new WeakMap<Db, Map<string, Database.Statement>>();
function prep<P extends unknown[] = unknown[], R = Row>(db: Db, sql: string): Database.Statement<P, R> {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let st = cache.get(sql);
  if (!st) cache.set(sql, (st = db.prepare(sql)));
  return st as unknown as Database.Statement<P, R>;
}

const DAY = 86_400_000;
const MINUTE = 60_000;
/** When the shop started its register; each schema version's era starts 30 days after the one before. */
export const T0 = Date.parse('2025-03-01T07:00:00Z');
export const GENESIS = '0'.repeat(64);
const SHOP_NUMBER = '+79170000000';

// ── The hash chains, as every version so far wrote them, computed here independently of the app's code ──

/** Canonical JSON: keys sorted, undefined left out. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const link = (prevHash: string, payload: Row): string => sha256(`${prevHash}\n${canonical(payload)}`);

/** What an event's hash covers; `targetEventId` only on retractions (schema 3 on), so older hashes stay valid. */
function eventPayload(r: Row): Row {
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
    evidence: JSON.parse(r.evidence as string) as unknown,
    policyPack: r.policy_pack,
    expiresAt: r.expires_at,
    ...(r.target_event_id !== undefined && r.target_event_id !== null ? { targetEventId: r.target_event_id } : {}),
  };
}

function auditPayload(r: Row): Row {
  return { id: r.id, at: r.at, actor: r.actor, action: r.action, entity: r.entity, details: JSON.parse(r.details as string) as unknown };
}

// ── The shop's register at some version ──

export interface NewEvent {
  contact: number;
  channel: 'sms' | 'whatsapp';
  purpose: 'marketing' | 'service' | 'personal_data';
  action: 'claim' | 'request' | 'grant' | 'confirm' | 'revoke' | 'expire' | 'retract';
  method: 'paper_form' | 'qr_keyword' | 'inbound_keyword' | 'verbal_in_store' | 'kiosk' | 'web_form' | 'import' | 'provider_feedback';
  evidence?: Record<string, unknown>;
  form?: number;
  /** Minutes before it was recorded that it happened (a paper sheet entered later). */
  earlier?: number;
  expiresAt?: number;
  target?: number;
}

export interface NewContact {
  phone: string;
  name: string;
  email?: string;
  locale?: 'ru' | 'en';
  country?: string;
  tags?: string[];
}

/** A register being written as the app of its schema version wrote it. */
export class Shop {
  /** The shop's clock (ms); each step moves it on. */
  now = T0;
  /** Ids of what the eras made, by name. */
  readonly ids: Record<string, number> = {};

  constructor(readonly db: Db) {}

  version(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  has(table: string, column?: string): boolean {
    const cols = prep<[string], { name: string }>(this.db, 'SELECT name FROM pragma_table_info(?)').all(table);
    return column === undefined ? cols.length > 0 : cols.some((c) => c.name === column);
  }

  hasTrigger(name: string): boolean {
    return prep(this.db, "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?").get(name) !== undefined;
  }

  tick(minutes = 7): number {
    this.now += minutes * MINUTE;
    return this.now;
  }

  /** Start of the era of schema version `v`. */
  era(v: number): void {
    this.now = Math.max(this.now, T0 + (v - 1) * 30 * DAY);
  }

  insert(table: string, row: Row): number {
    const cols = Object.keys(row);
    const info = prep(this.db, `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(
      ...cols.map((c) => row[c] as never),
    );
    return Number(info.lastInsertRowid);
  }

  /** A hash-chained audit row. */
  audit(actor: string, action: string, entity: string, details: Row): number {
    const last = prep<[], { id: number; hash: string }>(this.db, 'SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get();
    const row = { id: (last?.id ?? 0) + 1, at: this.now, actor, action, entity, details: JSON.stringify(details) };
    const prev = last?.hash ?? GENESIS;
    this.insert('audit_log', { ...row, prev_hash: prev, hash: link(prev, auditPayload(row)) });
    return row.id;
  }

  /**
   * A contact; up to schema 2 the search index was kept by triggers, from schema 3 on by the app; from schema 10 on
   * with the folded name and the number's tail, and the US flag worked out.
   */
  contact(key: string, c: NewContact, extra: Row = {}): number {
    const national = c.phone.startsWith('+7') ? c.phone.slice(2) : c.phone.startsWith('+44') ? `0${c.phone.slice(3)}` : c.phone.slice(1);
    const folded = this.has('contacts', 'us_number');
    const id = this.insert('contacts', {
      phone: c.phone,
      national_number: national,
      name: c.name,
      // The sort and prefix key up to schema 9: lower-cased, ё folded to е, spaces collapsed; from 10 on the search fold.
      name_key: folded ? searchKey(c.name) : c.name.toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ').trim(),
      ...(folded ? { us_number: c.phone.startsWith('+1') ? (isUsNumber(c.phone) ? 1 : 0) : 0 } : {}),
      email: c.email ?? null,
      locale: c.locale ?? 'ru',
      country: c.country ?? 'RU',
      tags: JSON.stringify(c.tags ?? []),
      reach: 'mobile',
      created_at: this.now,
      updated_at: this.now,
      ...extra,
    });
    if (folded)
      prep(this.db, 'INSERT INTO contacts_fts (rowid, name, phones) VALUES (?, ?, ?)').run(
        id,
        searchKey(c.name),
        `${c.phone.slice(1)} ${national} r${[...national].reverse().join('')}`,
      );
    else if (!this.hasTrigger('contacts_fts_insert'))
      prep(this.db, 'INSERT INTO contacts_fts (rowid, name, phones) VALUES (?, ?, ?)').run(id, c.name, `${c.phone.slice(1)} ${national}`);
    this.ids[key] = id;
    return id;
  }

  /** Events appended to the chain in one operation, their projection cells refolded, and the audit row naming them. */
  record(
    by: string,
    events: readonly NewEvent[],
    audit: { action: string; entity?: string; details?: Row } = { action: 'consent.recorded' },
  ): number[] {
    const targets = this.has('consent_events', 'target_event_id');
    const ids: number[] = [];
    let last = prep<[], { id: number; hash: string }>(this.db, 'SELECT id, hash FROM consent_events ORDER BY id DESC LIMIT 1').get() ?? {
      id: 0,
      hash: GENESIS,
    };
    for (const e of events) {
      const phone = prep<[number], { phone: string }>(this.db, 'SELECT phone FROM contacts WHERE id = ?').get(e.contact)!.phone;
      const id = last.id + 1;
      const row: Row = {
        id,
        uid: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
        contact_id: e.contact,
        phone,
        channel: e.channel,
        purpose: e.purpose,
        action: e.action,
        method: e.method,
        occurred_at: this.now - (e.earlier ?? 0) * MINUTE,
        recorded_at: this.now,
        recorded_by: by,
        form_version_id: e.form ?? null,
        evidence: JSON.stringify(e.evidence ?? {}),
        policy_pack: 'ru',
        expires_at: e.expiresAt ?? null,
        ...(targets ? { target_event_id: e.target ?? null } : {}),
      };
      const hash = link(last.hash, eventPayload(row));
      this.insert('consent_events', { ...row, prev_hash: last.hash, hash });
      if (e.form !== undefined)
        prep(this.db, 'UPDATE form_versions SET first_used_at = ? WHERE id = ? AND first_used_at IS NULL').run(this.now, e.form);
      last = { id, hash };
      ids.push(id);
    }
    for (const e of events) refold(this.db, e.contact, e.channel, e.purpose);
    const contact = events[0]!.contact;
    this.audit(by, audit.action, audit.entity ?? `contact:${contact}`, { ...(audit.details ?? {}), events: ids, lastHash: last.hash });
    return ids;
  }
}

/** Refold one projection cell from its events, as the app does in the transaction that appends to it. */
function refold(db: Db, contact: number, channel: string, purpose: string): void {
  const s = foldEvents(cellEvents(db, contact, channel, purpose), EVER, null);
  prep(
    db,
    `INSERT INTO consent_state (contact_id, channel, purpose, status, since, expires_at, last_event_id) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (contact_id, channel, purpose) DO UPDATE SET status = excluded.status, since = excluded.since,
       expires_at = excluded.expires_at, last_event_id = excluded.last_event_id`,
  ).run(contact, channel, purpose, s.status, s.since, s.expiresAt, s.lastEventSeq);
}

function cellEvents(db: Db, contact: number, channel: string, purpose: string): FoldableEvent[] {
  return db
    .prepare<[number, string, string], Row>('SELECT * FROM consent_events WHERE contact_id = ? AND channel = ? AND purpose = ? ORDER BY id')
    .all(contact, channel, purpose)
    .map((r) => ({
      seq: r.id as number,
      channel: r.channel as FoldableEvent['channel'],
      purpose: r.purpose as FoldableEvent['purpose'],
      action: r.action as FoldableEvent['action'],
      occurredAt: r.occurred_at as number,
      recordedAt: r.recorded_at as number,
      expiresAt: r.expires_at as number | null,
      targetSeq: (r.target_event_id as number | null | undefined) ?? null,
    }));
}

// ── What the shop did in each schema version's era ──

const FORM_BODY =
  'Я согласен(на) получать от цветочной лавки «Ромашка» сообщения об акциях и новинках по SMS и WhatsApp. ' +
  'Я даю согласие на обработку моих персональных данных (имя, номер телефона) для этой рассылки. Отписаться: ответьте СТОП.';

/** The data the app at each schema version put into the register, by version. */
export const ERAS: Record<number, (s: Shop) => void> = {
  // 0001: settings, staff, a consent form, contacts and their consents.
  1(s) {
    s.era(1);
    const settings: Row = {
      businessName: 'Цветочная лавка «Ромашка»',
      senderName: 'ROMASHKA',
      defaultCountry: 'RU',
      timezone: 'Europe/Moscow',
      policyPack: 'ru',
    };
    for (const [key, value] of Object.entries(settings)) s.insert('settings', { key, value: JSON.stringify(value) });
    s.audit('Марина', 'settings.updated', 'settings', { fields: Object.keys(settings) });
    s.insert('staff', { name: 'Марина', role: 'owner', active: 1, created_at: s.now });
    s.insert('staff', { name: 'Алсу', role: 'staff', active: 1, created_at: s.tick() });
    s.insert('staff', { name: 'Тимур', role: 'staff', active: 0, created_at: s.tick() });
    const wording = {
      title: 'Согласие на рассылку',
      language: 'ru',
      channels: ['sms', 'whatsapp'],
      purposes: ['marketing', 'personal_data'],
      body: FORM_BODY,
      businessIdentity: 'ИП Сафина А. Р., Казань, ул. Баумана, 12',
    };
    // The fingerprint every version made of a form: its wording as canonical JSON.
    const sha = sha256(canonical(wording));
    s.ids.form = s.insert('form_versions', {
      code: 'F1-1',
      form_key: 'F1',
      version: 1,
      title: wording.title,
      language: wording.language,
      channels: JSON.stringify(wording.channels),
      purposes: JSON.stringify(wording.purposes),
      body: FORM_BODY,
      business_identity: wording.businessIdentity,
      sha256: sha,
      created_at: s.tick(),
    });
    s.audit('Марина', 'form.created', `form:${s.ids.form}`, { code: 'F1-1', sha256: sha });

    const anna = s.contact('anna', { phone: '+79120000001', name: 'Анна Петрова', email: 'anna.petrova@example.ru', tags: ['постоянный клиент'] });
    s.tick();
    const paper = { formVersionId: s.ids.form, sheetRef: 'лист 1, строка 3' };
    const annaEvents = s.record('Алсу', [
      { contact: anna, channel: 'sms', purpose: 'marketing', action: 'grant', method: 'paper_form', form: s.ids.form, evidence: paper, earlier: 90 },
      {
        contact: anna,
        channel: 'sms',
        purpose: 'personal_data',
        action: 'grant',
        method: 'paper_form',
        form: s.ids.form,
        evidence: paper,
        earlier: 90,
      },
    ]);
    s.ids.annaSms = annaEvents[0]!;
    const semyon = s.contact('semyon', { phone: '+79120000002', name: 'Семён Фёдоров', tags: ['свадьбы'] });
    s.tick();
    s.record('Марина', [
      {
        contact: semyon,
        channel: 'whatsapp',
        purpose: 'marketing',
        action: 'grant',
        method: 'verbal_in_store',
        evidence: { note: 'согласился у кассы' },
      },
    ]);
    s.tick(60 * 24);
    s.ids.semyonStop = s.record('Марина', [
      { contact: semyon, channel: 'whatsapp', purpose: 'marketing', action: 'revoke', method: 'inbound_keyword', evidence: { note: 'СТОП' } },
    ])[0]!;
    const boris = s.contact('boris', { phone: '+79120000003', name: 'Борис Ёлкин' });
    s.tick();
    s.record('Марина', [
      {
        contact: boris,
        channel: 'sms',
        purpose: 'marketing',
        action: 'claim',
        method: 'import',
        evidence: { source: 'старая тетрадь с телефонами' },
      },
    ]);
    const olga = s.contact('olga', { phone: '+79120000004', name: 'Ольга Смирнова' });
    s.tick();
    s.ids.olgaSms = s.record('Алсу', [
      { contact: olga, channel: 'sms', purpose: 'marketing', action: 'grant', method: 'qr_keyword', evidence: { inboundMessageId: 'SM-QR-17' } },
    ])[0]!;
    const tom = s.contact('tom', { phone: '+447700900123', name: 'Tom Baker', locale: 'en', country: 'GB' });
    s.tick();
    s.record('Алсу', [
      {
        contact: tom,
        channel: 'sms',
        purpose: 'marketing',
        action: 'grant',
        method: 'web_form',
        expiresAt: s.now + 730 * DAY,
        evidence: { source: 'shop website' },
      },
    ]);
  },

  // 0002: inbound replies (an opt-out, a question from a stranger, a complaint).
  2(s) {
    s.era(2);
    const { olga, semyon } = s.ids;
    const stop = s.insert('inbound_messages', {
      provider_id: 'SM-200',
      channel: 'sms',
      from_phone: '+79120000004',
      to_phone: SHOP_NUMBER,
      text: 'Стоп',
      received_at: s.tick(),
      recorded_at: s.now,
      intent: 'opt_out',
      contact_id: olga,
    });
    s.ids.olgaStop = s.record('system', [
      { contact: olga!, channel: 'sms', purpose: 'marketing', action: 'revoke', method: 'inbound_keyword', evidence: { inboundMessageId: 'SM-200' } },
    ])[0]!;
    s.audit('system', 'inbound.received', `inbound:${stop}`, { intent: 'opt_out', events: [s.ids.olgaStop] });
    s.ids.question = s.insert('inbound_messages', {
      provider_id: 'SM-201',
      channel: 'sms',
      from_phone: '+79121234567',
      to_phone: SHOP_NUMBER,
      text: 'Сколько стоят розы?',
      received_at: s.tick(),
      recorded_at: s.now,
      intent: 'other',
    });
    const complaint = s.insert('inbound_messages', {
      provider_id: 'wamid.HBgLNzkxMjAwMDAwMDIVAgASGBQzQTg',
      channel: 'whatsapp',
      from_phone: '+79120000002',
      to_phone: SHOP_NUMBER,
      text: 'Я же просил не писать! Это спам, буду жаловаться',
      received_at: s.tick(),
      recorded_at: s.now,
      intent: 'complaint',
      contact_id: semyon,
    });
    s.ids.complaint = s.insert('complaints', {
      contact_id: semyon,
      inbound_message_id: complaint,
      note: 'жалоба на рекламу после отписки',
      at: s.now,
      recorded_by: 'Алсу',
    });
    s.audit('Алсу', 'complaint.recorded', `contact:${semyon}`, { complaint: s.ids.complaint });
  },

  // 0003: a preset, an import that added two contacts and updated one, and an import that was undone.
  3(s) {
    s.era(3);
    s.insert('import_presets', {
      name: 'amoCRM — мой',
      mapping: JSON.stringify({ phone: 'Рабочий телефон', name: 'Полное имя контакта', consent: 'Согласие на рассылку' }),
      created_at: s.tick(),
      updated_at: s.now,
    });
    const file = { fileName: 'amocrm-export-2025.csv', fileSha256: sha256('amocrm-export-2025.csv') };
    s.ids.import1 = s.insert('import_batches', {
      file_name: file.fileName,
      file_sha256: file.fileSha256,
      file_bytes: 18_234,
      options: JSON.stringify({ encoding: 'windows-1251', delimiter: ';', presetId: 'amocrm', country: 'RU' }),
      summary: JSON.stringify({ rows: 3, created: 2, updated: 1, grants: 2, claims: 0, skipped: 0 }),
      committed_at: s.tick(),
      committed_by: 'Марина',
    });
    const imported = { import_batch_id: s.ids.import1 };
    const dmitry = s.contact('dmitry', { phone: '+79120000005', name: 'Дмитрий Смирнов', tags: ['amoCRM'] }, imported);
    const katya = s.contact('katya', { phone: '+79120000006', name: 'Екатерина Ёжикова', tags: ['amoCRM'] }, imported);
    const annaBefore = s.db.prepare('SELECT * FROM contacts WHERE id = ?').get(s.ids.anna) as Row;
    s.insert('import_batch_updates', { batch_id: s.ids.import1, contact_id: s.ids.anna, before: JSON.stringify(annaBefore) });
    prep(s.db, 'UPDATE contacts SET tags = ?, other_phones = ?, updated_at = ? WHERE id = ?').run(
      '["постоянный клиент","amoCRM"]',
      '["+79120000011"]',
      s.now,
      s.ids.anna,
    );
    const evidence = (row: number) => ({
      importBatchId: String(s.ids.import1),
      ...file,
      row,
      columns: { 'Согласие на рассылку': 'да' },
      source: 'анкеты в магазине, 2024',
    });
    const ids = s.record(
      'Марина',
      [
        { contact: dmitry, channel: 'sms', purpose: 'marketing', action: 'grant', method: 'import', evidence: evidence(2), earlier: 60 * 24 * 200 },
        { contact: katya, channel: 'sms', purpose: 'marketing', action: 'grant', method: 'import', evidence: evidence(3), earlier: 60 * 24 * 190 },
      ],
      { action: 'import.committed', entity: `import:${s.ids.import1}` },
    );
    prep(s.db, 'UPDATE import_batches SET first_event_id = ?, last_event_id = ? WHERE id = ?').run(ids[0], ids[1], s.ids.import1);

    s.ids.import2 = s.insert('import_batches', {
      file_name: 'google-contacts.csv',
      file_sha256: sha256('google-contacts.csv'),
      file_bytes: 2_048,
      options: JSON.stringify({ encoding: 'utf-8', delimiter: ',', presetId: 'google', country: 'RU' }),
      summary: JSON.stringify({ rows: 1, created: 1, updated: 0, grants: 1, claims: 0, skipped: 0 }),
      committed_at: s.tick(),
      committed_by: 'Алсу',
    });
    const grisha = s.contact('grisha', { phone: '+79120000007', name: 'Григорий Ёлкин' }, { import_batch_id: s.ids.import2 });
    const [grant] = s.record(
      'Алсу',
      [
        {
          contact: grisha,
          channel: 'sms',
          purpose: 'marketing',
          action: 'grant',
          method: 'import',
          evidence: { importBatchId: String(s.ids.import2), row: 2, source: 'Google Контакты' },
        },
      ],
      { action: 'import.committed', entity: `import:${s.ids.import2}` },
    );
    prep(s.db, 'UPDATE import_batches SET first_event_id = ?, last_event_id = ? WHERE id = ?').run(grant, grant, s.ids.import2);
    s.tick(30);
    s.ids.retract = s.record(
      'Марина',
      [
        {
          contact: grisha,
          channel: 'sms',
          purpose: 'marketing',
          action: 'retract',
          method: 'import',
          target: grant,
          evidence: { importBatchId: String(s.ids.import2), note: 'импорт отменён' },
        },
      ],
      { action: 'import.undone', entity: `import:${s.ids.import2}` },
    )[0]!;
    s.ids.grishaGrant = grant!;
    prep(s.db, 'UPDATE contacts SET removed_at = ? WHERE id = ?').run(s.now, grisha);
    prep(s.db, 'DELETE FROM contacts_fts WHERE rowid = ?').run(grisha);
    prep(s.db, 'UPDATE import_batches SET undone_at = ?, undone_by = ? WHERE id = ?').run(s.now, 'Марина', s.ids.import2);
  },

  // 0004: printed sheets, two entered rows (one a double opt-in request), a scan, confirmations.
  4(s) {
    s.era(4);
    const sheet = (serial: string, layout: 'individual' | 'group', rows: number) =>
      s.insert('sheets', {
        serial,
        form_version_id: s.ids.form,
        layout,
        rows,
        paper: 'a4',
        print_run: 1,
        printed_at: s.now,
        printed_by: 'Марина',
      });
    s.ids.sheet1 = sheet('S-000001', 'individual', 1);
    s.ids.sheet2 = sheet('S-000002', 'group', 10);
    s.audit('Марина', 'sheets.printed', `form:${s.ids.form}`, { serials: ['S-000001', 'S-000002'] });
    s.tick(60 * 24 * 3);
    const lyuda = s.contact('lyuda', { phone: '+79120000008', name: 'Людмила Зайцева' });
    const paper = { formVersionId: s.ids.form, sheetRef: 'S-000002/1' };
    const events = s.record(
      'Алсу',
      [
        {
          contact: lyuda,
          channel: 'sms',
          purpose: 'marketing',
          action: 'grant',
          method: 'paper_form',
          form: s.ids.form,
          evidence: paper,
          earlier: 60 * 24,
        },
        {
          contact: lyuda,
          channel: 'sms',
          purpose: 'personal_data',
          action: 'grant',
          method: 'paper_form',
          form: s.ids.form,
          evidence: paper,
          earlier: 60 * 24,
        },
      ],
      { action: 'sheet.row_entered', entity: 'sheet:S-000002', details: { row: 1 } },
    );
    s.ids.lyudaSms = events[0]!;
    s.insert('sheet_rows', {
      sheet_id: s.ids.sheet2,
      row: 1,
      contact_id: lyuda,
      signed_on: '2025-06-28',
      entered_at: s.now,
      entered_by: 'Алсу',
      events: JSON.stringify(events),
    });
    s.tick();
    const [request] = s.record(
      'Алсу',
      [
        {
          contact: s.ids.anna!,
          channel: 'whatsapp',
          purpose: 'marketing',
          action: 'request',
          method: 'paper_form',
          form: s.ids.form,
          evidence: { formVersionId: s.ids.form, sheetRef: 'S-000002/2' },
          earlier: 60 * 24,
        },
      ],
      { action: 'sheet.row_entered', entity: 'sheet:S-000002', details: { row: 2 } },
    );
    s.insert('sheet_rows', {
      sheet_id: s.ids.sheet2,
      row: 2,
      contact_id: s.ids.anna,
      signed_on: '2025-06-28',
      entered_at: s.now,
      entered_by: 'Алсу',
      events: JSON.stringify([request]),
    });
    s.ids.confirmation = s.insert('confirmations', {
      contact_id: s.ids.anna,
      channel: 'whatsapp',
      request_event_id: request,
      form_version_id: s.ids.form,
      language: 'ru',
      text: 'Цветочная лавка «Ромашка»: подтвердите подписку на акции в WhatsApp — ответьте ДА. Отказаться: СТОП',
      created_at: s.now,
      expires_at: s.now + 3 * DAY,
      state: 'queued',
      state_at: s.now,
    });
    s.ids.scan = s.insert('sheet_scans', {
      sheet_id: s.ids.sheet2,
      sha256: sha256('лист S-000002, фото'),
      file_name: 'лист-2.jpg',
      media_type: 'image/jpeg',
      bytes: 412_337,
      added_at: s.tick(),
      added_by: 'Алсу',
    });
    s.audit('Алсу', 'sheet.scan_attached', 'sheet:S-000002', { sha256: sha256('лист S-000002, фото'), bytes: 412_337 });
  },

  // 0005: a planned campaign, and one planned and cancelled.
  5(s) {
    s.era(5);
    const plan = (name: string, text: string) =>
      s.insert('batches', {
        name,
        channel: 'sms',
        purpose: 'marketing',
        text,
        audience: JSON.stringify({ kind: 'all' }),
        planned_at: s.now + DAY,
        created_at: s.tick(),
        created_by: 'Марина',
        lint_ok: 1,
        lint: JSON.stringify({ ok: true, issues: [], segments: 2, encoding: 'UCS-2' }),
        counts: JSON.stringify({ eligible: 4, excluded: { revoked: 2, no_consent: 2, unproven: 1 } }),
      });
    s.ids.campaign = plan('Летняя распродажа', 'Цветочная лавка «Ромашка»: −20% на все букеты до воскресенья! Отписаться: СТОП');
    s.audit('Марина', 'batch.planned', `batch:${s.ids.campaign}`, { audience: { kind: 'all' }, eligible: 4, lintOk: true });
    s.ids.cancelled = plan('Черновик', 'Цветочная лавка «Ромашка»: новинки недели. Отписаться: СТОП');
    prep(s.db, "UPDATE batches SET state = 'cancelled' WHERE id = ?").run(s.ids.cancelled);
  },

  // 0006: a provider, the campaign sent (delivered, skipped, undeliverable) with each recipient's log and a flagged number.
  6(s) {
    s.era(6);
    s.insert('providers', { name: 'smsru', kind: 'smsru', options: JSON.stringify({ sender: 'ROMASHKA' }), created_at: s.tick(), updated_at: s.now });
    s.insert('batch_runs', { batch_id: s.ids.campaign, providers: JSON.stringify(['smsru']), started_at: s.tick(), started_by: 'Марина' });
    prep(s.db, "UPDATE batches SET state = 'sending' WHERE id = ?").run(s.ids.campaign);
    s.audit('Марина', 'batch.send', `batch:${s.ids.campaign}`, { providers: ['smsru'], queued: 3, skipped: 1 });
    const text = 'Цветочная лавка «Ромашка»: −20% на все букеты до воскресенья! Отписаться: СТОП';
    const recipient = (contact: string, phone: string, status: string, extra: Row) => {
      const id = s.insert('outbox', {
        batch_id: s.ids.campaign,
        contact_id: s.ids[contact],
        step: 0,
        channel: 'sms',
        phone,
        status: 'queued',
        due_at: s.now,
        updated_at: s.now,
      });
      s.insert('outbox_log', { recipient_id: id, at: s.now, status: 'queued', detail: null });
      if (status !== 'queued') {
        prep(
          s.db,
          `UPDATE outbox SET status = ?, reason = ?, proof_event_id = ?, text = ?, provider = ?, provider_message_id = ?, attempts = ?,
             sending_at = ?, handed_off_at = ?, updated_at = ? WHERE id = ?`,
        ).run(
          status,
          (extra.reason as string | undefined) ?? null,
          (extra.proof as number | undefined) ?? null,
          extra.proof === undefined ? null : text,
          extra.proof === undefined ? null : 'smsru',
          (extra.messageId as string | undefined) ?? null,
          extra.proof === undefined ? 0 : 1,
          extra.proof === undefined ? null : s.now,
          extra.proof === undefined ? null : s.now,
          s.tick(1),
          id,
        );
        s.insert('outbox_log', { recipient_id: id, at: s.now, status, detail: (extra.detail as string | undefined) ?? null });
      }
      return id;
    };
    s.ids.sentAnna = recipient('anna', '+79120000001', 'delivered', { proof: s.ids.annaSms, messageId: '202-1001', detail: 'smsru: 103 delivered' });
    recipient('olga', '+79120000004', 'skipped', { reason: 'revoked' });
    recipient('dmitry', '+79120000005', 'sent', { proof: sentProof(s, 'dmitry'), messageId: '202-1002' });
    s.ids.undeliverable = recipient('lyuda', '+79120000008', 'undeliverable', {
      proof: s.ids.lyudaSms,
      messageId: '202-1003',
      reason: 'unreachable',
      detail: 'smsru: 105 message cannot be delivered',
    });
    s.insert('number_flags', { phone: '+79120000008', reason: 'unreachable', code: '105', provider: 'smsru', flagged_at: s.now });
    prep(s.db, 'UPDATE batch_runs SET finished_at = ? WHERE batch_id = ?').run(s.tick(), s.ids.campaign);
    prep(s.db, "UPDATE batches SET state = 'done' WHERE id = ?").run(s.ids.campaign);
  },

  // 0007: a contact added by hand (never asked), and a provider's opt-out for Tom.
  7(s) {
    s.era(7);
    s.contact('vera', { phone: '+79120000009', name: 'Вера Ким', email: 'vera.kim@example.ru' });
    s.tick();
    s.ids.tomStop = s.record('system', [
      {
        contact: s.ids.tom!,
        channel: 'sms',
        purpose: 'marketing',
        action: 'revoke',
        method: 'provider_feedback',
        evidence: { note: 'Twilio 21610: STOP' },
      },
    ])[0]!;
  },

  // 0008: Boris signs a paper sheet: his old claim becomes a proven consent.
  8(s) {
    s.era(8);
    const paper = { formVersionId: s.ids.form, sheetRef: 'S-000001/1' };
    const events = s.record(
      'Марина',
      [
        {
          contact: s.ids.boris!,
          channel: 'sms',
          purpose: 'marketing',
          action: 'grant',
          method: 'paper_form',
          form: s.ids.form,
          evidence: paper,
          earlier: 30,
        },
        {
          contact: s.ids.boris!,
          channel: 'sms',
          purpose: 'personal_data',
          action: 'grant',
          method: 'paper_form',
          form: s.ids.form,
          evidence: paper,
          earlier: 30,
        },
      ],
      { action: 'sheet.row_entered', entity: 'sheet:S-000001', details: { row: 1 } },
    );
    s.insert('sheet_rows', {
      sheet_id: s.ids.sheet1,
      row: 1,
      contact_id: s.ids.boris,
      signed_on: '2025-10-20',
      entered_at: s.now,
      entered_by: 'Марина',
      events: JSON.stringify(events),
    });
  },

  // 0009: a tear-off slip printed with its separate personal-data document; Galina's row keeps what she wrote, and
  // a row entered in error is voided (its grants retracted, the correction kept).
  9(s) {
    s.era(9);
    const sheet = (serial: string, document: 'consent' | 'personal_data', pairsWith: number | null) =>
      s.insert('sheets', {
        serial,
        form_version_id: s.ids.form,
        layout: 'slip',
        rows: 1,
        paper: 'a4',
        print_run: 3,
        printed_at: s.now,
        printed_by: 'Марина',
        document,
        pairs_with: pairsWith,
      });
    s.ids.slip = sheet('S-000003', 'consent', null);
    s.ids.slipPd = sheet('S-000004', 'personal_data', s.ids.slip);
    s.ids.slip2 = sheet('S-000005', 'consent', null);
    s.ids.slip2Pd = sheet('S-000006', 'personal_data', s.ids.slip2);
    s.audit('Марина', 'sheets.printed', `form:${s.ids.form}`, {
      serials: ['S-000003', 'S-000005'],
      layout: 'slip',
      personalData: { first: 'S-000004', last: 'S-000006' },
    });
    s.tick(60 * 24);
    const galina = s.contact('galina', { phone: '+79120000777', name: 'Галина Ёлкина' });
    const row = (serial: string, pd: string, contact: number, written: string, phone: string, key: string) => {
      const events = s.record(
        'Марина',
        (['marketing', 'personal_data'] as const).map((purpose) => ({
          contact,
          channel: 'sms' as const,
          purpose,
          action: 'grant' as const,
          method: 'paper_form' as const,
          form: s.ids.form,
          evidence: { formVersionId: s.ids.form, sheetRef: purpose === 'personal_data' ? pd : serial, row: 1 },
          earlier: 60,
        })),
        { action: 'sheet.row_entered', entity: `sheet:${serial}`, details: { row: 1 } },
      );
      s.insert('sheet_rows', {
        sheet_id: s.ids[key],
        row: 1,
        contact_id: contact,
        signed_on: '2025-11-20',
        entered_at: s.now,
        entered_by: 'Марина',
        events: JSON.stringify(events),
        written_name: written,
        written_phone: phone,
      });
      return events;
    };
    row('S-000003', 'S-000004', galina, 'Галя Ёлкина', '8 912 000-07-77', 'slip');
    s.tick();
    const wrong = row('S-000005', 'S-000006', s.ids.lyuda!, 'Людмила З.', '8 912 000-00-08', 'slip2');
    s.tick();
    const note = 'row 1 of S-000005 voided: signed by someone else';
    const retracts = s.record(
      'Марина',
      wrong.map((target, i) => ({
        contact: s.ids.lyuda!,
        channel: 'sms' as const,
        purpose: i === 0 ? ('marketing' as const) : ('personal_data' as const),
        action: 'retract' as const,
        method: 'paper_form' as const,
        evidence: { sheetRef: i === 0 ? 'S-000005' : 'S-000006', row: 1, note },
        target,
      })),
      { action: 'sheet.row_voided', entity: 'sheet:S-000005', details: { row: 1, reason: 'signed by someone else' } },
    );
    s.insert('sheet_row_corrections', {
      sheet_id: s.ids.slip2,
      row: 1,
      kind: 'void',
      reason: 'signed by someone else',
      written_name: null,
      written_phone: null,
      contact_id: null,
      events: JSON.stringify(retracts),
      corrected_at: s.now,
      corrected_by: 'Марина',
    });
  },

  // 0010: names stored folded for search (a name with Latin marks), numbers with their US flag.
  10(s) {
    s.era(10);
    s.contact('zoe', { phone: '+33612340000', name: 'Zoë Lefèvre', locale: 'en', country: 'FR' });
    s.audit('Марина', 'contact.created', `contact:${s.ids.zoe}`, { fields: ['phone', 'name'] });
    s.contact('nyc', { phone: '+12125550199', name: 'Sam Lee', locale: 'en', country: 'US' }, { created_at: s.tick() });
    s.audit('Марина', 'contact.created', `contact:${s.ids.nyc}`, { fields: ['phone', 'name'] });
  },

  // 0012: Анна's work number merged into her (linked, its own consent kept), Ольга erased on her request.
  12(s) {
    s.era(12);
    const work = s.contact('annaWork', { phone: '+74951230012', name: 'Анна, рабочий' });
    s.audit('Марина', 'contact.created', `contact:${work}`, { fields: ['phone', 'name'] });
    s.tick();
    prep(s.db, 'UPDATE contacts SET merged_into = ?, updated_at = ? WHERE id = ?').run(s.ids.anna!, s.now, work);
    s.audit('Марина', 'contact.merged', `contact:${s.ids.anna}`, { merged: [{ id: work, phone: '+74951230012' }] });
    s.tick();
    s.audit('Марина', 'contact.erasure_requested', `contact:${s.ids.olga}`, { requestedAt: new Date(s.now).toISOString() });
    prep(
      s.db,
      "UPDATE contacts SET name = '', name_key = '', email = NULL, external_id = NULL, tags = '[]', other_phones = '[]', erasure_requested_at = ?, erased_at = ?, updated_at = ? WHERE id = ?",
    ).run(s.now, s.now, s.now, s.ids.olga!);
    s.audit('Марина', 'contact.erased', `contact:${s.ids.olga}`, { fields: ['name', 'email', 'externalId', 'tags', 'otherPhones'] });
  },
  // 0013: a saved filter of the contacts list (a segment).
  13(s) {
    s.era(13);
    const filter = { marketing: { channel: 'sms', status: ['granted'] }, tags: ['vip'] };
    s.ids.segment = s.insert('segments', {
      name: 'Постоянные',
      filter: JSON.stringify(filter),
      created_at: s.now,
      created_by: 'Марина',
      updated_at: s.now,
    });
    s.audit('Марина', 'segment.saved', `segment:${s.ids.segment}`, { name: 'Постоянные', filter });
  },
};

/** The event that let a contact's SMS marketing go: its latest grant. */
function sentProof(s: Shop, contact: string): number {
  return prep<[number], { id: number }>(
    s.db,
    "SELECT id FROM consent_events WHERE contact_id = ? AND channel = 'sms' AND purpose = 'marketing' AND action = 'grant' ORDER BY id DESC LIMIT 1",
  ).get(s.ids[contact]!)!.id;
}

/**
 * A register that lived through schema versions 1…`version`, with each era's data written while it was at that
 * version (in memory, or in `path`). Version 0 is an empty file.
 */
export function registerAt(version: number, path = ':memory:'): Shop {
  const db = new Database(path);
  db.pragma('foreign_keys = ON');
  // A test's file needs no durability while it is written (the app switches it to WAL and FULL when it opens it).
  if (path !== ':memory:') db.pragma('synchronous = OFF');
  const s = new Shop(db);
  for (let v = 1; v <= version; v++) {
    expect(migrate(db, v)).toBe(v);
    const era = ERAS[v];
    if (era) db.transaction(() => era(s))();
  }
  return s;
}

// ── Checks ──

/** Every table's rows, in a stable order. */
export type Snapshot = Map<string, { columns: string[]; order: string; rows: Row[] }>;

export function snapshot(db: Db): Snapshot {
  const out: Snapshot = new Map();
  const tables = db
    .prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all()
    .filter((t) => !t.sql.startsWith('CREATE VIRTUAL'));
  for (const t of tables) {
    const info = db.prepare<[string], { name: string; pk: number }>('SELECT name, pk FROM pragma_table_info(?)').all(t.name);
    const columns = info.map((c) => c.name);
    const order = /WITHOUT ROWID/i.test(t.sql)
      ? info
          .filter((c) => c.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((c) => `"${c.name}"`)
          .join(', ')
      : 'rowid';
    out.set(t.name, { columns, order, rows: db.prepare(`SELECT * FROM "${t.name}" ORDER BY ${order}`).all() as Row[] });
  }
  return out;
}

/** Count of rows in a table. */
export function count(db: Db, table: string, where = '1'): number {
  return (db.prepare(`SELECT count(*) AS n FROM "${table}" WHERE ${where}`).get() as { n: number }).n;
}

/**
 * Every row of every table in `before` is still there with the same values in the same columns (new columns may
 * have been added beside them). `except` names tables the step rewrote on purpose: the test checks those itself.
 */
export function expectKept(before: Snapshot, db: Db, except: readonly string[] = []): void {
  const now = snapshot(db);
  for (const [table, was] of before) {
    if (except.includes(table)) continue;
    expect(now.has(table), `table ${table} is still there`).toBe(true);
    const cols = was.columns.map((c) => `"${c}"`).join(', ');
    const rows = db.prepare(`SELECT ${cols} FROM "${table}" ORDER BY ${was.order}`).all();
    expect(rows, `rows of ${table}`).toEqual(was.rows);
  }
}

/**
 * The register is sound: SQLite's own checks pass, both hash chains link and every row still gives its hash
 * (computed here as each version wrote it), and the projection is the fold of the events.
 */
export function expectHealthy(db: Db): void {
  expect(db.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  expect(db.pragma('foreign_key_check')).toEqual([]);
  let prev = { id: 0, hash: GENESIS };
  const events = db.prepare<[], Row>('SELECT * FROM consent_events ORDER BY id').all();
  for (const r of events) {
    expect(r.id, 'event ids follow each other').toBe(prev.id + 1);
    expect(r.prev_hash, `event ${String(r.id)} links to the one before`).toBe(prev.hash);
    expect(link(r.prev_hash as string, eventPayload(r)), `event ${String(r.id)} still gives its hash`).toBe(r.hash);
    prev = { id: r.id as number, hash: r.hash as string };
  }
  let aprev = { id: 0, hash: GENESIS };
  for (const r of db.prepare<[], Row>('SELECT * FROM audit_log ORDER BY id').all()) {
    expect(r.prev_hash, `audit row ${String(r.id)} links to the one before`).toBe(aprev.hash);
    expect(link(r.prev_hash as string, auditPayload(r)), `audit row ${String(r.id)} still gives its hash`).toBe(r.hash);
    aprev = { id: r.id as number, hash: r.hash as string };
  }
  const cells = db
    .prepare<[], { contact_id: number; channel: string; purpose: string }>('SELECT DISTINCT contact_id, channel, purpose FROM consent_events')
    .all();
  for (const c of cells) {
    const folded = foldEvents(cellEvents(db, c.contact_id, c.channel, c.purpose), EVER, null);
    expect(
      db
        .prepare('SELECT status, since, expires_at, last_event_id FROM consent_state WHERE contact_id = ? AND channel = ? AND purpose = ?')
        .get(c.contact_id, c.channel, c.purpose),
      `projection of contact ${c.contact_id} ${c.channel}/${c.purpose}`,
    ).toEqual({ status: folded.status, since: folded.since, expires_at: folded.expiresAt, last_event_id: folded.lastEventSeq });
  }
  expect(count(db, 'consent_state')).toBe(cells.length);
}
