import { ref, renderSaid, type SaidRef } from '../../contract/said';
import type { Channel, Purpose } from '../consent/types';
import { decideGrant } from '../consent/decide';
import { Channels, Purposes } from '../consent/types';
import { normalizePhone, describePhoneRefusal, isCountryCode, type NormalizedPhone, type PhoneRefusal } from '../phone/normalize';
import { sourceNamesOnlyASystem, type PolicyPack } from '../policy/policy';
import { parseDateCell } from './dates';
import { localDay } from '../time/zones';
import type { ColumnMapping, ColumnTarget } from './mapping';
import { readConsentAnswer, readFlag, splitPhoneCell, splitTags, stripExtension, unneutralizeCell } from './values';
import { importWarning, type ClaimReason, type ImportWarning } from './warnings';

/**
 * One consent source and date the person gives for the whole file («анкеты в магазине, 2024»): they fill the rows'
 * missing source and date; with `channels` and `purpose`, a file without consent columns says "yes" on every row
 * for them. Either way the register's rules for that evidence decide grant or claim, as for a source in a column.
 */
export interface FileConsent {
  source: string | null;
  occurredAt: number | null;
  channels?: Channel[] | undefined;
  purpose?: Purpose | undefined;
}

/** What the interpreter needs besides the row: the shop's defaults and the policy in force. */
export interface RowContext {
  defaultCountry: string;
  timeZone: string;
  policy: PolicyPack;
  /** The import's clock: consents dated later than this are refused. */
  now: number;
  /** The source and date the person gave for the whole file, if any. */
  fileConsent?: FileConsent | undefined;
}

/** A number of the row, with whether it came from a column the source marks as mobile. */
export interface RowPhone extends NormalizedPhone {
  fromMobileColumn: boolean;
}

/** One consent event the row asks for, before the batch id is known. */
export interface RowConsent {
  channel: Channel;
  purpose: Purpose;
  action: 'grant' | 'claim' | 'request' | 'revoke' | 'expire';
  occurredAt: number;
  /** The consent columns as they read in the file (header → cell), kept as evidence. */
  columns: Record<string, string>;
  source: string | null;
  /** Why a "yes" became a claim (or a request), for the report. */
  downgrade: string | null;
  /** True when the source or the date came from what the person gave for the whole file. */
  fromFile?: boolean;
}

/** Contact fields a row supplies; absent when the row's cells are empty. */
export interface RowFields {
  name?: string;
  email?: string;
  externalId?: string;
  tags: string[];
  locale?: 'en' | 'ru';
  country?: string;
}

/** Everything a valid row will do. */
export interface RowPlan {
  row: number;
  primary: RowPhone;
  others: RowPhone[];
  fields: RowFields;
  consents: RowConsent[];
  /** "Do not contact": every consent of every number of the row is withdrawn. */
  doNotContact: boolean;
  warnings: ImportWarning[];
}

/** The outcome for one row: a plan, or the reason it was rejected. */
/** A rejected row's reason: by key (`said`, for the person's language) and in English (`reason`, the CSV report). */
export type RowOutcome = { ok: true; plan: RowPlan } | { ok: false; row: number; reason: string; said: SaidRef };

interface ScopedColumn {
  index: number;
  header: string;
  channels: Channel[] | null;
  purpose: Purpose | null;
}

/** A mapping prepared once per file so each row costs only lookups. */
export interface CompiledMapping {
  phones: { index: number; header: string; mobile: boolean }[];
  name: number | null;
  organization: number | null;
  firstName: number | null;
  middleName: number | null;
  lastName: number | null;
  email: number | null;
  externalId: number | null;
  tags: number[];
  locale: number | null;
  country: number | null;
  consents: { index: number; header: string; channels: Channel[]; purpose: Purpose }[];
  dates: ScopedColumn[];
  sources: ScopedColumn[];
  doNotContact: { index: number; header: string }[];
}

/** True when the mapping names at least one phone column (a file without one cannot be imported). */
export function hasPhoneColumn(mapping: readonly ColumnMapping[]): boolean {
  return mapping.some((m) => m.target.field === 'phone' || m.target.field === 'mobile_phone');
}

function scoped(m: ColumnMapping): ScopedColumn {
  return { index: m.column, header: m.header, channels: m.target.channels ?? null, purpose: m.target.purpose ?? null };
}

/** Prepare a mapping for {@link interpretRow}. */
export function compileMapping(mapping: readonly ColumnMapping[]): CompiledMapping {
  const c: CompiledMapping = {
    phones: [],
    name: null,
    organization: null,
    firstName: null,
    middleName: null,
    lastName: null,
    email: null,
    externalId: null,
    tags: [],
    locale: null,
    country: null,
    consents: [],
    dates: [],
    sources: [],
    doNotContact: [],
  };
  const single = (current: number | null, m: ColumnMapping): number => current ?? m.column;
  for (const m of mapping) {
    const t: ColumnTarget = m.target;
    switch (t.field) {
      case 'phone':
      case 'mobile_phone':
        c.phones.push({ index: m.column, header: m.header, mobile: t.field === 'mobile_phone' });
        break;
      case 'name':
        c.name = single(c.name, m);
        break;
      case 'organization':
        c.organization = single(c.organization, m);
        break;
      case 'first_name':
        c.firstName = single(c.firstName, m);
        break;
      case 'middle_name':
        c.middleName = single(c.middleName, m);
        break;
      case 'last_name':
        c.lastName = single(c.lastName, m);
        break;
      case 'email':
        c.email = single(c.email, m);
        break;
      case 'external_id':
        c.externalId = single(c.externalId, m);
        break;
      case 'tags':
        c.tags.push(m.column);
        break;
      case 'locale':
        c.locale = single(c.locale, m);
        break;
      case 'country':
        c.country = single(c.country, m);
        break;
      case 'consent':
        if (t.channels && t.channels.length > 0 && t.purpose)
          c.consents.push({ index: m.column, header: m.header, channels: t.channels, purpose: t.purpose });
        break;
      case 'consent_date':
        c.dates.push(scoped(m));
        break;
      case 'consent_source':
        c.sources.push(scoped(m));
        break;
      case 'do_not_contact':
        c.doNotContact.push({ index: m.column, header: m.header });
        break;
      case 'ignore':
        break;
    }
  }
  return c;
}

/** The scoped column for this consent column if there is one, else the first unscoped one. */
function pick(cols: ScopedColumn[], channels: Channel[], purpose: Purpose): ScopedColumn | undefined {
  const same = (a: Channel[], b: Channel[]): boolean => a.length === b.length && a.every((x) => b.includes(x));
  return cols.find((s) => s.purpose === purpose && s.channels !== null && same(s.channels, channels)) ?? cols.find((s) => s.channels === null);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** How the evidence names the source and date the person gave for the whole file. */
export const FILE_CONSENT_HEADER = '(for the whole file)';

function readLocale(cell: string): 'en' | 'ru' | undefined {
  const v = cell.trim().toLowerCase();
  if (/^(ru|rus|ru[-_][a-z]{2}|russian|русский|рус)$/.test(v)) return 'ru';
  if (/^(en|eng|en[-_][a-z]{2}|english|английский|англ)$/.test(v)) return 'en';
  return undefined;
}

/** Slash dates are month-first only in files from North America. */
function monthFirstFor(country: string): boolean {
  return country === 'US' || country === 'CA';
}

/** Canada writes slash dates both ways (12/05/2026 is 12 May as often as 5 December): such a date has two readings. */
function eitherOrderFor(country: string): boolean {
  return country === 'CA';
}

/**
 * Turn one data row into what the import will do, or a reason to reject it. Pure: the same row, mapping
 * and context always give the same plan, so the preview and the commit agree.
 */
export function interpretRow(cells: readonly string[], row: number, m: CompiledMapping, ctx: RowContext): RowOutcome {
  const cell = (i: number | null): string => (i === null ? '' : unneutralizeCell((cells[i] ?? '').trim()));
  const warnings: ImportWarning[] = [];

  const countryCell = cell(m.country).toUpperCase();
  const rowCountry = isCountryCode(countryCell) ? countryCell : undefined;
  const defaultCountry = rowCountry ?? ctx.defaultCountry;

  // ---- numbers ----
  const phones: RowPhone[] = [];
  const refused: { value: string; column: string; reason: string; refusal: PhoneRefusal }[] = [];
  for (const col of m.phones) {
    for (const piece of splitPhoneCell(cell(col.index))) {
      const { number, extension } = stripExtension(piece);
      const r = normalizePhone(number, defaultCountry);
      if (!r.ok) {
        refused.push({ value: piece.slice(0, 40), column: col.header, reason: describePhoneRefusal(r.reason), refusal: r.reason });
        continue;
      }
      const ext = extension ?? r.value.extension;
      if (ext)
        warnings.push(
          importWarning(
            'extension_dropped',
            { extension: ext, phone: r.value.e164 },
            `extension ${ext} of ${r.value.e164} dropped (SMS and WhatsApp cannot reach an extension)`,
          ),
        );
      if (!phones.some((p) => p.e164 === r.value.e164)) phones.push({ ...r.value, extension: null, fromMobileColumn: col.mobile });
    }
  }
  if (phones.length === 0) {
    // Each refused number by key, chained (first; rest), so the whole reason reads in the person's language.
    const each = refused.map((r) => ref('importRow.refusedNumber', { value: r.value, column: r.column, problem: ref(`phone.${r.refusal}`) }));
    const chained = each.reduceRight<SaidRef | null>((rest, first) => (rest ? ref('importRow.refusedNumbers', { first, rest }) : first), null);
    const said = chained ? ref('importRow.noValidPhone', { refused: chained }) : ref('importRow.noPhone');
    return { ok: false, row, reason: renderSaid(said.key, said.params), said };
  }
  for (const r of refused) warnings.push(importWarning('number_ignored', r, `number ignored: "${r.value}" in ${r.column}: ${r.reason}`));
  const primary =
    phones.find((p) => p.fromMobileColumn && p.messageable) ??
    phones.find((p) => p.reach === 'mobile') ??
    phones.find((p) => p.messageable) ??
    phones[0]!;
  const others = phones.filter((p) => p !== primary);

  // ---- identity ----
  const fields: RowFields = { tags: [] };
  const fullName = cell(m.name);
  const composed = [cell(m.firstName), cell(m.middleName), cell(m.lastName)].filter((s) => s !== '').join(' ');
  // A full name is kept as written (our export's names come back exactly); a name put together from parts is tidied;
  // a row naming only a company or a club is called by that name.
  const name = (fullName || composed.replace(/\s+/g, ' ') || cell(m.organization)).slice(0, 200);
  if (name) fields.name = name;
  const email = cell(m.email);
  if (email) {
    if (EMAIL.test(email) && email.length <= 254) fields.email = email;
    else warnings.push(importWarning('email_invalid', { value: email.slice(0, 60) }, `e-mail "${email.slice(0, 60)}" is not valid and was left out`));
  }
  const externalId = cell(m.externalId).slice(0, 200);
  if (externalId) fields.externalId = externalId;
  for (const i of m.tags) for (const t of splitTags(cell(i))) if (!fields.tags.includes(t) && fields.tags.length < 50) fields.tags.push(t);
  const locale = readLocale(cell(m.locale));
  if (locale) fields.locale = locale;
  if (rowCountry) fields.country = rowCountry;

  // ---- consent ----
  const consents: RowConsent[] = [];
  const monthFirst = monthFirstFor(defaultCountry);
  const eitherOrder = eitherOrderFor(defaultCountry);
  const file = ctx.fileConsent;
  const fileSource = file?.source?.trim().slice(0, 500) ?? '';
  const fileDate = file?.occurredAt ?? null;
  // A file without consent columns, for which the person said what every row agreed to and how it was collected.
  const columnsOrFile: { index: number | null; header: string; channels: Channel[]; purpose: Purpose }[] =
    m.consents.length === 0 && file?.channels?.length && file.purpose
      ? [{ index: null, header: FILE_CONSENT_HEADER, channels: file.channels, purpose: file.purpose }]
      : m.consents;
  for (const c of columnsOrFile) {
    const raw = c.index === null ? 'yes' : cell(c.index);
    const answer = readConsentAnswer(raw);
    if (answer === 'blank' || answer === 'no') continue;
    if (answer === 'unknown') {
      warnings.push(
        importWarning(
          'consent_unreadable',
          { value: raw.slice(0, 40), column: c.header },
          `"${raw.slice(0, 40)}" in ${c.header} is not a yes, a no or an opt-out: no consent recorded`,
        ),
      );
      continue;
    }
    const dateCol = c.index === null ? undefined : pick(m.dates, c.channels, c.purpose);
    const sourceCol = c.index === null ? undefined : pick(m.sources, c.channels, c.purpose);
    const columns: Record<string, string> = c.index === null ? {} : { [c.header]: raw.slice(0, 1000) };
    let occurredAt: number | null = null;
    let dateProblem: { code: ClaimReason; text: string } | null = null;
    let fromFile = false;
    const rawDate = dateCol ? cell(dateCol.index) : '';
    if (dateCol) columns[dateCol.header] = rawDate.slice(0, 1000);
    if (rawDate) {
      const d = parseDateCell(rawDate, { timeZone: ctx.timeZone, monthFirst, eitherOrder });
      let ms = d.ok ? d.ms : 0;
      if (d.ok && d.other !== undefined) {
        // Either reading may be the day: take the one under which an opt-out wins — a consent dated the earlier
        // day (so an opt-out since then still stands), an opt-out the later one that has already come — and say so.
        const [early, late] = d.ms < d.other ? [d.ms, d.other] : [d.other, d.ms];
        ms = answer === 'opted_out' && late <= ctx.now ? late : early;
        warnings.push(
          importWarning(
            'date_ambiguous',
            {
              column: dateCol!.header,
              value: rawDate.slice(0, 40),
              early: localDay(early, ctx.timeZone),
              late: localDay(late, ctx.timeZone),
              read: localDay(ms, ctx.timeZone),
            },
            `${dateCol!.header}: "${rawDate.slice(0, 40)}" can be ${localDay(early, ctx.timeZone)} or ${localDay(late, ctx.timeZone)}: read as ${localDay(ms, ctx.timeZone)}, the reading under which an opt-out wins (write dates as 2026-05-12 to be read as written)`,
          ),
        );
      }
      if (!d.ok) dateProblem = { code: 'bad_date', text: `${dateCol!.header}: ${d.reason}` };
      else if (ms > ctx.now) dateProblem = { code: 'future_date', text: `${dateCol!.header}: ${rawDate} is in the future` };
      else occurredAt = ms;
    } else if (fileDate !== null) {
      occurredAt = fileDate;
      fromFile = true;
    } else dateProblem = dateCol ? { code: 'no_date', text: 'no date' } : { code: 'no_date_column', text: 'no date column' };
    let source = sourceCol ? cell(sourceCol.index).slice(0, 500) : '';
    if (sourceCol) columns[sourceCol.header] = source;
    if (!source && fileSource) {
      source = fileSource;
      fromFile = true;
    }
    if (fromFile) columns[FILE_CONSENT_HEADER] = [fileSource, fileDate !== null ? new Date(fileDate).toISOString() : ''].filter(Boolean).join('; ');

    if (answer === 'opted_out') {
      // A withdrawal is honoured even without a date: then it counts from the moment of the import.
      for (const channel of c.channels)
        consents.push({
          channel,
          purpose: c.purpose,
          action: 'revoke',
          occurredAt: occurredAt ?? ctx.now,
          columns,
          source: source || null,
          downgrade: null,
          ...(fromFile ? { fromFile } : {}),
        });
      continue;
    }
    let action: RowConsent['action'] = answer === 'pending' ? 'request' : 'grant';
    let downgrade: string | null = null;
    const reasons: ClaimReason[] = [];
    if (answer === 'claimed') {
      action = 'claim';
      downgrade = 'the file marks this consent as unproven';
      reasons.push('marked_unproven');
    } else if (occurredAt === null || !source) {
      action = 'claim';
      downgrade = [occurredAt === null ? (dateProblem?.text ?? 'no date') : null, source ? null : 'no source'].filter(Boolean).join(', ');
      if (occurredAt === null) reasons.push(dateProblem?.code ?? 'no_date');
      if (!source) reasons.push('no_source');
    } else if (action === 'grant') {
      // The register's one claim-downgrade rule; a file cannot ask the customer to confirm, so it stays a claim.
      const decision = decideGrant(ctx.policy, 'import', { importBatchId: 'pending', source }, { canConfirm: false });
      if (decision.downgraded) {
        action = 'claim';
        // A source that only names a system ("CRM") is no evidence: said as such, not as the pack's wish for more.
        const system = sourceNamesOnlyASystem(source);
        downgrade = system ? `the source "${source.slice(0, 40)}" names a system, not how the customer agreed` : decision.downgraded.reason;
        reasons.push(system ? 'source_system' : 'pack');
      }
    }
    for (const channel of c.channels) {
      consents.push({
        channel,
        purpose: c.purpose,
        action,
        occurredAt: occurredAt ?? ctx.now,
        columns,
        source: source || null,
        downgrade,
        ...(fromFile ? { fromFile } : {}),
      });
      // "Expired" (as our export writes it): the consent was given and had run out by that date.
      if (answer === 'expired')
        consents.push({
          channel,
          purpose: c.purpose,
          action: 'expire',
          occurredAt: occurredAt ?? ctx.now,
          columns,
          source: source || null,
          downgrade: null,
        });
    }
    if (downgrade)
      warnings.push(
        importWarning(
          'consent_claim',
          { column: c.header, value: raw.slice(0, 40), reasons: reasons.join(','), why: downgrade },
          `${c.header}: "${raw.slice(0, 40)}" recorded as an unproven claim (${downgrade})`,
        ),
      );
  }

  let doNotContact = false;
  for (const d of m.doNotContact) {
    const raw = cell(d.index);
    const flag = readFlag(raw);
    if (flag === null)
      warnings.push(
        importWarning(
          'dnc_unclear',
          { value: raw.slice(0, 40), column: d.header },
          `"${raw.slice(0, 40)}" in ${d.header} is not a yes or a no: taken as "do not contact" to be safe`,
        ),
      );
    if (flag !== false) doNotContact = true;
  }

  return { ok: true, plan: { row, primary, others, fields, consents, doNotContact, warnings } };
}

/**
 * Every channel × purpose a "do not contact" withdraws: all of them, the personal-data consent too — a bare START later
 * must not make marketing sendable again where the pack needs that consent (152-FZ), as if the person had never refused.
 */
export function doNotContactTargets(): { channel: Channel; purpose: Purpose }[] {
  return Channels.flatMap((channel) => Purposes.map((purpose) => ({ channel, purpose })));
}
