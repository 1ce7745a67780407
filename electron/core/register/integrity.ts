import type { AuditProblem, Output, ParsedInput } from '../../../shared/contract/api';
import { AppError } from '../../../shared/contract/errors';
import { GENESIS_HASH } from '../../../shared/domain/consent/canonical';
import {
  Chains,
  EMPTY_LINK,
  formatHead,
  formatLink,
  hashMatches,
  parseHead,
  type Chain,
  type ExpectedHeads,
  type RegisterHeads,
} from '../../../shared/domain/integrity/head';
import type { EventRecord, StateRecord } from '../db/repos/consent.repo';
import { IntegrityRepo } from '../db/repos/integrity.repo';
import { schemaReference } from '../db/reference';
import { chainHash } from '../infra/hash';
import { eventPayload } from './consent-log';
import type { Witness } from './witness';
import { appendAudit, auditPayload, iso, type ServiceContext } from '../context';
import { diffCells, foldRange, REBUILD_CHUNK } from './consent';
import { resolveActor } from './staff';

/** What the integrity check needs beside the service context: its read-only repo and the witness (null: in-memory register). */
export interface IntegrityDeps {
  repo: IntegrityRepo;
  witness: Witness | null;
}

/** The most problems one verification lists (a wholesale rewrite would otherwise list every row). */
const MAX_PROBLEMS = 1000;
const RESTORE = 'restore a backup';
const ACCEPT = 'restore a backup, or if you restored an older backup on purpose, run "optin audit accept-head"';

/** A problem with the fields it does not name left empty. */
function problem(p: Pick<AuditProblem, 'table' | 'kind' | 'message'> & Partial<AuditProblem>): AuditProblem {
  return { id: null, contactId: null, phone: null, eventId: null, expected: null, actual: null, ...p };
}

const short = (hash: string): string => `${hash.slice(0, 16)}…`;
const NOUN: Record<Chain, string> = { events: 'event', audit: 'audit row' };
const TABLE: Record<Chain, AuditProblem['table']> = { events: 'consent_events', audit: 'audit_log' };

/** The register's heads now, from the chains' newest rows (reports and exports print them). */
export function currentHeads(ctx: ServiceContext): RegisterHeads {
  const e = ctx.consent.lastLink();
  const a = ctx.audit.lastLink();
  return {
    events: e ? { lastId: e.id, lastHash: e.hash } : EMPTY_LINK,
    audit: a ? { lastId: a.id, lastHash: a.hash } : EMPTY_LINK,
  };
}

/** audit.list: newest audit rows first. */
export function listAudit(ctx: ServiceContext, input: ParsedInput<'audit.list'>): Output<'audit.list'> {
  return {
    entries: ctx.audit
      .page(input.offset, input.limit)
      .map((r) => ({ id: r.id, at: iso(r.at), actor: r.actor, action: r.action, entity: r.entity, details: r.details })),
  };
}

/** Problems of one stored event against its own hash and its contact row. */
function eventProblems(e: EventRecord, contactPhone: string | null, numberNowAt: (phone: string) => number | null): AuditProblem[] {
  const out: AuditProblem[] = [];
  const who = `contact ${e.contactId} (${e.phone})`;
  const named = { id: e.id, eventId: e.id, contactId: e.contactId, phone: e.phone };
  const { prevHash, hash, ...rest } = e;
  const recomputed = chainHash(prevHash, eventPayload(rest));
  if (recomputed !== hash)
    out.push(
      problem({
        table: 'consent_events',
        kind: 'hash_mismatch',
        ...named,
        expected: hash,
        actual: recomputed,
        message: `event ${e.id} of ${who} was altered after it was recorded (its content no longer gives its hash ${short(hash)}); ${RESTORE}, and check this contact's consents by hand until then`,
      }),
    );
  if (contactPhone === null) {
    const now = numberNowAt(e.phone);
    out.push(
      problem({
        table: 'consent_events',
        kind: 'contact_missing',
        ...named,
        expected: `contact ${e.contactId}`,
        actual: now === null ? null : `contact ${now}`,
        message:
          `event ${e.id} belongs to ${who}, which is gone from the register: the number's consent history was cut off` +
          (now === null ? '' : ` (the number is now contact ${now}, whose history lacks this event)`) +
          `; ${RESTORE}, and do not message ${e.phone} until it is restored`,
      }),
    );
  } else if (contactPhone !== e.phone)
    out.push(
      problem({
        table: 'consent_events',
        kind: 'phone_changed',
        ...named,
        expected: e.phone,
        actual: contactPhone,
        message: `event ${e.id} was recorded for ${e.phone}, but contact ${e.contactId} now has the number ${contactPhone}: a consent was moved to another number; ${RESTORE}, and do not message ${contactPhone} until it is restored`,
      }),
    );
  return out;
}

/** Projection cells that differ from the fold of the events, for contacts with ids in [lo, hi]. */
function projectionProblems(ctx: ServiceContext, repo: IntegrityRepo, lo: number, hi: number, report: (p: AuditProblem) => void): void {
  diffCells(foldRange(ctx, lo, hi), ctx.consent.statesForContactRange(lo, hi), (f: StateRecord | null, s: StateRecord | null) => {
    const cell = (f ?? s)!;
    const phone = repo.contact(cell.contactId)?.phone ?? null;
    report(
      problem({
        table: 'consent_state',
        kind: 'projection_mismatch',
        id: cell.contactId,
        contactId: cell.contactId,
        phone,
        eventId: f?.lastEventSeq ?? null,
        expected: f?.status ?? 'none',
        actual: s?.status ?? 'nothing',
        message: `contact ${cell.contactId}${phone ? ` (${phone})` : ''} ${cell.channel}/${cell.purpose}: stored "${s?.status ?? 'nothing'}", its events say "${f?.status ?? 'none'}"; run "optin register rebuild" (the events are the record)`,
      }),
    );
  });
}

/** Compare the register's heads with heads seen before (by the witness, or given with --expect). */
function headProblems(
  seen: ExpectedHeads,
  now: RegisterHeads,
  hashAt: (chain: Chain, id: number) => string | null,
  source: 'witness' | 'expected',
): AuditProblem[] {
  const out: AuditProblem[] = [];
  for (const chain of Chains) {
    const s = seen[chain];
    if (!s || s.lastId === 0) continue;
    const noun = NOUN[chain];
    const cur = now[chain];
    const common = { table: TABLE[chain], id: s.lastId, eventId: chain === 'events' ? s.lastId : null, expected: formatLink(chain, s) };
    const advice = source === 'witness' ? ACCEPT : RESTORE;
    const saw = source === 'witness' ? 'the witness saw' : 'the expected head names';
    if (cur.lastId < s.lastId) {
      out.push(
        problem({
          ...common,
          kind: 'register_shorter',
          actual: formatLink(chain, cur),
          message: `the register is shorter than before: ${saw} ${noun} ${s.lastId} (hash ${short(s.lastHash)}) but the last ${noun} is ${cur.lastId}; ${advice}`,
        }),
      );
      continue;
    }
    const hash = hashAt(chain, s.lastId);
    if (hash === null)
      out.push(
        problem({
          ...common,
          kind: 'register_shorter',
          actual: null,
          message: `the register lost a row: ${saw} ${noun} ${s.lastId} (hash ${short(s.lastHash)}), which is gone; ${advice}`,
        }),
      );
    else if (!hashMatches(s.lastHash, hash))
      out.push(
        problem({
          ...common,
          kind: 'history_rewritten',
          actual: formatLink(chain, { lastId: s.lastId, lastHash: hash }),
          message: `history was rewritten: ${noun} ${s.lastId}'s hash differs from the ${source === 'witness' ? 'witness' : 'expected head'} (${source === 'witness' ? 'witness' : 'expected'} ${short(s.lastHash)}, register ${short(hash)}); ${advice}`,
        }),
      );
  }
  return out;
}

/** Triggers of the latest schema that are missing or changed in the file. */
function schemaProblems(repo: IntegrityRepo): AuditProblem[] {
  const present = repo.triggers();
  const out: AuditProblem[] = [];
  for (const [name, sql] of schemaReference().triggers) {
    const found = present.get(name);
    if (found === sql) continue;
    out.push(
      problem({
        table: 'schema',
        kind: 'schema_altered',
        expected: name,
        actual: found === undefined ? null : 'changed',
        message: `the safeguard ${name} was ${found === undefined ? 'removed from' : 'changed in'} the register file, outside Optin Desk: rows it protects may have been changed; ${RESTORE}`,
      }),
    );
  }
  return out;
}

/**
 * audit.verify: walk both hash chains, check every event against its contact row and the projection against
 * the fold, compare the heads with the witness kept outside the file (and with a head given with `expect`),
 * and check the file's safeguards. Catches an altered row (hash), a removed, inserted or reordered row (link,
 * id gap, events an audit row recorded), a consent moved to another number or cut from its contact, a log
 * trimmed or rewritten since the witness saw it, and a dropped trigger. Every problem names what it is about.
 */
export function verifyAudit(
  ctx: ServiceContext,
  deps: IntegrityDeps = { repo: new IntegrityRepo(ctx.db), witness: null },
  input: ParsedInput<'audit.verify'> = {},
): Output<'audit.verify'> {
  const problems: AuditProblem[] = [];
  const report = (p: AuditProblem): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  const numberNowAt = (phone: string): number | null => ctx.contacts.getByPhoneIncludingRemoved(phone)?.id ?? null;

  let events = 0;
  let prev = { id: 0, hash: GENESIS_HASH };
  const eventIds = new Set<number>();
  for (const { event: e, contactPhone } of deps.repo.iterateEventsWithContacts()) {
    events++;
    eventIds.add(e.id);
    if (e.id !== prev.id + 1)
      report(
        problem({
          table: 'consent_events',
          kind: 'missing',
          id: e.id,
          eventId: prev.id + 1,
          expected: String(prev.id + 1),
          actual: String(e.id),
          message: `events ${prev.id + 1}…${e.id - 1} are missing before event ${e.id}: they were deleted; ${RESTORE}`,
        }),
      );
    if (e.prevHash !== prev.hash)
      report(
        problem({
          table: 'consent_events',
          kind: 'chain_broken',
          id: e.id,
          eventId: e.id,
          contactId: e.contactId,
          phone: e.phone,
          expected: prev.hash,
          actual: e.prevHash,
          message: `event ${e.id} of contact ${e.contactId} (${e.phone}) does not follow event ${prev.id}: events were removed, inserted or reordered; ${RESTORE}`,
        }),
      );
    for (const p of eventProblems(e, contactPhone, numberNowAt)) report(p);
    prev = { id: e.id, hash: e.hash };
  }
  const lastEvent = prev;

  let auditRows = 0;
  let aprev = { id: 0, hash: GENESIS_HASH };
  for (const r of ctx.audit.iterate()) {
    auditRows++;
    if (r.id !== aprev.id + 1)
      report(
        problem({
          table: 'audit_log',
          kind: 'missing',
          id: r.id,
          expected: String(aprev.id + 1),
          actual: String(r.id),
          message: `audit rows ${aprev.id + 1}…${r.id - 1} are missing before row ${r.id}: they were deleted; ${RESTORE}`,
        }),
      );
    if (r.prevHash !== aprev.hash)
      report(
        problem({
          table: 'audit_log',
          kind: 'chain_broken',
          id: r.id,
          expected: aprev.hash,
          actual: r.prevHash,
          message: `audit row ${r.id} does not follow row ${aprev.id}: rows were removed, inserted or reordered; ${RESTORE}`,
        }),
      );
    const recomputed = chainHash(r.prevHash, auditPayload(r));
    if (recomputed !== r.hash)
      report(
        problem({
          table: 'audit_log',
          kind: 'hash_mismatch',
          id: r.id,
          expected: r.hash,
          actual: recomputed,
          message: `audit row ${r.id} (${r.action}) was altered after it was written; ${RESTORE}`,
        }),
      );
    // Each recorded consent operation names its events and its contact: a missing event was cut from the log.
    const ids = r.action === 'consent.recorded' && Array.isArray(r.details.events) ? (r.details.events as unknown[]) : [];
    const contactId = /^contact:(\d+)$/.exec(r.entity)?.[1];
    const contact = contactId === undefined ? null : deps.repo.contact(Number(contactId));
    for (const id of ids) {
      if (typeof id === 'number' && !eventIds.has(id))
        report(
          problem({
            table: 'consent_events',
            kind: 'missing',
            id,
            eventId: id,
            contactId: contactId === undefined ? null : Number(contactId),
            phone: contact?.phone ?? null,
            expected: `event ${id}`,
            actual: null,
            message: `event ${id}${contactId === undefined ? '' : ` of contact ${contactId}${contact ? ` (${contact.phone})` : ''}`}, recorded in audit row ${r.id}, is gone: it was deleted; ${RESTORE}`,
          }),
        );
    }
    if (r.action === 'consent.recorded' && typeof r.details.lastHash === 'string' && ids.length > 0) {
      const lastId = ids[ids.length - 1];
      if (typeof lastId === 'number' && lastId === lastEvent.id && r.details.lastHash !== lastEvent.hash)
        report(
          problem({
            table: 'consent_events',
            kind: 'hash_mismatch',
            id: lastId,
            eventId: lastId,
            contactId: contactId === undefined ? null : Number(contactId),
            phone: contact?.phone ?? null,
            expected: r.details.lastHash,
            actual: lastEvent.hash,
            message: `event ${lastId} differs from the hash audit row ${r.id} recorded for it; ${RESTORE}`,
          }),
        );
    }
    aprev = { id: r.id, hash: r.hash };
  }

  // The projection must equal the fold of the events.
  const maxId = ctx.contacts.maxId();
  for (let lo = 1; lo <= maxId; lo += REBUILD_CHUNK) projectionProblems(ctx, deps.repo, lo, lo + REBUILD_CHUNK - 1, report);

  for (const p of schemaProblems(deps.repo)) report(p);

  const heads = {
    events: { count: events, lastId: lastEvent.id, lastHash: lastEvent.hash },
    audit: { count: auditRows, lastId: aprev.id, lastHash: aprev.hash },
  };
  const hashAt = (chain: Chain, id: number) => deps.repo.hashAt(chain, id);

  // What the witness beside the file saw.
  let witness: Output<'audit.verify'>['witness'] = { path: null, state: 'none', heads: null, updatedAt: null };
  if (deps.witness) {
    const w = deps.witness.read();
    witness = { ...witness, path: deps.witness.path };
    if (w.state === 'unreadable') {
      witness.state = 'unreadable';
      report(
        problem({
          table: 'witness',
          kind: 'witness_unreadable',
          expected: deps.witness.path,
          actual: w.reason.message,
          said: w.reason,
          message: `the witness ${deps.witness.path} cannot be read (${w.reason.message}): it was damaged or edited, so a shortened or rewritten register would not show; if the register verifies otherwise and no report says differently, run "optin audit accept-head" to write it again`,
        }),
      );
    } else if (w.state === 'ok') {
      const seen = { events: w.value.events, audit: w.value.audit };
      const found = headProblems(seen, heads, hashAt, 'witness');
      for (const p of found) report(p);
      witness = { ...witness, state: found.length ? 'diverged' : 'consistent', heads: seen, updatedAt: w.value.updatedAt || null };
    }
  }

  // What the caller saw (a head from a report, or printed by an earlier verify).
  let expected: Output<'audit.verify'>['expected'] = null;
  if (input.expect !== undefined) {
    const given = parseHead(input.expect).value ?? {};
    const found = headProblems(given, heads, hashAt, 'expected');
    for (const p of found) report(p);
    expected = { head: input.expect, held: found.length === 0 };
  }

  return { ok: problems.length === 0, events, auditRows, problems, heads, head: formatHead(heads), witness, expected };
}

/**
 * audit.verifyContact: does this contact's history verify? Its events' hashes and links, each event against the
 * contact's number, its stored statuses against the fold, and events recorded for its number under a contact
 * that is gone or has another number now (an opt-out cut off from the number). What the contact page warns of.
 */
export function verifyContact(ctx: ServiceContext, deps: IntegrityDeps, input: ParsedInput<'audit.verifyContact'>): Output<'audit.verifyContact'> {
  const contact = deps.repo.contact(input.contactId);
  if (!contact)
    throw new AppError(
      'NOT_FOUND',
      'contacts.notFound',
      { field: 'contactId', contactId: input.contactId },
      { fields: [{ path: 'contactId', key: 'contacts.unknownContact' }] },
    );
  const problems: AuditProblem[] = [];
  const numberNowAt = (phone: string): number | null => ctx.contacts.getByPhoneIncludingRemoved(phone)?.id ?? null;
  const linkProblems = (e: EventRecord): AuditProblem[] => {
    const before = deps.repo.previousEvent(e.id);
    const expectedPrev = before?.hash ?? GENESIS_HASH;
    if (e.prevHash === expectedPrev && (before?.id ?? 0) === e.id - 1) return [];
    const gap = (before?.id ?? 0) !== e.id - 1;
    return [
      problem({
        table: 'consent_events',
        kind: gap ? 'missing' : 'chain_broken',
        id: e.id,
        eventId: e.id,
        contactId: e.contactId,
        phone: e.phone,
        expected: gap ? String(e.id - 1) : expectedPrev,
        actual: gap ? String(before?.id ?? 0) : e.prevHash,
        message: gap
          ? `events before event ${e.id} of contact ${e.contactId} (${e.phone}) are missing: they were deleted; ${RESTORE}`
          : `event ${e.id} of contact ${e.contactId} (${e.phone}) does not follow event ${before?.id ?? 0}: events were removed, inserted or reordered; ${RESTORE}`,
      }),
    ];
  };
  for (const { event, contactPhone } of deps.repo.eventsOfContact(contact.id)) {
    problems.push(...linkProblems(event), ...eventProblems(event, contactPhone, numberNowAt));
  }
  // The number's history kept under another contact id: that contact is gone, or has another number now.
  for (const { event, contactPhone } of deps.repo.eventsOfNumberElsewhere(contact.phone, contact.id)) {
    problems.push(...eventProblems(event, contactPhone, numberNowAt).filter((p) => p.kind !== 'hash_mismatch'));
  }
  projectionProblems(ctx, deps.repo, contact.id, contact.id, (p) => problems.push(p));
  return { contactId: contact.id, ok: problems.length === 0, problems };
}

/**
 * audit.acceptHead: remember the register as it is now, whatever the witness saw before — after restoring an
 * older backup on purpose. The act is itself on record: an audit row with the head the witness held.
 */
export function acceptHead(ctx: ServiceContext, deps: IntegrityDeps, input: ParsedInput<'audit.acceptHead'>): Output<'audit.acceptHead'> {
  if (!deps.witness) throw new AppError('CONFLICT', 'register.noWitness');
  const actor = resolveActor(ctx, input.staff);
  const w = deps.witness.read();
  const previous = w.state === 'ok' ? w.value.head : null;
  const before = currentHeads(ctx);
  ctx.db
    .transaction(() =>
      appendAudit(ctx, actor, 'witness.reset', 'witness', {
        previous,
        previousState: w.state,
        register: formatHead(before),
      }),
    )
    .immediate();
  const record = deps.witness.reset();
  return { head: record.head, previous };
}
