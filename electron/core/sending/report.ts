import { closeSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { storedText } from '../print/said';
import Papa from 'papaparse';
import type { Output, ParsedInput } from '../../../shared/contract/api';
import { AppError } from '../../../shared/contract/errors';
import type { Channel } from '../../../shared/domain/consent/types';
import { neutralizeCell } from '../../../shared/domain/csv/values';
import { formatPhoneForPeople } from '../../../shared/domain/phone/normalize';
import type { BatchRecord } from '../db/repos/batches.repo';
import type { OutboxRepo } from '../db/repos/outbox.repo';
import type { FileStore } from '../infra/files';
import { renderBatchReport, type ReportConsent, type ReportRow, type ReportSpec } from '../print';
import { iso, type ServiceContext } from '../context';
import { getSettings } from '../register/settings';
import { currentHeads } from '../register/integrity';
import { formatHead } from '../../../shared/domain/integrity/head';
import { localDay } from '../../../shared/domain/time/zones';
import { segmentSincePlan } from '../campaigns/plan';

/** The refusal for a campaign that is not in the register. */
const noBatch = (batch: number): AppError =>
  new AppError('NOT_FOUND', 'campaigns.notFound', { batch }, { fields: [{ path: 'batch', key: 'campaigns.unknownBatch' }] });

type Locale = 'en' | 'ru';

/** CSV columns, in a fixed order whatever the language of their header. */
const CSV_COLUMNS = [
  'batch',
  'contactId',
  'name',
  'phone',
  'step',
  'path',
  'channel',
  'status',
  'reason',
  'provider',
  'providerMessageId',
  'attempts',
  'handedOffAt',
  'statusAt',
  'consentEventId',
  'consentUid',
  'consentMethod',
  'consentGivenAt',
  'consentRecordedAt',
  'consentRecordedBy',
  'formCode',
  'formSha256',
  'sheetSerial',
  'writtenName',
  'inboundMessageId',
  'consentSource',
  'consentEventHash',
  'optedOutAfterAt',
  'text',
] as const;
type CsvColumn = (typeof CSV_COLUMNS)[number];

const CSV_HEADERS: Record<Locale, Record<CsvColumn, string>> = {
  en: {
    batch: 'Batch',
    contactId: 'Contact ID',
    name: 'Name',
    phone: 'Phone',
    step: 'Step',
    path: 'Path',
    channel: 'Channel',
    status: 'Status',
    reason: 'Reason',
    provider: 'Provider',
    providerMessageId: 'Provider message ID',
    attempts: 'Attempts',
    handedOffAt: 'Handed off at (UTC)',
    statusAt: 'Status at (UTC)',
    consentEventId: 'Consent event ID',
    consentUid: 'Consent UID',
    consentMethod: 'Consent method',
    consentGivenAt: 'Consent given at (UTC)',
    consentRecordedAt: 'Consent recorded at (UTC)',
    consentRecordedBy: 'Consent recorded by',
    optedOutAfterAt: 'Opted out after hand-off at (UTC)',
    formCode: 'Form code',
    formSha256: 'Form fingerprint (SHA-256)',
    sheetSerial: 'Sheet serial',
    writtenName: 'Name as written on the sheet',
    inboundMessageId: 'Inbound message ID',
    consentSource: 'Consent source',
    consentEventHash: 'Consent event hash',
    text: 'Message text as sent',
  },
  ru: {
    batch: 'Рассылка',
    contactId: 'ID контакта',
    name: 'Имя',
    phone: 'Телефон',
    step: 'Шаг',
    path: 'Путь',
    channel: 'Канал',
    status: 'Статус',
    reason: 'Причина',
    provider: 'Провайдер',
    providerMessageId: 'ID сообщения у провайдера',
    attempts: 'Попыток',
    handedOffAt: 'Передано провайдеру (UTC)',
    statusAt: 'Время статуса (UTC)',
    consentEventId: 'ID события согласия',
    consentUid: 'UID согласия',
    consentMethod: 'Способ получения согласия',
    consentGivenAt: 'Согласие дано (UTC)',
    consentRecordedAt: 'Согласие внесено (UTC)',
    consentRecordedBy: 'Кем внесено',
    optedOutAfterAt: 'Отписался после передачи (UTC)',
    formCode: 'Код формы',
    formSha256: 'Отпечаток формы (SHA-256)',
    sheetSerial: 'Номер листа',
    writtenName: 'Имя, как написано на листе',
    inboundMessageId: 'ID входящего сообщения',
    consentSource: 'Источник согласия',
    consentEventHash: 'Хеш события согласия',
    text: 'Текст сообщения, как отправлен',
  },
};

/** Rows are written in chunks of this many: the file is streamed, never held whole. */
const CSV_CHUNK = 2000;

type Recipient = ReturnType<OutboxRepo['allWithProof']> extends Generator<infer R> ? R : never;

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * A batch's recipient steps with the consent each went under, one contact at a time (the outbox yields a
 * contact's steps together, so the path is known without holding more than two rows).
 */
function* reportRows(ctx: ServiceContext, batchId: number, language: Locale): Generator<ReportRow> {
  // Forms are few and shared by many rows; events come with their rows from one streamed query.
  const forms = new Map<number, { code: string; sha256: string } | null>();
  const formOf = (id: number) => {
    let f = forms.get(id);
    if (f === undefined) {
      const record = ctx.forms.get(id);
      f = record ? { code: record.code, sha256: record.sha256 } : null;
      forms.set(id, f);
    }
    return f;
  };
  // What was written on the paper row a consent came from: one look-up per sheet row, however many steps cite it.
  const written = new Map<string, string | null>();
  const writtenOn = (sheetRef: string | null, row: unknown): string | null => {
    if (!sheetRef || typeof row !== 'number') return null;
    const key = `${sheetRef}#${row}`;
    let name = written.get(key);
    if (name === undefined) {
      name = ctx.sheets.writtenNameAt(sheetRef, row);
      written.set(key, name);
    }
    return name;
  };
  const consentOf = (e: Recipient['proof']): ReportConsent | null => {
    if (!e) return null;
    const ev = e.evidence;
    const evidenceForm = typeof ev.formVersionId === 'number' ? ev.formVersionId : null;
    const formId = e.formVersionId ?? evidenceForm;
    const form = formId === null ? null : formOf(formId);
    const fileName = text(ev.fileName);
    // A source or note the register wrote is stored by key: in the report's language (a provider's code as it came).
    const said = (v: unknown): string | null => (text(v) === null ? null : storedText(v as string, language));
    const source = said(ev.source) ?? (fileName ? `${fileName}${typeof ev.row === 'number' ? ` #${ev.row}` : ''}` : said(ev.note));
    return {
      eventId: e.id,
      uid: e.uid,
      method: e.method,
      action: e.action,
      occurredAt: e.occurredAt,
      recordedAt: e.recordedAt,
      recordedBy: e.recordedBy,
      formCode: form?.code ?? (formId === null ? null : `#${formId}`),
      formSha256: form?.sha256 ?? null,
      sheetRef: text(ev.sheetRef),
      writtenName: e.method === 'paper_form' ? writtenOn(text(ev.sheetRef), ev.row) : null,
      inboundMessageId: text(ev.inboundMessageId),
      source,
      hash: e.hash,
    };
  };
  const toRows = (steps: Recipient[]): ReportRow[] => {
    const path: Channel[] = steps.map((s) => s.channel);
    return steps.map((s) => ({
      recipientId: s.id,
      contactId: s.contactId,
      name: s.name,
      phone: s.phone,
      step: s.step,
      path,
      channel: s.channel,
      status: s.status,
      // A reason stated by key reads in the report's language; a code stays a code (the PDF names it, the CSV keeps it).
      reason: s.reason === null ? null : storedText(s.reason, language),
      provider: s.provider,
      providerMessageId: s.providerMessageId,
      attempts: s.attempts,
      handedOffAt: s.handedOffAt,
      updatedAt: s.updatedAt,
      text: s.text,
      consent: consentOf(s.proof),
      // Handed off, then the person withdrew: the report says the message went before the opt-out.
      optedOutAt:
        s.sendingAt !== null && s.proof ? ctx.consent.firstWithdrawalAfter(s.contactId, s.channel, 'marketing', s.sendingAt, s.gateEventId) : null,
    }));
  };
  let contact: Recipient[] = [];
  for (const r of ctx.outbox.allWithProof(batchId)) {
    if (contact.length > 0 && contact[0]!.contactId !== r.contactId) {
      yield* toRows(contact);
      contact = [];
    }
    contact.push(r);
  }
  if (contact.length > 0) yield* toRows(contact);
}

function csvCells(batchId: number, r: ReportRow): string[] {
  const c = r.consent;
  const cells: Record<CsvColumn, string> = {
    batch: String(batchId),
    contactId: String(r.contactId),
    name: r.name,
    phone: r.phone,
    step: String(r.step + 1),
    path: r.path.join(' → '),
    channel: r.channel,
    status: r.status,
    reason: r.reason ?? '',
    provider: r.provider ?? '',
    providerMessageId: r.providerMessageId ?? '',
    attempts: String(r.attempts),
    handedOffAt: r.handedOffAt === null ? '' : iso(r.handedOffAt),
    statusAt: iso(r.updatedAt),
    consentEventId: c ? String(c.eventId) : '',
    consentUid: c?.uid ?? '',
    consentMethod: c?.method ?? '',
    consentGivenAt: c ? iso(c.occurredAt) : '',
    consentRecordedAt: c ? iso(c.recordedAt) : '',
    consentRecordedBy: c?.recordedBy ?? '',
    formCode: c?.formCode ?? '',
    formSha256: c?.formSha256 ?? '',
    sheetSerial: c?.sheetRef ?? '',
    writtenName: c?.writtenName ?? '',
    inboundMessageId: c?.inboundMessageId ?? '',
    consentSource: c?.source ?? '',
    consentEventHash: c?.hash ?? '',
    optedOutAfterAt: r.optedOutAt === null ? '' : new Date(r.optedOutAt).toISOString(),
    text: r.text ?? '',
  };
  // Names, reasons and message texts come from outside: nothing may run as a formula in a spreadsheet.
  return CSV_COLUMNS.map((k) => neutralizeCell(cells[k]));
}

/** UTF-8 with a BOM (Excel reads Cyrillic right only with one), CRLF, streamed in chunks. */
function writeCsv(path: string, locale: Locale, batchId: number, rows: Iterable<ReportRow>): number {
  const fd = openSync(path, 'w');
  let count = 0;
  try {
    writeSync(fd, Buffer.from([0xef, 0xbb, 0xbf]));
    const header = CSV_COLUMNS.map((k) => CSV_HEADERS[locale][k]);
    let chunk: string[][] = [header];
    const flush = () => {
      if (chunk.length === 0) return;
      writeSync(fd, Papa.unparse(chunk, { newline: '\r\n' }) + '\r\n');
      chunk = [];
    };
    for (const r of rows) {
      chunk.push(csvCells(batchId, r));
      count++;
      if (chunk.length >= CSV_CHUNK) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return count;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The plan's counts and lint verdict as stored with the batch. */
function planOf(b: BatchRecord): Pick<ReportSpec, 'plan' | 'lint'> {
  const counts = b.counts;
  const byChannel = (counts.byChannel ?? {}) as Record<string, unknown>;
  const excluded = Object.fromEntries(Object.entries((counts.excluded ?? {}) as Record<string, unknown>).map(([k, v]) => [k, num(v)]));
  const lint = b.lint;
  const errors = Array.isArray(lint.errors)
    ? (lint.errors as { rule?: unknown; message?: unknown }[]).map((e) => ({ rule: String(e.rule ?? ''), message: String(e.message ?? '') }))
    : [];
  return {
    plan: {
      audience: num(counts.audience),
      eligible: num(counts.eligible),
      byChannel: { whatsapp: num(byChannel.whatsapp), sms: num(byChannel.sms) },
      excluded,
    },
    lint: {
      ok: typeof lint.ok === 'boolean' ? lint.ok : b.lintOk,
      errors,
      warnings: num(lint.warnings),
      // Campaigns planned before the list was kept have the count alone.
      warningRules: Array.isArray(lint.warningList) ? [...new Set((lint.warningList as { rule?: unknown }[]).map((w) => String(w.rule ?? '')))] : [],
      segments: typeof lint.segments === 'number' ? lint.segments : null,
      encoding: typeof lint.encoding === 'string' ? lint.encoding : null,
    },
  };
}

/**
 * campaign.report: the campaign report an auditor can be shown — who got what, when, under which consent — as a
 * PDF to read or a CSV to check, with the register's fingerprint (the audit chain's head) at generation time.
 * Reads only; the whole report is read in one transaction, so it is one consistent state of the register.
 */
export async function createBatchReport(
  ctx: ServiceContext,
  files: FileStore,
  input: ParsedInput<'campaign.report'>,
): Promise<Output<'campaign.report'>> {
  const b = ctx.batches.get(input.batch);
  if (!b) throw noBatch(input.batch);
  const settings = getSettings(ctx);
  const now = ctx.clock.now();
  const locale: Locale = input.locale;
  const name = `optin-batch-${b.id}-report-${localDay(now, settings.timezone)}.${input.format}`;
  const file = files.createOutput(name);

  if (input.format === 'csv') {
    // The CSV stays one row per recipient step (a trailer would break its readers): its head comes with the answer.
    const { recipients, head } = ctx.db.transaction(() => ({
      head: formatHead(currentHeads(ctx)),
      recipients: writeCsv(file.path, locale, b.id, reportRows(ctx, b.id, locale)),
    }))();
    return { fileId: file.id, name, bytes: statSync(file.path).size, recipients, head };
  }

  // Everything is read (and the pages laid out) inside one transaction; only the PDF's bytes are collected after it.
  const { pdf, recipients, head } = ctx.db.transaction(() => {
    const run = ctx.outbox.getRun(b.id);
    const outcome = ctx.outbox.counts(b.id);
    const recipients = Object.values(outcome).reduce((s, n) => s + n, 0);
    const spec: ReportSpec = {
      language: locale,
      timeZone: settings.timezone,
      generatedAt: now,
      shop: {
        name: settings.businessName,
        address: settings.businessAddress,
        phone: settings.shopPhone ? formatPhoneForPeople(settings.shopPhone) : null,
        senderName: settings.senderName,
      },
      register: { audit: ctx.audit.lastLink(), consent: ctx.consent.lastLink() },
      batch: {
        id: b.id,
        name: b.name,
        channel: b.channel,
        purpose: b.purpose,
        text: b.text,
        tags: b.audience.tags,
        segment: b.audience.segment ? { name: b.audience.segment.name, now: segmentSincePlan(b, ctx.segments.list())! } : null,
        plannedAt: b.plannedAt,
        createdAt: b.createdAt,
        createdBy: b.createdBy,
        state: b.state,
      },
      run: run
        ? {
            startedAt: run.startedAt,
            startedBy: run.startedBy,
            finishedAt: run.finishedAt,
            pausedAt: run.pausedAt,
            pausedReason: run.pausedReason === null ? null : storedText(run.pausedReason, locale),
            providers: run.providers,
            fallbackAfterMs: run.fallbackAfterMs,
          }
        : null,
      ...planOf(b),
      outcome,
      skipped: ctx.outbox.skipReasons(b.id),
      recipients,
      rows: reportRows(ctx, b.id, locale),
    };
    return { pdf: renderBatchReport(spec), recipients, head: formatHead(currentHeads(ctx)) };
  })();
  const bytes = await pdf;
  writeFileSync(file.path, bytes);
  return { fileId: file.id, name, bytes: bytes.length, recipients, head };
}
