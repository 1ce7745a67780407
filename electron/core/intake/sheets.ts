import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { extname, join } from 'node:path';
import { api, type ConsentEvent, type Output, type ParsedInput } from '../../../shared/contract/api';
import { AppError } from '../../../shared/contract/errors';
import { parseSerial } from '../../../shared/domain/forms/links';
import { localDay, zonedTimeToUtc } from '../../../shared/domain/time/zones';
import { describePhoneRefusal, normalizePhone } from '../../../shared/domain/phone/normalize';
import type { SheetRecord, SheetSummaryRecord } from '../db/repos/sheets.repo';
import type { FileStore } from '../infra/files';
import { sha256Hex } from '../infra/hash';
import { appendAudit, iso, isoOrNull, type ServiceContext } from '../context';
import { recordConsent } from '../register/consent';
import { toForm } from './forms';
import { getSettings } from '../register/settings';
import { resolveActor } from '../register/staff';

/** A printed sheet with nothing entered and no scan after this long is flagged as possibly lost. */
const NOT_RETURNED_AFTER_MS = 14 * 24 * 60 * 60 * 1000;
/** Scans and photos a phone or a scanner makes; anything else is refused by name. */
const SCAN_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.heic': 'image/heic',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.pdf': 'application/pdf',
};
const MAX_SCAN_BYTES = 50 * 1024 * 1024;

function sheetOrThrow(ctx: ServiceContext, typed: string): SheetRecord {
  const serial = parseSerial(typed);
  if (!serial)
    throw new AppError(
      'VALIDATION_FAILED',
      `serial: "${typed.slice(0, 40)}" is not a sheet serial (printed at the top of the sheet, e.g. S-000042)`,
      {
        fields: [{ path: 'serial', message: 'not a serial' }],
      },
    );
  const sheet = ctx.sheets.bySerial(serial);
  if (!sheet)
    throw new AppError('NOT_FOUND', `serial: no sheet ${serial} was printed from this register`, {
      fields: [{ path: 'serial', message: 'unknown sheet' }],
    });
  return sheet;
}

function summary(s: SheetSummaryRecord, now: number): Output<'sheets.list'>['sheets'][number] {
  return {
    serial: s.serial,
    formVersionId: s.formVersionId,
    formCode: s.formCode,
    formTitle: s.formTitle,
    layout: s.layout,
    rows: s.rows,
    paper: s.paper,
    printRun: s.printRun,
    printedAt: iso(s.printedAt),
    printedBy: s.printedBy,
    enteredRows: s.enteredRows,
    scans: s.scans,
    lastEnteredAt: isoOrNull(s.lastEnteredAt),
    notReturned: s.enteredRows === 0 && s.scans === 0 && now - s.printedAt > NOT_RETURNED_AFTER_MS,
  };
}

/** sheets.list: printed sheets, newest first, with how far entry has got and which seem lost. */
export function listSheets(ctx: ServiceContext, input: ParsedInput<'sheets.list'>): Output<'sheets.list'> {
  const now = ctx.clock.now();
  const formId = input.formVersionId ?? null;
  return { total: ctx.sheets.count(formId), sheets: ctx.sheets.list(formId, input.offset, input.limit).map((s) => summary(s, now)) };
}

/** sheets.get: one sheet by serial (as typed or scanned) with its form, entered rows and scans. */
export function getSheet(ctx: ServiceContext, input: ParsedInput<'sheets.get'>): Output<'sheets.get'> {
  const sheet = sheetOrThrow(ctx, input.serial);
  const s = ctx.sheets.summary(sheet.id);
  const record = ctx.forms.get(sheet.formVersionId);
  const form = record ? toForm(record) : undefined;
  if (!s || !form) throw new AppError('NOT_FOUND', `serial: sheet ${sheet.serial} is incomplete`);
  const rows = ctx.sheets.rows(sheet.id);
  const taken = new Set(rows.map((r) => r.row));
  let nextRow: number | null = null;
  for (let r = 1; r <= sheet.rows && nextRow === null; r++) if (!taken.has(r)) nextRow = r;
  return {
    sheet: summary(s, ctx.clock.now()),
    form,
    rows: rows.map((r) => ({
      row: r.row,
      contactId: r.contactId,
      phone: r.phone,
      name: r.name,
      signedOn: r.signedOn,
      enteredAt: iso(r.enteredAt),
      enteredBy: r.enteredBy,
      events: r.events,
    })),
    scans: ctx.sheets
      .scans(sheet.id)
      .map((c) => ({ sha256: c.sha256, fileName: c.fileName, mediaType: c.mediaType, bytes: c.bytes, addedAt: iso(c.addedAt), addedBy: c.addedBy })),
    nextRow,
  };
}

/** sheets.checkPhone: what the entry screen shows beside a number as it is typed. */
export function checkSheetPhone(ctx: ServiceContext, input: ParsedInput<'sheets.checkPhone'>): Output<'sheets.checkPhone'> {
  const settings = getSettings(ctx);
  const p = normalizePhone(input.phone, settings.defaultCountry);
  if (!p.ok) return { ok: false, problem: describePhoneRefusal(p.reason), phone: null, messageable: false, contact: null, onSheets: [] };
  const contact = ctx.contacts.getByPhone(p.value.e164);
  return {
    ok: true,
    problem: null,
    phone: p.value.e164,
    messageable: p.value.messageable,
    contact: contact ? { id: contact.id, name: contact.name } : null,
    onSheets: contact ? ctx.sheets.rowsForContact(contact.id) : [],
  };
}

/**
 * sheets.enterRow: one row of a signed sheet becomes `paper_form` consents — one per ticked channel and purpose —
 * whose evidence names the form version, the sheet serial and the row (and the scan, when one is attached).
 * The row is dated by the date written on the sheet, from the start of that day (or the printing, if later):
 * an opt-out received later that day still wins.
 */
export function enterSheetRow(ctx: ServiceContext, input: ParsedInput<'sheets.enterRow'>): Output<'sheets.enterRow'> {
  const sheet = sheetOrThrow(ctx, input.serial);
  const form = ctx.forms.get(sheet.formVersionId);
  if (!form) throw new AppError('NOT_FOUND', `serial: the form of sheet ${sheet.serial} is missing`);
  const settings = getSettings(ctx);
  const actor = resolveActor(ctx, input.staff);
  const field = (path: string, message: string, code: 'VALIDATION_FAILED' | 'CONFLICT' | 'FORM_MISMATCH' | 'FUTURE_DATE' = 'VALIDATION_FAILED') =>
    new AppError(code, `${path}: ${message}`, { fields: [{ path, message }] });

  if (input.row > sheet.rows) throw field('row', `sheet ${sheet.serial} has ${sheet.rows} row${sheet.rows === 1 ? '' : 's'}`);
  const existing = ctx.sheets.rows(sheet.id).find((r) => r.row === input.row);
  if (existing)
    throw field(
      'row',
      `row ${input.row} of ${sheet.serial} was entered already (${existing.name || existing.phone}, by ${existing.enteredBy})`,
      'CONFLICT',
    );
  const strayChannel = input.channels.find((c) => !form.channels.includes(c));
  if (strayChannel) throw field('channels', `sheet ${sheet.serial} (${form.code}) has no ${strayChannel} box`, 'FORM_MISMATCH');
  const purposes = input.purposes ?? form.purposes;
  const strayPurpose = purposes.find((p) => !form.purposes.includes(p));
  if (strayPurpose) throw field('purposes', `form ${form.code} does not ask for ${strayPurpose}`, 'FORM_MISMATCH');

  const now = ctx.clock.now();
  const [y, m, d] = input.signedOn.split('-').map(Number) as [number, number, number];
  const dayStart = zonedTimeToUtc(y, m, d, 0, 0, 0, settings.timezone);
  if (input.signedOn > localDay(now, settings.timezone)) throw field('signedOn', `${input.signedOn} is in the future`, 'FUTURE_DATE');
  const printedDay = localDay(sheet.printedAt, settings.timezone);
  if (input.signedOn < printedDay)
    throw field('signedOn', `${input.signedOn} is before sheet ${sheet.serial} was printed (${printedDay}) — check the date`);
  const occurredAt = Math.min(Math.max(dayStart, sheet.printedAt), now);

  const scan = ctx.sheets.scans(sheet.id).at(-1);
  const evidence = {
    formVersionId: form.id,
    sheetRef: sheet.serial,
    row: input.row,
    ...(scan ? { scanSha256: scan.sha256 } : {}),
    note: `signed on ${input.signedOn}`,
  };

  return ctx.db
    .transaction(() => {
      const events: ConsentEvent[] = [];
      let contactId: number | null = null;
      let createdContact = false;
      let downgraded: Output<'consent.record'>['downgraded'] = null;
      for (const channel of [...new Set(input.channels)])
        for (const purpose of [...new Set(purposes)]) {
          const r = recordConsent(
            ctx,
            api['consent.record'].input.parse({
              ...(contactId !== null ? { contactId } : { phone: input.phone, name: input.name }),
              channel,
              purpose,
              action: 'grant',
              method: 'paper_form',
              occurredAt: iso(occurredAt),
              staff: actor,
              evidence,
            }),
          );
          if (contactId === null) createdContact = r.createdContact;
          contactId = r.contact.id;
          downgraded ??= r.downgraded;
          events.push(...r.events);
        }
      if (contactId === null) throw field('channels', 'tick at least one channel');
      const contact = ctx.contacts.get(contactId);
      if (contact && !contact.name && input.name) ctx.contacts.update({ ...contact, name: input.name, updatedAt: now });
      ctx.sheets.insertRow({
        sheetId: sheet.id,
        row: input.row,
        contactId,
        signedOn: input.signedOn,
        enteredAt: now,
        enteredBy: actor,
        events: events.map((e) => e.id),
      });
      appendAudit(ctx, actor, 'sheet.row_entered', `sheet:${sheet.serial}`, { row: input.row, contact: contactId, events: events.map((e) => e.id) });
      const final = ctx.contacts.get(contactId);
      return {
        serial: sheet.serial,
        row: input.row,
        contactId,
        phone: final?.phone ?? '',
        name: final?.name ?? '',
        createdContact,
        events,
        downgraded,
      };
    })
    .immediate();
}

/**
 * sheets.attachScan: keep a photo or scan of the signed sheet in the app's data folder under its SHA-256, so
 * the sheet's rows can point to the exact picture.
 */
export function attachSheetScan(
  ctx: ServiceContext,
  files: FileStore,
  scansDir: string,
  input: ParsedInput<'sheets.attachScan'>,
): Output<'sheets.attachScan'> {
  const sheet = sheetOrThrow(ctx, input.serial);
  const actor = resolveActor(ctx, input.staff);
  const file = files.get(input.fileId);
  const ext = extname(file.name).toLowerCase();
  const mediaType = SCAN_TYPES[ext];
  if (!mediaType)
    throw new AppError('UNREADABLE_FILE', `fileId: ${file.name} is not a photo or scan (JPEG, PNG, WebP, HEIC, TIFF or PDF)`, {
      fields: [{ path: 'fileId', message: 'not an image or PDF' }],
    });
  if (file.bytes === 0) throw new AppError('UNREADABLE_FILE', `fileId: ${file.name} is empty`);
  if (file.bytes > MAX_SCAN_BYTES) throw new AppError('UNREADABLE_FILE', `fileId: ${file.name} is larger than 50 MB`);
  const sha256 = sha256Hex(readFileSync(file.path));
  mkdirSync(scansDir, { recursive: true });
  const target = join(scansDir, `${sha256}${ext}`);
  if (!existsSync(target)) {
    // Copy under a temporary name first: a half-written scan is never taken for the real one.
    const partial = `${target}.partial`;
    copyFileSync(file.path, partial);
    renameSync(partial, target);
  }
  const now = ctx.clock.now();
  const added = ctx.db.transaction(() => {
    const fresh = ctx.sheets.insertScan({
      sheetId: sheet.id,
      sha256,
      fileName: file.name,
      mediaType,
      bytes: file.bytes,
      addedAt: now,
      addedBy: actor,
    });
    if (fresh) appendAudit(ctx, actor, 'sheet.scan_attached', `sheet:${sheet.serial}`, { sha256, bytes: file.bytes });
    return fresh;
  })();
  return { serial: sheet.serial, sha256, bytes: file.bytes, mediaType, duplicate: !added };
}
