import { create } from 'zustand';
import { call } from '../api/client';
import type { Input, Output } from '../../../shared/contract/api';

/** A configured provider as listed (secrets only as set or not). */
export type Provider = Output<'providers.list'>['providers'][number];
/** A provider as saved, with what the save did to its secrets. */
export type SavedProvider = Output<'providers.save'>;
/** What one provider kind asks for. */
export type ProviderKindSpec = Output<'providers.kinds'>['kinds'][number];
/** The answer to a test message. */
export type TestResult = Output<'providers.test'>;
/** What one provider's sync brought in, or why it stopped. */
export type SyncResult = Output<'providers.sync'>['providers'][number];

interface ProvidersState {
  providers: Provider[];
  kinds: ProviderKindSpec[];
  /** False on the local host: secrets live in its memory and are gone when it stops. */
  secretsPersistent: boolean;
  loaded: boolean;
  error: unknown;
  load: () => Promise<void>;
  save: (input: Input<'providers.save'>) => Promise<SavedProvider>;
  remove: (name: string) => Promise<void>;
  test: (input: Input<'providers.test'>) => Promise<TestResult>;
  /** The provider whose "Sync now" is running (null: none). */
  syncing: string | null;
  /** The last "Sync now" answer per provider, shown until the list is loaded again. */
  lastSync: Record<string, SyncResult>;
  syncNow: (name: string) => Promise<SyncResult | undefined>;
}

/** The providers the shop hands messages to, and what each kind of provider asks for. */
export const useProvidersStore = create<ProvidersState>((set, get) => ({
  providers: [],
  kinds: [],
  secretsPersistent: true,
  loaded: false,
  error: null,
  load: async () => {
    try {
      const [list, kinds] = await Promise.all([call('providers.list', {}), call('providers.kinds', {})]);
      set({ providers: list.providers, kinds: kinds.kinds, secretsPersistent: kinds.secretsPersistent, loaded: true, error: null });
    } catch (error) {
      set({ error, loaded: true });
    }
  },
  save: async (input) => {
    const saved = await call('providers.save', input);
    await get().load();
    return saved;
  },
  remove: async (name) => {
    await call('providers.remove', { name });
    await get().load();
  },
  test: (input) => call('providers.test', input),
  syncing: null,
  lastSync: {},
  syncNow: async (name) => {
    set({ syncing: name, error: null });
    try {
      const out = await call('providers.sync', { provider: name });
      const line = out.providers.find((p) => p.name === name);
      if (line) set({ lastSync: { ...get().lastSync, [name]: line } });
      await get().load();
      return line;
    } catch (error) {
      set({ error });
      return undefined;
    } finally {
      set({ syncing: null });
    }
  },
}));
