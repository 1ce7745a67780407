import { create } from 'zustand';
import { call } from '../api/client';
import type { Output } from '../../../shared/contract/api';

type Preview = Output<'backup.preview'>;

interface BackupsState {
  /** The backups beside the register, newest first, with what rotation keeps. */
  list: Output<'backup.list'> | null;
  /** The restore being considered: what the backup holds and what restoring it would lose. */
  preview: (Preview & { locator: { id: string } | { path: string } }) | null;
  /** The last restore's outcome. */
  restored: Output<'backup.restore'> | null;
  load: () => Promise<void>;
  /** Back up now, into the backups folder or (with `to`) another folder. */
  create: (to?: string) => Promise<Output<'backup.create'>>;
  verify: (id: string) => Promise<Output<'backup.verify'>>;
  /** Preview restoring a backup from the list (by id) or a file elsewhere (by path). */
  previewRestore: (locator: { id: string } | { path: string }) => Promise<void>;
  closePreview: () => void;
  /** Restore the previewed backup, confirming the current head the preview was made against. */
  restore: () => Promise<Output<'backup.restore'>>;
}

/** Backups: list, back up now or to a folder, check one again, preview and restore. */
export const useBackupsStore = create<BackupsState>((set, get) => ({
  list: null,
  preview: null,
  restored: null,
  load: async () => {
    set({ list: await call('backup.list', {}) });
  },
  create: async (to) => {
    const out = await call('backup.create', to ? { to } : {});
    await get().load();
    return out;
  },
  verify: async (id) => {
    const out = await call('backup.verify', { id });
    await get().load();
    return out;
  },
  previewRestore: async (locator) => {
    set({ preview: { ...(await call('backup.preview', locator)), locator }, restored: null });
  },
  closePreview: () => set({ preview: null }),
  restore: async () => {
    const p = get().preview;
    if (!p) throw new Error('nothing to restore');
    const restored = await call('backup.restore', { ...p.locator, ...(p.current ? { currentHead: p.current.head } : {}) });
    set({ restored, preview: null });
    await get().load();
    return restored;
  },
}));
