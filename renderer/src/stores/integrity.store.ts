import { create } from 'zustand';
import { call } from '../api/client';
import type { Output } from '../../../shared/contract/api';

type ContactCheck = Output<'audit.verifyContact'>;

interface IntegrityState {
  /** The last whole-register verification (Settings). */
  verification: Output<'audit.verify'> | null;
  /** Per contact: whether its history verifies (the contact page). */
  contacts: Record<number, ContactCheck>;
  /** Verify the whole register; `expect` is a head printed on a report (or kept from an earlier check) to compare with. */
  verify: (expect?: string) => Promise<void>;
  checkContact: (contactId: number) => Promise<void>;
  /** After restoring an older backup on purpose: the witness remembers the register as it is now. */
  acceptHead: () => Promise<Output<'audit.acceptHead'>>;
}

/** The register's integrity: the whole check, a contact's history, and accepting a restored register. */
export const useIntegrityStore = create<IntegrityState>((set, get) => ({
  verification: null,
  contacts: {},
  verify: async (expect) => {
    set({ verification: await call('audit.verify', expect ? { expect } : {}) });
  },
  checkContact: async (contactId) => {
    const result = await call('audit.verifyContact', { contactId });
    set({ contacts: { ...get().contacts, [contactId]: result } });
  },
  acceptHead: async () => {
    const out = await call('audit.acceptHead', {});
    set({ verification: await call('audit.verify', {}), contacts: {} });
    return out;
  },
}));
