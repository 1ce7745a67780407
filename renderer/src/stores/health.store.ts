import { create } from 'zustand';
import { call } from '../api/client';
import type { Output } from '../../../shared/contract/api';

/** What health.report answers. */
export type HealthReport = Output<'health.report'>;
/** A threshold a campaign crossed, or a quality signal, with the numbers behind it. */
export type HealthWarning = HealthReport['warnings'][number];

/** How many weeks the Health view can show. */
export const HEALTH_WEEKS = [4, 8, 13, 26] as const;

interface HealthState {
  weeks: number;
  report: HealthReport | null;
  error: unknown;
  load: (weeks?: number) => Promise<void>;
  /** Warnings for a plan reopened later (a fresh plan carries its own): those of the last five weeks, other campaigns. */
  recentWarnings: (except: number) => Promise<HealthWarning[]>;
}

/** The Health view: per campaign and per week, from health.report. */
export const useHealthStore = create<HealthState>((set, get) => ({
  weeks: 8,
  report: null,
  error: null,
  load: async (weeks = get().weeks) => {
    set({ weeks });
    try {
      const report = await call('health.report', { weeks });
      if (get().weeks === weeks) set({ report, error: null });
    } catch (error) {
      set({ error });
    }
  },
  recentWarnings: async (except) => {
    const report = await call('health.report', { weeks: 5 });
    return report.warnings.filter((w) => w.campaign !== except);
  },
}));
