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
import { IntegrityRepo, type ReplyWithEvent } from '../db/repos/integrity.repo';
import { isForeignUniqueIndex, schemaReference } from '../db/reference';
import { chainHash, sha256Hex } from '../infra/hash';
import { eventPayload } from './consent-log';
import type { Witness } from './witness';
import { appendAudit, auditPayload, iso, type ServiceContext } from '../context';
import { diffCells, foldRange, REBUILD_CHUNK } from './consent';
import { resolveActor } from './staff';
import { journalHold } from './optout-journal';
import { FOREVER, LISTED_CODE, listedColumns } from '../../../shared/domain/consent/listed';
import { formHash } from '../intake/forms';
import { listBackupFiles } from '../backups/backups';
import { policyRecord } from './settings';
import { canonicalJson } from '../../../shared/domain/consent/canonical';
import { WINBACK_SOURCE } from './confirmations';
import { findLoosening, getPolicyPack, PolicyOverrides, PolicyPackIds, type PolicyPackId } from '../../../shared/domain/policy/policy';

/** What the integrity check needs beside the service context: its read-only repo and the witness (null: in-memory register). */
export interface IntegrityDeps {
  repo: IntegrityRepo;
  witness: Witness | null;
  /** What the audit log names, kept between contact checks (made at the first). */
  auditNames?: AuditNames;
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

/**
 * Projection cells that differ from the fold of the events, for contacts with ids in [lo, hi]; and what the contacts
 * list keeps of each contact (its statuses, expiries, personal-data consent, last change) against the same fold.
 */
function projectionProblems(ctx: ServiceContext, repo: IntegrityRepo, lo: number, hi: number, report: (p: AuditProblem) => void): void {
  const folded = foldRange(ctx, lo, hi);
  listedProblems(repo, folded, lo, hi, report);
  diffCells(folded, ctx.consent.statesForContactRange(lo, hi), (f: StateRecord | null, s: StateRecord | null) => {
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

/** A stored list code as its status. */
const LISTED_STATUS: Record<number, string> = Object.fromEntries(Object.entries(LISTED_CODE).map(([status, code]) => [code, status]));
/**
 * The list's columns as a problem names them (`expected`/`actual` hold `<field>=<value>`: a status for `sms` and
 * `whatsapp`, an instant or `never` for the others, `none` for no value), and in English.
 */
const LISTED_FIELDS = ['changed', 'sms', 'sms_until', 'whatsapp', 'whatsapp_until', 'personal_data'] as const;
const LISTED_NAMES = [
  'last consent change',
  'SMS marketing status',
  'SMS marketing expiry',
  'WhatsApp marketing status',
  'WhatsApp marketing expiry',
  'personal-data consent until',
];

/** A list column's value as a problem names it. */
function listedValue(field: number, v: number | null): string {
  if (field === 1 || field === 3) return LISTED_STATUS[v ?? 0] ?? String(v);
  if (v === null || v === 0) return 'none';
  if (v >= FOREVER) return 'never';
  return iso(v);
}

/** Contacts whose list columns (what the list shows and filters by) differ from the fold of their events. */
function listedProblems(repo: IntegrityRepo, folded: readonly StateRecord[], lo: number, hi: number, report: (p: AuditProblem) => void): void {
  let k = 0;
  for (const row of repo.listedRange(lo, hi)) {
    const id = row[0];
    while (k < folded.length && folded[k]!.contactId < id) k++;
    const from = k;
    while (k < folded.length && folded[k]!.contactId === id) k++;
    const l = listedColumns(folded, from, k);
    const want = [l.changedAt, l.marketing.sms.code, l.marketing.sms.until, l.marketing.whatsapp.code, l.marketing.whatsapp.until, l.pdUntil];
    const differs = want.findIndex((v, i) => v !== row[i + 1]);
    if (differs < 0) continue;
    const phone = repo.contact(id)?.phone ?? null;
    const should = listedValue(differs, want[differs]!);
    const is = listedValue(differs, row[differs + 1]!);
    report(
      problem({
        table: 'contacts',
        kind: 'listed_mismatch',
        id,
        contactId: id,
        phone,
        expected: `${LISTED_FIELDS[differs]}=${should}`,
        actual: `${LISTED_FIELDS[differs]}=${is}`,
        message: `contact ${id}${phone ? ` (${phone})` : ''}: the contacts list keeps "${is}" as its ${LISTED_NAMES[differs]}, its events say "${should}": the list and its filters would show it wrongly; run "optin register rebuild" (the events are the record)`,
      }),
    );
  }
}

/** Compare the register's heads with heads seen before (by the witness, or given with --expect). */
function headProblems(
  seen: ExpectedHeads,
  now: RegisterHeads,
  hashAt: (chain: Chain, id: number) => string | null,
  source: 'witness' | 'expected' | 'backup',
): AuditProblem[] {
  const out: AuditProblem[] = [];
  for (const chain of Chains) {
    const s = seen[chain];
    if (!s || s.lastId === 0) continue;
    const noun = NOUN[chain];
    const cur = now[chain];
    const common = { table: TABLE[chain], id: s.lastId, eventId: chain === 'events' ? s.lastId : null, expected: formatLink(chain, s) };
    const advice = source === 'expected' ? RESTORE : ACCEPT;
    const saw = source === 'witness' ? 'the witness saw' : source === 'backup' ? 'a backup made since holds' : 'the expected head names';
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
          message: `history was rewritten: ${noun} ${s.lastId}'s hash differs from the ${source === 'expected' ? 'expected head' : source} (${source === 'expected' ? 'expected' : source} ${short(s.lastHash)}, register ${short(hash)}); ${advice}`,
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
  // A trigger Optin Desk did not make can change or swallow what the register records (an opt-out, a complaint).
  for (const name of present.keys()) {
    if (schemaReference().triggers.has(name)) continue;
    out.push(
      problem({
        table: 'schema',
        kind: 'schema_added',
        expected: null,
        actual: name,
        message: `a trigger ${name} that Optin Desk did not make was added to the register file: it can change or drop what the register records (an opt-out, a complaint); ${RESTORE}`,
      }),
    );
  }
  // Views and unique indexes: the opening refuses them (db/open.ts); a read-only check still names them.
  const ref = schemaReference();
  const { views, indexes } = repo.viewsAndIndexes();
  for (const [name, view] of views) {
    if (ref.viewsAt[ref.viewsAt.length - 1]!.get(name) === view.sql) continue;
    out.push(
      problem({
        table: 'schema',
        kind: 'schema_added',
        expected: null,
        actual: name,
        message: `a view ${name} (over ${view.table}) that Optin Desk did not make was added to the register file: it was edited outside Optin Desk; ${RESTORE}`,
      }),
    );
  }
  for (const [name, index] of indexes) {
    if (!isForeignUniqueIndex(name, index.sql, ref.indexesAt)) continue;
    out.push(
      problem({
        table: 'schema',
        kind: 'schema_added',
        expected: null,
        actual: name,
        message: `a unique index ${name} (on ${index.table}) that Optin Desk did not make was added to the register file: it can refuse or silently drop what the register records (an opt-out, a reply); ${RESTORE}`,
      }),
    );
  }
  return out;
}

/**
 * What the audit log recorded of rows the hash chains do not cover: each form's fingerprint, each complaint staff
 * recorded (by id) and each reply read as a complaint (by the reply's id, with its audit row), each person's links.
 */
interface RecordedOutside {
  forms: Map<number, { sha256: unknown; row: number }>;
  complaints: Map<number, { contactId: number; row: number }>;
  replies: Map<number, number>;
  links: Map<number, { into: number; row: number }>;
  /** The rules pack and tightening the last settings change recorded (none before settings changes recorded them). */
  policy: { value: unknown; row: number } | null;
}

/** Note what an audit row says of a form, a complaint or a person's links. */
function recordedOutside(r: { id: number; action: string; entity: string; details: Record<string, unknown> }, seen: RecordedOutside): void {
  const { forms, complaints, replies, links } = seen;
  if (r.action === 'settings.updated' && r.details.policy !== undefined) seen.policy = { value: r.details.policy, row: r.id };
  const entityId = Number(/^\w+:(\d+)$/.exec(r.entity)?.[1] ?? NaN);
  if (!Number.isSafeInteger(entityId)) return;
  if (r.action === 'form.created') forms.set(entityId, { sha256: r.details.sha256, row: r.id });
  else if (r.action === 'inbound.received' && r.details.intent === 'complaint') replies.set(entityId, r.id);
  else if (r.action === 'complaint.recorded') {
    const ids = Array.isArray(r.details.complaints) ? (r.details.complaints as unknown[]) : [r.details.complaint];
    const contacts = Array.isArray(r.details.contacts) ? (r.details.contacts as unknown[]) : [];
    ids.forEach((id, i) => {
      if (typeof id === 'number') complaints.set(id, { contactId: typeof contacts[i] === 'number' ? (contacts[i] as number) : entityId, row: r.id });
    });
  } else if (r.action === 'contact.merged' && Array.isArray(r.details.merged)) {
    for (const m of r.details.merged as { id?: unknown }[]) if (typeof m?.id === 'number') links.set(m.id, { into: entityId, row: r.id });
  } else if (r.action === 'contact.deleted') links.delete(entityId);
}

/**
 * The shop's rules as the settings keep them, against what the last settings change recorded, and against the pack:
 * a pack or tightening changed in the file (a maximum consent age lifted, the revocation scope narrowed) decides what
 * may be sent without anyone having chosen it in Optin Desk. (The app never sends by a loosened pack: getSettings
 * keeps the pack's own value for a field that loosens it.)
 */
function settingsProblems(ctx: ServiceContext, recorded: RecordedOutside['policy']): AuditProblem[] {
  const stored = ctx.settings.all();
  const now = policyRecord(stored);
  const out: AuditProblem[] = [];
  if (recorded !== null && canonicalJson(recorded.value) !== canonicalJson(now))
    out.push(
      problem({
        table: 'settings',
        kind: 'settings_changed',
        id: recorded.row,
        expected: canonicalJson(recorded.value),
        actual: canonicalJson(now),
        message: `the rules pack or its tightening in the register's settings (${canonicalJson(now)}) is not what the last change in Optin Desk recorded in audit row ${recorded.row} (${canonicalJson(recorded.value)}): it was changed in the file, outside Optin Desk; check them in Settings and save them again, or ${RESTORE}`,
      }),
    );
  const pack =
    typeof now.pack === 'string' && (PolicyPackIds as readonly string[]).includes(now.pack) ? getPolicyPack(now.pack as PolicyPackId) : null;
  const overrides = PolicyOverrides.safeParse(now.overrides ?? {});
  if (pack && overrides.success) {
    const loosened = findLoosening(pack, overrides.data);
    if (loosened.length)
      out.push(
        problem({
          table: 'settings',
          kind: 'settings_changed',
          expected: pack.id,
          actual: canonicalJson(now.overrides ?? {}),
          message: `the register's settings loosen the ${pack.id} pack (${loosened.map((l) => l.field).join(', ')}), which Optin Desk never allows: they were changed in the file; Optin Desk sends by the pack's own values meanwhile; check the rules in Settings and save them again, or ${RESTORE}`,
        }),
      );
  }
  return out;
}

/**
 * Rows outside the hash chains that decide what may be sent or what a certificate shows, against what the audit log
 * recorded of them: a form's wording (its fingerprint, and the one recorded when it was made), the complaints (one
 * deleted lets marketing go again) and the links between a person's numbers (one removed lets an opt-out miss a number).
 */
function outsideProblems(ctx: ServiceContext, repo: IntegrityRepo, { forms, complaints, replies, links }: RecordedOutside): AuditProblem[] {
  const out: AuditProblem[] = [];
  for (const f of ctx.forms.list()) {
    const now = formHash(f);
    const recorded = forms.get(f.id);
    const kept = recorded && typeof recorded.sha256 === 'string' ? recorded.sha256 : f.sha256;
    if (now === f.sha256 && now === kept) continue;
    out.push(
      problem({
        table: 'form_versions',
        kind: 'form_altered',
        id: f.id,
        expected: `${f.code} ${short(kept)}`,
        actual: `${f.code} ${short(now)}`,
        message: `the wording of form ${f.code} was changed in the register file, outside Optin Desk (its fingerprint ${short(now)} is not the ${short(kept)} recorded${recorded ? ` in audit row ${recorded.row}` : ''} when it was made): certificates would show wording nobody agreed to; ${RESTORE}`,
      }),
    );
  }
  const stored = new Map(repo.complaints().map((c) => [c.id, c]));
  for (const [id, rec] of complaints) {
    const c = stored.get(id);
    if (c && c.contactId === rec.contactId) continue;
    const phone = repo.contact(rec.contactId)?.phone ?? null;
    out.push(
      problem({
        table: 'complaints',
        kind: 'complaint_missing',
        id,
        contactId: rec.contactId,
        phone,
        expected: `complaint ${id} of contact ${rec.contactId}`,
        actual: c ? `complaint ${id} of contact ${c.contactId}` : null,
        message: `complaint ${id} of contact ${rec.contactId}${phone ? ` (${phone})` : ''}, recorded in audit row ${rec.row}, ${c ? `now belongs to contact ${c.contactId}` : 'is gone'}: it was changed outside Optin Desk, and marketing may reach someone who complained; ${RESTORE}, and do not message ${phone ?? 'this contact'} until then`,
      }),
    );
  }
  // A reply read as a complaint left one against the contact it came from.
  const fromReplies = new Set([...stored.values()].map((c) => c.inboundMessageId));
  for (const [reply, row] of replies) {
    if (fromReplies.has(reply)) continue;
    const contactId = repo.inboundContact(reply);
    if (contactId === null) continue;
    const phone = repo.contact(contactId)?.phone ?? null;
    out.push(
      problem({
        table: 'complaints',
        kind: 'complaint_missing',
        id: null,
        contactId,
        phone,
        expected: `a complaint from reply ${reply}`,
        actual: null,
        message: `reply ${reply} from contact ${contactId}${phone ? ` (${phone})` : ''} was read as a complaint (audit row ${row}), but its complaint is gone: it was deleted outside Optin Desk, and marketing may reach someone who complained; ${RESTORE}, and do not message ${phone ?? 'this contact'} until then`,
      }),
    );
  }
  for (const [id, c] of stored) {
    if (complaints.has(id) || (c.inboundMessageId !== null && replies.has(c.inboundMessageId))) continue;
    const phone = repo.contact(c.contactId)?.phone ?? null;
    out.push(
      problem({
        table: 'complaints',
        kind: 'complaint_missing',
        id,
        contactId: c.contactId,
        phone,
        expected: null,
        actual: `complaint ${id} of contact ${c.contactId}`,
        message: `complaint ${id} of contact ${c.contactId}${phone ? ` (${phone})` : ''} is in the register but no audit row recorded it: it was added outside Optin Desk; ${RESTORE}`,
      }),
    );
  }
  const present = repo.links();
  for (const id of new Set([...links.keys(), ...present.keys()])) {
    const want = links.get(id);
    const have = present.get(id) ?? null;
    if (want && want.into === have) continue;
    if (!want && repo.contact(id) === null) continue;
    const phone = repo.contact(id)?.phone ?? null;
    out.push(
      problem({
        table: 'contacts',
        kind: 'link_changed',
        id,
        contactId: id,
        phone,
        expected: want ? `contact ${want.into}` : null,
        actual: have === null ? null : `contact ${have}`,
        message: want
          ? `contact ${id}${phone ? ` (${phone})` : ''} was linked to contact ${want.into} as the same person (audit row ${want.row}), but ${have === null ? 'is not linked any more' : `is now linked to contact ${have}`}: the link was changed outside Optin Desk, and an opt-out from one of the person's numbers may miss another; ${RESTORE}`
          : `contact ${id}${phone ? ` (${phone})` : ''} is linked to contact ${have} but no audit row recorded that merge: it was linked outside Optin Desk; ${RESTORE}`,
      }),
    );
  }
  return out;
}

/**
 * How far apart two moments read from the clock may be and still be one order: an opt-out recorded up to this long
 * before a message was marked `sending` may have been committed after the gate looked (the wall clock steps).
 */
const OPT_OUT_SLACK_MS = 2_000;

/** A message handed off after its recipient's opt-out was recorded, as a problem. */
function sentAfterOptOutProblems(repo: IntegrityRepo, contactId?: number): AuditProblem[] {
  return repo.sentAfterOptOut(OPT_OUT_SLACK_MS, contactId).map((s) =>
    problem({
      table: 'outbox',
      kind: 'sent_after_optout',
      id: s.id,
      contactId: s.contactId,
      phone: s.phone,
      eventId: s.revoke,
      expected: `not sent: ${s.channel} ${s.purpose} revoked by event ${s.revoke} at ${iso(s.revokedAt)}`,
      actual: `${s.status} at ${iso(s.sendingAt)} under event ${s.proof}`,
      message: `message ${s.id} to ${s.phone} (${s.channel}, campaign ${s.batch}): ${s.phone}'s opt-out (event ${s.revoke}, ${s.channel} ${s.purpose}) was recorded at ${iso(s.revokedAt)}, yet the message is recorded as handed to the provider after it, at ${iso(s.sendingAt)}, under consent event ${s.proof}: Optin Desk asks the gate in the same step that marks a message for sending, and the gate would have refused, so the row was written outside Optin Desk (or the check failed) and the campaign report cannot be trusted; ${RESTORE}, and never message ${s.phone} on that consent`,
    }),
  );
}

/** Messages to a provider whose proof is not their recipient's own consent (`contactId`: only that contact's). */
function foreignProofProblems(repo: IntegrityRepo, contactId?: number): AuditProblem[] {
  return repo.foreignProofs(contactId).map((f) =>
    problem({
      table: 'outbox',
      kind: 'proof_mismatch',
      id: f.id,
      contactId: f.contactId,
      phone: f.phone,
      eventId: f.proof,
      expected: `${f.channel} ${f.phone}`,
      actual: f.proof === null ? null : `${f.proofChannel ?? '?'} ${f.proofPhone ?? '?'}`,
      message: `message ${f.id} to ${f.phone} (${f.channel}) names ${f.proof === null ? 'no consent event' : `consent event ${f.proof} of ${f.proofPhone ?? 'no known number'} (${f.proofChannel ?? '?'})`} as its proof: the runner only ever names the recipient's own consent, so the row was written outside Optin Desk and the campaign report cannot be trusted; ${RESTORE}`,
    }),
  );
}

/** Flags of an event id (EventMarks). */
const EXISTS = 1;
const MUST_BE_NAMED = 2;
const NAMED = 4;
const REVOCATION = 8;
/** Ids beyond this are kept in a map, not the dense array (only a forged id is that far beyond the chain's head). */
const DENSE_LIMIT = 1 << 26;

/** One byte of flags per event id: the chain's ids are dense (1…last), so an array indexed by id, grown as needed. */
class EventMarks {
  private bytes: Uint8Array;
  private readonly far = new Map<number, number>();
  /** The highest event id an audit row names (0: none). */
  maxNamed = 0;

  constructor(expected: number) {
    this.bytes = new Uint8Array(Math.min(DENSE_LIMIT, Math.max(64, expected + 1)));
  }

  get(id: number): number {
    if (!Number.isSafeInteger(id) || id <= 0) return 0;
    return id < this.bytes.length ? this.bytes[id]! : (this.far.get(id) ?? 0);
  }

  set(id: number, flags: number): void {
    if (!Number.isSafeInteger(id) || id <= 0) return;
    if (id >= this.bytes.length && id < DENSE_LIMIT) {
      const grown = new Uint8Array(Math.min(DENSE_LIMIT, Math.max(id + 1, this.bytes.length * 2)));
      grown.set(this.bytes);
      this.bytes = grown;
    }
    if (id < this.bytes.length) this.bytes[id]! |= flags;
    else this.far.set(id, (this.far.get(id) ?? 0) | flags);
  }

  /** Flag an event that is in the register (an audit row naming an id that is not changes nothing here). */
  flag(id: number, flags: number): void {
    if (!(this.get(id) & EXISTS)) return;
    this.set(id, flags);
    if (flags & NAMED) this.maxNamed = Math.max(this.maxNamed, id);
  }

  /** Flag the events lo…hi that are in the register (an import names its events as a range). */
  setRange(lo: number, hi: number, flags: number): void {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi)) return;
    const from = Math.max(1, lo);
    const to = Math.min(hi, this.bytes.length - 1);
    for (let id = from; id <= to; id++)
      if (this.bytes[id]! & EXISTS) {
        this.bytes[id]! |= flags;
        if (flags & NAMED) this.maxNamed = Math.max(this.maxNamed, id);
      }
    for (const id of this.far.keys()) if (id >= lo && id <= hi) this.flag(id, flags);
  }

  /** Ids that must be named by an audit row and are not, in id order, at most `limit`. */
  unnamed(limit: number): number[] {
    const out: number[] = [];
    const b = this.bytes;
    for (let id = 1; id < b.length && out.length < limit; id++) if ((b[id]! & (MUST_BE_NAMED | NAMED)) === MUST_BE_NAMED) out.push(id);
    for (const [id, f] of [...this.far].sort((x, y) => x[0] - y[0]))
      if (out.length < limit && (f & (MUST_BE_NAMED | NAMED)) === MUST_BE_NAMED) out.push(id);
    return out;
  }
}

/** The evidence note of a revocation a merge carried to the person's other numbers (register/person.ts optOutsCarried). */
const CARRIED_BY_MERGE = '{"key":"note.optOutOfLinkedNumber"';

/**
 * Whether an audit row must name this event. Every writer of consent events writes, in the same transaction, an audit
 * row naming them — `details.events` (consent.recorded, sheets' rows, replies, complaints, the journal's entries), an
 * import its range (`import.committed`) — except two: an import's undo counts its retractions (`import.undone`
 * `retracted`; matched by their evidence and target, see {@link accountForUndo}), and a merge names no revocation it
 * carries to the person's other numbers (`contact.merged`): those are left out here, as an `expire` (never written) is;
 * a revocation only ever stops messages.
 */
function mustBeNamed(e: EventRecord): boolean {
  if (e.action === 'expire') return false;
  return !(e.action === 'revoke' && typeof e.evidence.note === 'string' && e.evidence.note.startsWith(CARRIED_BY_MERGE));
}

/** What the audit log says of the events each import wrote and each undo retracted, by import batch. */
interface ImportsRecorded {
  ranges: Map<number, { first: number; last: number }>;
  undone: Map<number, number>;
  /**
   * The last event of a register accepted as it was (`witness.reset`, audit accept-head) when the witness had seen more
   * audit rows than it held: rows naming events were lost and the owner accepted that, so events up to it are not
   * required to be named (0: none).
   */
  acceptedShort: number;
}

/** Where the events an audit row names are noted: {@link EventMarks}, or a contact check's {@link AuditNames}. */
interface NamedSink {
  flag(id: number, flags: number): void;
  setRange(lo: number, hi: number, flags: number): void;
}

/** Note the events an audit row names (`details.events`, an import's range) and what an undo counted. */
function namedEvents(r: { action: string; entity: string; details: Record<string, unknown> }, marks: NamedSink, imports: ImportsRecorded): void {
  const d = r.details;
  if (Array.isArray(d.events)) for (const id of d.events as unknown[]) if (typeof id === 'number') marks.flag(id, NAMED);
  if (r.action === 'witness.reset' && typeof d.previous === 'string' && typeof d.register === 'string') {
    const seen = parseHead(d.previous).value?.audit?.lastId ?? 0;
    const accepted = parseHead(d.register).value;
    if (accepted && seen > (accepted.audit?.lastId ?? 0)) imports.acceptedShort = Math.max(imports.acceptedShort, accepted.events?.lastId ?? 0);
  }
  if (r.action !== 'import.committed' && r.action !== 'import.undone') return;
  const batch = Number(/^import:(\d+)$/.exec(r.entity)?.[1] ?? NaN);
  if (r.action === 'import.committed' && typeof d.firstEventId === 'number' && typeof d.lastEventId === 'number') {
    marks.setRange(d.firstEventId, d.lastEventId, NAMED);
    if (Number.isSafeInteger(batch)) imports.ranges.set(batch, { first: d.firstEventId, last: d.lastEventId });
  } else if (r.action === 'import.undone' && typeof d.retracted === 'number' && Number.isSafeInteger(batch)) imports.undone.set(batch, d.retracted);
}

/** A retraction an undo may have written: its id, the import batch its evidence names and the event it voids. */
interface UndoRetraction {
  id: number;
  batch: number;
  target: number;
}

/**
 * The retractions of each undone import, which its audit row counts but does not list: ones naming that import in
 * their evidence and voiding an event the import wrote (not an opt-out: an undo keeps those), as many as it counted.
 */
function accountForUndo(retractions: readonly UndoRetraction[], marks: EventMarks, imports: ImportsRecorded): void {
  const left = new Map(imports.undone);
  for (const u of retractions) {
    const n = left.get(u.batch) ?? 0;
    const range = imports.ranges.get(u.batch);
    if (n <= 0 || !range || u.target < range.first || u.target > range.last) continue;
    const target = marks.get(u.target);
    if (!(target & EXISTS) || target & REVOCATION) continue;
    marks.flag(u.id, NAMED);
    left.set(u.batch, n - 1);
  }
}

/** Consent events no audit row accounts for: appended to the file outside Optin Desk, their hashes made to fit. */
function unaccountedProblems(ctx: ServiceContext, ids: readonly number[]): AuditProblem[] {
  const out: AuditProblem[] = [];
  for (const id of ids) {
    const e = ctx.consent.eventById(id);
    if (!e) continue;
    out.push(
      problem({
        table: 'consent_events',
        kind: 'event_unaccounted',
        id: e.id,
        eventId: e.id,
        contactId: e.contactId,
        phone: e.phone,
        expected: 'an audit row naming it',
        actual: `${e.action} ${e.channel}/${e.purpose}`,
        message: `event ${e.id} of contact ${e.contactId} (${e.phone}), a ${e.action} of ${e.channel} ${e.purpose} recorded at ${iso(e.recordedAt)}, is named by no audit row: Optin Desk writes every consent event together with an audit row naming it, so this one was added to the register file outside Optin Desk (its hash made to fit the chain); ${RESTORE}, and until then do not rely on it: check ${e.phone}'s consent on paper`,
      }),
    );
  }
  return out;
}

/** What an audit row recorded of a reply (inbound.received): its intent and the events it produced. */
interface ReplyRecorded {
  row: number;
  intent: unknown;
  events: number[];
  /** The whole text's SHA-256 (recorded since replies kept it; null before). */
  sha256: string | null;
}

/** Note what an `inbound.received` audit row recorded of its reply. */
function noteReply(r: { id: number; action: string; entity: string; details: Record<string, unknown> }, replies: Map<number, ReplyRecorded>): void {
  if (r.action !== 'inbound.received') return;
  const reply = Number(/^inbound:(\d+)$/.exec(r.entity)?.[1] ?? NaN);
  const named = Array.isArray(r.details.events) ? (r.details.events as unknown[]).filter((id): id is number => typeof id === 'number') : [];
  if (Number.isSafeInteger(reply))
    replies.set(reply, {
      row: r.id,
      intent: r.details.intent,
      events: named,
      sha256: typeof r.details.sha256 === 'string' ? r.details.sha256 : null,
    });
}

/** A win-back request's evidence names the question, not the reply (intake/inbound.ts); before notes by key, in English. */
const WINBACK_SOURCES = new Set<unknown>([WINBACK_SOURCE, 'win-back: the shop asked to confirm a claimed or expired consent']);
/** A stored text as a problem quotes it. */
const quote = (text: string): string => `"${text.length > 120 ? `${text.slice(0, 120)}…` : text}"`;

/**
 * Each reply the audit log recorded against the reply as stored: its intent against the audit row's (hashed), and its
 * text against the note of each event it produced (intake/inbound.ts keeps the text's first 500 characters, trimmed,
 * in every event's hashed evidence). A reply gone, or read otherwise now, no longer shows what the customer wrote.
 */
function replyProblems(repo: IntegrityRepo, replies: ReadonlyMap<number, ReplyRecorded>, limit: number): AuditProblem[] {
  if (replies.size === 0) return [];
  const pairs: [number, number][] = [];
  for (const [id, r] of replies) {
    pairs.push([id, 0]);
    for (const e of r.events) pairs.push([id, e]);
  }
  const out: AuditProblem[] = [];
  const phoneOf = new Map<number, { phone: string; contactId: number }>();
  const rows = repo.repliesWithEvents(JSON.stringify(pairs));
  // One problem for a reply's text, however many events (numbers, channels) it produced.
  const textNamed = new Set<number>();
  const digestDiffers: ReplyWithEvent[] = [];
  for (const x of rows)
    if (x.eventPhone !== null && x.eventContact !== null && !phoneOf.has(x.reply))
      phoneOf.set(x.reply, { phone: x.eventPhone, contactId: x.eventContact });
  for (const x of rows) {
    if (out.length >= limit) break;
    const recorded = replies.get(x.reply)!;
    if (x.event === 0) {
      const intent = typeof recorded.intent === 'string' ? recorded.intent : null;
      if (x.storedId === null) {
        const who = phoneOf.get(x.reply);
        out.push(
          problem({
            table: 'audit_log',
            kind: 'reply_rewritten',
            id: recorded.row,
            contactId: who?.contactId ?? null,
            phone: who?.phone ?? null,
            expected: `reply ${x.reply}${intent ? `: ${intent}` : ''}`,
            actual: null,
            message: `reply ${x.reply}${who ? ` from ${who.phone}` : ''}, recorded in audit row ${recorded.row}${intent ? ` (${intent})` : ''}, is gone from the register: it was deleted outside Optin Desk, and what the customer wrote can no longer be shown; ${RESTORE}`,
          }),
        );
      } else if (intent !== null && x.intent !== intent)
        out.push(
          problem({
            table: 'audit_log',
            kind: 'reply_rewritten',
            id: recorded.row,
            contactId: x.replyContact,
            phone: x.fromPhone,
            expected: `reply ${x.reply}: ${intent}`,
            actual: `reply ${x.reply}: ${x.intent}`,
            message: `reply ${x.reply} from ${x.fromPhone} is kept as "${x.intent}" now, but audit row ${recorded.row} recorded it as "${intent}" when it came: the customer's message was changed in the register file, outside Optin Desk; ${RESTORE} (the audit row and the events it names are the record)`,
          }),
        );
      // The whole text against the digest its audit row recorded (an edit past the events' first 500 characters too):
      // said after the events' own check, only for a reply none of its events already showed changed.
      else if (recorded.sha256 !== null && x.text !== null && sha256Hex(x.text) !== recorded.sha256) digestDiffers.push(x);
      continue;
    }
    if (x.storedId === null || x.text === null || x.evidence === null || textNamed.has(x.reply)) continue;
    let evidence: Record<string, unknown>;
    try {
      evidence = JSON.parse(x.evidence) as Record<string, unknown>;
    } catch {
      continue; // an event whose evidence is not JSON any more: its hash check names it
    }
    if (evidence.inboundMessageId !== String(x.reply) || typeof evidence.note !== 'string' || WINBACK_SOURCES.has(evidence.source)) continue;
    const kept = x.text.slice(0, 500);
    if (evidence.note === kept || evidence.note === kept.trim()) continue;
    textNamed.add(x.reply);
    out.push(
      problem({
        table: 'consent_events',
        kind: 'reply_rewritten',
        id: x.event,
        eventId: x.event,
        contactId: x.eventContact,
        phone: x.eventPhone,
        expected: `reply ${x.reply}: ${quote(evidence.note)}`,
        actual: `reply ${x.reply}: ${quote(x.text)}`,
        message: `reply ${x.reply} from ${x.fromPhone} reads ${quote(x.text)} now, but event ${x.event} of contact ${x.eventContact} (${x.eventPhone}) it produced recorded it as ${quote(evidence.note)}: the customer's message was changed in the register file, outside Optin Desk; ${RESTORE} (the event's record of the message is what the customer wrote)`,
      }),
    );
  }
  for (const x of digestDiffers) {
    if (out.length >= limit || textNamed.has(x.reply)) continue;
    const recorded = replies.get(x.reply)!;
    out.push(
      problem({
        table: 'audit_log',
        kind: 'reply_rewritten',
        id: recorded.row,
        contactId: x.replyContact,
        phone: x.fromPhone,
        expected: `reply ${x.reply}: sha256 ${recorded.sha256 ?? ''}`,
        actual: `reply ${x.reply}: ${quote(x.text ?? '')}`,
        message: `reply ${x.reply} from ${x.fromPhone} reads ${quote(x.text ?? '')} now, but that is not the text audit row ${recorded.row} recorded (by its SHA-256) when it came: the customer's message was changed in the register file, outside Optin Desk; ${RESTORE}`,
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

  // SQLite's own look at every page first: a damaged file is refused by name, as at opening.
  const damage = deps.repo.quickCheck();
  if (damage.length > 0)
    throw new AppError('REGISTER_DAMAGED', 'register.corruptFound', { path: ctx.db.name, detail: damage[0]!.slice(0, 200) }, { path: ctx.db.name });

  let events = 0;
  let prev = { id: 0, hash: GENESIS_HASH };
  const eventIds = new Set<number>();
  // Which events an audit row must name (and, below, which it does), and the retractions an undo may have written.
  const marks = new EventMarks(deps.repo.head('events').lastId);
  const undoRetractions: UndoRetraction[] = [];
  for (const { event: e, contactPhone } of deps.repo.iterateEventsWithContacts()) {
    events++;
    eventIds.add(e.id);
    marks.set(e.id, EXISTS | (mustBeNamed(e) ? MUST_BE_NAMED : 0) | (e.action === 'revoke' ? REVOCATION : 0));
    if (e.action === 'retract' && e.method === 'import' && e.targetEventId !== null && typeof e.evidence.importBatchId === 'string') {
      const batch = Number(e.evidence.importBatchId);
      if (Number.isSafeInteger(batch)) undoRetractions.push({ id: e.id, batch, target: e.targetEventId });
    }
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
  // What the audit log says of rows outside the chains: each form's fingerprint, each complaint, each link of a person.
  const formsCreated = new Map<number, { sha256: unknown; row: number }>();
  const complaintsRecorded = new Map<number, { contactId: number; row: number }>();
  const complainingReplies = new Map<number, number>();
  const links = new Map<number, { into: number; row: number }>();
  let acceptedAt = 0;
  const outside: RecordedOutside = { forms: formsCreated, complaints: complaintsRecorded, replies: complainingReplies, links, policy: null };
  const imports: ImportsRecorded = { ranges: new Map(), undone: new Map(), acceptedShort: 0 };
  let witnessMissing: { row: number; at: number; register: string } | null = null;
  const repliesRecorded = new Map<number, ReplyRecorded>();
  for (const r of ctx.audit.iterate()) {
    auditRows++;
    recordedOutside(r, outside);
    namedEvents(r, marks, imports);
    noteReply(r, repliesRecorded);
    // A deliberate return to an earlier register (a restore, accept-head): backups made before it may hold more.
    if (r.action === 'witness.reset' || r.action === 'backup.restored') {
      acceptedAt = Math.max(acceptedAt, r.at);
      witnessMissing = null;
    }
    // Opened with its witness gone (backend.ts): until the head is accepted, a register shortened before then is possible.
    if (r.action === 'witness.missing')
      witnessMissing = { row: r.id, at: r.at, register: typeof r.details.register === 'string' ? r.details.register : '' };
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

  // Every event is named by the audit row written with it: one no row accounts for was added outside the app (named
  // below, once it is known whether the audit log's tail was cut, which leaves the events its rows named unnamed).
  accountForUndo(undoRetractions, marks, imports);
  const unnamed = marks.unnamed(MAX_PROBLEMS).filter((id) => id > imports.acceptedShort);

  // The projection must equal the fold of the events.
  const maxId = ctx.contacts.maxId();
  for (let lo = 1; lo <= maxId; lo += REBUILD_CHUNK) projectionProblems(ctx, deps.repo, lo, lo + REBUILD_CHUNK - 1, report);

  for (const p of schemaProblems(deps.repo)) report(p);
  const held = journalHold(ctx.optouts);
  if (held)
    report(
      problem({
        table: 'optouts',
        kind: 'journal_unreadable',
        expected: String(held.params?.path ?? ''),
        actual: String(held.params?.reason ?? ''),
        message: held.message,
      }),
    );
  for (const p of [...outsideProblems(ctx, deps.repo, outside), ...settingsProblems(ctx, outside.policy)]) report(p);
  // A message to a provider stands on its recipient's own consent: a row naming another's (or none) was written outside.
  for (const p of foreignProofProblems(deps.repo)) report(p);

  // …and none after its recipient's opt-out was recorded (the gate, asked in the same step, would have refused).
  for (const p of sentAfterOptOutProblems(deps.repo)) report(p);
  // The customers' replies behind opt-outs and consents, against what their events and audit rows recorded of them.
  for (const p of replyProblems(deps.repo, repliesRecorded, Math.max(0, MAX_PROBLEMS - problems.length))) report(p);

  const heads = {
    events: { count: events, lastId: lastEvent.id, lastHash: lastEvent.hash },
    audit: { count: auditRows, lastId: aprev.id, lastHash: aprev.hash },
  };
  const hashAt = (chain: Chain, id: number) => deps.repo.hashAt(chain, id);
  // Whether the witness, a backup or the expected head shows the audit log shorter or rewritten.
  let auditCut = false;

  // The register was opened with its witness gone, and nobody has accepted its head since (a live register's question:
  // a backup's copy, checked without a witness, is not asked it).
  if (witnessMissing && deps.witness)
    report(
      problem({
        table: 'witness',
        kind: 'witness_missing',
        id: witnessMissing.row,
        expected: deps.witness?.path ?? null,
        actual: witnessMissing.register,
        message: `the register was opened on ${iso(witnessMissing.at)} with its witness${deps.witness ? ` ${deps.witness.path}` : ''} gone (audit row ${witnessMissing.row}; the register then held ${witnessMissing.register}): the witness is written after every change, so it was deleted or the register was moved without it, and a register shortened or swapped before then would not show; compare that head with your last report, export or backup, and if it is the register you kept, run "optin audit accept-head"`,
      }),
    );

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
      auditCut ||= found.some((p) => p.table === 'audit_log');
      witness = { ...witness, state: found.length ? 'diverged' : 'consistent', heads: seen, updatedAt: w.value.updatedAt || null };
    }
  }

  // What the newest backup beside the register holds (its record is a file outside the register, like the witness):
  // a register shorter than a backup made since the last deliberate return to an earlier one was trimmed or swapped
  // for an older copy — with its witness, or with the witness gone.
  if (ctx.db.name !== ':memory:' && ctx.db.name !== '') {
    const newest = listBackupFiles(ctx.db.name)
      .filter((f) => f.record?.summary?.head && Date.parse(f.record.createdAt) > acceptedAt)
      .sort((a, b) => Date.parse(a.record!.createdAt) - Date.parse(b.record!.createdAt))
      .at(-1);
    const given = newest ? parseHead(newest.record!.summary!.head).value : null;
    const found = given ? headProblems(given, heads, hashAt, 'backup') : [];
    for (const p of found) report({ ...p, message: `${p.message} (backup ${newest!.name})` });
    auditCut ||= found.some((p) => p.table === 'audit_log');
  }

  // What the caller saw (a head from a report, or printed by an earlier verify).
  let expected: Output<'audit.verify'>['expected'] = null;
  if (input.expect !== undefined) {
    const given = parseHead(input.expect).value ?? {};
    const found = headProblems(given, heads, hashAt, 'expected');
    for (const p of found) report(p);
    auditCut ||= found.some((p) => p.table === 'audit_log');
    expected = { head: input.expect, held: found.length === 0 };
  }

  // Events no audit row names. With the audit log's tail cut (named above), the events after the last one its
  // remaining rows name were named by the rows cut: that is the problem, already said.
  for (const p of unaccountedProblems(
    ctx,
    unnamed.filter((id) => !auditCut || id < marks.maxNamed),
  ))
    report(p);

  return { ok: problems.length === 0, events, auditRows, problems, heads, head: formatHead(heads), witness, expected };
}

/**
 * What the audit log says of consent events and replies, for a contact's check: the events its rows name (by id, and
 * each import's range), the imports undone, how far a register accepted as it was is excused, and what each reply's
 * row recorded. The log is append-only, so it is read once and then only its new rows; when the row last read is no
 * longer as it was (a backup restored, the file changed), it is read again from the start.
 */
export class AuditNames implements NamedSink {
  private last = { id: 0, hash: GENESIS_HASH };
  private named = new Set<number>();
  private imports: ImportsRecorded = { ranges: new Map(), undone: new Map(), acceptedShort: 0 };
  private replies = new Map<number, ReplyRecorded>();
  /** The highest event id a row names (0: none). */
  maxNamed = 0;

  flag(id: number): void {
    this.named.add(id);
    this.maxNamed = Math.max(this.maxNamed, id);
  }

  setRange(_lo: number, hi: number): void {
    // The range itself is in imports.ranges (namedEvents keeps it there).
    this.maxNamed = Math.max(this.maxNamed, hi);
  }

  /** Read the rows written since the last call (all of them at the first, or when the log is no longer as it was). */
  refresh(ctx: ServiceContext, repo: IntegrityRepo): void {
    if (this.last.id > 0 && repo.hashAt('audit', this.last.id) !== this.last.hash) {
      this.last = { id: 0, hash: GENESIS_HASH };
      this.named = new Set();
      this.imports = { ranges: new Map(), undone: new Map(), acceptedShort: 0 };
      this.replies = new Map();
      this.maxNamed = 0;
    }
    for (const r of ctx.audit.iterateAfter(this.last.id)) {
      namedEvents(r, this, this.imports);
      noteReply(r, this.replies);
      this.last = { id: r.id, hash: r.hash };
    }
  }

  /** Whether a row accounts for `e`: names it, its import's range holds it, an undo of that import counts it, or accepted. */
  accounts(ctx: ServiceContext, e: EventRecord): boolean {
    if (!mustBeNamed(e) || this.named.has(e.id) || e.id <= this.imports.acceptedShort) return true;
    for (const range of this.imports.ranges.values()) if (e.id >= range.first && e.id <= range.last) return true;
    // An undo's retraction (accountForUndo, without its count: the whole check holds that): it voids, under its import's
    // number, an event that import wrote that is not an opt-out.
    if (e.action !== 'retract' || e.method !== 'import' || e.targetEventId === null || typeof e.evidence.importBatchId !== 'string') return false;
    const batch = Number(e.evidence.importBatchId);
    const range = this.imports.ranges.get(batch);
    if (!this.imports.undone.has(batch) || !range || e.targetEventId < range.first || e.targetEventId > range.last) return false;
    const target = ctx.consent.eventById(e.targetEventId);
    return target !== undefined && target !== null && target.action !== 'revoke';
  }

  /** What the log recorded of each of `ids`'s replies (those it has a row for). */
  repliesOf(ids: readonly number[]): Map<number, ReplyRecorded> {
    const out = new Map<number, ReplyRecorded>();
    for (const id of ids) {
      const r = this.replies.get(id);
      if (r) out.set(id, r);
    }
    return out;
  }
}

/** Whether the witness shows the audit log shorter or rewritten since it saw it (a contact's check's short form). */
function auditCutSinceWitness(ctx: ServiceContext, deps: IntegrityDeps): boolean {
  const w = deps.witness?.read();
  if (!w || w.state !== 'ok') return false;
  const found = headProblems(
    { events: w.value.events, audit: w.value.audit },
    currentHeads(ctx),
    (chain, id) => deps.repo.hashAt(chain, id),
    'witness',
  );
  return found.some((p) => p.table === 'audit_log');
}

/**
 * audit.verifyContact: does this contact's history verify? Its events' hashes and links, each event against the
 * contact's number, its stored statuses against the fold, events recorded for its number under a contact that is gone
 * or has another number now (an opt-out cut off from the number), and what the whole check says of its events, messages
 * and replies (an event no audit row accounts for, a message on another's proof or sent after the opt-out was recorded,
 * a reply rewritten or deleted). What the contact page warns of.
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
  const events: EventRecord[] = [];
  for (const { event, contactPhone } of deps.repo.eventsOfContact(contact.id)) {
    events.push(event);
    problems.push(...linkProblems(event), ...eventProblems(event, contactPhone, numberNowAt));
  }
  // The number's history kept under another contact id: that contact is gone, or has another number now.
  for (const { event, contactPhone } of deps.repo.eventsOfNumberElsewhere(contact.phone, contact.id)) {
    problems.push(...eventProblems(event, contactPhone, numberNowAt).filter((p) => p.kind !== 'hash_mismatch'));
  }
  projectionProblems(ctx, deps.repo, contact.id, contact.id, (p) => problems.push(p));
  // What the whole check says of this contact's events, messages and replies, scoped to it: an event no audit row
  // accounts for (one after the last a row names only while the witness shows the log whole: a cut tail is the whole
  // check's to name), a message whose proof is not its own or that left after the opt-out was recorded, a reply rewritten.
  const names = (deps.auditNames ??= new AuditNames());
  names.refresh(ctx, deps.repo);
  const cut = auditCutSinceWitness(ctx, deps);
  const unnamed = events.filter((e) => !names.accounts(ctx, e) && (!cut || e.id < names.maxNamed)).map((e) => e.id);
  problems.push(
    ...unaccountedProblems(ctx, unnamed),
    ...foreignProofProblems(deps.repo, contact.id),
    ...sentAfterOptOutProblems(deps.repo, contact.id),
    ...replyProblems(deps.repo, names.repliesOf(deps.repo.replyIdsOfContact(contact.id)), MAX_PROBLEMS),
  );
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
