import { createWriteStream, type WriteStream } from 'node:fs';
import { ref, said, storeSaid, type Said, type SaidRef } from '../../../shared/contract/said';
import { once } from 'node:events';
import { AppError } from '../../../shared/contract/errors';
import type { Channel, Purpose } from '../../../shared/domain/consent/types';
import type { ColumnMapping } from '../../../shared/domain/csv/mapping';
import {
  compileMapping,
  doNotContactTargets,
  hasPhoneColumn,
  interpretRow,
  type RowConsent,
  type RowContext,
  type RowPhone,
  type RowPlan,
} from '../../../shared/domain/csv/row';
import { neutralizeCell } from '../../../shared/domain/csv/values';
import { importWarning, type ImportWarning, type ImportWarningKind } from '../../../shared/domain/csv/warnings';
import type { FileConsent } from '../../../shared/domain/csv/row';
import { zonedTimeToUtc } from '../../../shared/domain/time/zones';
import { isKnownCountry } from '../../../shared/domain/phone/normalize';
import type { ContactRecord } from '../db/repos/contacts.repo';
import type { EventRecord } from '../db/repos/consent.repo';
import type { FileStore, StoredFile } from '../infra/files';
import { appendAudit, type ServiceContext } from '../context';
import { appendEvents, ConsentLogWriter, type PendingEvent } from '../register/consent-log';
import { revocationTargets } from '../../../shared/domain/consent/decide';
import { getSettings } from '../register/settings';
import { numbersOfPerson, OptOutReach, optOutsCarried, type ReachedNumber } from '../register/person';
import { limitPageCache } from '../db/open';
import { gateMember, gateRules, standsApart } from '../campaigns/audience';
import type { ConsentState } from '../../../shared/domain/consent/types';
import { listedColumns } from '../../../shared/domain/consent/listed';
import { sniffFile, hashFile, readRecords, type FileSniff } from './reader';

/** How imported values meet the values a contact already has. */
export type MergeMode = 'fill_blanks' | 'overwrite';

/** What the person chose for one import. */
export interface ImportOptions {
  mapping: ColumnMapping[];
  defaultCountry?: string | undefined;
  merge: MergeMode;
  encoding?: string | undefined;
  delimiter?: string | undefined;
  /**
   * The header's row (from 1). Without it the header is the row whose cells are the mapping's headers (the row the
   * mapping was made from, see import.inspect), else the row found by itself.
   */
  headerRow?: number | undefined;
  /** The sheet of a workbook to read (by name); without it the first. */
  sheet?: string | undefined;
  /**
   * One consent source and day (YYYY-MM-DD, the shop's calendar) for every row, and, for a file without consent
   * columns, the channels and purpose every row agreed to.
   */
  consentForFile?:
    { source?: string | undefined; date?: string | undefined; channels?: Channel[] | undefined; purpose?: Purpose | undefined } | undefined;
  /** The person's language: the report is written for their spreadsheet (`;` for Russian Excel). */
  language?: 'en' | 'ru' | undefined;
  actor: string;
}

/** A rejected row, for the summary and the report: why, in English (`reason`) and by key (`said`). */
export interface RowError {
  row: number;
  reason: string;
  said: Said;
}

/** The warnings of one kind: how many, and the first rows that had one. */
export interface WarningGroup {
  kind: ImportWarningKind;
  count: number;
  examples: { row: number; params: ImportWarning['params']; text: string }[];
}

/** The figures of a dry run or a commit (they agree for the same file, options and register). */
export interface ImportSummary {
  rows: number;
  created: number;
  updated: number;
  merged: number;
  unchanged: number;
  rejected: number;
  consentsGranted: number;
  claims: number;
  requests: number;
  revocations: number;
  /** Marketing grants the gate would still refuse as `needs_personal_data`: said in the preview as on the contact page. */
  needsPersonalData: number;
  warnings: number;
  /** The warnings grouped by kind, in the order they first appeared, with a few example rows each. */
  warningGroups: WarningGroup[];
  batch: number | null;
  /** The first 100 rejected rows; the report holds them all. */
  errors: RowError[];
  file: { name: string; sha256: string; bytes: number; encoding: string; delimiter: string };
  /** The report of every rejected row and warning (CSV), when one was written. */
  reportFileId: string | null;
}

/** Progress of a running import. */
export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  rows: number;
}

const MAX_ERRORS_IN_SUMMARY = 100;
/** The page cache while an import writes (the register's usual one is 64 MiB): its dirty pages spill to the WAL sooner. */
const IMPORT_PAGE_CACHE_KIB = 16 * 1024;
/**
 * An import whose file (rows estimated from its first batch) holds at least this many rows, and at least half as many
 * as the register has contacts, runs without the list's orders that its rows meet in random order and builds them once
 * at the end (ContactsRepo.deferListOrders): at a million rows that took the import from 76 to 57 s into an empty
 * register and from 78 to 63 s into one of a million contacts (test/bench/import.bench.ts). For a small import into a
 * large register, building the orders again would cost far more than it saves.
 */
const LARGE_IMPORT_ROWS = 20_000;
export function isLargeImport(estimatedRows: number, registerContacts: number): boolean {
  return estimatedRows >= LARGE_IMPORT_ROWS && estimatedRows * 2 >= registerContacts;
}
/** Example rows kept per kind of warning for the wizard; the report holds them all. */
const EXAMPLES_PER_KIND = 5;

/** Report CSV, written as the import goes so its size never sits in memory. */
class ReportWriter {
  private out: WriteStream;
  private pending = '';
  count = 0;
  constructor(
    path: string,
    headers: string[],
    /** `;` for Russian Excel, which splits a CSV into columns only by it. */
    private readonly delimiter: ',' | ';' = ',',
  ) {
    this.out = createWriteStream(path);
    // The BOM tells Excel the file is UTF-8.
    this.out.write('\uFEFF');
    this.line(['row', 'problem', 'reason', ...headers]);
  }
  private line(cells: string[]): void {
    this.pending += cells.map((c) => csvCell(neutralizeCell(c), this.delimiter)).join(this.delimiter) + '\r\n';
  }
  private batch: { row: number; seq: number; cells: string[] }[] = [];
  add(row: number, problem: 'rejected' | 'warning', reason: string, cells: readonly string[]): void {
    this.count++;
    this.batch.push({ row, seq: this.count, cells: [String(row), problem, reason, ...cells] });
  }
  /** Write what the last batch of rows produced, in row order. */
  async flush(): Promise<void> {
    this.batch.sort((a, b) => a.row - b.row || a.seq - b.seq);
    for (const b of this.batch) this.line(b.cells);
    this.batch = [];
    if (this.pending === '') return;
    const chunk = this.pending;
    this.pending = '';
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }
  async close(): Promise<void> {
    await this.flush();
    this.out.end();
    await once(this.out, 'finish');
  }
}

const NEEDS_QUOTES: Record<string, RegExp> = {};

/**
 * Quote a CSV cell when it needs it: a quote, the delimiter or a line break, or a NUL (the import drops a NUL
 * outside quotes as a stray byte and keeps one inside quotes as part of the value).
 */
export function csvCell(value: string, delimiter: string): string {
  const needs = (NEEDS_QUOTES[delimiter] ??= new RegExp(`["\\r\\n\\0${delimiter.replace(/[\\^\]-]/g, '\\$&')}]`));
  return needs.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Does every entry of the mapping name the cell of `cells` at its column? */
function mappingFits(mapping: readonly ColumnMapping[], cells: readonly string[]): boolean {
  return mapping.every((m) => (cells[m.column] ?? '').replace(/^\uFEFF/, '').trim() === m.header.replace(/^\uFEFF/, '').trim());
}

/**
 * Read the file's head with the header the import will use: `headerRow` when given; else the header found by itself
 * when the mapping fits it; else the first row the mapping fits (the row import.inspect was asked to take).
 */
async function sniffForMapping(path: string, options: ImportOptions): Promise<FileSniff> {
  const base = { encoding: options.encoding, delimiter: options.delimiter, sheet: options.sheet };
  if (options.headerRow !== undefined) return sniffFile(path, { ...base, headerRow: options.headerRow });
  const sniff = await sniffFile(path, base);
  if (mappingFits(options.mapping, sniff.headers)) return sniff;
  const row = sniff.rows.findIndex((cells) => mappingFits(options.mapping, cells));
  return row >= 0 ? sniffFile(path, { ...base, headerRow: row + 1 }) : sniff;
}

/** The source and date given for the whole file, as the row reader takes them (the day starts in the shop's zone). */
function fileConsentOf(given: ImportOptions['consentForFile'], timeZone: string, now: number): FileConsent | undefined {
  if (!given) return undefined;
  let occurredAt: number | null = null;
  if (given.date) {
    const [y, m, d] = given.date.split('-').map(Number) as [number, number, number];
    const check = new Date(Date.UTC(y, m - 1, d));
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d || y < 1900)
      throw new AppError(
        'VALIDATION_FAILED',
        'imports.fileConsentBadDay',
        { date: given.date },
        { fields: [{ path: 'consentForFile.date', key: 'imports.notARealDay' }] },
      );
    occurredAt = zonedTimeToUtc(y, m, d, 0, 0, 0, timeZone);
    if (occurredAt > now)
      throw new AppError(
        'VALIDATION_FAILED',
        'imports.fileConsentFuture',
        { date: given.date },
        { fields: [{ path: 'consentForFile.date', key: 'common.inFuture' }] },
      );
  }
  return { source: given.source ?? null, occurredAt, channels: given.channels, purpose: given.purpose };
}

/** Tell the caller how far the import is and stop it when asked. */
export interface RunControl {
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
}

/** What a contact looked like before the import changed it (kept so an undo can put it back). */
interface ContactBefore {
  name: string;
  email: string | null;
  locale: 'en' | 'ru' | null;
  externalId: string | null;
  tags: string[];
  otherPhones: string[];
  updatedAt: number;
}

function beforeOf(c: ContactRecord): ContactBefore {
  return {
    name: c.name,
    email: c.email,
    locale: c.locale,
    externalId: c.externalId,
    tags: c.tags,
    otherPhones: c.otherPhones,
    updatedAt: c.updatedAt,
  };
}

/** Merge the row's fields into a contact; returns the new record or null when nothing changes. */
function mergeFields(c: ContactRecord, plan: RowPlan, mode: MergeMode, now: number): ContactRecord | null {
  const f = plan.fields;
  const take = <T>(current: T | null, incoming: T | undefined): T | null => {
    if (incoming === undefined) return current;
    if (mode === 'overwrite') return incoming;
    return current === null || current === '' ? incoming : current;
  };
  const name = take(c.name === '' ? null : c.name, f.name) ?? '';
  const email = take(c.email, f.email);
  const locale = take(c.locale, f.locale);
  const externalId = take(c.externalId, f.externalId);
  const tags = mode === 'overwrite' && f.tags.length > 0 ? f.tags : [...new Set([...c.tags, ...f.tags])].slice(0, 50);
  const otherPhones = [...new Set([...c.otherPhones, ...plan.others.map((p) => p.e164)])].filter((p) => p !== c.phone).slice(0, 20);
  const changed =
    name !== c.name ||
    email !== c.email ||
    locale !== c.locale ||
    externalId !== c.externalId ||
    tags.join('\u0000') !== c.tags.join('\u0000') ||
    otherPhones.join() !== c.otherPhones.join();
  return changed ? { ...c, name, email, locale, externalId, tags, otherPhones, updatedAt: now } : null;
}

/** The parts of an import run that differ between a dry run and a commit. */
interface Sink {
  /** Look up a step's numbers in the register at once. */
  prefetch(phones: string[]): void;
  /**
   * The contact for a number: `known` when this file met the number before (a merged row), `existed` when it was
   * in the register before the import, `createdHere` when this call creates it. A dry run gives no contact for
   * numbers it has not got in the register.
   */
  contactFor(phone: RowPhone, plan: RowPlan | null): { contact: ContactRecord | null; known: boolean; existed: boolean; createdHere: boolean };
  update(before: ContactRecord, after: ContactRecord): void;
  event(
    contact: Pick<ContactRecord, 'id' | 'phone'>,
    c: { channel: Channel; purpose: Purpose; action: EventRecord['action']; occurredAt: number },
    evidence: EventRecord['evidence'],
  ): void;
  endStep(): void;
}

/**
 * Read the file and apply the mapping row by row. With `dryRun` nothing is written and the figures say
 * what a commit would do; otherwise everything happens in one transaction, so the register holds the whole
 * import or none of it (cancel, a crash or an error leave it exactly as before).
 */
export async function runImport(
  ctx: ServiceContext,
  files: FileStore,
  file: StoredFile,
  options: ImportOptions,
  dryRun: boolean,
  control: RunControl = {},
): Promise<ImportSummary> {
  if (!hasPhoneColumn(options.mapping)) {
    throw new AppError('VALIDATION_FAILED', 'imports.noPhoneColumn', {}, { fields: [{ path: 'mapping', key: 'imports.noPhoneColumnField' }] });
  }
  const sniff: FileSniff = await sniffForMapping(file.path, options);
  for (const m of options.mapping) {
    if (m.column < 0 || m.column >= sniff.headers.length) {
      throw new AppError('VALIDATION_FAILED', 'imports.noSuchColumn', { column: m.column + 1, columns: sniff.headers.length });
    }
  }
  const sha256 = await hashFile(file.path);
  const settings = getSettings(ctx);
  const policy = settings.effectivePolicy;
  const now = ctx.clock.now();
  const rowCtx: RowContext = {
    defaultCountry: (options.defaultCountry ?? settings.defaultCountry).toUpperCase(),
    timeZone: settings.timezone,
    policy,
    now,
    fileConsent: fileConsentOf(options.consentForFile, settings.timezone, now),
  };
  if (!isKnownCountry(rowCtx.defaultCountry)) {
    throw new AppError(
      'VALIDATION_FAILED',
      'imports.unknownCountry',
      { country: rowCtx.defaultCountry },
      {
        fields: [{ path: 'defaultCountry', key: 'imports.unknownCountryField' }],
      },
    );
  }
  const compiled = compileMapping(options.mapping);
  const reportFile = files.createOutput(`${file.name.replace(/\.[^.]*$/, '')}-import-report.csv`);
  const report = new ReportWriter(reportFile.path, sniff.headers, options.language === 'ru' ? ';' : ',');

  const summary: ImportSummary = {
    rows: 0,
    created: 0,
    updated: 0,
    merged: 0,
    unchanged: 0,
    rejected: 0,
    consentsGranted: 0,
    claims: 0,
    requests: 0,
    revocations: 0,
    needsPersonalData: 0,
    warnings: 0,
    warningGroups: [],
    batch: null,
    errors: [],
    file: { name: file.name, sha256, bytes: sniff.bytes, encoding: sniff.encoding, delimiter: sniff.delimiter },
    reportFileId: reportFile.id,
  };
  const groups = new Map<ImportWarningKind, WarningGroup>();
  const warn = (row: number, w: ImportWarning, cells: readonly string[]): void => {
    summary.warnings++;
    let g = groups.get(w.kind);
    if (!g) {
      g = { kind: w.kind, count: 0, examples: [] };
      groups.set(w.kind, g);
      summary.warningGroups.push(g);
    }
    g.count++;
    if (g.examples.length < EXAMPLES_PER_KIND) g.examples.push({ row, params: w.params, text: w.text });
    report.add(row, 'warning', w.text, cells);
  };
  const reject = (row: number, why: SaidRef, cells: readonly string[]): void => {
    summary.rejected++;
    const s = said(why.key, why.params);
    if (summary.errors.length < MAX_ERRORS_IN_SUMMARY) summary.errors.push({ row, reason: s.message, said: s });
    report.add(row, 'rejected', s.message, cells);
  };

  // Numbered inside the write transaction, so another process importing at the same time cannot take the same id.
  let batchId: number | null = null;
  const headerCount = sniff.headers.length;
  const expectedEvidence = (plan: RowPlan, c: RowConsent | null): EventRecord['evidence'] => ({
    importBatchId: String(batchId ?? 'dry-run'),
    fileSha256: sha256,
    fileName: file.name.slice(0, 300),
    row: plan.row,
    ...(c ? { columns: c.columns } : {}),
    ...(c?.source ? { source: c.source } : { note: storeSaid(c ? 'note.claimFrom' : 'note.doNotContact', { file: file.name.slice(0, 300) }) }),
  });

  let sink: Sink;
  let firstEventId: number | null = null;
  let lastEventId: number | null = null;
  let firstNewContactId: number | null = null;
  // The register's contacts for the numbers of the current step, fetched in one query.
  let stepExisting = new Map<string, ContactRecord>();
  // Register contacts (as they were before the import) this import reaches: id → whether it changes them.
  const touchedExisting = new Map<number, boolean>();
  const mayRevive = ctx.contacts.hasRemoved();
  if (dryRun) {
    // Nothing is written, so the numbers met so far are remembered here (the commit asks the register instead,
    // which keeps its memory flat).
    // Keyed by the number's digits as a double (E.164 has at most 15 digits): ~40 MB less than string keys at 1M rows.
    const seen = new Map<number, number>();
    const key = (e164: string): number => Number(e164.slice(1));
    sink = {
      prefetch(phones) {
        stepExisting = ctx.contacts.byPhones(phones.filter((p) => !seen.has(key(p))));
      },
      contactFor(phone) {
        const met = seen.get(key(phone.e164));
        if (met !== undefined) return { contact: met > 0 ? (ctx.contacts.get(met) ?? null) : null, known: true, existed: false, createdHere: false };
        const existing = stepExisting.get(phone.e164) ?? null;
        seen.set(key(phone.e164), existing?.id ?? 0);
        return { contact: existing, known: false, existed: existing !== null, createdHere: existing === null };
      },
      update() {},
      event() {},
      endStep() {},
    };
  } else {
    // The register's one append, in its bulk form: chained as rows come, written with the projection and confirmations
    // at each step's end.
    const log = new ConsentLogWriter(ctx, policy, now);
    // The step's new contacts, numbered here (the register's next ids, read inside the write transaction at the step's
    // first one) and written at the step's end with their first consent cells' list columns: each is written once.
    const stepNew = new Map<number, ContactRecord>();
    // What a row changed of a contact created earlier in the same step: kept for the undo once the contact is written.
    let stepBefores: { id: number; before: ContactBefore }[] = [];
    let nextId: number | null = null;
    const withoutConsent = listedColumns([]);
    sink = {
      prefetch(phones) {
        stepExisting = ctx.contacts.byPhones(phones);
      },
      contactFor(phone, plan) {
        const existing = stepExisting.get(phone.e164);
        if (existing) {
          // Created by this import from an earlier row, or a register contact an earlier row already reached.
          const known = existing.importBatchId === batchId || touchedExisting.has(existing.id);
          return { contact: existing, known, existed: !known, createdHere: false };
        }
        const fields = plan?.fields;
        const params = {
          phone: phone.e164,
          nationalNumber: phone.nationalNumber,
          name: fields?.name ?? '',
          email: fields?.email ?? null,
          locale: fields?.locale ?? null,
          country: fields?.country ?? phone.country,
          externalId: fields?.externalId ?? null,
          tags: fields?.tags ?? [],
          reach: phone.reach,
          otherPhones: plan ? plan.others.map((p) => p.e164).slice(0, 20) : [],
          importBatchId: batchId,
          createdAt: now,
          updatedAt: now,
        };
        // A removed contact with the number comes back under its old id, at once (its history stays, and folds with
        // the file's events); any other is new.
        let c = mayRevive ? ctx.contacts.revive(params) : undefined;
        if (!c) {
          nextId ??= ctx.contacts.maxId() + 1;
          c = { ...params, id: nextId++ };
          stepNew.set(c.id, c);
          firstNewContactId ??= c.id;
        }
        stepExisting.set(c.phone, c);
        return { contact: c, known: false, existed: false, createdHere: true };
      },
      update(before, after) {
        if (stepNew.has(after.id)) {
          stepNew.set(after.id, after);
          stepBefores.push({ id: before.id, before: beforeOf(before) });
        } else {
          ctx.imports.saveBefore(batchId!, before.id, beforeOf(before));
          ctx.contacts.update(after);
        }
        stepExisting.set(after.phone, after);
      },
      event(contact, c, evidence) {
        const e = log.add(
          {
            contact,
            channel: c.channel,
            purpose: c.purpose,
            action: c.action,
            method: 'import',
            occurredAt: c.occurredAt,
            recordedBy: options.actor,
            formVersionId: null,
            evidence,
          },
          stepNew.has(contact.id),
        );
        firstEventId ??= e.id;
        lastEventId = e.id;
      },
      endStep() {
        log.flush((listed) =>
          ctx.contacts.insertNumbered([...stepNew.values()].map((contact) => ({ contact, listed: listed.get(contact.id) ?? withoutConsent }))),
        );
        for (const { id, before } of stepBefores) ctx.imports.saveBefore(batchId!, id, before);
        stepNew.clear();
        stepBefores = [];
        // Read again at the step's first new contact: a contact added between steps (this connection) keeps its own id.
        nextId = null;
      },
    };
  }

  // The person withdraws, not the number: an opt-out reaches every number of the person in the register (linked by a
  // merge, or keeping this number among its other numbers), as recordConsent does for every other door.
  const reach = new OptOutReach(ctx);
  /**
   * Revoke `targets` for the number `phone` (its contact, or null where a preview has none yet) and the person's other
   * numbers; `reached`: the contacts this row revoked these targets for already (a row's numbers are one person).
   */
  const applyRevocations = (
    contact: ContactRecord | null,
    phone: string,
    targets: { channel: Channel; purpose: Purpose }[],
    occurredAt: number,
    evidence: EventRecord['evidence'],
    reached: Set<number>,
  ): void => {
    const revoke = (holder: ReachedNumber) => {
      if (reached.has(holder.id)) return;
      reached.add(holder.id);
      for (const t of targets) {
        sink.event(holder, { ...t, action: 'revoke', occurredAt }, evidence);
        summary.revocations++;
      }
    };
    if (contact) revoke(contact);
    else summary.revocations += targets.length;
    for (const other of reach.of(phone, contact?.id ?? null)) revoke(other);
  };

  const markExisting = (id: number | undefined, changed: boolean): void => {
    if (id === undefined || id <= 0) return;
    touchedExisting.set(id, (touchedExisting.get(id) ?? false) || changed);
  };

  // The one gate, asked about the row's marketing grants as the register will hold them after the row (the register's
  // cells of an existing contact, then the row's own grants), so the preview says "needs personal-data consent"
  // exactly where the contact page and a campaign will.
  const rules = gateRules(ctx);
  const noHistory = { lastComplaintAt: null, recentMarketing: 0, flagged: false };
  const blockedForPersonalData = (plan: RowPlan, existingId: number | null): number => {
    const grants = plan.consents.filter((c) => c.action === 'grant' && c.purpose === 'marketing');
    if (!grants.length) return 0;
    const cells = new Map<string, ConsentState>();
    if (existingId !== null)
      for (const s of ctx.consent.statesForContact(existingId))
        cells.set(`${s.channel}/${s.purpose}`, { status: s.status, since: s.since, lastEventSeq: s.lastEventSeq, expiresAt: s.expiresAt });
    for (const c of plan.consents) {
      if (c.action !== 'grant') continue;
      // As the fold orders them: a grant dated before what the cell already holds (a later opt-out, or a personal-data
      // withdrawal that took marketing with it) changes nothing, and the gate's reason stays the register's.
      const held = cells.get(`${c.channel}/${c.purpose}`);
      if (held && held.since !== null && (held.since > c.occurredAt || (held.since === c.occurredAt && held.status === 'revoked'))) continue;
      cells.set(`${c.channel}/${c.purpose}`, { status: 'granted', since: c.occurredAt, lastEventSeq: 1, expiresAt: null });
    }
    const member = { contactId: 0, phone: plan.primary.e164, name: '', messageable: true, cells };
    return grants.filter((g) => {
      const { verdict } = gateMember(member, { channel: g.channel, purpose: 'marketing' }, now, rules, noHistory);
      return !verdict.eligible && verdict.reason === 'needs_personal_data';
    }).length;
  };

  const applyPlan = (given: RowPlan, cells: readonly string[]): void => {
    // A row listing among its numbers one erased on request is that person's: nothing of it but its withdrawals — no
    // fields, no other numbers, no consent — and nothing at all when it withdraws nothing.
    const erasedOther = given.others.map((o) => ctx.contacts.getByPhone(o.e164)).find((c) => c?.erasedAt != null);
    let row = given;
    if (erasedOther) {
      const day = new Date(erasedOther.erasedAt!).toISOString().slice(0, 10);
      warn(
        given.row,
        importWarning(
          'erased_on_request',
          { phone: erasedOther.phone, date: day },
          `${erasedOther.phone} was erased on request on ${day}: no consent or personal data of this row was imported`,
        ),
        cells,
      );
      row = { ...given, fields: { tags: [] }, others: [], consents: given.consents.filter((c) => c.action === 'revoke') };
      if (!row.doNotContact && row.consents.length === 0) return;
    }
    const got = sink.contactFor(row.primary, row);
    let contact = got.contact;
    // A number erased on request (register/people.ts) keeps only the proof of its opt-out: a file may withdraw more,
    // never grant it again nor write the person's fields back.
    const erasedAt = contact?.erasedAt ?? null;
    if (erasedAt !== null)
      warn(
        row.row,
        importWarning(
          'erased_on_request',
          { phone: row.primary.e164, date: new Date(erasedAt).toISOString().slice(0, 10) },
          `${row.primary.e164} was erased on request on ${new Date(erasedAt).toISOString().slice(0, 10)}: no consent or personal data of this row was imported`,
        ),
        cells,
      );
    const plan: RowPlan = erasedAt === null ? row : { ...row, consents: row.consents.filter((c) => c.action === 'revoke') };
    const existingId = got.existed || (got.known && contact && touchedExisting.has(contact.id)) ? contact?.id : undefined;
    if (got.known) summary.merged++;
    else if (got.createdHere) summary.created++;
    if (contact && !got.createdHere && erasedAt === null) {
      const after = mergeFields(contact, plan, options.merge, now);
      if (after) {
        sink.update(contact, after);
        contact = after;
      }
      markExisting(existingId, after !== null);
    } else markExisting(existingId, false);

    // A number merged into another contact is no recipient of its own (the gate says `merged`, not this).
    if (policy.requiresPersonalDataConsent && !(contact && standsApart(contact)))
      summary.needsPersonalData += blockedForPersonalData(plan, contact && !got.createdHere ? contact.id : null);
    for (const c of plan.consents) {
      const evidence = expectedEvidence(plan, c);
      if (c.action === 'revoke') {
        const targets = revocationTargets(c.channel, c.purpose, policy);
        applyRevocations(contact, plan.primary.e164, targets, c.occurredAt, evidence, new Set());
      } else {
        if (contact) sink.event(contact, { channel: c.channel, purpose: c.purpose, action: c.action, occurredAt: c.occurredAt }, evidence);
        if (c.action === 'grant') summary.consentsGranted++;
        else if (c.action === 'claim') summary.claims++;
        else if (c.action === 'request') summary.requests++;
      }
      markExisting(existingId, true);
    }
    // Numbers this row links to the contact (its other numbers) that opted out before: the person has withdrawn, dated
    // when they did (register/person.ts optOutsCarried), as a merge does. Only numbers the register already holds.
    // A preview has no contact yet for a new number: it counts what the commit will carry to the one it makes.
    const person = contact ?? (dryRun ? ({ id: 0, phone: plan.primary.e164, mergedInto: null } as ContactRecord) : null);
    if (person && erasedAt === null && plan.others.length) {
      const joining = plan.others.flatMap((o) => {
        const c = o.e164 !== person.phone ? ctx.contacts.getByPhone(o.e164) : undefined;
        return c ? [c] : [];
      });
      const carried = optOutsCarried(ctx, joining, person.id > 0 ? numbersOfPerson(ctx, person) : [person], options.actor);
      for (const e of carried) {
        if (contact)
          sink.event(
            e.contact,
            { channel: e.channel, purpose: e.purpose, action: 'revoke', occurredAt: e.occurredAt },
            { ...expectedEvidence(plan, null), ...e.evidence },
          );
        summary.revocations++;
      }
      if (carried.length) markExisting(existingId, true);
    }
    if (plan.doNotContact) {
      const evidence = expectedEvidence(plan, null);
      const targets = doNotContactTargets();
      const reached = new Set<number>();
      markExisting(existingId, true);
      for (const phone of [plan.primary, ...plan.others]) {
        let holder = contact;
        if (phone !== plan.primary) {
          // The row's other numbers are the same person's: the withdrawal reaches them too.
          const other = sink.contactFor(phone, null);
          holder = other.contact;
          if (other.createdHere) summary.created++;
          markExisting(other.existed || (other.known && holder && touchedExisting.has(holder.id)) ? holder?.id : undefined, true);
        }
        applyRevocations(holder, phone.e164, targets, now, evidence, reached);
      }
    }
    for (const w of plan.warnings) warn(plan.row, w, cells);
  };

  let restoreCache = (): void => undefined;
  const beginCommit = (): void => {
    if (dryRun) return;
    restoreCache = limitPageCache(ctx.db, IMPORT_PAGE_CACHE_KIB);
    ctx.db.exec('BEGIN IMMEDIATE');
    batchId = ctx.imports.nextBatchId();
    ctx.imports.insertBatch({
      id: batchId!,
      fileName: file.name,
      fileSha256: sha256,
      fileBytes: sniff.bytes,
      options: {
        mapping: options.mapping,
        defaultCountry: rowCtx.defaultCountry,
        merge: options.merge,
        encoding: sniff.encoding,
        delimiter: sniff.delimiter,
        headerRow: sniff.headerRow,
        ...(sniff.sheet ? { sheet: sniff.sheet.name } : {}),
        ...(options.consentForFile ? { consentForFile: options.consentForFile } : {}),
      },
      summary: {},
      firstEventId: null,
      lastEventId: null,
      committedAt: now,
      committedBy: options.actor,
    });
  };
  const totalBytes = sniff.bytes;
  let bytesSoFar = 0;
  // Set when the file is about as large as the register: the list's orders are then built once, at the end.
  let buildListOrders: (() => void) | undefined;
  let sized = false;
  let committed = false;
  try {
    beginCommit();
    // What the file's head showed (headers alike, a NUL in the header) is reported on the header's row.
    for (const note of sniff.notes) warn(sniff.headerRow, note, sniff.headers);
    for await (const batch of readRecords(file.path, sniff, {
      ...(control.signal ? { signal: control.signal } : {}),
      onBytes: (bytesRead) => {
        bytesSoFar = bytesRead;
        control.onProgress?.({ bytesRead, totalBytes, rows: summary.rows });
      },
    })) {
      if (control.signal?.aborted) break;
      if (!dryRun && !sized && bytesSoFar > 0 && isLargeImport((batch.length * totalBytes) / bytesSoFar, ctx.contacts.maxId()))
        buildListOrders = ctx.contacts.deferListOrders();
      sized = true;
      // Interpret the batch, look its numbers up at once, then apply it: one step, one projection refresh.
      const plans: { plan: RowPlan; cells: readonly string[] }[] = [];
      const phones: string[] = [];
      for (const rec of batch) {
        // A blank line is not a row; nor is the one-cell footer CRM reports add ("Generated By …", "Confidential…").
        if (rec.cells.length === 1 && rec.cells[0]!.trim() === '') continue;
        if (rec.cells.length === 1 && headerCount >= 3 && !rec.problem && /\p{L}/u.test(rec.cells[0]!)) {
          warn(
            rec.row,
            importWarning('footer_skipped', { value: rec.cells[0]!.slice(0, 60) }, 'not a data row (a report footer or note line): skipped'),
            rec.cells,
          );
          continue;
        }
        summary.rows++;
        if (rec.warnings) for (const w of rec.warnings) warn(rec.row, w, rec.cells);
        if (rec.problem) {
          reject(rec.row, rec.problem, rec.cells);
          continue;
        }
        if (rec.cells.length !== headerCount) {
          reject(rec.row, ref('importRow.fieldCount', { fields: rec.cells.length, header: headerCount }), rec.cells);
          continue;
        }
        const outcome = interpretRow(rec.cells, rec.row, compiled, rowCtx);
        if (!outcome.ok) {
          reject(outcome.row, outcome.said, rec.cells);
          continue;
        }
        plans.push({ plan: outcome.plan, cells: rec.cells });
        const { primary, others, doNotContact } = outcome.plan;
        phones.push(primary.e164);
        if (doNotContact) for (const o of others) phones.push(o.e164);
      }
      sink.prefetch(phones);
      for (const { plan, cells } of plans) applyPlan(plan, cells);
      sink.endStep();
      await report.flush();
      // Let progress polls and a cancel request through between batches.
      await new Promise<void>((ok) => setImmediate(ok));
    }
    if (control.signal?.aborted) throw new AppError('CANCELLED', 'jobs.cancelled');
    // Never a silent 0: a file with bytes in it that gives no row is refused, and nothing is recorded.
    if (summary.rows === 0) {
      throw new AppError('UNREADABLE_FILE', summary.warnings > 0 ? 'imports.noDataRowsWarnings' : 'imports.noDataRowsHeaderOnly', {
        row: sniff.headerRow,
        line: sniff.headerLine,
      });
    }
    for (const changed of touchedExisting.values()) {
      if (changed) summary.updated++;
      else summary.unchanged++;
    }
    if (!dryRun) {
      if (firstNewContactId !== null) ctx.contacts.indexFrom(firstNewContactId);
      buildListOrders?.();
      summary.batch = batchId;
      ctx.imports.finishBatch(
        batchId!,
        { ...summary, errors: undefined, reportFileId: undefined, warningGroups: undefined },
        firstEventId,
        lastEventId,
      );
      appendAudit(ctx, options.actor, 'import.committed', `import:${batchId}`, {
        file: file.name,
        sha256,
        rows: summary.rows,
        created: summary.created,
        updated: summary.updated,
        rejected: summary.rejected,
        events: firstEventId === null ? 0 : lastEventId! - firstEventId + 1,
        firstEventId,
        lastEventId,
      });
      ctx.db.exec('COMMIT');
      committed = true;
    }
    control.onProgress?.({ bytesRead: totalBytes, totalBytes, rows: summary.rows });
    return summary;
  } finally {
    if (!dryRun && !committed && ctx.db.inTransaction) ctx.db.exec('ROLLBACK');
    restoreCache();
    await report.close();
    if (report.count === 0) {
      files.discard(reportFile.id);
      summary.reportFileId = null;
    }
  }
}

/** Everything an undo did. */
export interface UndoSummary {
  batch: number;
  retracted: number;
  revocationsKept: number;
  contactsRemoved: number;
  contactsRestored: number;
  contactsKept: number;
}

/**
 * Undo a committed import as a whole, in one transaction: every grant, claim and request it added is answered
 * by a retraction (the log stays append-only), contacts it created are removed, contacts it changed get their
 * earlier values back. Opt-outs it recorded stay: a withdrawal is honoured even when the file is taken back.
 */
export function undoImport(ctx: ServiceContext, batchId: number, actor: string): UndoSummary {
  const batch = ctx.imports.getBatch(batchId);
  if (!batch) throw new AppError('NOT_FOUND', 'imports.noBatch', { batch: batchId });
  if (batch.undoneAt !== null) throw new AppError('CONFLICT', 'imports.alreadyUndone', { batch: batchId });
  const policy = getSettings(ctx).effectivePolicy;
  const now = ctx.clock.now();
  return ctx.db
    .transaction((): UndoSummary => {
      const out: UndoSummary = { batch: batchId, retracted: 0, revocationsKept: 0, contactsRemoved: 0, contactsRestored: 0, contactsKept: 0 };
      const own =
        batch.firstEventId === null
          ? []
          : ctx.consent.eventsInRange(batch.firstEventId, batch.lastEventId!).filter((e) => e.evidence.importBatchId === String(batchId));
      const keepContacts = new Set<number>();
      const retractions: PendingEvent[] = [];
      for (const e of own) {
        if (e.action === 'revoke') {
          out.revocationsKept++;
          keepContacts.add(e.contactId);
          continue;
        }
        retractions.push({
          contact: { id: e.contactId, phone: e.phone },
          channel: e.channel,
          purpose: e.purpose,
          action: 'retract',
          method: 'import',
          occurredAt: now,
          recordedBy: actor,
          formVersionId: null,
          evidence: { importBatchId: String(batchId), note: storeSaid('note.importUndone', { batch: batchId, file: batch.fileName.slice(0, 300) }) },
          expiresAt: null,
          targetEventId: e.id,
        });
      }
      // The same append the register uses everywhere: chained, and the projection refreshed for each cell.
      const retracted = appendEvents(ctx, retractions, policy).map((e) => e.id);
      out.retracted = retracted.length;
      for (const id of ctx.contacts.createdByBatch(batchId)) {
        // A contact who has since given (or withdrawn) consent some other way is the shop's customer now, not the file's.
        if (keepContacts.has(id) || ctx.consent.eventsForContact(id).some((e) => e.evidence.importBatchId !== String(batchId))) {
          out.contactsKept++;
          continue;
        }
        ctx.contacts.remove(id, now);
        out.contactsRemoved++;
      }
      for (const { contactId, before } of ctx.imports.befores(batchId)) {
        const c = ctx.contacts.get(contactId);
        const b = before as ContactBefore;
        // A contact edited after the import keeps the later edit.
        if (!c || c.updatedAt !== batch.committedAt) continue;
        ctx.contacts.update({
          ...c,
          name: b.name,
          email: b.email,
          locale: b.locale,
          externalId: b.externalId,
          tags: b.tags,
          otherPhones: b.otherPhones,
          updatedAt: now,
        });
        out.contactsRestored++;
      }
      ctx.imports.markUndone(batchId, now, actor);
      // The audit row names the events it wrote, as every writer's does (audit verify: event_unaccounted).
      appendAudit(ctx, actor, 'import.undone', `import:${batchId}`, { ...out, events: retracted });
      return out;
    })
    .immediate();
}
