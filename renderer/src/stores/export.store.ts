import { create } from 'zustand';
import { call } from '../api/client';
import type { Input, Output } from '../../../shared/contract/api';
import { downloadFile } from './transfer';

/** An export the register wrote. */
export type ExportResult = Output<'export.create'>;

interface ExportState {
  busy: boolean;
  last: ExportResult | null;
  error: unknown;
  /** Write the export and download it. */
  create: (input: Input<'export.create'>) => Promise<void>;
  /** Download the last export again. */
  downloadAgain: () => Promise<void>;
}

/** CSV exports: contacts with consent, the suppression list, the full history. */
export const useExportStore = create<ExportState>((set, get) => ({
  busy: false,
  last: null,
  error: null,
  create: async (input) => {
    set({ busy: true, error: null, last: null });
    try {
      const last = await call('export.create', input);
      set({ last });
      await downloadFile(last.fileId);
    } catch (error) {
      set({ error });
    } finally {
      set({ busy: false });
    }
  },
  downloadAgain: async () => {
    const last = get().last;
    if (!last) return;
    set({ error: null });
    try {
      await downloadFile(last.fileId);
    } catch (error) {
      set({ error });
    }
  },
}));
