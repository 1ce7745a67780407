import { create } from 'zustand';
import { ApiCallError, call } from '../api/client';
import type {
  ColumnMapping,
  ColumnTarget,
  ImportBatch,
  ImportJob,
  ImportPresetInfo,
  ImportSummary,
  Input,
  Output,
} from '../../../shared/contract/api';
import { renderMessage, type ErrorCode } from '../../../shared/contract/errors';
import { downloadFile, uploadFile, type StoredFile } from './transfer';
import { isSingleValued } from '../../../shared/domain/csv/mapping';
import type { Channel, Purpose } from '../../../shared/domain/consent/types';
import i18n from 'i18next';
import { useContactsStore } from './contacts.store';

/** The wizard's steps, in order. */
export const WizardSteps = ['file', 'detect', 'mapping', 'preview', 'commit'] as const;
/** One step of the import wizard. */
export type WizardStep = (typeof WizardSteps)[number];
/** The tabs of the Import / Export screen. */
export type ImportTab = 'import' | 'history' | 'export';
/** How imported values meet the values a contact already has. */
export type MergeMode = 'fill_blanks' | 'overwrite';
/** What the register found in the file. */
export type Inspection = Output<'import.inspect'>;
/** What an undo did. */
export type UndoResult = Output<'import.undo'>;

/** One consent source and day the person gives for every row, and what a file without consent columns agreed to. */
export interface FileConsentChoice {
  source: string;
  /** YYYY-MM-DD, or '' for none. */
  date: string;
  channels: Channel[];
  purpose: Purpose | null;
}

const NO_FILE_CONSENT: FileConsentChoice = { source: '', date: '', channels: [], purpose: null };

/** What the contract takes for the person's file-wide consent, or nothing when they gave none. */
export function fileConsentInput(c: FileConsentChoice, mapping: readonly ColumnMapping[]): Input<'import.start'>['consentForFile'] {
  const source = c.source.trim();
  if (!source && !c.date) return undefined;
  const hasConsentColumn = mapping.some((m) => m.target.field === 'consent');
  const scope = !hasConsentColumn && c.channels.length > 0 && c.purpose ? { channels: c.channels, purpose: c.purpose } : {};
  return { ...(source ? { source } : {}), ...(c.date ? { date: c.date } : {}), ...scope };
}

/** A delimiter the contract takes. */
type Delimiter = NonNullable<Input<'import.inspect'>['delimiter']>;

/** How often a running job is asked for its progress. */
const POLL_MS = 250;

/** What stops a mapping from being used, per column, and the notes that do not stop it. */
export interface MappingCheck {
  /** No column holds phone numbers. */
  noPhone: boolean;
  /** Consent columns without channels or purpose. */
  missing: Record<number, { channels: boolean; purpose: boolean }>;
  /** Columns ignored because an earlier column has the same single-valued meaning: column → that earlier column. */
  duplicateOf: Record<number, number>;
  ok: boolean;
}

/** Check a mapping the way the register will read it. */
export function checkMapping(mapping: readonly ColumnMapping[]): MappingCheck {
  const missing: MappingCheck['missing'] = {};
  const duplicateOf: MappingCheck['duplicateOf'] = {};
  const first = new Map<string, number>();
  for (const m of mapping) {
    const { field, channels, purpose } = m.target;
    if (field === 'consent' && (!channels?.length || !purpose)) missing[m.column] = { channels: !channels?.length, purpose: !purpose };
    if (isSingleValued({ field, ...(channels ? { channels } : {}) })) {
      const earlier = first.get(field);
      if (earlier === undefined) first.set(field, m.column);
      else duplicateOf[m.column] = earlier;
    }
  }
  const noPhone = !mapping.some((m) => m.target.field === 'phone' || m.target.field === 'mobile_phone');
  return { noPhone, missing, duplicateOf, ok: !noPhone && Object.keys(missing).length === 0 };
}

/** The mapping as the contract takes it: scopes only where they mean something, none left empty. */
function forContract(mapping: readonly ColumnMapping[]): ColumnMapping[] {
  return mapping.map(({ column, header, target }) => {
    const scoped = target.field === 'consent' || target.field === 'consent_date' || target.field === 'consent_source';
    const out: ColumnTarget = { field: target.field };
    if (scoped && target.channels?.length) out.channels = [...target.channels];
    if (scoped && target.purpose) out.purpose = target.purpose;
    return { column, header, target: out };
  });
}

/** A finished job's failure as an error the alert can show. */
function jobError(job: ImportJob): ApiCallError {
  const e = job.error;
  if (!e) return new ApiCallError({ code: 'INTERNAL', key: 'jobs.stopped', message: renderMessage('jobs.stopped') });
  return new ApiCallError({
    code: e.code as ErrorCode,
    ...(e.key ? { key: e.key } : {}),
    ...(e.params ? { params: e.params } : {}),
    message: e.message,
    ...(e.fields ? { details: { fields: e.fields } } : {}),
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ImportState {
  tab: ImportTab;
  step: WizardStep;
  /** The upload under way: bytes sent of the total. */
  upload: { name: string; sent: number; total: number } | null;
  file: StoredFile | null;
  inspection: Inspection | null;
  /** The preset the person picked; null: let the register recognise the file. */
  presetChoice: string | null;
  /** The header row the person picked; null: let the register find it (the inspection says which row it took). */
  headerRowChoice: number | null;
  /** The sheet of a workbook the person picked; null: the first. */
  sheetChoice: string | null;
  /** The consent source and day for the whole file. */
  fileConsent: FileConsentChoice;
  /** True while the file is being (re)read. */
  inspecting: boolean;
  /** The mapping being edited (a consent column may still lack its channels or purpose). */
  mapping: ColumnMapping[];
  merge: MergeMode;
  /** Country for numbers without a country code; null: the shop's default. */
  defaultCountry: string | null;
  /** Who the import is recorded as; null: the owner. */
  staff: string | null;
  /** The preview or commit running now, or the last one. */
  job: ImportJob | null;
  cancelling: boolean;
  preview: ImportSummary | null;
  result: ImportSummary | null;
  /** Something the person should know about the last step (a cancelled run wrote nothing). */
  notice: 'preview_cancelled' | 'import_cancelled' | null;
  error: unknown;
  batches: ImportBatch[] | null;
  batchesError: unknown;

  setTab: (tab: ImportTab) => void;
  chooseFile: (file: File) => Promise<void>;
  cancelUpload: () => void;
  reinspect: (change: {
    encoding?: string;
    delimiter?: string;
    preset?: string | null;
    headerRow?: number | null;
    sheet?: string | null;
  }) => Promise<void>;
  setFileConsent: (patch: Partial<FileConsentChoice>) => void;
  setTarget: (column: number, target: ColumnTarget) => void;
  setOptions: (patch: Partial<Pick<ImportState, 'merge' | 'defaultCountry' | 'staff'>>) => void;
  goTo: (step: 'detect' | 'mapping' | 'preview') => void;
  runPreview: () => Promise<void>;
  commit: () => Promise<void>;
  cancelJob: () => Promise<void>;
  savePreset: (name: string) => Promise<ImportPresetInfo>;
  deletePreset: (id: string) => Promise<void>;
  download: (fileId: string) => Promise<void>;
  reset: () => void;
  loadBatches: () => Promise<void>;
  undo: (batch: number, staff: string | null) => Promise<UndoResult>;
}

const EMPTY_WIZARD = {
  step: 'file' as WizardStep,
  upload: null,
  file: null,
  inspection: null,
  presetChoice: null,
  headerRowChoice: null,
  sheetChoice: null,
  fileConsent: NO_FILE_CONSENT,
  inspecting: false,
  mapping: [],
  merge: 'fill_blanks' as MergeMode,
  defaultCountry: null,
  job: null,
  cancelling: false,
  preview: null,
  result: null,
  notice: null,
  error: null,
};

// Outside the state: bumping them makes an older upload or poll loop stop quietly.
let uploadSeq = 0;
let runSeq = 0;

/** The import wizard (upload → detect → mapping → preview → commit), past imports and their undo. */
export const useImportStore = create<ImportState>((set, get) => {
  /** Read the file (again) with the person's choices; the mapping starts over from the register's suggestion. */
  const inspect = async (options: Omit<Input<'import.inspect'>, 'fileId'>): Promise<void> => {
    const file = get().file;
    if (!file) return;
    set({ inspecting: true, error: null });
    try {
      const inspection = await call('import.inspect', { fileId: file.fileId, ...options });
      if (get().file?.fileId !== file.fileId) return;
      set({ inspection, mapping: inspection.mapping, preview: null });
    } catch (error) {
      set({ error });
    } finally {
      set({ inspecting: false });
    }
  };

  /** Start a preview or a commit and follow it to its end. */
  const runJob = async (dryRun: boolean): Promise<void> => {
    const { file, inspection, mapping, merge, defaultCountry, staff, fileConsent } = get();
    if (!file || !inspection || !checkMapping(mapping).ok) return;
    const run = ++runSeq;
    set({
      step: dryRun ? 'preview' : 'commit',
      job: null,
      cancelling: false,
      notice: null,
      error: null,
      result: null,
      ...(dryRun ? { preview: null } : {}),
    });
    try {
      let job = await call('import.start', {
        fileId: file.fileId,
        mapping: forContract(mapping),
        merge,
        dryRun,
        // A workbook has no encoding or separator; an HTML table has no separator.
        ...(inspection.format === 'csv' ? { encoding: inspection.encoding, delimiter: inspection.delimiter as Delimiter } : {}),
        ...(inspection.format === 'html' ? { encoding: inspection.encoding } : {}),
        ...(inspection.sheet ? { sheet: inspection.sheet } : {}),
        ...(defaultCountry ? { defaultCountry } : {}),
        ...(staff ? { staff } : {}),
        consentForFile: fileConsentInput(fileConsent, mapping),
        // The report is written for the person's spreadsheet (`;` for a Russian Excel).
        language: (i18n.language ?? 'en').startsWith('ru') ? 'ru' : 'en',
      });
      if (run !== runSeq) return;
      set({ job });
      while (job.state === 'queued' || job.state === 'running') {
        await sleep(POLL_MS);
        if (run !== runSeq) return;
        job = await call('import.job', { jobId: job.jobId });
        if (run !== runSeq) return;
        set({ job });
      }
      if (job.state === 'done' && job.summary) {
        if (dryRun) set({ preview: job.summary });
        else {
          set({ result: job.summary });
          useContactsStore.getState().reload();
          void get().loadBatches();
        }
      } else if (job.state === 'cancelled') {
        set(dryRun ? { step: 'mapping', notice: 'preview_cancelled' } : { step: 'preview', notice: 'import_cancelled' });
      } else set({ error: jobError(job) });
    } catch (error) {
      if (run === runSeq) set({ error });
    } finally {
      if (run === runSeq) set({ cancelling: false });
    }
  };

  return {
    tab: 'import',
    ...EMPTY_WIZARD,
    staff: null,
    batches: null,
    batchesError: null,

    setTab: (tab) => set({ tab }),

    chooseFile: async (picked) => {
      const seq = ++uploadSeq;
      runSeq++;
      set({ ...EMPTY_WIZARD, upload: { name: picked.name, sent: 0, total: picked.size } });
      try {
        const stored = await uploadFile(
          picked,
          (sent) => seq === uploadSeq && set({ upload: { name: picked.name, sent, total: picked.size } }),
          () => seq !== uploadSeq,
        );
        if (!stored || seq !== uploadSeq) return;
        set({ file: stored, upload: null });
        await inspect({});
        if (seq === uploadSeq && get().inspection) set({ step: 'detect' });
      } catch (error) {
        if (seq === uploadSeq) set({ error, upload: null });
      }
    },

    cancelUpload: () => {
      uploadSeq++;
      set({ upload: null });
    },

    reinspect: async (change) => {
      const current = get().inspection;
      if (!current) return;
      const presetChoice = change.preset === undefined ? get().presetChoice : change.preset;
      const headerRowChoice = change.headerRow === undefined ? get().headerRowChoice : change.headerRow;
      const sheetChoice = change.sheet === undefined ? get().sheetChoice : change.sheet;
      set({ presetChoice, headerRowChoice, sheetChoice });
      await inspect({
        ...(current.format === 'csv'
          ? { encoding: change.encoding ?? current.encoding, delimiter: (change.delimiter ?? current.delimiter) as Delimiter }
          : {}),
        ...(current.format === 'html' ? { encoding: change.encoding ?? current.encoding } : {}),
        ...(sheetChoice ? { sheet: sheetChoice } : {}),
        ...(presetChoice ? { preset: presetChoice } : {}),
        // The import itself takes the row its mapping was made from (the mapping's headers are that row's cells).
        ...(headerRowChoice ? { headerRow: headerRowChoice } : {}),
      });
    },

    setTarget: (column, target) => set((s) => ({ mapping: s.mapping.map((m) => (m.column === column ? { ...m, target } : m)), notice: null })),

    setOptions: (patch) => set(patch),

    setFileConsent: (patch) => set((s) => ({ fileConsent: { ...s.fileConsent, ...patch }, preview: null })),

    goTo: (step) => {
      runSeq++;
      set({ step, error: null, notice: null, job: null, cancelling: false });
    },

    runPreview: () => runJob(true),
    commit: () => runJob(false),

    cancelJob: async () => {
      const job = get().job;
      if (!job || (job.state !== 'queued' && job.state !== 'running')) return;
      set({ cancelling: true });
      try {
        // The poll loop sees the job end as cancelled and moves the wizard back.
        await call('import.cancel', { jobId: job.jobId });
      } catch (error) {
        set({ error, cancelling: false });
      }
    },

    savePreset: async (name) => {
      const saved = await call('import.savePreset', { name, mapping: forContract(get().mapping) });
      set((s) =>
        s.inspection
          ? {
              presetChoice: saved.id,
              inspection: { ...s.inspection, preset: saved, presets: [...s.inspection.presets.filter((p) => p.id !== saved.id), saved] },
            }
          : {},
      );
      return saved;
    },

    deletePreset: async (id) => {
      await call('import.deletePreset', { id });
      set({ presetChoice: null });
      const current = get().inspection;
      if (!current) return;
      const headerRow = get().headerRowChoice;
      const sheet = get().sheetChoice;
      await inspect({
        ...(current.format === 'csv' ? { encoding: current.encoding, delimiter: current.delimiter as Delimiter } : {}),
        ...(current.format === 'html' ? { encoding: current.encoding } : {}),
        ...(headerRow ? { headerRow } : {}),
        ...(sheet ? { sheet } : {}),
      });
    },

    download: async (fileId) => {
      await downloadFile(fileId);
    },

    reset: () => {
      uploadSeq++;
      runSeq++;
      // The register's staged copy of the file is no longer needed.
      const staged = get().file?.fileId;
      if (staged) void call('files.discard', { fileId: staged }).catch(() => undefined);
      set({ ...EMPTY_WIZARD });
    },

    loadBatches: async () => {
      try {
        const { batches } = await call('import.batches', {});
        set({ batches, batchesError: null });
      } catch (error) {
        set({ batchesError: error });
      }
    },

    undo: async (batch, staff) => {
      const result = await call('import.undo', { batch, ...(staff ? { staff } : {}) });
      useContactsStore.getState().reload();
      await get().loadBatches();
      return result;
    },
  };
});
