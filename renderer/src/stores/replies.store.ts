import { create } from 'zustand';
import { call } from '../api/client';
import type { Input, Output } from '../../../shared/contract/api';
import { useContactsStore } from './contacts.store';

/** One complaint as listed. */
export type Complaint = Output<'complaints.list'>['complaints'][number];
/** One double opt-in confirmation message as listed. */
export type Confirmation = Output<'confirmations.list'>['confirmations'][number];
/** What recording a customer's reply did. */
export type ReplyResult = Output<'inbound.receive'>;
/** The tabs of the Replies screen. */
export type RepliesTab = 'complaints' | 'confirmations' | 'record';

/** Rows fetched per request. */
export const REPLIES_PAGE = 100;

interface RepliesState {
  tab: RepliesTab;
  complaints: Complaint[] | null;
  /** True when the last page came back full, so there may be more. */
  complaintsMore: boolean;
  complaintsError: unknown;
  confirmations: Confirmation[] | null;
  confirmationsTotal: number;
  confirmationsCounts: Output<'confirmations.list'>['counts'] | null;
  confirmationsError: unknown;
  /** What the last "send now" did. */
  confirmationsSent: Output<'confirmations.send'> | null;
  /** The reply recorded last, with what was typed, so the result can be shown beside it. */
  reply: { input: Input<'inbound.receive'>; result: ReplyResult } | null;
  /** Who is recording (null: the owner). */
  staff: string | null;
  setTab: (tab: RepliesTab) => void;
  setStaff: (name: string | null) => void;
  loadComplaints: (more?: boolean) => Promise<void>;
  loadConfirmations: (more?: boolean) => Promise<void>;
  /** Hand the queued confirmation messages to the outbox now (the app also does it every few minutes). */
  sendConfirmations: () => Promise<void>;
  recordComplaint: (phone: string, note: string) => Promise<void>;
  receive: (input: Input<'inbound.receive'>) => Promise<ReplyResult>;
  clearReply: () => void;
}

/** Replies: complaints, the double opt-in confirmations owed to customers, and replies typed in by staff. */
export const useRepliesStore = create<RepliesState>((set, get) => ({
  tab: 'complaints',
  complaints: null,
  complaintsMore: false,
  complaintsError: null,
  confirmations: null,
  confirmationsTotal: 0,
  confirmationsCounts: null,
  confirmationsError: null,
  confirmationsSent: null,
  reply: null,
  staff: null,
  setTab: (tab) => set({ tab }),
  setStaff: (staff) => set({ staff }),
  loadComplaints: async (more = false) => {
    const offset = more ? (get().complaints?.length ?? 0) : 0;
    try {
      const { complaints } = await call('complaints.list', { offset, limit: REPLIES_PAGE });
      set({
        complaints: [...(more ? (get().complaints ?? []) : []), ...complaints],
        complaintsMore: complaints.length === REPLIES_PAGE,
        complaintsError: null,
      });
    } catch (error) {
      set({ complaintsError: error });
    }
  },
  loadConfirmations: async (more = false) => {
    const offset = more ? (get().confirmations?.length ?? 0) : 0;
    try {
      const r = await call('confirmations.list', { offset, limit: REPLIES_PAGE });
      set({
        confirmations: [...(more ? (get().confirmations ?? []) : []), ...r.confirmations],
        confirmationsTotal: r.total,
        confirmationsCounts: r.counts,
        confirmationsError: null,
      });
    } catch (error) {
      set({ confirmationsError: error });
    }
  },
  sendConfirmations: async () => {
    try {
      const sent = await call('confirmations.send', { wait: false, staff: get().staff ?? undefined });
      set({ confirmationsSent: sent, confirmationsError: null });
    } catch (error) {
      set({ confirmationsError: error });
    }
    await get().loadConfirmations();
  },
  recordComplaint: async (phone, note) => {
    await call('complaints.record', { phone, note, staff: get().staff ?? undefined });
    useContactsStore.getState().reload();
    await get().loadComplaints();
  },
  receive: async (input) => {
    const result = await call('inbound.receive', { ...input, staff: get().staff ?? undefined });
    set({ reply: { input, result } });
    useContactsStore.getState().reload();
    // What the reply changed shows in the other tabs too.
    void get().loadComplaints();
    void get().loadConfirmations();
    return result;
  },
  clearReply: () => set({ reply: null }),
}));
