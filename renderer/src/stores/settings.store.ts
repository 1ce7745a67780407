import { create } from 'zustand';
import { call } from '../api/client';
import { useContactsStore } from './contacts.store';
import type { Input, Output, Settings, SetupStatus, Staff } from '../../../shared/contract/api';
import type { PolicyPack } from '../../../shared/domain/policy/policy';

interface SettingsState {
  settings: Settings | null;
  packs: PolicyPack[];
  staff: Staff[];
  lintRules: Output<'lint.profile'>['rules'];
  /** The first-run checklist; refreshed after every change made through this store. */
  setup: SetupStatus | null;
  load: () => Promise<void>;
  loadSetup: () => Promise<void>;
  save: (patch: Input<'settings.update'>) => Promise<void>;
  addStaff: (name: string, role: Staff['role']) => Promise<void>;
  setStaffActive: (id: number, active: boolean) => Promise<void>;
}

/** Shop settings and staff (consent wording lives in the forms store, the integrity check in the integrity store). */
export const useSettingsStore = create<SettingsState>((set, get) => ({
  settings: null,
  setup: null,
  packs: [],
  staff: [],
  lintRules: [],
  load: async () => {
    const [settings, packs, staff, lint, setup] = await Promise.all([
      call('settings.get', {}),
      call('policy.list', {}),
      call('staff.list', {}),
      call('lint.profile', {}),
      call('settings.setup', {}),
    ]);
    set({ settings, packs, staff, lintRules: lint.rules, setup });
  },
  loadSetup: async () => {
    set({ setup: await call('settings.setup', {}) });
  },
  save: async (patch) => {
    set({ settings: await call('settings.update', patch) });
    // The pack and its deadlines decide what the list shows (a shorter maximum age expires older consents at once).
    if (patch.policyPack !== undefined || patch.policyOverrides !== undefined) useContactsStore.getState().reload();
    await get().loadSetup();
  },
  addStaff: async (name, role) => {
    await call('staff.add', { name, role });
    set({ staff: await call('staff.list', {}) });
    await get().loadSetup();
  },
  setStaffActive: async (id, active) => {
    await call('staff.setActive', { id, active });
    set({ staff: await call('staff.list', {}) });
  },
}));
