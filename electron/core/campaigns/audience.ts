import { numberTimeZone } from '../../../shared/domain/time/zones';
import type { ConsentCell } from '../../../shared/contract/api';
import { EMPTY_STATE, consentKey, effectiveState, foldByKey } from '../../../shared/domain/consent/fold';
import { Channels, Purposes, type Channel, type ConsentState, type Purpose } from '../../../shared/domain/consent/types';
import { ExclusionReasons, gate, type GateRecipient, type GateRules, type GateVerdict } from '../../../shared/domain/gate/gate';
import { isMessageableReach } from '../../../shared/domain/phone/reach';
import type { AudienceMember, BatchRecord } from '../db/repos/batches.repo';
import type { EventRecord } from '../db/repos/consent.repo';
import type { ContactRecord } from '../db/repos/contacts.repo';
import { toFoldable } from '../register/consent-log';
import type { ServiceContext } from '../context';
import { journalHold, type GateOptOut } from '../register/optout-journal';
import { optOutReachOfNumber } from '../register/person';
import { getSettings } from '../register/settings';

/**
 * The gate's wiring: everything that asks "may this message go to this person on this channel now, and if not,
 * why" comes through here — the contact page and list, import previews, plan counts, enqueue and the hand-off —
 * so they all give the same answer with the same reason. The rules themselves live in shared/domain/gate.
 */

/** A complaint keeps marketing away from that person for this long (DOMAIN §7(b)). */
const COMPLAINT_COOLDOWN_DAYS = 90;
const DAY = 24 * 60 * 60 * 1000;

type CampaignChannel = BatchRecord['channel'];

/** The channels a campaign may use, in the order it tries them. */
export const routeOf = (channel: CampaignChannel): Channel[] => (channel === 'cascade' ? ['whatsapp', 'sms'] : [channel]);

/**
 * What a message is, to the gate: its channel route and purpose; `confirmation` marks a double opt-in confirmation
 * request (a service message whose basis is the pending request, or for a win-back the service consent).
 */
export interface GatedCampaign {
  channel: CampaignChannel;
  purpose: 'marketing' | 'service';
  confirmation?: 'request' | 'winback' | undefined;
}

/** What the gate reads about a person's past: complaints, recent marketing, a provider's flag on the number. */
export interface SendingHistory {
  lastComplaintAt: number | null;
  recentMarketing: number;
  flagged: boolean;
}

/** The shop's gate rules from its settings and policy pack. */
export function gateRules(ctx: ServiceContext): GateRules {
  const settings = getSettings(ctx);
  const pack = settings.effectivePolicy;
  const zones = pack.messaging.defaultRecipientTimeZones.length ? pack.messaging.defaultRecipientTimeZones : [settings.timezone];
  return { policy: pack, fallbackTimeZones: zones, complaintCooldownDays: COMPLAINT_COOLDOWN_DAYS };
}

/**
 * An audience member as the gate reads it. A class rather than an object literal with a `state` closure: the contacts
 * list gates a whole page on every keystroke of a search, and a closure made (and named) for each call cost more than
 * the gate itself.
 */
class MemberRecipient implements GateRecipient {
  readonly phone: string;
  readonly messageable: boolean;
  readonly lastComplaintAt: number | null;
  readonly recentMarketing: number;
  /** The number's own zone where the number alone tells it (a US territory), else the pack's zones apply. */
  readonly timeZone: string | null;
  private readonly cells: ReadonlyMap<string, ConsentState>;

  constructor(m: AudienceMember, history: SendingHistory) {
    this.phone = m.phone;
    this.timeZone = numberTimeZone(m.phone);
    this.messageable = m.messageable && !history.flagged;
    this.lastComplaintAt = history.lastComplaintAt;
    this.recentMarketing = history.recentMarketing;
    this.cells = m.cells;
  }

  state(channel: Channel, purpose: Purpose): ConsentState {
    return this.cells.get(`${channel}/${purpose}`) ?? EMPTY_STATE;
  }
}

/**
 * The gate over one audience member for a campaign: the first channel of the route that may carry it; else a
 * deferral if one channel only has to wait (quiet hours), else the weightiest reason (an opt-out first).
 */
export function gateMember(
  m: AudienceMember,
  campaign: GatedCampaign,
  at: number,
  rules: GateRules,
  history: SendingHistory,
): { channel: Channel; verdict: GateVerdict } {
  const recipient = new MemberRecipient(m, history);
  const route = routeOf(campaign.channel);
  // One channel (all but a cascade): its verdict is the answer, whatever it is.
  if (route.length === 1) {
    const channel = route[0]!;
    return { channel, verdict: gate(recipient, { channel, purpose: campaign.purpose, at, confirmation: campaign.confirmation }, rules) };
  }
  const refusals: { channel: Channel; verdict: GateVerdict }[] = [];
  for (const channel of route) {
    const verdict = gate(recipient, { channel, purpose: campaign.purpose, at, confirmation: campaign.confirmation }, rules);
    if (verdict.eligible) return { channel, verdict };
    refusals.push({ channel, verdict });
  }
  const deferred = refusals.filter((r) => !r.verdict.eligible && r.verdict.deferUntil !== undefined);
  if (deferred.length && !refusals.some((r) => !r.verdict.eligible && r.verdict.reason === 'revoked'))
    return deferred.sort((a, b) => deferUntil(a.verdict) - deferUntil(b.verdict))[0]!;
  const rank = (v: GateVerdict) => (v.eligible ? -1 : ExclusionReasons.indexOf(v.reason));
  return refusals.sort((a, b) => rank(a.verdict) - rank(b.verdict))[0]!;
}

const deferUntil = (v: GateVerdict): number => (!v.eligible && v.deferUntil !== undefined ? v.deferUntil : Number.POSITIVE_INFINITY);

/**
 * Everything about past sending the gate reads for a whole audience at once: when each contact last complained,
 * marketing handed to each within the pack's frequency window before `at`, and provider-flagged numbers; `of`
 * gives one member's share of it.
 */
export function audienceHistoryIndex(ctx: ServiceContext, rules: GateRules, at: number) {
  const complaints = ctx.batches.lastComplaints();
  const cap = rules.policy.frequencyCap;
  const recent = cap ? ctx.outbox.recentMarketingAll(at - cap.days * DAY) : new Map<number, number>();
  const flagged = ctx.outbox.flaggedPhones();
  const of = (m: Pick<AudienceMember, 'contactId' | 'phone'>): SendingHistory => ({
    lastComplaintAt: complaints.get(m.contactId) ?? null,
    recentMarketing: recent.get(m.contactId) ?? 0,
    flagged: flagged.has(m.phone),
  });
  return { complaints, recent, flagged, of };
}

/** One member's sending history, for a whole audience read at once. */
export function audienceHistory(ctx: ServiceContext, rules: GateRules, at: number) {
  return audienceHistoryIndex(ctx, rules, at).of;
}

/** One contact as the gate sees it, from the projection as it stands. */
function memberOf(ctx: ServiceContext, contact: ContactRecord, cells?: Map<string, ConsentState>): AudienceMember {
  return {
    contactId: contact.id,
    phone: contact.phone,
    name: contact.name,
    messageable: isMessageableReach(contact.reach),
    cells:
      cells ??
      new Map(
        ctx.consent
          .statesForContact(contact.id)
          .map((s) => [`${s.channel}/${s.purpose}`, { status: s.status, since: s.since, lastEventSeq: s.lastEventSeq, expiresAt: s.expiresAt }]),
      ),
  };
}

/**
 * One contact's history read from the register now; `exceptCampaign`'s own hand-offs do not count towards the cap.
 * `exceptCampaign` null: the recent hand-offs are not read (the frequency cap only defers, so an answer that treats a
 * deferral as "may go", like the contact page's, does not depend on them).
 */
function historyOf(ctx: ServiceContext, contact: ContactRecord, rules: GateRules, at: number, exceptCampaign: number | null): SendingHistory {
  const cap = rules.policy.frequencyCap;
  // As things stood at `at`: a complaint made, or a number flagged, after it does not change an answer about then.
  const flag = ctx.outbox.flag(contact.phone);
  return {
    lastComplaintAt: ctx.outbox.lastComplaint(contact.id, at),
    recentMarketing: cap && exceptCampaign !== null ? ctx.outbox.recentMarketing(contact.id, at - cap.days * DAY, exceptCampaign) : 0,
    flagged: flag !== undefined && flag.flaggedAt <= at,
  };
}

/**
 * Cells with the opt-outs accepted while the register was busy applied (see register/optout-journal.ts): each cell
 * they withdraw reads `revoked` from when the opt-out was accepted, so the gate honours it before the register has
 * it. One already entered changes nothing where the cells were read after it (their last event is it or later).
 * Only opt-outs that happened by `at` and were known by `knownAt` count. Returns `cells` itself when none applies.
 */
export function withPendingOptOuts(
  cells: Map<string, ConsentState>,
  optOuts: readonly GateOptOut[],
  at: number,
  knownAt = Number.POSITIVE_INFINITY,
): Map<string, ConsentState> {
  let out = cells;
  for (const o of optOuts) {
    if (o.occurredAt > at || o.receivedAt > knownAt) continue;
    for (const t of o.targets) {
      const key = consentKey(t);
      const cur = out.get(key);
      if (o.firstEventId !== null && cur?.lastEventSeq != null && cur.lastEventSeq >= o.firstEventId) continue;
      if (cur?.status === 'revoked') continue;
      if (out === cells) out = new Map(cells);
      out.set(key, { status: 'revoked', since: o.occurredAt, lastEventSeq: null, expiresAt: null });
    }
  }
  return out;
}

/**
 * The opt-outs waiting in the journal for one contact (none without a journal): its own, and those from another
 * number of the same person (a merged contact: an opt-out from any of a person's numbers reaches all of them).
 */
function pendingOf(ctx: ServiceContext, contact: ContactRecord): GateOptOut[] {
  // One read of the journal (a handful of entries at most), as the contact's own opt-outs alone took before.
  const active = ctx.optouts?.active() ?? [];
  if (!active.length) return [];
  const own = active.filter((o) => o.phone === contact.phone || (contact.id > 0 && o.contactId === contact.id));
  if (own.length === active.length || contact.id <= 0) return own;
  const person = byPersonNumbers(ctx, active).get(contact.id) ?? [];
  return person.length ? [...new Set([...own, ...person])] : own;
}

/**
 * Waiting opt-outs by the contact ids they reach through a person's linked numbers: an opt-out from (or for) one
 * number of a merged person, under the id of each of the person's other numbers. The journal holds a handful at most.
 */
function byPersonNumbers(ctx: ServiceContext, active: readonly GateOptOut[]): Map<number, GateOptOut[]> {
  const out = new Map<number, GateOptOut[]>();
  for (const o of active) {
    const from = (o.contactId !== null ? ctx.contacts.get(o.contactId) : undefined) ?? ctx.contacts.getByPhone(o.phone);
    // As far as the opt-out will reach once entered (register/person.ts): linked numbers, and contacts keeping the number.
    for (const other of optOutReachOfNumber(ctx, o.phone, from)) if (other.id !== from?.id) out.set(other.id, [...(out.get(other.id) ?? []), o]);
  }
  return out;
}

/**
 * For a whole audience walked at once (enqueue, the audience lists): each member as the gate must see it, with any
 * opt-out waiting in the journal for it applied. The journal is read once; members without one pass unchanged.
 */
export function pendingOptOutsOfAudience(ctx: ServiceContext, at: number): (m: AudienceMember) => AudienceMember {
  // A journal that cannot be read may hold an opt-out for anyone: no audience is planned or queued until it is mended.
  const held = journalHold(ctx.optouts);
  if (held) throw held;
  const active = ctx.optouts?.active() ?? [];
  if (!active.length) return (m) => m;
  const byPhone = new Map<string, GateOptOut[]>();
  const byId = byPersonNumbers(ctx, active);
  for (const o of active) {
    byPhone.set(o.phone, [...(byPhone.get(o.phone) ?? []), o]);
    if (o.contactId !== null) byId.set(o.contactId, [...(byId.get(o.contactId) ?? []), o]);
  }
  return (m) => {
    const mine = [...new Set([...(byPhone.get(m.phone) ?? []), ...(byId.get(m.contactId) ?? [])])];
    return mine.length ? { ...m, cells: withPendingOptOuts(m.cells, mine, at) } : m;
  };
}

/**
 * How opt-outs waiting in the journal change a plan's counts: for each contact of the audience (`inAudience`) with one,
 * the gate's verdict as the register stands (`before`, what the counts hold) and with the opt-out (`after`).
 */
export function pendingOptOutShifts(
  ctx: ServiceContext,
  campaign: { channel: CampaignChannel; purpose: 'marketing' | 'service' },
  inAudience: (contact: ContactRecord, member: AudienceMember) => boolean,
  at: number,
  rules: GateRules,
): { before: { channel: Channel; verdict: GateVerdict }; after: { channel: Channel; verdict: GateVerdict } }[] {
  const held = journalHold(ctx.optouts);
  if (held) throw held;
  const active = ctx.optouts?.active() ?? [];
  if (!active.length) return [];
  const seen = new Set<number>();
  const out: ReturnType<typeof pendingOptOutShifts> = [];
  for (const o of active) {
    const contact = (o.contactId !== null ? ctx.contacts.get(o.contactId) : undefined) ?? ctx.contacts.getByPhone(o.phone);
    if (!contact || contact.removedAt || seen.has(contact.id)) continue;
    // An opt-out from another number of a person shifts the person's primary number, the one in the audience.
    const primary = contact.mergedInto ? ctx.contacts.get(contact.mergedInto) : undefined;
    if (primary && !primary.removedAt && !seen.has(primary.id)) {
      const member = memberOf(ctx, primary);
      if (inAudience(primary, member)) {
        seen.add(primary.id);
        const history = historyOf(ctx, primary, rules, at, 0);
        const after = { ...member, cells: withPendingOptOuts(member.cells, pendingOf(ctx, primary), at) };
        if (after.cells !== member.cells)
          out.push({ before: gateMember(member, campaign, at, rules, history), after: gateMember(after, campaign, at, rules, history) });
      }
    }
    if (contact.mergedInto) continue;
    const member = memberOf(ctx, contact);
    if (!inAudience(contact, member)) continue;
    seen.add(contact.id);
    const history = historyOf(ctx, contact, rules, at, 0);
    const after = { ...member, cells: withPendingOptOuts(member.cells, pendingOf(ctx, contact), at) };
    if (after.cells === member.cells) continue;
    out.push({ before: gateMember(member, campaign, at, rules, history), after: gateMember(after, campaign, at, rules, history) });
  }
  return out;
}

/**
 * The gate for one contact, read from the register at this instant: what the sender asks immediately before each
 * provider request (in the transaction that marks the recipient `sending`). An opt-out waiting in the journal
 * (accepted while another process held the register) counts as a revocation here too.
 */
export function gateContact(
  ctx: ServiceContext,
  contact: ContactRecord,
  campaign: GatedCampaign,
  at: number,
  rules: GateRules,
  exceptCampaign = 0,
): { channel: Channel; verdict: GateVerdict } {
  // A number merged into another contact since the plan is no recipient of its own: the person's primary number is.
  const apart = standsApart(contact);
  if (apart) return { channel: routeOf(campaign.channel)[0]!, verdict: { eligible: false, reason: apart, proofEvent: null } };
  const member = memberOf(ctx, contact);
  const pending = pendingOf(ctx, contact);
  if (pending.length) member.cells = withPendingOptOuts(member.cells, pending, at);
  return gateMember(member, campaign, at, rules, historyOf(ctx, contact, rules, at, exceptCampaign));
}

/**
 * Why a contact is no recipient at all, whatever its consent says: removed (an undone import), or merged into another
 * contact (one of a person's other numbers: campaigns reach the person on the primary number, issue #17 item 11).
 * Asked first by the hand-off, the contact page, the list and an import's preview alike, so each says the same reason.
 */
export function standsApart(contact: Pick<ContactRecord, 'removedAt' | 'mergedInto'>): 'no_contact' | 'merged' | null {
  return contact.removedAt ? 'no_contact' : contact.mergedInto ? 'merged' : null;
}

/**
 * {@link standsApart} as of a moment (a certificate's or a status's 'as of', or what the register knew then): a number
 * merged only after it was still its own recipient then. A merge comes before the contact's last change, so the audit
 * log is read only for a moment before that.
 */
function apartAt(ctx: ServiceContext, contact: ContactRecord, moment: number): 'no_contact' | 'merged' | null {
  const apart = standsApart(contact);
  if (apart !== 'merged' || moment >= contact.updatedAt) return apart;
  const since = ctx.audit.firstMerged(contact.id);
  return since !== null && since > moment ? null : apart;
}

/** Reasons that only make a message wait; the consent itself is in force. */
const DEFERRALS = new Set(['quiet_hours', 'frequency_cap']);

/**
 * The six channel × purpose cells of a contact at `at`, folded from `events`, each with whether it may be used
 * now and, if not, the gate's own reason — so the contact page, the list and a campaign never disagree.
 */
export function consentCellsAt(
  ctx: ServiceContext,
  contact: ContactRecord,
  events: readonly EventRecord[],
  at: number,
  knownAt = Number.POSITIVE_INFINITY,
): ConsentCell[] {
  const rules = gateRules(ctx);
  const states = withPendingOptOuts(foldByKey(events.map(toFoldable), at, rules.policy), pendingOf(ctx, contact), at, knownAt);
  const member = memberOf(ctx, contact, states);
  const apart = apartAt(ctx, contact, Math.min(at, knownAt));
  const history = !apart ? historyOf(ctx, contact, rules, at, null) : null;
  const byId = new Map(events.map((e) => [e.id, e]));
  const cells: ConsentCell[] = [];
  for (const channel of Channels) {
    for (const purpose of Purposes) {
      const s = states.get(consentKey({ channel, purpose })) ?? EMPTY_STATE;
      let sendable = false;
      let blockedBy: ConsentCell['blockedBy'] = null;
      if (purpose !== 'personal_data') {
        const { verdict } = history
          ? gateMember(member, { channel, purpose }, at, rules, history)
          : { verdict: { eligible: false as const, reason: apart ?? 'no_contact', proofEvent: null } };
        sendable = verdict.eligible || DEFERRALS.has(verdict.reason);
        if (!verdict.eligible && !sendable) blockedBy = verdict.reason;
        // As at hand-off: a proof recorded for another number (a consent moved outside the app) never counts.
        const proof = sendable && s.lastEventSeq !== null ? byId.get(s.lastEventSeq) : undefined;
        if (proof && (proof.phone !== contact.phone || proof.contactId !== contact.id)) {
          sendable = false;
          blockedBy = 'integrity';
        }
      }
      cells.push({
        channel,
        purpose,
        status: s.status,
        since: s.since === null ? null : new Date(s.since).toISOString(),
        expiresAt: s.expiresAt === null ? null : new Date(s.expiresAt).toISOString(),
        event: s.lastEventSeq,
        sendable,
        blockedBy,
      });
    }
  }
  return cells;
}

/** A contact's marketing on the contacts list: its status per channel, and the gate's answer for it now. */
export interface ListedMarketing {
  marketing: Record<Channel, ConsentState['status']>;
  /** `null` where marketing may go now (or only has to wait), else the gate's reason. */
  marketingBlockedBy: Record<Channel, ConsentCell['blockedBy']>;
}

/**
 * Marketing per channel for a page of contacts at once (the contacts list), in one pass: the page's projection
 * cells in one read, its complaints and provider flags in one read each, the journal's waiting opt-outs once, then
 * the gate for each contact and channel — the same answer, with the same reason, as the contact page and a campaign.
 */
export function marketingOfPage(ctx: ServiceContext, contacts: readonly ContactRecord[], at: number): Map<number, ListedMarketing> {
  const out = new Map<number, ListedMarketing>();
  if (contacts.length === 0) return out;
  const rules = gateRules(ctx);
  const states = ctx.consent.cellsOfContacts(contacts.map((c) => c.id));
  const pending = ctx.optouts?.active() ?? [];
  const linked = pending.length ? byPersonNumbers(ctx, pending) : new Map<number, GateOptOut[]>();
  // The frequency cap only defers, so recent hand-offs do not change this answer and are not read.
  const { complaints, flagged } = ctx.contacts.pageHistory(contacts);
  for (const c of contacts) {
    const cells = states.get(c.id) ?? new Map<string, ConsentState>();
    let member = memberOf(ctx, c, cells);
    const mine = pending.length
      ? [...new Set([...pending.filter((o) => o.phone === c.phone || o.contactId === c.id), ...(linked.get(c.id) ?? [])])]
      : [];
    if (mine.length) member = { ...member, cells: withPendingOptOuts(member.cells, mine, at) };
    const history: SendingHistory = { lastComplaintAt: complaints.get(c.id) ?? null, recentMarketing: 0, flagged: flagged.has(c.phone) };
    const listed = listedMarketing(member, cells, at, rules, history);
    // A merged-away number (or a removed contact) is no recipient: the same reason as on its page and at hand-off.
    const apart = standsApart(c);
    out.set(c.id, apart ? { ...listed, marketingBlockedBy: { sms: apart, whatsapp: apart } } : listed);
  }
  return out;
}

/**
 * One person's marketing as the contacts list shows it: per channel, the status as stored with its expiry applied
 * (`cells`: before the journal's waiting opt-outs) and the gate's answer over `member` (with them).
 */
function listedMarketing(
  member: AudienceMember,
  cells: ReadonlyMap<string, ConsentState>,
  at: number,
  rules: GateRules,
  history: SendingHistory,
): ListedMarketing {
  const row = { marketing: {} as ListedMarketing['marketing'], marketingBlockedBy: {} as ListedMarketing['marketingBlockedBy'] };
  for (const channel of Channels) {
    row.marketing[channel] = effectiveState(cells.get(`${channel}/marketing`) ?? EMPTY_STATE, at).status;
    const { verdict } = gateMember(member, { channel, purpose: 'marketing' }, at, rules, history);
    row.marketingBlockedBy[channel] = verdict.eligible || DEFERRALS.has(verdict.reason) ? null : verdict.reason;
  }
  return row;
}

/**
 * For a campaign whose audience is a segment that asks for what only the gate can say (a granted consent held back
 * for want of the personal-data consent): whether a member of the audience walk shows so on the list — the same
 * answer {@link marketingOfPage} gives the list, from the walk's own cells and history.
 */
export function listedMarketingOfMember(
  ctx: ServiceContext,
  at: number,
): (m: AudienceMember, history: SendingHistory, withPending: AudienceMember) => ListedMarketing {
  const rules = gateRules(ctx);
  return (m, history, withPending) => listedMarketing(withPending, m.cells, at, rules, { ...history, recentMarketing: 0 });
}

/** The marketing answer per channel for many contacts at once: `null` where marketing may go, else the gate's reason. */
export function marketingVerdicts(
  ctx: ServiceContext,
  contacts: readonly ContactRecord[],
  at: number,
): Map<number, Record<Channel, ConsentCell['blockedBy']>> {
  return new Map([...marketingOfPage(ctx, contacts, at)].map(([id, m]) => [id, m.marketingBlockedBy]));
}

/** Why a contact cannot be asked to confirm (a win-back), or null when they can. */
export type WinbackBlock =
  'not_claimed' | 'revoked' | 'invalid_number' | 'no_service_consent' | 'whatsapp_needs_optin' | 'already_asked' | 'no_contact';

/**
 * Win-back: may this contact be sent a confirmation request on `channel` now (quiet hours aside, they only defer)?
 * Only marketing that is claimed (unproven) or expired is won back; the request itself needs a basis the gate
 * accepts — the person's service consent on this channel, or on SMS under a pack that allows it the claim itself
 * (shared/domain/gate `winbackBasis`); on WhatsApp always the WhatsApp service consent (Meta's opt-in rule).
 */
export function winbackVerdict(ctx: ServiceContext, contact: ContactRecord, channel: Channel, at: number): WinbackBlock | null {
  if (contact.removedAt) return 'no_contact';
  const member = memberOf(ctx, contact);
  const pending = pendingOf(ctx, contact);
  if (pending.length) member.cells = withPendingOptOuts(member.cells, pending, at);
  const marketing = effectiveState(member.cells.get(`${channel}/marketing`) ?? EMPTY_STATE, at).status;
  if (marketing === 'revoked') return 'revoked';
  if (marketing === 'pending') return 'already_asked';
  if (marketing !== 'unproven' && marketing !== 'expired') return 'not_claimed';
  const rules = gateRules(ctx);
  const { verdict } = gateMember(member, { channel, purpose: 'service', confirmation: 'winback' }, at, rules, historyOf(ctx, contact, rules, at, 0));
  if (verdict.eligible || DEFERRALS.has(verdict.reason)) return null;
  if (verdict.reason === 'revoked') return 'revoked';
  if (verdict.reason === 'invalid_number') return 'invalid_number';
  return channel === 'whatsapp' ? 'whatsapp_needs_optin' : 'no_service_consent';
}
