import type { Output, ParsedInput } from '../../../shared/contract/api';
import { AppError } from '../../../shared/contract/errors';
import type { Channel, ConsentState } from '../../../shared/domain/consent/types';
import { EMPTY_STATE } from '../../../shared/domain/consent/fold';
import { ExclusionReasons, gate, type ExclusionReason, type GateRules, type GateVerdict } from '../../../shared/domain/gate/gate';
import type { AudienceMember, BatchRecord } from '../db/repos/batches.repo';
import { appendAudit, iso, type ServiceContext } from './context';
import { checkMessage, lintProfile } from './lint.service';
import { getSettings } from './settings.service';
import { resolveActor } from './staff.service';
import { countPlan } from './plan-count';

/** A complaint keeps marketing away from that person for this long (DOMAIN §7(b)). */
const COMPLAINT_COOLDOWN_DAYS = 90;
const PAST_TOLERANCE_MS = 5 * 60 * 1000;
const DAY = 24 * 60 * 60 * 1000;

type BatchChannel = BatchRecord['channel'];

/** The channels a batch may use, in the order it tries them. */
const routeOf = (channel: BatchChannel): Channel[] => (channel === 'cascade' ? ['whatsapp', 'sms'] : [channel]);

/** The gate over one audience member for a batch: the first channel of the route that may carry it, else one reason. */
export function gateMember(
  m: AudienceMember,
  batch: { channel: BatchChannel; purpose: 'marketing' | 'service' },
  at: number,
  rules: GateRules,
  history: { lastComplaintAt: number | null; recentMarketing: number; flagged: boolean },
): { channel: Channel; verdict: GateVerdict } {
  const refusals: { channel: Channel; verdict: GateVerdict }[] = [];
  for (const channel of routeOf(batch.channel)) {
    const verdict = gate(
      {
        phone: m.phone,
        messageable: m.messageable && !history.flagged,
        state: (c, p): ConsentState => m.cells.get(`${c}/${p}`) ?? EMPTY_STATE,
        lastComplaintAt: history.lastComplaintAt,
        recentMarketing: history.recentMarketing,
        timeZone: null,
      },
      { channel, purpose: batch.purpose, at },
      rules,
    );
    if (verdict.eligible) return { channel, verdict };
    refusals.push({ channel, verdict });
  }
  // Neither channel: report the weightiest reason (an opt-out first).
  const rank = (v: GateVerdict) => (v.eligible ? -1 : ExclusionReasons.indexOf(v.reason));
  return refusals.sort((a, b) => rank(a.verdict) - rank(b.verdict))[0]!;
}

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
  const of = (m: Pick<AudienceMember, 'contactId' | 'phone'>) => ({
    lastComplaintAt: complaints.get(m.contactId) ?? null,
    recentMarketing: recent.get(m.contactId) ?? 0,
    flagged: flagged.has(m.phone),
  });
  return { complaints, recent, flagged, of };
}

/** Everything about past sending the gate reads for a whole audience at once: complaints, recent hand-offs, flagged numbers. */
export function audienceHistory(ctx: ServiceContext, rules: GateRules, at: number) {
  return audienceHistoryIndex(ctx, rules, at).of;
}

/** The shop's gate rules from its settings and policy pack. */
export function gateRules(ctx: ServiceContext): GateRules {
  const settings = getSettings(ctx);
  const pack = settings.effectivePolicy;
  const zones = pack.messaging.defaultRecipientTimeZones.length ? pack.messaging.defaultRecipientTimeZones : [settings.timezone];
  return { policy: pack, fallbackTimeZones: zones, complaintCooldownDays: COMPLAINT_COOLDOWN_DAYS };
}

/**
 * batch.plan: lint the message, run every contact of the audience through the send-time gate at the planned
 * time, and record the batch with its counts. Nothing is sent; the gate runs again for each recipient at
 * hand-off against the register as it is then.
 */
export function planBatch(ctx: ServiceContext, input: ParsedInput<'batch.plan'>): Output<'batch.plan'> {
  const now = ctx.clock.now();
  const at = input.at ? Date.parse(input.at) : now;
  if (at < now - PAST_TOLERANCE_MS)
    throw new AppError('VALIDATION_FAILED', `at: ${input.at} is in the past; plan for now or later`, {
      fields: [{ path: 'at', message: 'in the past' }],
    });
  const actor = resolveActor(ctx, input.staff);
  const profile = lintProfile(ctx);
  // A cascade message must be fit for both channels it may travel on.
  const lints = routeOf(input.channel).map((channel) =>
    checkMessage(
      ctx,
      {
        text: input.text,
        channel,
        purpose: input.purpose,
        sendAt: iso(at),
        locale: input.locale,
        ...(input.language ? { language: input.language } : {}),
      },
      profile,
    ),
  );
  const lint = {
    ok: lints.every((l) => l.ok),
    errors: lints.flatMap((l) => l.diagnostics.filter((d) => d.severity === 'error').map((d) => ({ rule: d.rule, message: d.message }))),
    warnings: lints.reduce((n, l) => n + l.diagnostics.filter((d) => d.severity === 'warning').length, 0),
    segments: lints.find((_, i) => routeOf(input.channel)[i] === 'sms')?.longest.segments ?? null,
    encoding: lints.find((_, i) => routeOf(input.channel)[i] === 'sms')?.longest.encoding ?? null,
  };

  const counts = countPlan(ctx, { channel: input.channel, purpose: input.purpose, tags: input.tags ?? [] }, at, gateRules(ctx));
  const { audience, eligible, excluded, byChannel } = counts;
  const name = input.name ?? `${input.channel} ${input.purpose} ${iso(at).slice(0, 16).replace('T', ' ')}`;
  const batch = ctx.db.transaction(() => {
    const b = ctx.batches.insert({
      name,
      channel: input.channel,
      purpose: input.purpose,
      text: input.text,
      audience: { tags: input.tags ?? [] },
      plannedAt: at,
      createdAt: now,
      createdBy: actor,
      lintOk: lint.ok,
      lint,
      counts,
      state: 'planned',
    });
    appendAudit(ctx, actor, 'batch.planned', `batch:${b.id}`, { audience, eligible, lintOk: lint.ok });
    return b;
  })();
  return { batch: batch.id, name, plannedAt: iso(at), audience, eligible, byChannel, excluded, lint };
}

/** batch.list: planned batches, newest first, with the counts of their plan. */
export function listBatches(ctx: ServiceContext, input: ParsedInput<'batch.list'>): Output<'batch.list'> {
  return {
    batches: ctx.batches.list(input.offset, input.limit).map((b) => ({
      id: b.id,
      name: b.name,
      channel: b.channel,
      purpose: b.purpose,
      text: b.text,
      tags: b.audience.tags,
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
 * batch.audience: who of a batch's audience is eligible, or excluded for one reason, as the register stands
 * now at the batch's planned time — the lists behind the plan's counts.
 */
export function batchAudience(ctx: ServiceContext, input: ParsedInput<'batch.audience'>): Output<'batch.audience'> {
  const b = ctx.batches.get(input.batch);
  if (!b) throw new AppError('NOT_FOUND', `batch: no batch ${input.batch}`, { fields: [{ path: 'batch', message: 'unknown batch' }] });
  const rules = gateRules(ctx);
  const at = Math.max(b.plannedAt, ctx.clock.now());
  const historyOf = audienceHistory(ctx, rules, at);
  const people: Output<'batch.audience'>['people'] = [];
  let total = 0;
  for (const m of ctx.batches.audience(b.audience.tags)) {
    const { channel, verdict } = gateMember(m, b, at, rules, historyOf(m));
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
