import { create } from 'zustand';
import { call } from '../api/client';
import type { Input, Output, SheetSummary } from '../../../shared/contract/api';
import type { Channel, Purpose } from '../../../shared/domain/consent/types';
import { uploadFile } from './transfer';
import { useContactsStore } from './contacts.store';

/** An open sheet: its summary, form, entered rows and scans. */
export type OpenSheet = Output<'sheets.get'>;
/** What entering one row did. */
export type EnteredRow = Output<'sheets.enterRow'>;
/** What attaching a scan did. */
export type AttachedScan = Output<'sheets.attachScan'>;

/** Sheets listed per request. */
export const SHEETS_PAGE = 50;

/** The row being typed: kept in the store so a trip to a contact and back, or a refusal, loses nothing. */
export interface RowDraft {
  row: string;
  name: string;
  phone: string;
  channels: Channel[];
  purposes: Purpose[];
  /** The date as typed (DD.MM.YYYY or YYYY-MM-DD); kept from row to row. */
  date: string;
}

const emptyDraft: RowDraft = { row: '', name: '', phone: '', channels: [], purposes: [], date: '' };

/** The first free row after `after`, else the first free row of the sheet, else null. */
export function freeRowAfter(sheet: OpenSheet, after: number): number | null {
  const taken = new Set(sheet.rows.map((r) => r.row));
  for (let r = after + 1; r <= sheet.sheet.rows; r++) if (!taken.has(r)) return r;
  return sheet.nextRow;
}

interface PaperState {
  /** Printed sheets, newest first (null until loaded). */
  sheets: SheetSummary[] | null;
  sheetsTotal: number;
  sheetsError: unknown;
  open: OpenSheet | null;
  openError: unknown;
  opening: boolean;
  draft: RowDraft;
  /** The row entered last, for the line that confirms it (and says when a confirmation message is owed). */
  lastEntered: EnteredRow | null;
  /** Who is typing the sheets in (null: the owner). */
  staff: string | null;
  loadSheets: (more?: boolean) => Promise<void>;
  /** Open a sheet by serial as typed or scanned; true when it opened. */
  openSheet: (serial: string) => Promise<boolean>;
  closeSheet: () => void;
  setDraft: (patch: Partial<RowDraft>) => void;
  setStaff: (name: string | null) => void;
  /** Record the draft as row `row` of the open sheet; throws the refusal and keeps the draft. */
  enterRow: (input: {
    row: number;
    name: string;
    phone: string;
    channels: Channel[];
    purposes?: Purpose[];
    signedOn: string;
    /** Staff said the number's owner, known by another name, is the person who wrote this row. */
    samePerson?: boolean;
  }) => Promise<EnteredRow>;
  /** Void or correct an entered row of the open sheet (or of the sheet named), with the reason; refreshes the sheet. */
  correctRow: (input: Omit<Input<'sheets.correctRow'>, 'staff'>) => Promise<Output<'sheets.correctRow'>>;
  /** Upload a photo or scan of the open sheet and attach it. */
  attachScan: (file: File, onProgress: (sent: number) => void) => Promise<AttachedScan | null>;
}

/** Paper entry: the printed sheets, the open sheet and the row being typed. */
export const usePaperStore = create<PaperState>((set, get) => {
  /** Put a fresh summary of a sheet into the list, so its counts follow entry without a reload. */
  const patchList = (summary: SheetSummary) => {
    const sheets = get().sheets;
    if (sheets) set({ sheets: sheets.map((s) => (s.serial === summary.serial ? summary : s)) });
  };
  const refresh = async (serial: string) => {
    const open = await call('sheets.get', { serial });
    if (get().open?.sheet.serial === serial) set({ open });
    patchList(open.sheet);
    return open;
  };

  return {
    sheets: null,
    sheetsTotal: 0,
    sheetsError: null,
    open: null,
    openError: null,
    opening: false,
    draft: emptyDraft,
    lastEntered: null,
    staff: null,

    loadSheets: async (more = false) => {
      const offset = more ? (get().sheets?.length ?? 0) : 0;
      try {
        const r = await call('sheets.list', { offset, limit: SHEETS_PAGE });
        const before = more ? (get().sheets ?? []) : [];
        set({ sheets: [...before, ...r.sheets], sheetsTotal: r.total, sheetsError: null });
      } catch (error) {
        set({ sheetsError: error });
      }
    },

    openSheet: async (serial) => {
      set({ opening: true, openError: null });
      try {
        const open = await call('sheets.get', { serial });
        const same = get().open?.sheet.serial === open.sheet.serial;
        const { draft } = get();
        set({
          open,
          opening: false,
          // Another sheet starts a fresh row on its first free line; the date on the sheets is kept.
          draft: same ? draft : { ...emptyDraft, date: draft.date, row: open.nextRow !== null ? String(open.nextRow) : '' },
          lastEntered: same ? get().lastEntered : null,
        });
        patchList(open.sheet);
        return true;
      } catch (error) {
        set({ opening: false, openError: error });
        return false;
      }
    },

    closeSheet: () => set({ open: null, openError: null, lastEntered: null, draft: { ...emptyDraft, date: get().draft.date } }),

    setDraft: (patch) => set({ draft: { ...get().draft, ...patch } }),

    setStaff: (staff) => set({ staff }),

    enterRow: async (input) => {
      const open = get().open;
      if (!open) throw new Error('no sheet is open');
      const serial = open.sheet.serial;
      const result = await call('sheets.enterRow', {
        serial,
        row: input.row,
        name: input.name.trim() || undefined,
        phone: input.phone,
        channels: input.channels,
        ...(input.purposes ? { purposes: input.purposes } : {}),
        signedOn: input.signedOn,
        ...(input.samePerson ? { samePerson: true } : {}),
        staff: get().staff ?? undefined,
      });
      // The row is in the register: a failed refresh must not read as a refused row.
      const fresh = await refresh(serial).catch(() => null);
      const next = fresh ? freeRowAfter(fresh, result.row) : result.row + 1;
      // The date stays for the next row: a sheet is usually signed on one day.
      set({
        lastEntered: result,
        draft: { ...emptyDraft, date: get().draft.date, row: next !== null ? String(next) : '' },
      });
      useContactsStore.getState().reload();
      return result;
    },

    correctRow: async (input) => {
      const result = await call('sheets.correctRow', { ...input, staff: get().staff ?? undefined });
      if (get().open?.sheet.serial === result.serial) await refresh(result.serial).catch(() => null);
      useContactsStore.getState().reload();
      return result;
    },

    attachScan: async (file, onProgress) => {
      const open = get().open;
      if (!open) throw new Error('no sheet is open');
      const serial = open.sheet.serial;
      const stored = await uploadFile(file, onProgress, () => get().open?.sheet.serial !== serial);
      if (!stored) return null;
      const result = await call('sheets.attachScan', { serial, fileId: stored.fileId, staff: get().staff ?? undefined });
      await refresh(serial);
      return result;
    },
  };
});
