import type { Output, ParsedInput } from '../../../shared/contract/api';
import type { BatchRecord } from '../db/repos/batches.repo';
import type { SegmentRecord } from '../db/repos/segments.repo';
import { AppError } from '../../../shared/contract/errors';
import type { ExclusionReason } from '../../../shared/domain/gate/gate';
import { CLOCK_TOLERANCE_MS } from '../../../shared/domain/consent/decide';
import { audienceHistory, gateMember, gateRules, pendingOptOutsOfAudience, routeOf } from './audience';
import { appendAudit, iso, type ServiceContext } from '../context';
import { checkMessage, lintProfile } from './lint';

/** The lint rule that finds promotion in a message marked as service. */
const PURPOSE_MISMATCH = 'LINT-PURPOSE-MISMATCH';
import { resolveActor } from '../register/staff';
import { countPlan } from './plan-count';
import { planHealthWarnings } from '../sending/health';
import { campaignAudience, segmentForCampaign, walkAudience } from '../register/contact-list';

/** The refusal for a campaign that is not in the register. */
const noBatch = (batch: number): AppError =>
  new AppError('NOT_FOUND', 'campaigns.notFound', { batch }, { fields: [{ path: 'batch', key: 'campaigns.unknownBatch' }] });

const PAST_TOLERANCE_MS = CLOCK_TOLERANCE_MS;

export { audienceHistory, audienceHistoryIndex, gateMember, gateRules } from './audience';

/**
 * campaign.plan: lint the message, run every contact of the audience through the send-time gate at the planned
 * time, and record the batch with its counts. Nothing is sent; the gate runs again for each recipient at
 * hand-off against the register as it is then.
 */
export function planBatch(ctx: ServiceContext, input: ParsedInput<'campaign.plan'>): Output<'campaign.plan'> {
  const now = ctx.clock.now();
  const at = input.at ? Date.parse(input.at) : now;
  if (at < now - PAST_TOLERANCE_MS)
    throw new AppError('VALIDATION_FAILED', 'campaigns.atInPast', { at: input.at ?? '' }, { fields: [{ path: 'at', key: 'common.inPast' }] });
  const actor = resolveActor(ctx, input.staff);
  const profile = lintProfile(ctx);
  // A cascade message must be fit for both channels it may travel on.
  const lintAs = (purpose: 'marketing' | 'service') =>
    routeOf(input.channel).map((channel) =>
      checkMessage(
        ctx,
        {
          text: input.text,
          channel,
          purpose,
          sendAt: iso(at),
          locale: input.locale,
          ...(input.language ? { language: input.language } : {}),
        },
        profile,
      ),
    );
  let lints = lintAs(input.purpose);
  // Promotion in a message marked as service makes it advertising (LINT-PURPOSE-MISMATCH; 38-FZ art. 3, PECR reg. 22):
  // it is planned, checked and sent as marketing — only to people whose marketing consent is in force, under the
  // marketing rules — so a service campaign never carries an offer to someone who said STOP to marketing.
  const promotional = input.purpose === 'service' && lints.some((l) => l.diagnostics.some((d) => d.rule === PURPOSE_MISMATCH));
  const purpose = promotional ? 'marketing' : input.purpose;
  if (promotional) lints = lintAs('marketing');
  const lint = {
    ok: lints.every((l) => l.ok),
    errors: lints.flatMap((l) => l.diagnostics.filter((d) => d.severity === 'error').map((d) => ({ rule: d.rule, message: d.message }))),
    warnings: lints.reduce((n, l) => n + l.diagnostics.filter((d) => d.severity === 'warning').length, 0),
    warningList: lints.flatMap((l) => l.diagnostics.filter((d) => d.severity === 'warning').map((d) => ({ rule: d.rule, message: d.message }))),
    segments: lints.find((_, i) => routeOf(input.channel)[i] === 'sms')?.longest.segments ?? null,
    encoding: lints.find((_, i) => routeOf(input.channel)[i] === 'sms')?.longest.encoding ?? null,
  };

  if (input.segment !== undefined && input.tags?.length)
    throw AppError.field('VALIDATION_FAILED', 'segment', 'campaigns.segmentOrTags', { segment: input.segment });
  // A segment's filter is copied into the campaign: what it says now is what this campaign sends to.
  const audienceOf: BatchRecord['audience'] = {
    tags: input.tags ?? [],
    ...(input.segment !== undefined ? { segment: segmentForCampaign(ctx, input.segment) } : {}),
  };
  const counts = countPlan(
    ctx,
    { channel: input.channel, purpose, tags: audienceOf.tags, audience: campaignAudience(ctx, audienceOf, at) },
    at,
    gateRules(ctx),
  );
  const { audience, eligible, excluded, byChannel } = counts;
  const name = input.name ?? `${input.channel} ${purpose} ${iso(at).slice(0, 16).replace('T', ' ')}`;
  const batch = ctx.db.transaction(() => {
    const b = ctx.batches.insert({
      name,
      channel: input.channel,
      purpose,
      text: input.text,
      audience: audienceOf,
      plannedAt: at,
      createdAt: now,
      createdBy: actor,
      lintOk: lint.ok,
      lint: { ...lint, ...(promotional ? { askedAs: 'service' } : {}) },
      counts,
      state: 'planned',
    });
    appendAudit(ctx, actor, 'batch.planned', `batch:${b.id}`, {
      audience,
      eligible,
      lintOk: lint.ok,
      ...(promotional ? { purpose, askedAs: 'service' } : {}),
    });
    return b;
  })();
  return {
    batch: batch.id,
    name,
    plannedAt: iso(at),
    purpose,
    promotional,
    audience,
    eligible,
    byChannel,
    excluded,
    lint,
    health: planHealthWarnings(ctx),
  };
}

/**
 * What became of the segment a campaign's audience was drawn from: the campaign keeps the name and filter it copied
 * when planned; the segment may have been renamed or deleted since. Null for a campaign planned without a segment.
 * A segment whose id was given again to one saved after the plan is not the one the campaign copied: deleted.
 */
export function segmentSincePlan(b: BatchRecord, segments: readonly SegmentRecord[]): { deleted: boolean; name: string | null } | null {
  const copied = b.audience.segment;
  if (!copied) return null;
  const now = segments.find((s) => s.id === copied.id && s.createdAt <= b.createdAt);
  return now ? { deleted: false, name: now.name } : { deleted: true, name: null };
}

/** campaign.list: planned batches, newest first, with the counts of their plan. */
export function listBatches(ctx: ServiceContext, input: ParsedInput<'campaign.list'>): Output<'campaign.list'> {
  const batches = ctx.batches.list(input.offset, input.limit);
  const segments = batches.some((b) => b.audience.segment) ? ctx.segments.list() : [];
  return {
    batches: batches.map((b) => ({
      id: b.id,
      name: b.name,
      channel: b.channel,
      purpose: b.purpose,
      text: b.text,
      tags: b.audience.tags,
      segment: b.audience.segment?.name ?? null,
      segmentNow: segmentSincePlan(b, segments),
      plannedAt: iso(b.plannedAt),
      createdAt: iso(b.createdAt),
      createdBy: b.createdBy,
      lintOk: b.lintOk,
      state: b.state,
      audience: Number(b.counts.audience ?? 0),
      eligible: Number(b.counts.eligible ?? 0),
    })),
  };
}

/**
 * campaign.audience: who of a batch's audience is eligible, or excluded for one reason, as the register stands
 * now at the batch's planned time — the lists behind the plan's counts.
 */
export function batchAudience(ctx: ServiceContext, input: ParsedInput<'campaign.audience'>): Output<'campaign.audience'> {
  const b = ctx.batches.get(input.batch);
  if (!b) throw noBatch(input.batch);
  const rules = gateRules(ctx);
  const at = Math.max(b.plannedAt, ctx.clock.now());
  const historyOf = audienceHistory(ctx, rules, at);
  const withPending = pendingOptOutsOfAudience(ctx, at);
  const people: Output<'campaign.audience'>['people'] = [];
  let total = 0;
  for (const m of walkAudience(ctx, b.audience, at)) {
    const { channel, verdict } = gateMember(withPending(m), b, at, rules, historyOf(m));
    const matches = input.reason === 'eligible' ? verdict.eligible : !verdict.eligible && verdict.reason === (input.reason as ExclusionReason);
    if (!matches) continue;
    if (total >= input.offset && people.length < input.limit)
      people.push({
        contactId: m.contactId,
        phone: m.phone,
        name: m.name,
        channel: verdict.eligible ? channel : null,
        proofEvent: verdict.eligible ? verdict.proofEvent : null,
        deferUntil: !verdict.eligible && verdict.deferUntil !== undefined ? iso(verdict.deferUntil) : null,
      });
    total++;
  }
  return { batch: b.id, reason: input.reason, total, people };
}
