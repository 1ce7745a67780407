import { create } from 'zustand';
import { call } from '../api/client';
import type { Input, Output } from '../../../shared/contract/api';

/** A contact page: the contact, its cells now and its timeline. */
export type ContactDetail = Output<'contacts.get'>;

interface ContactState {
  detail: ContactDetail | null;
  error: unknown;
  load: (contactId: number) => Promise<void>;
  record: (input: Input<'consent.record'>) => Promise<Output<'consent.record'>>;
}

/** The open contact and recording consents against it. */
export const useContactStore = create<ContactState>((set, get) => ({
  detail: null,
  error: null,
  load: async (contactId) => {
    set({ error: null, detail: get().detail?.contact.id === contactId ? get().detail : null });
    try {
      set({ detail: await call('contacts.get', { contactId }) });
    } catch (error) {
      set({ error });
    }
  },
  record: async (input) => {
    const result = await call('consent.record', input);
    // An opt-out kept while the register was busy may answer with a provisional contact (id 0): reload the one asked.
    await get().load(result.contact.id || input.contactId || 0);
    return result;
  },
}));
