import { AppError } from '../../../shared/contract/errors';
import type { ColumnMapping as ApiColumnMapping, ImportPresetInfo, Output, ParsedInput } from '../../../shared/contract/api';
import { normalizeHeader, type ColumnMapping, type ColumnTarget, type ImportPreset } from '../../../shared/domain/csv/mapping';
import { autoMap, BUILT_IN_PRESETS } from '../../../shared/domain/csv/presets';
import { OWN_EXPORT_PRESET, OWN_EXPORT_PRESET_RU } from '../../../shared/domain/csv/own-format';
import type { FileStore } from '../infra/files';
import { appendAudit, type ServiceContext } from '../context';
import { sniffFile } from './reader';

/** Every preset the wizard offers by itself: our own export first, then the CRMs'. */
export const KNOWN_PRESETS: readonly ImportPreset[] = [OWN_EXPORT_PRESET, OWN_EXPORT_PRESET_RU, ...BUILT_IN_PRESETS];

interface SavedMapping {
  columns: { header: string; target: ColumnTarget }[];
}

function savedPresets(ctx: ServiceContext): { info: ImportPresetInfo; mapping: SavedMapping }[] {
  return ctx.imports
    .listPresets()
    .map((p) => ({ info: { id: `saved:${p.id}`, name: p.name, kind: 'saved' as const }, mapping: p.mapping as SavedMapping }));
}

/** Apply a saved preset to a file's headers: columns are matched by header, the rest ignored. */
function applySaved(headers: readonly string[], saved: SavedMapping): ColumnMapping[] {
  const byHeader = new Map(saved.columns.map((c) => [normalizeHeader(c.header), c.target]));
  return headers.map((header, column) => ({ column, header, target: byHeader.get(normalizeHeader(header)) ?? { field: 'ignore' } }));
}

/** import.inspect: the file's encoding, delimiter, header and first rows, and the mapping we suggest. */
export async function inspectImport(ctx: ServiceContext, files: FileStore, input: ParsedInput<'import.inspect'>): Promise<Output<'import.inspect'>> {
  const file = files.get(input.fileId);
  const sniff = await sniffFile(file.path, { encoding: input.encoding, delimiter: input.delimiter, headerRow: input.headerRow, sheet: input.sheet });
  const saved = savedPresets(ctx);
  const presets: ImportPresetInfo[] = [
    ...KNOWN_PRESETS.map((p) => ({ id: p.id, name: p.name, kind: 'built_in' as const })),
    ...saved.map((s) => s.info),
  ];
  let preset: ImportPresetInfo | null = null;
  let mapping: ColumnMapping[];
  if (input.preset) {
    const s = saved.find((x) => x.info.id === input.preset);
    const known = KNOWN_PRESETS.find((p) => p.id === input.preset);
    if (s) {
      preset = s.info;
      mapping = applySaved(sniff.headers, s.mapping);
    } else if (known) {
      preset = { id: known.id, name: known.name, kind: 'built_in' };
      mapping = autoMap(sniff.headers, KNOWN_PRESETS, { force: known }).mapping;
    } else throw new AppError('NOT_FOUND', 'imports.noPreset', { preset: input.preset });
  } else {
    // A saved preset whose every header is in this file wins: the person made it for files like this one.
    const fitting = saved.find(
      (s) =>
        s.mapping.columns.length > 0 && s.mapping.columns.every((c) => sniff.headers.some((h) => normalizeHeader(h) === normalizeHeader(c.header))),
    );
    if (fitting) {
      preset = fitting.info;
      mapping = applySaved(sniff.headers, fitting.mapping);
    } else {
      const auto = autoMap(sniff.headers, KNOWN_PRESETS);
      mapping = auto.mapping;
      preset = auto.preset ? { id: auto.preset.id, name: auto.preset.name, kind: 'built_in' } : null;
    }
  }
  return {
    format: sniff.format,
    sheets: sniff.sheets.map((s) => s.name),
    sheet: sniff.sheet?.name ?? null,
    encoding: sniff.encoding,
    delimiter: sniff.delimiter,
    bytes: sniff.bytes,
    headerRow: sniff.headerRow,
    headers: sniff.headers,
    sample: sniff.sample.slice(0, 20).map((r) => r.map((c) => c.slice(0, 200))),
    preset,
    mapping: mapping as ApiColumnMapping[],
    presets,
  };
}

/** import.savePreset: keep a mapping under a name (replacing one of the same name), keyed by header. */
export function savePreset(ctx: ServiceContext, input: ParsedInput<'import.savePreset'>): Output<'import.savePreset'> {
  const columns = input.mapping.filter((m) => m.target.field !== 'ignore').map((m) => ({ header: m.header, target: m.target }));
  if (!columns.some((c) => c.target.field === 'phone' || c.target.field === 'mobile_phone')) {
    throw new AppError('VALIDATION_FAILED', 'imports.presetNeedsPhone', {}, { fields: [{ path: 'mapping', key: 'imports.noPhoneColumnField' }] });
  }
  const saved = ctx.db.transaction(() => {
    const p = ctx.imports.savePreset(input.name, { columns } satisfies SavedMapping, ctx.clock.now());
    appendAudit(ctx, 'system', 'import.preset_saved', `preset:${p.id}`, { name: p.name, columns: columns.length });
    return p;
  })();
  return { id: `saved:${saved.id}`, name: saved.name, kind: 'saved' };
}

/** import.deletePreset */
export function deletePreset(ctx: ServiceContext, input: ParsedInput<'import.deletePreset'>): Output<'import.deletePreset'> {
  const id = Number(input.id.slice('saved:'.length));
  return { deleted: ctx.imports.deletePreset(id) };
}
