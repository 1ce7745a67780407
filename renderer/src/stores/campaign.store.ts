import { create } from 'zustand';
import { call } from '../api/client';
import type { Input, Output } from '../../../shared/contract/api';
import { ExclusionReasons, type ExclusionReason } from '../../../shared/domain/gate/gate';
import { lintMessage } from '../../../shared/domain/lint/engine';
import type { LintLocale } from '../../../shared/domain/lint/types';
import type { RecipientStatus } from '../../../shared/domain/outbox/types';
import { fetchFile, saveBytes } from './transfer';

/** What campaign.plan answers. */
export type Plan = Output<'campaign.plan'>;
/** A campaign as listed. */
export type Campaign = Output<'campaign.list'>['batches'][number];
/** Where a campaign's sending stands. */
export type Progress = Output<'campaign.progress'>;
/** One recipient of a campaign on one channel. */
export type Recipient = Output<'campaign.recipients'>['recipients'][number];
/** One recipient's path, history and consent proof. */
export type RecipientDetail = Output<'campaign.recipient'>;
/** A person behind a plan's count. */
export type AudiencePerson = Output<'campaign.audience'>['people'][number];
/** The lint verdict of a planned message. */
export type PlanLint = Plan['lint'];
/** Who a plan's count is about: the eligible, or those left out for one reason. */
export type AudienceReason = 'eligible' | ExclusionReason;

/** The figures of a plan: stored ones right after planning, else counted again against the register as it is now. */
export interface PlanFigures {
  audience: number;
  eligible: number;
  /** Eligible people by the channel they would get the message on; null when not known. */
  byChannel: { whatsapp: number; sms: number } | null;
  excluded: Record<ExclusionReason, number>;
  /** 'plan': as recorded when planned; 'now': the register as it stands now. */
  source: 'plan' | 'now';
  lint: PlanLint;
  /** Asked for as a service message, planned as marketing: the text is promotional (known right after planning). */
  promotional?: boolean;
}

/** The groups of recipient statuses the outbox table filters by. */
export const RECIPIENT_FILTERS = {
  all: [],
  pending: ['queued', 'sending'],
  sent: ['sent', 'delivered', 'read'],
  failed: ['failed', 'undeliverable'],
  skipped: ['skipped'],
  unknown: ['unknown'],
} as const satisfies Record<string, readonly RecipientStatus[]>;
/** A recipients filter. */
export type RecipientFilter = keyof typeof RECIPIENT_FILTERS;

/** Rows per page of the audience lists and the recipients table. */
export const PAGE_SIZE = 50;
const LIST_PAGE = 100;
/** Campaigns read per call when looking one up by id (the contract lists, it does not fetch one). */
const FIND_PAGE = 500;

/** A report the register rendered, fetched for preview and saving. */
export interface Report {
  name: string;
  bytes: Uint8Array<ArrayBuffer>;
  format: 'pdf' | 'csv';
}

/** What the send panel hands to campaign.send. */
export interface SendChoice {
  providers: string[];
  template?: { name: string; language: string } | undefined;
  fallbackAfterMinutes: number;
}

interface AudienceView {
  reason: AudienceReason;
  page: number;
  total: number;
  people: AudiencePerson[] | null;
  error: unknown;
}

interface RecipientsView {
  filter: RecipientFilter;
  page: number;
  total: number;
  rows: Recipient[] | null;
  error: unknown;
}

interface CampaignState {
  // The list of campaigns.
  campaigns: Campaign[] | null;
  campaignsMore: boolean;
  campaignsError: unknown;
  loadCampaigns: (more?: boolean) => Promise<void>;

  /** Plans made in this window, by batch: their figures as recorded (the contract has no way to read them back). */
  plans: Record<number, Plan>;
  plan: (input: Input<'campaign.plan'>) => Promise<Plan>;

  // The open campaign.
  batchId: number | null;
  campaign: Campaign | null;
  figures: PlanFigures | null;
  progress: Progress | null;
  error: unknown;
  open: (batch: number, locale: LintLocale) => Promise<void>;
  /** Word the open campaign's findings again in another language (the plan's verdict stands). */
  relint: (locale: LintLocale) => Promise<void>;
  refreshProgress: () => Promise<void>;
  send: (choice: SendChoice) => Promise<void>;
  pause: () => Promise<void>;
  resume: () => Promise<void>;

  audience: AudienceView | null;
  showAudience: (reason: AudienceReason, page?: number) => Promise<void>;
  closeAudience: () => void;

  recipients: RecipientsView;
  loadRecipients: (patch?: Partial<Pick<RecipientsView, 'filter' | 'page'>>) => Promise<void>;

  recipient: RecipientDetail | null;
  recipientError: unknown;
  openRecipient: (id: number) => Promise<void>;
  closeRecipient: () => void;
  resolve: (decision: 'sent' | 'resend') => Promise<void>;

  report: (format: 'pdf' | 'csv', locale: LintLocale) => Promise<Report>;
  saveReport: (report: Report) => void;
}

const routeOf = (channel: Campaign['channel']): ('sms' | 'whatsapp')[] => (channel === 'cascade' ? ['whatsapp', 'sms'] : [channel]);

/** A campaign by id: campaign.list pages until it turns up. */
async function findCampaign(id: number): Promise<Campaign | null> {
  for (let offset = 0; ; offset += FIND_PAGE) {
    const { batches } = await call('campaign.list', { offset, limit: FIND_PAGE });
    const found = batches.find((b) => b.id === id);
    if (found) return found;
    if (batches.length < FIND_PAGE || batches.every((b) => b.id < id)) return null;
  }
}

/** The lint verdict of a campaign opened later: the stored verdict, with the findings checked again here. */
async function lintAgain(c: Campaign, locale: LintLocale): Promise<PlanLint> {
  const { profile } = await call('lint.profile', {});
  const results = routeOf(c.channel).map((channel) => ({
    channel,
    result: lintMessage({ text: c.text, channel, purpose: c.purpose, sendAt: c.plannedAt }, profile, locale),
  }));
  const sms = results.find((r) => r.channel === 'sms')?.result;
  return {
    ok: c.lintOk,
    errors: results.flatMap((r) => r.result.diagnostics.filter((d) => d.severity === 'error').map((d) => ({ rule: d.rule, message: d.message }))),
    warnings: results.reduce((n, r) => n + r.result.diagnostics.filter((d) => d.severity === 'warning').length, 0),
    warningList: results.flatMap((r) =>
      r.result.diagnostics.filter((d) => d.severity === 'warning').map((d) => ({ rule: d.rule, message: d.message })),
    ),
    segments: sms?.longest.segments ?? null,
    encoding: sms?.longest.encoding ?? null,
  };
}

/** Eligible people by channel, read from the eligible list (only a cascade needs it: the others use one channel). */
async function eligibleByChannel(c: Campaign, eligible: number): Promise<{ whatsapp: number; sms: number }> {
  if (c.channel !== 'cascade') return { whatsapp: c.channel === 'whatsapp' ? eligible : 0, sms: c.channel === 'sms' ? eligible : 0 };
  const out = { whatsapp: 0, sms: 0 };
  for (let offset = 0; offset < eligible; offset += 1000) {
    const { people } = await call('campaign.audience', { batch: c.id, reason: 'eligible', offset, limit: 1000 });
    for (const p of people) if (p.channel) out[p.channel]++;
    if (people.length < 1000) break;
  }
  return out;
}

/** A plan's figures counted again: one audience list per reason, asked for its total only. */
async function countAgain(c: Campaign, locale: LintLocale): Promise<PlanFigures> {
  const reasons: AudienceReason[] = ['eligible', ...ExclusionReasons];
  const [totals, lint] = await Promise.all([
    Promise.all(reasons.map((reason) => call('campaign.audience', { batch: c.id, reason, offset: 0, limit: 1 }).then((r) => r.total))),
    lintAgain(c, locale),
  ]);
  const eligible = totals[0] ?? 0;
  const excluded = Object.fromEntries(ExclusionReasons.map((r, i) => [r, totals[i + 1] ?? 0])) as Record<ExclusionReason, number>;
  return {
    audience: totals.reduce((a, b) => a + b, 0),
    eligible,
    byChannel: await eligibleByChannel(c, eligible),
    excluded,
    source: 'now',
    lint,
  };
}

const fromPlan = (p: Plan): PlanFigures => ({
  audience: p.audience,
  eligible: p.eligible,
  byChannel: p.byChannel,
  excluded: p.excluded,
  source: 'plan',
  lint: p.lint,
  promotional: p.promotional,
});

const sameCounts = (a: Progress | null, b: Progress): boolean =>
  !!a && a.state === b.state && JSON.stringify(a.counts) === JSON.stringify(b.counts) && !!a.paused === !!b.paused;

/** Campaigns: planning, the plan's lists, sending through the outbox, its progress, recipients and reports. */
export const useCampaignStore = create<CampaignState>((set, get) => ({
  campaigns: null,
  campaignsMore: false,
  campaignsError: null,
  loadCampaigns: async (more = false) => {
    const offset = more ? (get().campaigns?.length ?? 0) : 0;
    try {
      const { batches } = await call('campaign.list', { offset, limit: LIST_PAGE });
      set({ campaigns: [...(more ? (get().campaigns ?? []) : []), ...batches], campaignsMore: batches.length === LIST_PAGE, campaignsError: null });
    } catch (error) {
      set({ campaignsError: error });
    }
  },

  plans: {},
  plan: async (input) => {
    const plan = await call('campaign.plan', input);
    set({ plans: { ...get().plans, [plan.batch]: plan } });
    return plan;
  },

  batchId: null,
  campaign: null,
  figures: null,
  progress: null,
  error: null,
  open: async (batch, locale) => {
    if (get().batchId !== batch)
      set({
        batchId: batch,
        campaign: null,
        figures: null,
        progress: null,
        error: null,
        audience: null,
        recipient: null,
        recipients: { filter: 'all', page: 1, total: 0, rows: null, error: null },
      });
    try {
      const campaign = await findCampaign(batch);
      if (!campaign) throw new Error(`batch ${batch} not found`);
      const planned = get().plans[batch];
      const [figures, progress] = await Promise.all([
        planned ? fromPlan(planned) : countAgain(campaign, locale),
        call('campaign.progress', { batch }),
      ]);
      if (get().batchId !== batch) return;
      set({ campaign, figures, progress, error: null });
      if (progress.startedAt) await get().loadRecipients();
    } catch (error) {
      if (get().batchId === batch) set({ error });
    }
  },
  relint: async (locale) => {
    const { campaign, figures, batchId } = get();
    if (!campaign || !figures) return;
    const lint = await lintAgain(campaign, locale);
    const now = get();
    if (now.batchId !== batchId || !now.figures) return;
    set({ figures: { ...now.figures, lint: { ...lint, ok: now.figures.lint.ok } } });
  },
  refreshProgress: async () => {
    const batch = get().batchId;
    if (batch === null) return;
    const before = get().progress;
    const progress = await call('campaign.progress', { batch });
    if (get().batchId !== batch) return;
    set({ progress });
    const campaign = get().campaign;
    if (campaign && campaign.state !== progress.state) set({ campaign: { ...campaign, state: progress.state } });
    // The table follows the outbox only when something moved, so a still batch costs one call a second.
    if (progress.startedAt && !sameCounts(before, progress)) await get().loadRecipients();
  },
  send: async (choice) => {
    const batch = get().batchId;
    if (batch === null) return;
    const progress = await call('campaign.send', {
      batch,
      providers: choice.providers,
      fallbackAfterMinutes: choice.fallbackAfterMinutes,
      wait: false,
      ...(choice.template ? { template: choice.template } : {}),
    });
    const campaign = get().campaign;
    set({ progress, ...(campaign ? { campaign: { ...campaign, state: progress.state } } : {}) });
    await get().loadRecipients({ page: 1 });
  },
  pause: async () => {
    const batch = get().batchId;
    if (batch === null) return;
    set({ progress: await call('campaign.pause', { batch }) });
    await get().loadRecipients();
  },
  resume: async () => {
    const batch = get().batchId;
    if (batch === null) return;
    set({ progress: await call('campaign.resume', { batch }) });
  },

  audience: null,
  showAudience: async (reason, page = 1) => {
    const batch = get().batchId;
    if (batch === null) return;
    const current = get().audience;
    set({ audience: { reason, page, total: current?.reason === reason ? current.total : 0, people: null, error: null } });
    try {
      const r = await call('campaign.audience', { batch, reason, offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE });
      if (get().audience?.reason === reason) set({ audience: { reason, page, total: r.total, people: r.people, error: null } });
    } catch (error) {
      if (get().audience?.reason === reason) set({ audience: { reason, page, total: 0, people: [], error } });
    }
  },
  closeAudience: () => set({ audience: null }),

  recipients: { filter: 'all', page: 1, total: 0, rows: null, error: null },
  loadRecipients: async (patch = {}) => {
    const batch = get().batchId;
    if (batch === null) return;
    const view = { ...get().recipients, ...patch };
    if (patch.filter !== undefined && patch.page === undefined) view.page = 1;
    set({ recipients: view });
    try {
      const r = await call('campaign.recipients', {
        batch,
        statuses: [...RECIPIENT_FILTERS[view.filter]],
        offset: (view.page - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
      });
      const now = get().recipients;
      if (get().batchId !== batch || now.filter !== view.filter || now.page !== view.page) return;
      set({ recipients: { ...view, total: r.total, rows: r.recipients, error: null } });
    } catch (error) {
      set({ recipients: { ...get().recipients, error } });
    }
  },

  recipient: null,
  recipientError: null,
  openRecipient: async (id) => {
    set({ recipientError: null });
    try {
      set({ recipient: await call('campaign.recipient', { id }) });
    } catch (error) {
      set({ recipientError: error });
    }
  },
  closeRecipient: () => set({ recipient: null, recipientError: null }),
  resolve: async (decision) => {
    const r = get().recipient;
    if (!r) return;
    await call('campaign.resolve', { id: r.recipient.id, decision });
    await Promise.all([get().openRecipient(r.recipient.id), get().refreshProgress()]);
    await get().loadRecipients();
  },

  report: async (format, locale) => {
    const batch = get().batchId;
    if (batch === null) throw new Error('no campaign is open');
    const made = await call('campaign.report', { batch, format, locale });
    const { name, bytes } = await fetchFile(made.fileId);
    void call('files.discard', { fileId: made.fileId }).catch(() => undefined);
    return { name, bytes, format };
  },
  saveReport: (report) => saveBytes(report.bytes, report.name, report.format === 'pdf' ? 'application/pdf' : 'text/csv'),
}));
