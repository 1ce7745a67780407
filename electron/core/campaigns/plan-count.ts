import type { Output } from '../../../shared/contract/api';
import { ExclusionReasons, type GateRules, type GateVerdict } from '../../../shared/domain/gate/gate';
import type { Channel } from '../../../shared/domain/consent/types';
import { HISTORY_CLASSES, type AudienceMember, type AudienceSpec, type BatchRecord } from '../db/repos/batches.repo';
import { audienceHistory, audienceHistoryIndex, gateMember } from './plan';
import type { ServiceContext } from '../context';
import { pendingOptOutShifts } from './audience';
import type { CampaignAudience } from '../register/contact-list';

/** What a plan counts: the audience, who may be sent to on which channel, and why the others may not. */
export type PlanCounts = {
  audience: number;
  eligible: number;
  excluded: Output<'campaign.plan'>['excluded'];
  byChannel: Record<Channel, number>;
};

/** The batch being counted: its route, purpose and audience (register/contact-list.ts `campaignAudience`). */
export interface PlanTarget {
  channel: BatchRecord['channel'];
  purpose: BatchRecord['purpose'];
  /** Contacts with any of these tags (all when none)… */
  tags: readonly string[];
  /** …or, when given, this audience (a segment's: register/contact-list.ts `campaignAudience`). */
  audience?: CampaignAudience | undefined;
}

/** A target's audience: as given, or its tags. */
function audienceOf(batch: PlanTarget): CampaignAudience {
  const tags = batch.tags;
  return batch.audience ?? { spec: { tags }, keep: null, has: (c) => tags.length === 0 || c.tags.some((t) => tags.includes(t)) };
}

type History = Parameters<typeof gateMember>[4];

class Tally {
  private readonly counts: PlanCounts = {
    audience: 0,
    eligible: 0,
    excluded: Object.fromEntries(ExclusionReasons.map((r) => [r, 0])) as PlanCounts['excluded'],
    byChannel: { whatsapp: 0, sms: 0 },
  };

  add({ channel, verdict }: { channel: Channel; verdict: GateVerdict }, n: number): void {
    this.counts.audience += n;
    if (verdict.eligible) {
      this.counts.eligible += n;
      this.counts.byChannel[channel] += n;
    } else this.counts.excluded[verdict.reason] += n;
  }

  result(): PlanCounts {
    return this.counts;
  }
}

/**
 * Run the audience of a batch through the send-time gate at `at` and count the verdicts — exactly what
 * {@link countPlanPerMember} counts, without building a member per contact. The register is read in SQL as a few
 * number streams and contacts are grouped by everything the gate reads about them (see
 * `BatchesRepo.audienceGroups`); the gate then runs once per group (a few dozen for a typical register) with the
 * group's size as its weight. `gate()` stays the only place the rules live: the grouping only decides which
 * contacts the gate cannot tell apart.
 *
 * Sending history is part of the grouping: contacts with any (a complaint, marketing handed off within the
 * frequency window, a flagged number) are classed by the exact history the gate would be given, and contacts of
 * one class group together — so grouping a register most of which got last week's campaign costs no more than
 * grouping one where nobody did.
 */
export function countPlan(ctx: ServiceContext, batch: PlanTarget, at: number, rules: GateRules): PlanCounts {
  // A segment that asks what only the gate can say is walked member by member.
  const audience = audienceOf(batch);
  const groups = audience.keep ? null : audienceGroups(ctx, audience.spec, at, rules);
  if (!groups) return countPlanPerMember(ctx, batch, at, rules);
  const tally = new Tally();
  for (const g of groups) tally.add(gateMember(g.member, batch, at, rules, g.history), g.count);
  shiftForPendingOptOuts(ctx, batch, at, rules, tally);
  return tally.result();
}

/** Opt-outs accepted while the register was busy, not entered yet: each such contact moves to the verdict the gate gives it with the opt-out. */
function shiftForPendingOptOuts(ctx: ServiceContext, batch: PlanTarget, at: number, rules: GateRules, tally: Tally): void {
  for (const { before, after } of pendingOptOutShifts(ctx, batch, audienceOf(batch).has, at, rules)) {
    tally.add(before, -1);
    tally.add(after, 1);
  }
}

/**
 * The audience grouped by what the gate reads, each group with the history the gate would be given for its
 * members; null when the register holds something the grouping does not know (then count member by member).
 */
export function audienceGroups(
  ctx: ServiceContext,
  audience: readonly string[] | AudienceSpec,
  at: number,
  rules: GateRules,
): { member: AudienceMember; history: History; count: number }[] | null {
  const history = audienceHistoryIndex(ctx, rules, at);
  const flaggedIds = ctx.batches.contactIdsByPhone(history.flagged);
  // Class every contact with any history by the exact history the gate would be given (`history.of`; a contact's
  // number is flagged exactly when its id is in `flaggedIds`). Most have only recent hand-offs (after a campaign,
  // most of the register), so those are classed by their count alone without building anything per contact.
  const classHistory: History[] = [{ lastComplaintAt: null, recentMarketing: 0, flagged: false }];
  const classes = new Map<string, number>();
  const classOf = (lastComplaintAt: number | null, recentMarketing: number, flagged: boolean) => {
    const key = `${lastComplaintAt}|${recentMarketing}|${flagged}`;
    let cls = classes.get(key);
    if (cls === undefined) classes.set(key, (cls = classHistory.push({ lastComplaintAt, recentMarketing, flagged }) - 1));
    return cls;
  };
  const byRecent: number[] = [];
  const entries = new Float64Array(history.recent.size + history.complaints.size + flaggedIds.size);
  let n = 0;
  for (const [id, recent] of history.recent)
    if (!history.complaints.has(id) && !flaggedIds.has(id)) entries[n++] = id * HISTORY_CLASSES + (byRecent[recent] ??= classOf(null, recent, false));
  for (const id of new Set([...history.complaints.keys(), ...flaggedIds]))
    entries[n++] = id * HISTORY_CLASSES + classOf(history.complaints.get(id) ?? null, history.recent.get(id) ?? 0, flaggedIds.has(id));
  if (classHistory.length > HISTORY_CLASSES) return null;
  const groups = ctx.batches.audienceGroups(audience, at, entries.subarray(0, n));
  return groups?.map((g) => ({ member: g.member, history: classHistory[g.historyClass]!, count: g.count })) ?? null;
}

/** The same count one member at a time: the gate over every contact of `ctx.batches.audience`. */
export function countPlanPerMember(ctx: ServiceContext, batch: PlanTarget, at: number, rules: GateRules): PlanCounts {
  const historyOf = audienceHistory(ctx, rules, at);
  const tally = new Tally();
  const { spec, keep } = audienceOf(batch);
  for (const m of ctx.batches.audience(spec)) if (!keep || keep(m)) tally.add(gateMember(m, batch, at, rules, historyOf(m)), 1);
  shiftForPendingOptOuts(ctx, batch, at, rules, tally);
  return tally.result();
}
