import { create } from 'zustand';
import { call } from '../api/client';
import type { Output } from '../../../shared/contract/api';

/** One row of the contacts list. */
export type ContactRow = Output<'contacts.list'>['contacts'][number];

/** Rows fetched per request; the list asks for the pages its visible window touches. */
export const PAGE_SIZE = 100;

interface ContactsState {
  query: string;
  /** Known rows by index; undefined = not loaded yet. */
  rows: (ContactRow | undefined)[];
  /** Total when known (no query); while searching, grows until a short page arrives. */
  count: number;
  complete: boolean;
  loading: Set<number>;
  generation: number;
  error: unknown;
  setQuery: (query: string) => void;
  ensurePage: (page: number) => Promise<void>;
  reload: () => void;
}

/** The contacts list: paged from SQL, cached by page, stale answers ignored. */
export const useContactsStore = create<ContactsState>((set, get) => ({
  query: '',
  rows: [],
  count: 0,
  complete: false,
  loading: new Set(),
  generation: 0,
  error: null,
  setQuery: (query) => {
    set((s) => ({ query, rows: [], count: 0, complete: false, loading: new Set(), generation: s.generation + 1, error: null }));
    void get().ensurePage(0);
  },
  reload: () => get().setQuery(get().query),
  ensurePage: async (page) => {
    const { loading, rows, generation, query } = get();
    if (loading.has(page) || rows[page * PAGE_SIZE] !== undefined) return;
    set({ loading: new Set(loading).add(page) });
    try {
      const r = await call('contacts.list', { query: query || undefined, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
      if (get().generation !== generation) return;
      set((s) => {
        const next = s.rows.slice();
        r.contacts.forEach((c, i) => (next[page * PAGE_SIZE + i] = c));
        const short = r.contacts.length < PAGE_SIZE;
        const count = r.total ?? Math.max(s.count, page * PAGE_SIZE + r.contacts.length + (short ? 0 : PAGE_SIZE));
        const l = new Set(s.loading);
        l.delete(page);
        return {
          rows: next,
          count: short && r.total === null ? page * PAGE_SIZE + r.contacts.length : count,
          complete: r.total !== null || short,
          loading: l,
        };
      });
    } catch (error) {
      if (get().generation === generation) set({ error });
    }
  },
}));
