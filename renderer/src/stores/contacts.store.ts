import { create } from 'zustand';
import { call } from '../api/client';
import type { Contact, ContactFilter, Input, ListSort, Output } from '../../../shared/contract/api';

/** One row of the contacts list. */
export type ContactRow = Output<'contacts.list'>['contacts'][number];

/** Rows fetched per request; the list asks for the pages its visible window touches. */
export const PAGE_SIZE = 100;
/** Pages kept in memory; scrolling through a million rows must not keep them all. */
const MAX_CACHED_PAGES = 60;

/** What the list is narrowed to and ordered by (besides the search): a filter, a saved segment, a sort. */
export interface ListView {
  filter: ContactFilter;
  segment: string | null;
  sort: ListSort;
}

export const DEFAULT_VIEW: ListView = { filter: {}, segment: null, sort: { by: 'name', dir: 'asc' } };

/** The filter with its empty parts left out (what the contract is sent). */
export function cleanFilter(f: ContactFilter): ContactFilter | undefined {
  const out: ContactFilter = {};
  if (f.marketing && f.marketing.status.length) out.marketing = f.marketing;
  if (f.tags?.length) out.tags = f.tags;
  if (f.method) out.method = f.method;
  if (f.importBatch) out.importBatch = f.importBatch;
  for (const k of ['added', 'consentChanged'] as const) {
    const r = f[k];
    if (r && (r.from || r.to)) out[k] = { ...(r.from ? { from: r.from } : {}), ...(r.to ? { to: r.to } : {}) };
  }
  return Object.keys(out).length ? out : undefined;
}

/** The list request's own parts, as contacts.list and contacts.tag { matching } take them. */
export function viewInput(query: string, view: ListView): { query?: string; filter?: ContactFilter; segment?: string } {
  const filter = cleanFilter(view.filter);
  return { ...(query ? { query } : {}), ...(filter ? { filter } : {}), ...(view.segment ? { segment: view.segment } : {}) };
}

interface ContactsState {
  query: string;
  view: ListView;
  /** Loaded pages by page number (for the current query only). */
  pages: Record<number, ContactRow[]>;
  /** Rows the list shows: the total when known; while searching, what is known plus one page to scroll into. */
  count: number;
  /** Rows known to exist (counted from loaded pages while searching, or the lower bound the register gave). */
  known: number;
  /** True when `count` is exact: a total came back, or a search page came back short. */
  complete: boolean;
  generation: number;
  error: unknown;
  setQuery: (query: string) => void;
  setView: (view: ListView) => void;
  ensurePage: (page: number) => Promise<void>;
  reload: () => void;
  add: (input: Input<'contacts.add'>) => Promise<Contact>;
}

// Requests in flight, keyed by generation and page; outside the state so they cause no renders.
const inFlight = new Set<string>();

/** The row at an index, when its page is loaded. */
export function rowAt(pages: Record<number, ContactRow[]>, index: number): ContactRow | undefined {
  return pages[Math.floor(index / PAGE_SIZE)]?.[index % PAGE_SIZE];
}

function evict(pages: Record<number, ContactRow[]>, keep: number): Record<number, ContactRow[]> {
  const numbers = Object.keys(pages).map(Number);
  if (numbers.length <= MAX_CACHED_PAGES) return pages;
  // Drop the pages farthest from where the person is looking.
  const nearest = numbers.sort((a, b) => Math.abs(a - keep) - Math.abs(b - keep)).slice(0, MAX_CACHED_PAGES);
  return Object.fromEntries(nearest.map((n) => [n, pages[n]!]));
}

/** The contacts list: paged from the register, cached by page, stale answers ignored. */
export const useContactsStore = create<ContactsState>((set, get) => ({
  query: '',
  view: DEFAULT_VIEW,
  pages: {},
  count: 0,
  known: 0,
  complete: false,
  generation: 0,
  error: null,
  setQuery: (query) => {
    set((s) => ({ query, pages: {}, count: 0, known: 0, complete: false, generation: s.generation + 1, error: null }));
    void get().ensurePage(0);
  },
  setView: (view) => {
    set((s) => ({ view, pages: {}, count: 0, known: 0, complete: false, generation: s.generation + 1, error: null }));
    void get().ensurePage(0);
  },
  reload: () => get().setQuery(get().query),
  ensurePage: async (page) => {
    const { pages, generation, query, view, complete, count } = get();
    const key = `${generation}:${page}`;
    if (inFlight.has(key) || pages[page] !== undefined) return;
    if (complete && page > 0 && page * PAGE_SIZE >= count) return;
    inFlight.add(key);
    try {
      const r = await call('contacts.list', { ...viewInput(query, view), sort: view.sort, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
      // An answer to an older query or an older view of the register: drop it.
      if (get().generation !== generation) return;
      set((s) => {
        const short = r.contacts.length < PAGE_SIZE;
        if (r.total !== null) {
          return { pages: evict({ ...s.pages, [page]: r.contacts }, page), count: r.total, known: r.total, complete: true, error: null };
        }
        const end = page * PAGE_SIZE + r.contacts.length;
        // Past the register's exact count a search says how many at least match ("10,000+").
        const known = short ? end : Math.max(s.known, end, r.atLeast ?? 0);
        return {
          pages: evict({ ...s.pages, [page]: r.contacts }, page),
          known,
          // While more may follow, leave a page of placeholders so scrolling reaches (and loads) it.
          count: short ? end : Math.max(s.count, end + PAGE_SIZE),
          complete: s.complete || short,
          error: null,
        };
      });
    } catch (error) {
      if (get().generation === generation) set({ error });
    } finally {
      inFlight.delete(key);
    }
  },
  add: async (input) => {
    const contact = await call('contacts.add', input);
    get().reload();
    return contact;
  },
}));
