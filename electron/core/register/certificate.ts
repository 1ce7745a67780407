import type { Output, ParsedInput } from '../../../shared/contract/api';
import { AppError } from '../../../shared/contract/errors';
import { readSaid } from '../../../shared/contract/said';
import { Channels, Purposes, type Channel, type ConsentStatus, type Purpose } from '../../../shared/domain/consent/types';
import { isFutureDate } from '../../../shared/domain/consent/decide';
import { formatHead, type RegisterHeads } from '../../../shared/domain/integrity/head';
import type { ContactRecord } from '../db/repos/contacts.repo';
import type { EventRecord } from '../db/repos/consent.repo';
import { iso, type ServiceContext } from '../context';
import type { FileStore } from '../infra/files';
import { consentCellsAt } from '../campaigns/audience';
import { parsePhoneOrThrow } from './contacts';
import { currentHeads, verifyContact, type IntegrityDeps } from './integrity';
import { getSettings } from './settings';
import { registerNow } from './consent';
import { renderCertificatePdf } from '../print/certificate';
import { writeFileSync } from 'node:fs';

/**
 * The consent certificate of one contact at one instant (issue #17 item 12): what the register holds as proof —
 * the status of every channel × purpose then, what the register knew then, the wording with its text and
 * fingerprint, how and by whom each consent was taken (sheet, written name, scan, the customer's message), every
 * event after the instant, and the register's fingerprint. Printed as a PDF (print/certificate.ts) or written as an
 * ISO/IEC TS 27560 consent record in JSON-LD with DPV terms (certificateJsonLd below).
 */

/** The wording a consent was given on. */
export interface CertificateWording {
  id: number;
  code: string;
  version: number;
  title: string;
  language: 'en' | 'ru';
  body: string;
  businessIdentity: string;
  sha256: string;
}

/** The paper row a consent came from, as it was written. */
export interface CertificateSheetRow {
  serial: string;
  row: number;
  writtenName: string | null;
  writtenPhone: string | null;
  signedOn: string;
  enteredBy: string;
  /** The row's last correction, if any (a void, or a corrected number). */
  correction: { kind: 'void' | 'correct'; reason: string; at: number; by: string } | null;
}

/** The customer's own message a consent or opt-out came from. */
export interface CertificateInbound {
  id: number;
  providerId: string | null;
  channel: Channel;
  text: string;
  receivedAt: number;
}

/** One event with all of its evidence resolved. Times in ms. */
export interface CertificateEvent {
  id: number;
  uid: string;
  channel: Channel;
  purpose: Purpose;
  action: EventRecord['action'];
  method: EventRecord['method'];
  occurredAt: number;
  recordedAt: number;
  recordedBy: string;
  expiresAt: number | null;
  hash: string;
  retracts: number | null;
  note: string | null;
  source: string | null;
  sheetRef: string | null;
  scanSha256: string | null;
  importFile: { name: string | null; sha256: string | null; row: number | null } | null;
  wording: CertificateWording | null;
  sheet: CertificateSheetRow | null;
  inbound: CertificateInbound | null;
  /** Happened by the instant but entered after it: the register did not know it then. */
  recordedLater: boolean;
}

/** The DPV consent status terms a record may carry (https://w3id.org/dpv#). */
export const DpvConsentStatuses = [
  'ConsentGiven',
  'RenewedConsentGiven',
  'ConsentRequested',
  'ConsentRefused',
  'ConsentWithdrawn',
  'ConsentRevoked',
  'ConsentExpired',
  'ConsentInvalidated',
  'ConsentUnknown',
] as const;
export type DpvConsentStatus = (typeof DpvConsentStatuses)[number];

/** The DPV purpose each of the register's purposes stands for. */
export const DPV_PURPOSE: Record<Purpose, string> = {
  marketing: 'dpv:DirectMarketing',
  service: 'dpv:ServiceProvision',
  personal_data: 'dpv:CustomerManagement',
};

/** One channel × purpose at the instant. */
export interface CertificateCell {
  channel: Channel;
  purpose: Purpose;
  /** As the register knows it now (an opt-out entered late still counts from when it happened). */
  status: ConsentStatus;
  since: number | null;
  expiresAt: number | null;
  sendable: boolean;
  blockedBy: string | null;
  dpvStatus: DpvConsentStatus;
  /** The event that set the status, with its evidence. */
  event: CertificateEvent | null;
  /** What the register knew at the instant itself. */
  knownThen: { status: ConsentStatus; since: number | null; eventId: number | null; sendable: boolean };
}

/** Everything a certificate states. */
export interface CertificateData {
  /** The record's id: a UUID, new for every certificate. */
  id: string;
  generatedAt: number;
  at: number;
  contact: { id: number; name: string; phone: string; removedAt: number | null; createdAt: number };
  shop: { name: string; address: string; phone: string | null; country: string; policyPack: string; timeZone: string };
  cells: CertificateCell[];
  /** Every event up to the instant, oldest first (the history behind the statuses). */
  history: CertificateEvent[];
  /** Every event that happened after the instant, or was entered after it, oldest first. */
  laterEvents: CertificateEvent[];
  register: { heads: RegisterHeads; head: string; contactVerified: boolean; problems: string[] };
}

const canonicalOrder = (a: EventRecord, b: EventRecord) => a.occurredAt - b.occurredAt || a.id - b.id;

/** The contact the input names: by id, or by number (an erased-by-undo contact still answers for its past). */
function locate(ctx: ServiceContext, input: { contactId?: number | undefined; phone?: string | undefined }): ContactRecord {
  if (input.contactId !== undefined) {
    const c = ctx.contacts.get(input.contactId);
    if (!c) throw new AppError('NOT_FOUND', 'contacts.notFound', { field: 'contactId', contactId: input.contactId });
    return c;
  }
  const phone = parsePhoneOrThrow(ctx, input.phone ?? '');
  const c = ctx.contacts.getByPhoneIncludingRemoved(phone.e164);
  if (!c)
    throw new AppError(
      'NOT_FOUND',
      'contacts.phoneNotInRegister',
      { phone: phone.e164 },
      { fields: [{ path: 'phone', key: 'contacts.noSuchContact' }] },
    );
  return c;
}

/** Gather the certificate's content for a contact at `at` (ISO; default now). */
export function gatherCertificate(
  ctx: ServiceContext,
  deps: IntegrityDeps,
  input: { contactId?: number | undefined; phone?: string | undefined; at?: string | undefined },
): CertificateData {
  const now = registerNow(ctx);
  const at = input.at === undefined ? now : Date.parse(input.at);
  if (isFutureDate(at, now)) {
    throw new AppError(
      'VALIDATION_FAILED',
      'contacts.certificateFuture',
      { at: input.at ?? '' },
      { fields: [{ path: 'at', key: 'common.inFuture' }] },
    );
  }
  const contact = locate(ctx, input);
  const settings = getSettings(ctx);
  const all = ctx.consent.eventsForContact(contact.id).slice().sort(canonicalOrder);
  const knownThen = all.filter((e) => e.recordedAt <= at);

  const forms = new Map<number, CertificateWording | null>();
  const wording = (id: number | null): CertificateWording | null => {
    if (id === null) return null;
    if (!forms.has(id)) {
      const f = ctx.forms.get(id);
      forms.set(
        id,
        f
          ? {
              id: f.id,
              code: f.code,
              version: f.version,
              title: f.title,
              language: f.language,
              body: f.body,
              businessIdentity: f.businessIdentity,
              sha256: f.sha256,
            }
          : null,
      );
    }
    return forms.get(id) ?? null;
  };
  const sheetRow = (serial: string | undefined, row: number | undefined): CertificateSheetRow | null => {
    if (!serial || row === undefined) return null;
    const sheet = ctx.sheets.bySerial(serial);
    if (!sheet) return null;
    // A personal-data document's rows are entered on the consent sheet it goes with.
    const rowsOn = sheet.pairsWith ?? sheet.id;
    const r = ctx.sheets.rows(rowsOn).find((x) => x.row === row);
    if (!r) return null;
    const c = r.correction;
    return {
      serial: sheet.serial,
      row,
      writtenName: r.writtenName,
      writtenPhone: r.writtenPhone,
      signedOn: r.signedOn,
      enteredBy: r.enteredBy,
      correction: c ? { kind: c.kind, reason: c.reason, at: c.correctedAt, by: c.correctedBy } : null,
    };
  };
  const inbound = (id: string | undefined): CertificateInbound | null => {
    if (!id || !/^\d+$/.test(id)) return null;
    const m = ctx.inbound.byId(Number(id));
    return m ? { id: m.id, providerId: m.providerId, channel: m.channel, text: m.text, receivedAt: m.receivedAt } : null;
  };
  const resolved = new Map<number, CertificateEvent>();
  const resolve = (e: EventRecord): CertificateEvent => {
    const known = resolved.get(e.id);
    if (known) return known;
    const ev = e.evidence;
    const out: CertificateEvent = {
      id: e.id,
      uid: e.uid,
      channel: e.channel,
      purpose: e.purpose,
      action: e.action,
      method: e.method,
      occurredAt: e.occurredAt,
      recordedAt: e.recordedAt,
      recordedBy: e.recordedBy,
      expiresAt: e.expiresAt,
      hash: e.hash,
      retracts: e.targetEventId,
      note: ev.note ?? null,
      source: ev.source ?? null,
      sheetRef: ev.sheetRef ?? null,
      scanSha256: ev.scanSha256 ?? null,
      importFile: ev.fileName || ev.fileSha256 ? { name: ev.fileName ?? null, sha256: ev.fileSha256 ?? null, row: ev.row ?? null } : null,
      wording: wording(e.formVersionId),
      sheet: sheetRow(ev.sheetRef, ev.row),
      inbound: inbound(ev.inboundMessageId),
      recordedLater: e.occurredAt <= at && e.recordedAt > at,
    };
    resolved.set(e.id, out);
    return out;
  };
  const byId = new Map(all.map((e) => [e.id, e]));

  const nowCells = consentCellsAt(ctx, contact, all, at);
  const thenCells = consentCellsAt(ctx, contact, knownThen, at, at);
  const cells: CertificateCell[] = [];
  for (const channel of Channels)
    for (const purpose of Purposes) {
      const c = nowCells.find((x) => x.channel === channel && x.purpose === purpose);
      const t = thenCells.find((x) => x.channel === channel && x.purpose === purpose);
      const setter = c?.event != null ? byId.get(c.event) : undefined;
      const status = c?.status ?? 'none';
      const since = c?.since ? Date.parse(c.since) : null;
      const keyEvents = all.filter((e) => e.channel === channel && e.purpose === purpose && e.occurredAt <= at);
      cells.push({
        channel,
        purpose,
        status,
        since,
        expiresAt: c?.expiresAt ? Date.parse(c.expiresAt) : null,
        sendable: c?.sendable ?? false,
        blockedBy: c?.blockedBy ?? null,
        dpvStatus: dpvStatusOf(status, since, keyEvents),
        event: setter ? resolve(setter) : null,
        knownThen: {
          status: t?.status ?? 'none',
          since: t?.since ? Date.parse(t.since) : null,
          eventId: t?.event ?? null,
          sendable: t?.sendable ?? false,
        },
      });
    }

  const history = all.filter((e) => e.occurredAt <= at && e.recordedAt <= at).map(resolve);
  const laterEvents = all.filter((e) => e.occurredAt > at || e.recordedAt > at).map(resolve);
  const heads = currentHeads(ctx);
  const check = verifyContact(ctx, deps, { contactId: contact.id });
  return {
    id: ctx.ids.uuid(),
    generatedAt: now,
    at,
    contact: { id: contact.id, name: contact.name, phone: contact.phone, removedAt: contact.removedAt ?? null, createdAt: contact.createdAt },
    shop: {
      name: settings.businessName,
      address: settings.businessAddress,
      phone: settings.shopPhone,
      country: settings.defaultCountry,
      policyPack: settings.policyPack,
      timeZone: settings.timezone,
    },
    cells,
    history,
    laterEvents,
    register: { heads, head: formatHead(heads), contactVerified: check.ok, problems: check.problems.map((p) => p.message) },
  };
}

/** The DPV status term of a cell: a grant after an earlier grant that ended is a renewed consent; a voided one is invalidated. */
export function dpvStatusOf(status: ConsentStatus, since: number | null, keyEvents: readonly EventRecord[]): DpvConsentStatus {
  switch (status) {
    case 'granted': {
      const earlier = keyEvents.some((e) => (e.action === 'grant' || e.action === 'confirm') && since !== null && e.occurredAt < since);
      const ended = keyEvents.some((e) => (e.action === 'revoke' || e.action === 'expire') && since !== null && e.occurredAt < since);
      return earlier && ended ? 'RenewedConsentGiven' : 'ConsentGiven';
    }
    case 'pending':
      return 'ConsentRequested';
    case 'revoked':
      return 'ConsentWithdrawn';
    case 'expired':
      return 'ConsentExpired';
    case 'unproven':
      return 'ConsentUnknown';
    case 'none':
      return keyEvents.some((e) => e.action === 'retract') ? 'ConsentInvalidated' : 'ConsentUnknown';
  }
}

const isoOf = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** A pseudonymous id of the person in this register (27560's pii_principal_id): never the raw number. */
function principalId(data: CertificateData): string {
  return `urn:optin-desk:contact:${data.contact.id}`;
}

function eventJson(e: CertificateEvent): Record<string, unknown> {
  return {
    '@id': `urn:optin-desk:event:${e.uid}`,
    '@type': 'optin:ConsentEvent',
    'dct:identifier': String(e.id),
    'optin:action': e.action,
    'optin:channel': e.channel,
    'dpv:hasPurpose': { '@id': DPV_PURPOSE[e.purpose] },
    'optin:purpose': e.purpose,
    'optin:method': e.method,
    'optin:eventTime': iso(e.occurredAt),
    'optin:recordedAt': iso(e.recordedAt),
    'optin:recordedBy': e.recordedBy,
    'optin:recordedAfterTheInstant': e.recordedLater,
    ...(e.expiresAt !== null ? { 'dpv:hasExpiryTime': iso(e.expiresAt) } : {}),
    ...(e.retracts !== null ? { 'optin:retracts': String(e.retracts) } : {}),
    'optin:sha256Chain': e.hash,
    'optin:evidence': evidenceJson(e),
  };
}

function evidenceJson(e: CertificateEvent): Record<string, unknown> {
  return {
    ...(e.wording
      ? {
          'dpv:hasNotice': {
            '@id': `urn:optin-desk:wording:${e.wording.code}`,
            'dct:identifier': e.wording.code,
            'dct:hasVersion': String(e.wording.version),
            'dct:title': e.wording.title,
            'dct:language': e.wording.language,
            'optin:sha256': e.wording.sha256,
          },
        }
      : {}),
    ...(e.sheet
      ? {
          'optin:sheet': {
            'optin:serial': e.sheet.serial,
            'optin:row': e.sheet.row,
            'optin:writtenName': e.sheet.writtenName,
            'optin:writtenPhone': e.sheet.writtenPhone,
            'optin:signedOn': e.sheet.signedOn,
            'optin:enteredBy': e.sheet.enteredBy,
            ...(e.sheet.correction
              ? {
                  'optin:correction': {
                    'optin:kind': e.sheet.correction.kind,
                    'optin:reason': e.sheet.correction.reason,
                    'optin:at': iso(e.sheet.correction.at),
                    'optin:by': e.sheet.correction.by,
                  },
                }
              : {}),
          },
        }
      : e.sheetRef
        ? { 'optin:sheet': { 'optin:serial': e.sheetRef } }
        : {}),
    ...(e.scanSha256 ? { 'optin:scanSha256': e.scanSha256 } : {}),
    ...(e.inbound
      ? {
          'optin:inboundMessage': {
            'optin:providerMessageId': e.inbound.providerId,
            'optin:channel': e.inbound.channel,
            'optin:text': e.inbound.text,
            'optin:receivedAt': iso(e.inbound.receivedAt),
          },
        }
      : {}),
    ...(e.importFile
      ? { 'optin:importFile': { 'optin:fileName': e.importFile.name, 'optin:sha256': e.importFile.sha256, 'optin:row': e.importFile.row } }
      : {}),
    ...(e.source ? { 'optin:source': readSaid(e.source).message } : {}),
    // The note in English (a keyed note rendered; a staff member's own words as written).
    ...(e.note ? { 'optin:note': readSaid(e.note).message } : {}),
  };
}

/**
 * The certificate as an ISO/IEC TS 27560 consent record in JSON-LD with DPV terms
 * (https://w3id.org/dpv/guides/consent-27560): header (identifier, conformance, the pseudonymous principal),
 * parties (the shop as data controller), one processing entry per channel × purpose with its DPV purpose and
 * consent status, its notice (the wording version and fingerprint) and provenance, the events, and the
 * register's fingerprint. Terms the vocabulary has no word for are under the `optin:` namespace.
 */
export function certificateJsonLd(data: CertificateData): Record<string, unknown> {
  const subject = principalId(data);
  const controller = 'urn:optin-desk:controller';
  return {
    '@context': {
      dpv: 'https://w3id.org/dpv#',
      pd: 'https://w3id.org/dpv/pd#',
      dct: 'http://purl.org/dc/terms/',
      schema: 'https://schema.org/',
      xsd: 'http://www.w3.org/2001/XMLSchema#',
      optin: 'urn:optin-desk:terms#',
    },
    '@id': `urn:uuid:${data.id}`,
    '@type': 'dpv:ConsentRecord',
    'dct:identifier': data.id,
    'dct:conformsTo': { '@id': 'https://w3id.org/dpv/schema/dpv-27560#record' },
    'optin:schemaVersion': '1',
    'dct:created': iso(data.generatedAt),
    'optin:asOf': iso(data.at),
    'dpv:hasDataSubject': {
      '@id': subject,
      '@type': 'dpv:Customer',
      'optin:piiPrincipalId': subject,
    },
    'dpv:hasDataController': {
      '@id': controller,
      '@type': 'dpv:DataController',
      'schema:name': data.shop.name,
      'schema:address': data.shop.address,
      ...(data.shop.phone ? { 'schema:telephone': data.shop.phone } : {}),
    },
    'dpv:hasJurisdiction': data.shop.country,
    'optin:policyPack': data.shop.policyPack,
    'dpv:hasPersonalDataHandling': data.cells.map((c) => ({
      '@type': 'dpv:PersonalDataHandling',
      'optin:channel': c.channel,
      'optin:purpose': c.purpose,
      'dpv:hasPurpose': { '@id': DPV_PURPOSE[c.purpose] },
      'dpv:hasPersonalData': [{ '@id': 'pd:TelephoneNumber' }, { '@id': 'pd:Name' }],
      'dpv:hasProcessing': [{ '@id': 'dpv:Store' }, { '@id': 'dpv:Use' }],
      'dpv:hasDataSubject': { '@id': subject },
      'dpv:hasDataController': { '@id': controller },
      'dpv:hasConsentStatus': { '@id': `dpv:${c.dpvStatus}` },
      'optin:status': c.status,
      'optin:statusSince': isoOf(c.since),
      ...(c.expiresAt !== null ? { 'dpv:hasExpiryTime': iso(c.expiresAt) } : {}),
      'optin:sendable': c.sendable,
      'optin:knownThen': {
        'optin:status': c.knownThen.status,
        'optin:statusSince': isoOf(c.knownThen.since),
        'optin:eventId': c.knownThen.eventId === null ? null : String(c.knownThen.eventId),
      },
      ...(c.event
        ? {
            'dpv:isIndicatedBy': { '@id': c.event.action === 'revoke' && c.event.method === 'provider_feedback' ? controller : subject },
            'dpv:isIndicatedAtTime': iso(c.event.occurredAt),
            'optin:collectionMethod': c.event.method,
            ...(c.event.wording ? { 'dpv:hasNotice': evidenceJson(c.event)['dpv:hasNotice'] } : {}),
            'optin:provenance': eventJson(c.event),
          }
        : {}),
    })),
    'optin:history': data.history.map(eventJson),
    'optin:laterEvents': data.laterEvents.map(eventJson),
    'optin:registerFingerprint': {
      'optin:eventsHead': { 'optin:lastId': data.register.heads.events.lastId, 'optin:lastHash': data.register.heads.events.lastHash },
      'optin:auditHead': { 'optin:lastId': data.register.heads.audit.lastId, 'optin:lastHash': data.register.heads.audit.lastHash },
      'optin:head': data.register.head,
      'optin:contactVerified': data.register.contactVerified,
      'optin:problems': data.register.problems,
    },
  };
}

/** A file name without characters the person's file system refuses. */
function fileStem(data: CertificateData): string {
  const day = iso(data.at).slice(0, 10);
  return `consent ${data.contact.phone.replace(/[^\d+]/g, '')} ${day}`;
}

/** contacts.certificate: the certificate as a PDF (EN or RU) or a JSON-LD consent record, handed out as a file. */
export async function createCertificate(
  ctx: ServiceContext,
  deps: IntegrityDeps,
  files: FileStore,
  input: ParsedInput<'contacts.certificate'>,
): Promise<Output<'contacts.certificate'>> {
  const data = gatherCertificate(ctx, deps, input);
  let bytes: Buffer;
  let name: string;
  if (input.format === 'jsonld') {
    bytes = Buffer.from(JSON.stringify(certificateJsonLd(data), null, 2) + '\n', 'utf8');
    name = `${fileStem(data)}.jsonld`;
  } else {
    bytes = await renderCertificatePdf(data, input.locale ?? 'en');
    name = `${fileStem(data)}.pdf`;
  }
  const out = files.createOutput(name);
  writeFileSync(out.path, bytes);
  return {
    fileId: out.id,
    name,
    bytes: bytes.length,
    format: input.format,
    recordId: data.id,
    contactId: data.contact.id,
    at: iso(data.at),
    head: data.register.head,
    contactVerified: data.register.contactVerified,
  };
}
