import { AppError } from '../../../shared/contract/errors';
import type { ContactFilter, ListedStatus, Matching, Output, ParsedInput } from '../../../shared/contract/api';
import { zonedTimeToUtc } from '../../../shared/domain/time/zones';
import type { Channel } from '../../../shared/domain/consent/types';
import { audienceHistory, listedMarketingOfMember, marketingOfPage, type ListedMarketing } from '../campaigns/audience';
import type { AudienceMember, AudienceSpec, BatchRecord } from '../db/repos/batches.repo';
import {
  filterSql,
  nameKey,
  searchSource,
  type ContactRecord,
  type FilterSql,
  type ListFilter,
  type ListOrder,
  type ListPosition,
  type ListQuery,
  type StoredStatus,
} from '../db/repos/contacts.repo';
import type { SegmentRecord } from '../db/repos/segments.repo';
import { appendAudit, iso, type ServiceContext } from '../context';
import { toContact } from './contacts';
import { gateRules } from '../campaigns/audience';
import { getSettings } from './settings';
import { resolveActor } from './staff';

/**
 * The contacts list at work (issue #17 items 10 and 13): a page of the register or of a search, narrowed by a filter
 * or a saved segment, in any of the list's orders; tagging everyone chosen or matching at once; segments, and a
 * segment as a campaign's audience. The SQL is the contacts repo's; the marketing each row shows is the gate's
 * (campaigns/audience.ts), and a filter on what only the gate can say is checked by it row by row.
 */

/**
 * A search (or a filtered list) is counted exactly up to this many matches; past it the list says "1,000+". Counted
 * on every keystroke, so it stays cheap: 10,000 made search-as-you-type 20× slower than the page itself on a broad
 * prefix.
 */
export const SEARCH_COUNT_CAP = 1_000;

/** Rows read at a time when a filter is checked by the gate row by row. */
const CHECKED_CHUNK = 500;

/** What a list request resolves to: where it draws from, the SQL of its filter, and the gate's row check if any. */
interface Resolved {
  /** Null: nothing searchable was typed. */
  query: ListQuery | null;
  /** A check only the gate can make (a marketing filter naming `needs_personal_data`), on the row's listed marketing. */
  check: ((m: ListedMarketing) => boolean) | null;
  /** What the cursors of this request are tied to. */
  identity: string;
}

/** The day's first instant in the shop's zone, from YYYY-MM-DD (the door has checked it is a calendar day). */
function dayStart(day: string, zone: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return zonedTimeToUtc(y, m, d, 0, 0, 0, zone);
}

/** The first instant after a day, in the shop's zone. */
function dayAfter(day: string, zone: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return zonedTimeToUtc(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, 0, 0, zone);
}

/** A segment by name, or refuse naming it. */
export function segmentOrThrow(ctx: ServiceContext, name: string, field = 'segment'): SegmentRecord {
  const s = ctx.segments.byName(name.trim());
  if (!s) throw AppError.field('NOT_FOUND', field, 'segments.notFound', { name: name.trim() });
  return s;
}

/**
 * The contract's filter in the register's terms, refused where it cannot mean anything: a range whose start is after
 * its end, an import that never was. `field` prefixes the paths named in a refusal. Also returns the gate's row
 * check when the filter asks for what only the gate can say at `at` (see {@link needsPersonalDataSql}).
 */
export function toListFilter(
  ctx: ServiceContext,
  f: ContactFilter,
  field = 'filter',
  at = ctx.clock.now(),
): { filter: ListFilter; check: ((m: ListedMarketing) => boolean) | null } {
  const zone = getSettings(ctx).timezone;
  const out: ListFilter = {};
  let check: ((m: ListedMarketing) => boolean) | null = null;
  for (const name of ['added', 'consentChanged'] as const) {
    const range = f[name];
    if (!range) continue;
    if (range.from !== undefined && range.to !== undefined && range.from > range.to)
      throw AppError.field('VALIDATION_FAILED', `${field}.${name}.to`, 'contacts.daysBackwards', {
        field: `${field}.${name}`,
        from: range.from,
        to: range.to,
      });
    out[name] = {
      from: range.from !== undefined ? dayStart(range.from, zone) : undefined,
      to: range.to !== undefined ? dayAfter(range.to, zone) : undefined,
    };
  }
  if (f.importBatch !== undefined) {
    if (!ctx.imports.getBatch(f.importBatch))
      throw AppError.field('NOT_FOUND', `${field}.importBatch`, 'contacts.noSuchImport', { importBatch: f.importBatch });
    out.importBatch = f.importBatch;
  }
  if (f.tags) out.tags = [...new Set(f.tags)];
  if (f.method) out.method = f.method;
  if (f.marketing) {
    const channel: Channel = f.marketing.channel;
    const wanted = new Set<ListedStatus>(f.marketing.status);
    // What the list's columns answer; "needs the personal-data consent" is the gate's (see needsPersonalDataSql).
    const stored = new Set([...wanted].filter((s): s is StoredStatus => s !== 'needs_personal_data'));
    let needsPersonalData: { except: number[] } | undefined;
    // Under a pack without the personal-data consent the gate never answers so: the part matches no one.
    if (wanted.has('needs_personal_data') && getSettings(ctx).effectivePolicy.requiresPersonalDataConsent) {
      const sql = needsPersonalDataSql(ctx, channel, at);
      if (sql) needsPersonalData = sql;
      else {
        // The gate decides each granted row.
        stored.add('granted');
        check = (m) => wanted.has(m.marketing[channel]) || m.marketingBlockedBy[channel] === 'needs_personal_data';
      }
    }
    out.marketing = { channel, statuses: [...stored], needsPersonalData };
  }
  return { filter: out, check };
}

/**
 * "Needs the personal-data consent" on a channel as the SQL of the list's columns (ListFilter.marketing): the gate
 * answers so for a granted marketing consent without a personal-data consent in force, on a number that can take
 * messages — unless a reason it weighs first holds (a complaint within its cool-down, a number a provider flagged, an
 * opt-out waiting in the journal, a number merged into another contact). Those few are asked of the gate here, and the ones it answers otherwise for are
 * left out by id; so the filter is SQL, with fence posts and counts like any other. Null while opt-outs wait in the
 * journal (one may reach every number of a person): then the gate checks each granted row as the list walks.
 */
function needsPersonalDataSql(ctx: ServiceContext, channel: Channel, at: number): { except: number[] } | null {
  if (ctx.optouts?.active().length) return null;
  const ids = new Set(ctx.batches.lastComplaints().keys());
  const special = [...ids].flatMap((id) => ctx.contacts.get(id) ?? []);
  // A person's other numbers: the gate answers `merged` for them, whatever their consent says.
  for (const c of ctx.contacts.mergedAway()) {
    if (ids.has(c.id)) continue;
    ids.add(c.id);
    special.push(c);
  }
  for (const phone of ctx.outbox.flaggedPhones()) {
    const c = ctx.contacts.getByPhone(phone);
    if (c && !ids.has(c.id)) special.push(c);
  }
  const gated = marketingOfPage(ctx, special, at);
  return { except: special.filter((c) => gated.get(c.id)?.marketingBlockedBy[channel] !== 'needs_personal_data').map((c) => c.id) };
}

/** A request's query, filter and order resolved against the register (a segment by name, days in the shop's zone). */
function resolve(
  ctx: ServiceContext,
  input: { query?: string | undefined; filter?: ContactFilter | undefined; segment?: string | undefined; sort?: ListOrder | undefined },
  at: number,
  field = '',
): Resolved {
  const typed = input.query?.trim() ?? '';
  const segment = input.segment !== undefined ? segmentOrThrow(ctx, input.segment, `${field}segment`) : undefined;
  const merged = { ...((segment?.filter ?? {}) as ContactFilter), ...(input.filter ?? {}) };
  const { filter, check } = toListFilter(ctx, merged, `${field}filter`, at);
  const source = typed ? searchSource(typed) : { kind: 'all' as const };
  const identity = JSON.stringify([nameKey(typed), merged, input.sort ?? null]);
  if (!source) return { query: null, check, identity };
  return { query: { source, filter: filterSql(filter, at), order: input.sort }, check, identity };
}

/** A cursor: where a page ended, and for which request (opaque to callers; base64url of JSON). */
function encodeCursor(identity: string, at: ListPosition): string {
  return Buffer.from(JSON.stringify([2, identity, at.key, at.id])).toString('base64url');
}

function decodeCursor(cursor: string, identity: string): ListPosition {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parts = null;
  }
  const ok =
    Array.isArray(parts) &&
    parts.length === 4 &&
    parts[0] === 2 &&
    typeof parts[1] === 'string' &&
    (typeof parts[2] === 'string' || Number.isSafeInteger(parts[2])) &&
    Number.isSafeInteger(parts[3]) &&
    (parts[3] as number) >= 0;
  if (!ok) throw new AppError('VALIDATION_FAILED', 'contacts.cursorInvalid', {}, { fields: [{ path: 'cursor', key: 'contacts.notACursor' }] });
  const [, search, key, id] = parts as [2, string, string | number, number];
  if (search !== identity)
    throw new AppError('VALIDATION_FAILED', 'contacts.cursorOtherSearch', {}, { fields: [{ path: 'cursor', key: 'contacts.otherSearch' }] });
  return { key, id };
}

/**
 * Rows of a query checked by the gate, from `after`, until `want` pass or the query ends: each with its listed
 * marketing, and where the walk stopped (the last row looked at, so the next page starts right after it).
 */
function walkChecked(
  ctx: ServiceContext,
  query: ListQuery,
  check: (m: ListedMarketing) => boolean,
  after: ListPosition | null,
  want: number,
  at: number,
): { rows: (ContactRecord & ListedMarketing)[]; last: ListPosition | null; ended: boolean } {
  const rows: (ContactRecord & ListedMarketing)[] = [];
  let last = after;
  for (;;) {
    const page = ctx.contacts.list(query, last ? { after: last } : { offset: 0 }, CHECKED_CHUNK);
    const gated = marketingOfPage(ctx, page.rows, at);
    for (let i = 0; i < page.rows.length; i++) {
      const r = page.rows[i]!;
      const m = gated.get(r.id)!;
      if (!check(m)) continue;
      rows.push({ ...r, ...m });
      if (rows.length === want) return { rows, last: page.positions[i]!, ended: false };
    }
    if (page.rows.length < CHECKED_CHUNK || !page.last) return { rows, last: page.last ?? last, ended: true };
    last = page.last;
  }
}

/**
 * contacts.list: a page of the whole list (in name order) or of a search, narrowed by a filter or a segment, in any
 * of the list's orders, by offset or by the cursor of the page before, with marketing status per channel and the
 * gate's answer for it, the count (exact up to {@link SEARCH_COUNT_CAP} when narrowed) and the cursor of the next page.
 */
export function listContacts(ctx: ServiceContext, input: ParsedInput<'contacts.list'>): Output<'contacts.list'> {
  if (input.cursor !== undefined && input.offset > 0)
    throw new AppError('VALIDATION_FAILED', 'contacts.offsetWithCursor', {}, { fields: [{ path: 'offset', key: 'contacts.offsetOrCursor' }] });
  const now = ctx.clock.now();
  const { query, check, identity } = resolve(ctx, input, now);
  if (!query) return { contacts: [], total: 0, nextCursor: null };
  const cursorAt = input.cursor !== undefined ? decodeCursor(input.cursor, identity) : null;
  const from = cursorAt ? { after: cursorAt } : { offset: input.offset };
  if (check) {
    // The gate decides each row: walk from the start (an offset) or the cursor until the page is full.
    const start = cursorAt ? null : input.offset;
    let after: ListPosition | null = cursorAt;
    for (let skip = start ?? 0; skip > 0;) {
      const passed = walkChecked(ctx, query, check, after, Math.min(skip, 10_000), now);
      skip -= passed.rows.length;
      after = passed.last;
      if (passed.ended && skip > 0) return { contacts: [], total: (start ?? 0) - skip, nextCursor: null };
    }
    const page = walkChecked(ctx, query, check, after, input.limit, now);
    const done = page.ended || page.rows.length < input.limit;
    return {
      contacts: page.rows.map((r) => listed(r, r)),
      // Counted only by walking: exact once the walk reached the end from a known offset.
      ...(done && start !== null ? { total: start + page.rows.length } : { total: null, atLeast: (start ?? 0) + page.rows.length }),
      nextCursor: !done && page.last ? encodeCursor(identity, page.last) : null,
    };
  }
  const page = ctx.contacts.list(query, from, input.limit);
  const narrowed = query.source.kind !== 'all' || query.filter;
  // A first page that is not full is the whole answer: no count to ask for.
  const whole = !('after' in from) && from.offset === 0 && page.rows.length < input.limit && narrowed;
  const count = whole ? { total: page.rows.length } : ctx.contacts.countOf(query, SEARCH_COUNT_CAP);
  const gated = marketingOfPage(ctx, page.rows, now);
  return {
    contacts: page.rows.map((r) => listed(r, gated.get(r.id)!)),
    ...('total' in count ? { total: count.total } : { total: null, atLeast: count.atLeast }),
    nextCursor: page.rows.length === input.limit && page.last ? encodeCursor(identity, page.last) : null,
  };
}

/**
 * A row of the list: the contact with its marketing and the gate's answer, set on the contact's own object (spreading
 * it into a new one, for every row of every keystroke, cost more than reading the row).
 */
function listed(c: ContactRecord, m: ListedMarketing): Output<'contacts.list'>['contacts'][number] {
  return Object.assign(toContact(c), { marketing: m.marketing, marketingBlockedBy: m.marketingBlockedBy });
}

/** Every contact a request matches, in id order, a chunk at a time (bulk tagging). */
function* everyMatching(ctx: ServiceContext, resolved: Resolved, at: number): Generator<ContactRecord[]> {
  if (!resolved.query) return;
  const query: ListQuery = { ...resolved.query, order: { by: 'id', dir: 'asc' } };
  let after: ListPosition | null = null;
  for (;;) {
    const page = ctx.contacts.list(query, after ? { after } : { offset: 0 }, CHECKED_CHUNK);
    if (page.rows.length === 0) return;
    if (resolved.check) {
      const gated = marketingOfPage(ctx, page.rows, at);
      yield page.rows.filter((r) => resolved.check!(gated.get(r.id)!));
    } else yield page.rows;
    if (page.rows.length < CHECKED_CHUNK || !page.last) return;
    after = page.last;
  }
}

/**
 * contacts.tag: add a tag to (or remove one from) the contacts chosen by id, or everyone a search, filter or
 * segment matches; one audit row says what, how they were chosen, and how many changed. The same call with
 * `remove` undoes an `add`.
 */
export function tagContacts(ctx: ServiceContext, input: ParsedInput<'contacts.tag'>): Output<'contacts.tag'> {
  const actor = input.dryRun ? '' : resolveActor(ctx, input.staff);
  const tag = (input.add ?? input.remove)!.trim();
  const adding = input.add !== undefined;
  const now = ctx.clock.now();
  const resolved = input.matching ? resolve(ctx, input.matching, now, 'matching.') : null;
  return ctx.db.transaction(() => {
    let matched = 0;
    let changed = 0;
    const apply = (rows: readonly ContactRecord[]) => {
      // Read first, write after: the chunk's statement is done before any of its rows change.
      for (const c of rows) {
        matched++;
        const has = c.tags.includes(tag);
        if (has === adding) continue;
        changed++;
        if (input.dryRun) continue;
        ctx.contacts.update({ ...c, tags: adding ? [...c.tags, tag] : c.tags.filter((t) => t !== tag), updatedAt: now });
      }
    };
    if (input.contactIds) {
      const ids = [...new Set(input.contactIds)];
      for (let i = 0; i < ids.length; i += CHECKED_CHUNK) apply(ids.slice(i, i + CHECKED_CHUNK).flatMap((id) => ctx.contacts.get(id) ?? []));
    } else for (const rows of everyMatching(ctx, resolved!, now)) apply(rows);
    if (!input.dryRun)
      appendAudit(ctx, actor, adding ? 'contacts.tagged' : 'contacts.untagged', 'contacts', {
        tag,
        ...(input.contactIds ? { contactIds: input.contactIds.length } : { matching: input.matching }),
        matched,
        changed,
      });
    return { matched, changed: input.dryRun ? 0 : changed };
  })();
}

/** The ids of everyone a search, filter or segment matches (the whole list, in pages of the list's own query). */
export function matchingIds(ctx: ServiceContext, matching: Matching, at: number, field = 'matching.'): number[] {
  const ids: number[] = [];
  for (const rows of everyMatching(ctx, resolve(ctx, matching, at, field), at)) for (const c of rows) ids.push(c.id);
  return ids;
}

/** Segment record → contract shape. */
function toSegment(s: SegmentRecord): Output<'segments.save'> {
  return {
    id: s.id,
    name: s.name,
    filter: s.filter as ContactFilter,
    createdAt: iso(s.createdAt),
    createdBy: s.createdBy,
    updatedAt: iso(s.updatedAt),
  };
}

export function listSegments(ctx: ServiceContext): Output<'segments.list'> {
  return { segments: ctx.segments.list().map(toSegment) };
}

/** segments.save: a filter under a name (checked as the list would use it); an existing name only with `replace`. */
export function saveSegment(ctx: ServiceContext, input: ParsedInput<'segments.save'>): Output<'segments.save'> {
  const actor = resolveActor(ctx, input.staff);
  toListFilter(ctx, input.filter);
  if (Object.keys(input.filter).length === 0) throw AppError.field('VALIDATION_FAILED', 'filter', 'segments.emptyFilter', {});
  return ctx.db.transaction(() => {
    const now = ctx.clock.now();
    const existing = ctx.segments.byName(input.name);
    if (existing && !input.replace) throw AppError.field('CONFLICT', 'name', 'segments.exists', { name: existing.name });
    let saved: SegmentRecord;
    if (existing) {
      ctx.segments.replace(existing.id, input.name, input.filter, now);
      saved = { ...existing, name: input.name, filter: input.filter, updatedAt: now };
    } else saved = ctx.segments.insert({ name: input.name, filter: input.filter, createdAt: now, createdBy: actor, updatedAt: now });
    appendAudit(ctx, actor, existing ? 'segment.replaced' : 'segment.saved', `segment:${saved.id}`, { name: saved.name, filter: input.filter });
    return toSegment(saved);
  })();
}

export function deleteSegment(ctx: ServiceContext, input: ParsedInput<'segments.delete'>): Output<'segments.delete'> {
  const actor = resolveActor(ctx, input.staff);
  return ctx.db.transaction(() => {
    const s = segmentOrThrow(ctx, input.name, 'name');
    ctx.segments.delete(s.id);
    appendAudit(ctx, actor, 'segment.deleted', `segment:${s.id}`, { name: s.name, filter: s.filter });
    return { deleted: s.name };
  })();
}

/** A campaign's audience as the register reads it at `at`: its tags, its segment's filter in SQL, and the gate's row check. */
export interface CampaignAudience {
  spec: AudienceSpec;
  /**
   * For a segment asking what only the gate can say: whether a walked member belongs (decided on the register as it
   * stands; opt-outs waiting in the journal then count at the gate, as for any audience).
   */
  keep: ((m: AudienceMember) => boolean) | null;
  /** Whether one contact (and its member as the gate sees it) is in the audience. */
  has: (c: ContactRecord, m: AudienceMember) => boolean;
}

/** The audience of a campaign (tags, or the segment filter it copied when planned) at instant `at`. */
export function campaignAudience(ctx: ServiceContext, audience: BatchRecord['audience'], at: number): CampaignAudience {
  const tags = audience.tags;
  const tagged = (c: ContactRecord) => tags.length === 0 || c.tags.some((t) => tags.includes(t));
  if (!audience.segment) return { spec: { tags }, keep: null, has: tagged };
  const { filter, check } = toListFilter(ctx, audience.segment.filter as ContactFilter, 'filter', at);
  const sql: FilterSql | null = filterSql(filter, at);
  const spec = { tags, filter: sql };
  let keep: CampaignAudience['keep'] = null;
  if (check) {
    const historyOf = audienceHistory(ctx, gateRules(ctx), at);
    const listed = listedMarketingOfMember(ctx, at);
    keep = (m) => check(listed(m, historyOf(m), m));
  }
  return { spec, keep, has: (c, m) => tagged(c) && ctx.contacts.matches(c.id, sql) && (!keep || keep(m)) };
}

/** Walk a campaign's audience: the members its tags or segment select (the gate then decides each one). */
export function* walkAudience(ctx: ServiceContext, audience: BatchRecord['audience'], at: number): Generator<AudienceMember> {
  const { spec, keep } = campaignAudience(ctx, audience, at);
  for (const m of ctx.batches.audience(spec)) if (!keep || keep(m)) yield m;
}

/** campaign.plan { segment }: the segment's filter copied into the campaign (later edits of the segment do not move it). */
export function segmentForCampaign(ctx: ServiceContext, name: string): NonNullable<BatchRecord['audience']['segment']> {
  const s = segmentOrThrow(ctx, name);
  return { id: s.id, name: s.name, filter: s.filter };
}
