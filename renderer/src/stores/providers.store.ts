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
}));
