import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { ref, said, storeSaid } from '../../../shared/contract/said';
import { extname, join } from 'node:path';
import { api, type ConsentEvent, type Output, type ParsedInput } from '../../../shared/contract/api';
import { AppError, type MessageKey, type MessageParams } from '../../../shared/contract/errors';
import { parseSerial } from '../../../shared/domain/forms/links';
import { localDay, zonedTimeToUtc } from '../../../shared/domain/time/zones';
import { describePhoneRefusal, normalizePhone } from '../../../shared/domain/phone/normalize';
import { namesDiffer } from '../../../shared/domain/forms/written-name';
import { foldEvents } from '../../../shared/domain/consent/fold';
import type { Channel, Purpose } from '../../../shared/domain/consent/types';
import type { SheetRecord, SheetRowRecord, SheetSummaryRecord } from '../db/repos/sheets.repo';
import type { FileStore } from '../infra/files';
import { sha256Hex } from '../infra/hash';
import { appendAudit, iso, isoOrNull, type ServiceContext } from '../context';
import { recordConsentEvents, toApiEvent } from '../register/consent';
import { appendEvents, toFoldable, type PendingEvent } from '../register/consent-log';
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
      'sheets.notASerial',
      { typed: typed.slice(0, 40) },
      { fields: [{ path: 'serial', key: 'sheets.notASerialField' }] },
    );
  const sheet = ctx.sheets.bySerial(serial);
  if (!sheet) throw new AppError('NOT_FOUND', 'sheets.unknown', { serial }, { fields: [{ path: 'serial', key: 'sheets.unknownField' }] });
  // The separate personal-data document is entered together with the consent document it was printed with.
  if (sheet.pairsWith !== null) return ctx.sheets.get(sheet.pairsWith) ?? sheet;
  return sheet;
}

/** When a row signed on `signedOn` counts from: the start of that day in the shop's zone, or the printing if later. */
function rowTime(printedAt: number, signedOn: string, timezone: string, now: number): number {
  const [y, m, d] = signedOn.split('-').map(Number) as [number, number, number];
  return Math.min(Math.max(zonedTimeToUtc(y, m, d, 0, 0, 0, timezone), printedAt), now);
}

/** A row as the contract shows it. */
function toApiRow(r: SheetRowRecord): Output<'sheets.get'>['rows'][number] {
  const c = r.correction;
  return {
    row: r.row,
    contactId: c?.contactId ?? r.contactId,
    phone: r.phone,
    name: r.name,
    writtenName: r.writtenName,
    writtenPhone: r.writtenPhone,
    signedOn: r.signedOn,
    enteredAt: iso(r.enteredAt),
    enteredBy: r.enteredBy,
    events: r.events,
    correction: c
      ? {
          kind: c.kind,
          reason: c.reason,
          writtenName: c.writtenName,
          writtenPhone: c.writtenPhone,
          at: iso(c.correctedAt),
          by: c.correctedBy,
          events: c.events,
        }
      : null,
  };
}

function summary(s: SheetSummaryRecord, now: number): Output<'sheets.list'>['sheets'][number] {
  return {
    serial: s.serial,
    formVersionId: s.formVersionId,
    formCode: s.formCode,
    formTitle: s.formTitle,
    layout: s.layout,
    personalDataSerial: s.personalDataSerial,
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
  if (!s || !form) throw new AppError('NOT_FOUND', 'sheets.incomplete', { serial: sheet.serial });
  const rows = ctx.sheets.rows(sheet.id);
  const taken = new Set(rows.map((r) => r.row));
  let nextRow: number | null = null;
  for (let r = 1; r <= sheet.rows && nextRow === null; r++) if (!taken.has(r)) nextRow = r;
  return {
    sheet: summary(s, ctx.clock.now()),
    form,
    rows: rows.map(toApiRow),
    scans: ctx.sheets
      .scans(sheet.id)
      .map((c) => ({ sha256: c.sha256, fileName: c.fileName, mediaType: c.mediaType, bytes: c.bytes, addedAt: iso(c.addedAt), addedBy: c.addedBy })),
    nextRow,
  };
}

/** sheets.contactRows: the paper rows of one contact (entered for them or corrected to them), for its page. */
export function contactSheetRows(ctx: ServiceContext, input: ParsedInput<'sheets.contactRows'>): Output<'sheets.contactRows'> {
  if (!ctx.contacts.get(input.contactId)) throw AppError.field('NOT_FOUND', 'contactId', 'sheets.noContact', { id: input.contactId });
  const bySheet = new Map<number, { serial: string; formCode: string; rows: SheetRowRecord[] }>();
  const out: Output<'sheets.contactRows'>['rows'] = [];
  for (const key of ctx.sheets.rowKeysForContact(input.contactId)) {
    let s = bySheet.get(key.sheetId);
    if (!s) {
      const sheet = ctx.sheets.get(key.sheetId);
      if (!sheet) continue;
      s = { serial: sheet.serial, formCode: ctx.forms.get(sheet.formVersionId)?.code ?? '', rows: ctx.sheets.rows(sheet.id) };
      bySheet.set(key.sheetId, s);
    }
    const r = s.rows.find((x) => x.row === key.row);
    if (r) out.push({ ...toApiRow(r), serial: s.serial, formCode: s.formCode });
  }
  return { rows: out };
}

/**
 * sheets.checkPhone: what the entry screen shows beside a number as it is typed — and, given the rest of the row,
 * what saving it would do: a name that differs from the contact's, opt-outs the row would meet (and whether the
 * row's date gives the consent again or the opt-out still wins), and marketing the pack would still not send for
 * lack of the personal-data consent.
 */
export function checkSheetPhone(ctx: ServiceContext, input: ParsedInput<'sheets.checkPhone'>): Output<'sheets.checkPhone'> {
  const settings = getSettings(ctx);
  const p = normalizePhone(input.phone, settings.defaultCountry);
  if (!p.ok)
    return {
      ok: false,
      problem: describePhoneRefusal(p.reason),
      problemSaid: said(`phone.${p.reason}`),
      phone: null,
      messageable: false,
      contact: null,
      onSheets: [],
      nameDiffers: false,
      optedOut: [],
      needsPersonalData: false,
    };
  const contact = ctx.contacts.getByPhone(p.value.e164);
  const sheet = input.serial && parseSerial(input.serial) ? ctx.sheets.bySerial(parseSerial(input.serial)!) : undefined;
  const form = sheet ? ctx.forms.get(sheet.formVersionId) : undefined;
  const channels: Channel[] = input.channels?.length ? input.channels : (form?.channels ?? ['sms', 'whatsapp']);
  const purposes: Purpose[] = input.purposes?.length ? input.purposes : (form?.purposes ?? ['marketing']);
  const now = ctx.clock.now();
  const events = contact ? ctx.consent.eventsForContact(contact.id).map(toFoldable) : [];
  const stateOf = (channel: Channel, purpose: Purpose) =>
    foldEvents(
      events.filter((e) => e.channel === channel && e.purpose === purpose),
      now,
      settings.effectivePolicy,
    );

  const optedOut: Output<'sheets.checkPhone'>['optedOut'] = [];
  if (contact) {
    const day = input.signedOn ?? localDay(now, settings.timezone);
    const from = rowTime(sheet?.printedAt ?? 0, day, settings.timezone, now);
    for (const channel of channels)
      for (const purpose of purposes) {
        const state = stateOf(channel, purpose);
        // The fold puts a withdrawal after a grant of the same instant: the row wins only when it counts from later.
        if (state.status === 'revoked' && state.since !== null)
          optedOut.push({ channel, purpose, at: iso(state.since), rowWins: from > state.since });
      }
  }
  const pack = settings.effectivePolicy;
  const pdInForce = (['sms', 'whatsapp'] as const).some((c) => stateOf(c, 'personal_data').status === 'granted');
  return {
    ok: true,
    problem: null,
    problemSaid: null,
    phone: p.value.e164,
    messageable: p.value.messageable,
    contact: contact ? { id: contact.id, name: contact.name } : null,
    onSheets: contact ? ctx.sheets.rowsForContact(contact.id) : [],
    nameDiffers: !!contact && !!input.name && namesDiffer(input.name, contact.name),
    optedOut,
    needsPersonalData: pack.requiresPersonalDataConsent && purposes.includes('marketing') && !purposes.includes('personal_data') && !pdInForce,
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
  if (!form) throw new AppError('NOT_FOUND', 'sheets.formMissing', { serial: sheet.serial });
  const settings = getSettings(ctx);
  const actor = resolveActor(ctx, input.staff);
  const field = (
    path: string,
    key: MessageKey,
    params?: MessageParams,
    code: 'VALIDATION_FAILED' | 'CONFLICT' | 'FORM_MISMATCH' | 'FUTURE_DATE' = 'VALIDATION_FAILED',
  ) => AppError.field(code, path, key, params);

  if (input.row > sheet.rows) throw field('row', 'sheets.tooFewRows', { serial: sheet.serial, count: sheet.rows });
  const existing = ctx.sheets.rowAt(sheet.id, input.row);
  if (existing)
    throw field(
      'row',
      'sheets.rowTaken',
      { row: input.row, serial: sheet.serial, who: existing.name || existing.phone, by: existing.enteredBy },
      'CONFLICT',
    );
  const strayChannel = input.channels.find((c) => !form.channels.includes(c));
  if (strayChannel) throw field('channels', 'sheets.noBox', { serial: sheet.serial, form: form.code, channel: strayChannel }, 'FORM_MISMATCH');
  const purposes = input.purposes ?? form.purposes;
  const strayPurpose = purposes.find((p) => !form.purposes.includes(p));
  if (strayPurpose) throw field('purposes', 'sheets.purposeNotAsked', { form: form.code, purpose: strayPurpose }, 'FORM_MISMATCH');

  const now = ctx.clock.now();
  if (input.signedOn > localDay(now, settings.timezone)) throw field('signedOn', 'sheets.signedInFuture', { date: input.signedOn }, 'FUTURE_DATE');
  const printedDay = localDay(sheet.printedAt, settings.timezone);
  if (input.signedOn < printedDay)
    throw field('signedOn', 'sheets.signedBeforePrint', { date: input.signedOn, serial: sheet.serial, printed: printedDay });
  const occurredAt = rowTime(sheet.printedAt, input.signedOn, settings.timezone, now);

  // The number may belong to someone with another name: staff must say it is the same person, or fix the number.
  const writtenName = input.name?.trim() || null;
  const known = normalizePhone(input.phone, settings.defaultCountry);
  const owner = known.ok ? ctx.contacts.getByPhone(known.value.e164) : undefined;
  if (owner && writtenName && !input.samePerson && namesDiffer(writtenName, owner.name))
    throw new AppError(
      'CONFLICT',
      'sheets.nameClash',
      { phone: known.ok ? known.value.e164 : input.phone, known: owner.name, row: input.row, written: writtenName },
      { fields: [{ path: 'name', key: 'sheets.nameClashField' }], contactId: owner.id, contactName: owner.name, writtenName },
    );

  const scan = ctx.sheets.scans(sheet.id).at(-1);
  const personalData = ctx.sheets.personalDataOf(sheet.id);
  // Each tick points to the document it was made on: the personal-data consent to its own document and serial.
  const evidenceFor = (purpose: Purpose) => ({
    formVersionId: form.id,
    sheetRef: purpose === 'personal_data' && personalData ? personalData.serial : sheet.serial,
    row: input.row,
    ...(scan ? { scanSha256: scan.sha256 } : {}),
    note: storeSaid('note.signedOn', { date: input.signedOn }),
  });

  return ctx.db
    .transaction(() => {
      const events: ConsentEvent[] = [];
      let contactId: number | null = null;
      let createdContact = false;
      let downgraded: Output<'consent.record'>['downgraded'] = null;
      for (const channel of [...new Set(input.channels)])
        for (const purpose of [...new Set(purposes)]) {
          const r = recordConsentEvents(
            ctx,
            api['consent.record'].input.parse({
              ...(contactId !== null ? { contactId } : { phone: input.phone, name: input.name }),
              channel,
              purpose,
              action: 'grant',
              method: 'paper_form',
              occurredAt: iso(occurredAt),
              staff: actor,
              evidence: evidenceFor(purpose),
            }),
          );
          if (contactId === null) createdContact = r.createdContact;
          contactId = r.contact.id;
          downgraded ??= r.downgraded;
          events.push(...r.events);
        }
      if (contactId === null) throw field('channels', 'sheets.tickChannel');
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
        writtenName,
        writtenPhone: input.phone,
      });
      appendAudit(ctx, actor, 'sheet.row_entered', `sheet:${sheet.serial}`, {
        row: input.row,
        contact: contactId,
        events: events.map((e) => e.id),
        ...(input.samePerson && owner && writtenName && namesDiffer(writtenName, owner.name)
          ? { samePerson: { written: writtenName, contact: owner.name } }
          : {}),
      });
      const final = ctx.contacts.get(contactId);
      return {
        serial: sheet.serial,
        row: input.row,
        contactId,
        phone: final?.phone ?? '',
        name: final?.name ?? '',
        writtenName,
        personalDataSerial: personalData && purposes.includes('personal_data') ? personalData.serial : null,
        createdContact,
        events,
        downgraded,
      };
    })
    .immediate();
}

/**
 * sheets.correctRow: an audited correction of a row entered earlier; the row and its events stay in the log.
 *
 * A void answers every consent the row still grants with a `retract` event — not a revocation: the customer did
 * not opt out, the row should never have counted (not signed, another sheet's row, another person). So the gate
 * refuses exactly what the row alone granted, while a consent the same person gave elsewhere (another sheet, a
 * QR message) stands, and what the register knew before the void stays provable with `--known-at`. A correction
 * of the number does the same on the old number and grants the row's consents, dated as the row, to the number
 * as written (an opt-out of that number recorded later still wins); a correction of the name alone writes no
 * consent event. Each is a row in `sheet_row_corrections` and an audit row naming the reason.
 */
export function correctSheetRow(ctx: ServiceContext, input: ParsedInput<'sheets.correctRow'>): Output<'sheets.correctRow'> {
  const sheet = sheetOrThrow(ctx, input.serial);
  const form = ctx.forms.get(sheet.formVersionId);
  if (!form) throw new AppError('NOT_FOUND', 'sheets.formMissing', { serial: sheet.serial });
  const settings = getSettings(ctx);
  const actor = resolveActor(ctx, input.staff);
  const entered = ctx.sheets.rowAt(sheet.id, input.row);
  if (!entered) throw AppError.field('NOT_FOUND', 'row', 'sheets.rowNotEntered', { row: input.row, serial: sheet.serial });
  const last = entered.correction;
  if (last?.kind === 'void')
    throw AppError.field('CONFLICT', 'row', 'sheets.rowVoidedAlready', { row: input.row, serial: sheet.serial, reason: last.reason });
  if (input.action === 'correct' && input.phone === undefined && input.name === undefined)
    throw AppError.field('VALIDATION_FAILED', 'phone', 'sheets.nothingToCorrect');

  const now = ctx.clock.now();
  const policy = settings.effectivePolicy;
  const formCodes = new Map([[form.id, form.code]]);
  const currentContact = last?.contactId ?? entered.contactId;
  // What the row grants now: its own events, or the grants of its last correction.
  const live = (last ? last.events : entered.events)
    .map((id) => ctx.consent.eventById(id))
    .filter((e): e is NonNullable<typeof e> => !!e && e.action !== 'retract' && e.action !== 'revoke');
  const retractions = (note: string): PendingEvent[] =>
    live.map((e) => ({
      contact: { id: e.contactId, phone: e.phone },
      channel: e.channel,
      purpose: e.purpose,
      action: 'retract',
      method: 'paper_form',
      occurredAt: now,
      recordedBy: actor,
      formVersionId: null,
      evidence: { sheetRef: e.evidence.sheetRef ?? sheet.serial, row: input.row, note },
      expiresAt: null,
      targetEventId: e.id,
    }));

  return ctx.db
    .transaction((): Output<'sheets.correctRow'> => {
      if (input.action === 'void') {
        const written = appendEvents(
          ctx,
          retractions(storeSaid('note.rowVoided', { row: input.row, serial: sheet.serial, reason: input.reason })),
          policy,
        );
        const ids = written.map((e) => e.id);
        ctx.sheets.insertCorrection({
          sheetId: sheet.id,
          row: input.row,
          kind: 'void',
          reason: input.reason,
          writtenName: null,
          writtenPhone: null,
          contactId: null,
          events: ids,
          correctedAt: now,
          correctedBy: actor,
        });
        appendAudit(ctx, actor, 'sheet.row_voided', `sheet:${sheet.serial}`, { row: input.row, reason: input.reason, events: ids });
        return { serial: sheet.serial, row: input.row, action: 'void', contactId: null, events: written.map((e) => toApiEvent(e, formCodes)) };
      }

      const writtenPhone = input.phone ?? last?.writtenPhone ?? entered.writtenPhone ?? entered.phone;
      const writtenName = input.name?.trim() || last?.writtenName || entered.writtenName || null;
      const target = normalizePhone(writtenPhone, settings.defaultCountry);
      if (!target.ok) throw AppError.field('VALIDATION_FAILED', 'phone', 'sheets.correctedPhoneUnusable', { problem: ref(`phone.${target.reason}`) });
      const sameNumber = ctx.contacts.get(currentContact)?.phone === target.value.e164;
      const events: ConsentEvent[] = [];
      let contactId = currentContact;
      let carried: number[] = live.map((e) => e.id);
      if (!sameNumber) {
        events.push(
          ...appendEvents(
            ctx,
            retractions(storeSaid('note.rowNumberCorrected', { row: input.row, serial: sheet.serial, reason: input.reason })),
            policy,
          ).map((e) => toApiEvent(e, formCodes)),
        );
        carried = [];
        for (const e of live) {
          const r = recordConsentEvents(
            ctx,
            api['consent.record'].input.parse({
              ...(carried.length ? { contactId } : { phone: target.value.e164, name: writtenName ?? undefined }),
              channel: e.channel,
              purpose: e.purpose,
              action: 'grant',
              method: 'paper_form',
              occurredAt: iso(e.occurredAt),
              staff: actor,
              evidence: { ...e.evidence, note: storeSaid('note.rowCorrected', { row: input.row, serial: sheet.serial, reason: input.reason }) },
            }),
          );
          contactId = r.contact.id;
          carried.push(...r.events.map((x) => x.id));
          events.push(...r.events);
        }
        if (live.length === 0) {
          const c = ctx.contacts.getByPhone(target.value.e164);
          if (!c) throw AppError.field('CONFLICT', 'row', 'sheets.nothingToMove', { row: input.row, serial: sheet.serial });
          contactId = c.id;
        }
      }
      const contact = ctx.contacts.get(contactId);
      if (contact && !contact.name && writtenName) ctx.contacts.update({ ...contact, name: writtenName, updatedAt: now });
      ctx.sheets.insertCorrection({
        sheetId: sheet.id,
        row: input.row,
        kind: 'correct',
        reason: input.reason,
        writtenName,
        writtenPhone,
        contactId,
        events: [...events.filter((e) => e.action === 'retract').map((e) => e.id), ...carried],
        correctedAt: now,
        correctedBy: actor,
      });
      appendAudit(ctx, actor, 'sheet.row_corrected', `sheet:${sheet.serial}`, {
        row: input.row,
        reason: input.reason,
        contact: contactId,
        writtenName,
        writtenPhone,
        events: events.map((e) => e.id),
      });
      return { serial: sheet.serial, row: input.row, action: 'correct', contactId, events };
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
    throw new AppError('UNREADABLE_FILE', 'sheets.notAScan', { name: file.name }, { fields: [{ path: 'fileId', key: 'sheets.notAScanField' }] });
  if (file.bytes === 0) throw new AppError('UNREADABLE_FILE', 'sheets.scanEmpty', { name: file.name });
  if (file.bytes > MAX_SCAN_BYTES) throw new AppError('UNREADABLE_FILE', 'sheets.scanTooLarge', { name: file.name });
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
