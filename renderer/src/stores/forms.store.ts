import { create } from 'zustand';
import { call } from '../api/client';
import type { FormVersion, Input, Output } from '../../../shared/contract/api';
import { fetchFile } from './transfer';
import { useSettingsStore } from './settings.store';

/** A file the register rendered (sheets, a QR code, a poster), fetched for preview and saving. */
export interface Rendered<T> {
  result: T;
  name: string;
  bytes: Uint8Array<ArrayBuffer>;
}

interface FormsState {
  forms: FormVersion[];
  loaded: boolean;
  selectedId: number | null;
  error: unknown;
  load: () => Promise<void>;
  select: (id: number) => void;
  save: (input: Input<'forms.create'>) => Promise<FormVersion>;
  print: (input: Input<'forms.print'>) => Promise<Rendered<Output<'forms.print'>>>;
  qr: (input: Input<'forms.qr'>) => Promise<Rendered<Output<'forms.qr'>>>;
  poster: (input: Input<'forms.poster'>) => Promise<Rendered<Output<'forms.poster'>>>;
}

/** Fetch a rendered file and let the register forget its staged copy. */
async function take<T extends { fileId: string }>(result: T): Promise<Rendered<T>> {
  const { name, bytes } = await fetchFile(result.fileId);
  void call('files.discard', { fileId: result.fileId }).catch(() => undefined);
  return { result, name, bytes };
}

/** Consent wording versions and what is made from them: sheets, QR codes, posters. */
export const useFormsStore = create<FormsState>((set, get) => ({
  forms: [],
  loaded: false,
  selectedId: null,
  error: null,
  load: async () => {
    try {
      const forms = await call('forms.list', {});
      const selected = get().selectedId;
      set({ forms, loaded: true, error: null, selectedId: forms.some((f) => f.id === selected) ? selected : (forms[0]?.id ?? null) });
    } catch (error) {
      set({ error, loaded: true });
    }
  },
  select: (id) => set({ selectedId: id }),
  save: async (input) => {
    const form = await call('forms.create', input);
    set({ selectedId: form.id });
    await get().load();
    // The first wording (and the first printed sheets, below) tick the first-run checklist.
    await useSettingsStore.getState().loadSetup();
    return form;
  },
  print: async (input) => {
    const r = await take(await call('forms.print', input));
    await get().load();
    await useSettingsStore.getState().loadSetup();
    return r;
  },
  qr: async (input) => take(await call('forms.qr', input)),
  poster: async (input) => take(await call('forms.poster', input)),
}));
