import { copyFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Backend } from '../core/backend';
import type { Method, Output } from '../../shared/contract/api';
import type { ApiError } from '../../shared/contract/errors';
import { defined, int, list } from './args';

/** The flags the forms and sheets commands read. */
export interface FormsFlags {
  layout?: string | undefined;
  rows?: string | undefined;
  row?: string | undefined;
  copies?: string | undefined;
  paper?: string | undefined;
  kind?: string | undefined;
  out?: string | undefined;
  wording?: string | undefined;
  phone?: string | undefined;
  name?: string | undefined;
  channels?: string | undefined;
  purposes?: string | undefined;
  'signed-on'?: string | undefined;
  file?: string | undefined;
  offset?: string | undefined;
  limit?: string | undefined;
  form?: string | undefined;
  staff?: string | undefined;
}

type Outcome = { ok: true; value: unknown; human: string } | { ok: false; error: ApiError };

const refuse = (message: string): Outcome => ({ ok: false, error: { code: 'VALIDATION_FAILED', message } });

async function call<M extends Method>(backend: Backend, method: M, input: Record<string, unknown>): Promise<Output<M> | ApiError> {
  const r = await backend.dispatch(method, input);
  return r.ok ? (r.value as Output<M>) : r.error;
}

const isError = (v: unknown): v is ApiError => typeof v === 'object' && v !== null && 'code' in v && 'message' in v && !('fileId' in v);

/** Copy a file the register made to the path the person named. */
function deliver(backend: Backend, fileId: string, out: string): string | null {
  try {
    copyFileSync(backend.files.get(fileId).path, out);
    return null;
  } catch (err) {
    return `--out: cannot write ${out} (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
  } finally {
    backend.files.discard(fileId);
  }
}

/** `optin forms print|qr|poster ID …`: render a file and write it to --out. */
export async function formsFileCommand(
  backend: Backend,
  command: 'print' | 'qr' | 'poster',
  id: string | undefined,
  f: FormsFlags,
): Promise<Outcome> {
  if (id === undefined || !/^\d+$/.test(id))
    return refuse(`ID: give the form version id (optin forms list shows them), e.g. optin forms ${command} 3 …`);
  if (!f.out)
    return refuse(`--out: name the file to write, e.g. --out ${command === 'print' ? 'sheets.pdf' : command === 'qr' ? 'qr.png' : 'poster.pdf'}`);
  const formVersionId = Number(id);
  const ext = extname(f.out).toLowerCase();
  if (command === 'print') {
    if (ext !== '.pdf') return refuse(`--out: sheets are written as PDF; name a .pdf file, not "${f.out}"`);
    if (f.layout !== 'individual' && f.layout !== 'group')
      return refuse(`--layout: expected individual or group${f.layout ? `, got "${f.layout}"` : ''}`);
    const rows = int('rows', f.rows);
    const copies = int('copies', f.copies);
    const r = await call(backend, 'forms.print', defined({ formVersionId, layout: f.layout, rows, copies, paper: f.paper, staff: f.staff }));
    if (isError(r)) return { ok: false, error: r };
    const problem = deliver(backend, r.fileId, f.out);
    if (problem) return refuse(problem);
    const { fileId: _fileId, name: _name, ...rest } = r;
    const range = r.serials.length === 1 ? r.serials[0] : `${r.serials[0]}…${r.serials[r.serials.length - 1]}`;
    return {
      ok: true,
      value: { ...rest, file: f.out },
      human: `${f.out}: ${r.serials.length} ${f.layout} sheet${r.serials.length === 1 ? '' : 's'} of ${r.formCode} (${range}), ${r.bytes} bytes`,
    };
  }
  // forms qr … --out X.pdf is the poster; forms poster always is.
  const poster = command === 'poster' || ext === '.pdf';
  if (f.kind !== 'whatsapp' && f.kind !== 'sms') return refuse(`--kind: expected whatsapp or sms${f.kind ? `, got "${f.kind}"` : ''}`);
  if (!poster && ext !== '.png' && ext !== '.svg')
    return refuse(`--out: a QR code is written as .png or .svg (or .pdf for a poster), not "${f.out}"`);
  const r = poster
    ? await call(backend, 'forms.poster', defined({ formVersionId, kind: f.kind, paper: f.paper, wording: f.wording }))
    : await call(backend, 'forms.qr', { formVersionId, kind: f.kind, format: ext.slice(1) });
  if (isError(r)) return { ok: false, error: r.message.startsWith('paper:') ? { ...r, message: r.message.replace(/^paper:/, '--paper:') } : r };
  const problem = deliver(backend, r.fileId, f.out);
  if (problem) return refuse(problem);
  return {
    ok: true,
    value: { file: f.out, bytes: r.bytes, kind: f.kind, payload: r.payload, text: r.text },
    human: `${f.out}: ${poster ? 'poster' : 'QR code'} (${r.bytes} bytes) → ${r.payload}`,
  };
}

function formatSheets(v: Output<'sheets.list'>): string {
  const lines = v.sheets.map(
    (s) =>
      `${s.serial}  ${s.formCode.padEnd(7)}${s.layout.padEnd(11)}${`${s.enteredRows}/${s.rows} rows`.padEnd(12)}${`${s.scans} scan${s.scans === 1 ? '' : 's'}`.padEnd(9)}printed ${s.printedAt.slice(0, 10)}${s.notReturned ? '  NOT RETURNED' : ''}`,
  );
  return [...lines, `${v.sheets.length} shown of ${v.total}`].join('\n');
}

/** `optin sheets list|show|enter|attach`: printed sheets, typing a row in, attaching a scan. */
export async function sheetsCommand(backend: Backend, command: string | undefined, serial: string | undefined, f: FormsFlags): Promise<Outcome> {
  switch (command) {
    case 'list': {
      const offset = int('offset', f.offset);
      const limit = int('limit', f.limit);
      const form = int('form', f.form);
      const r = await call(backend, 'sheets.list', defined({ offset, limit, formVersionId: form }));
      return isError(r) ? { ok: false, error: r } : { ok: true, value: r, human: formatSheets(r) };
    }
    case 'show': {
      if (!serial) return refuse('SERIAL: give the sheet serial, e.g. optin sheets show S-000042');
      const r = await call(backend, 'sheets.get', { serial });
      if (isError(r)) return { ok: false, error: r };
      const rows = r.rows.map(
        (x) => `  row ${String(x.row).padEnd(3)}${x.phone.padEnd(17)}${x.name.padEnd(28)}signed ${x.signedOn}  by ${x.enteredBy}`,
      );
      return {
        ok: true,
        value: r,
        human: [
          `${r.sheet.serial}  ${r.form.code} "${r.form.title}"  ${r.sheet.layout}, ${r.sheet.rows} rows, printed ${r.sheet.printedAt.slice(0, 10)} by ${r.sheet.printedBy}`,
          ...(rows.length ? rows : ['  nothing entered yet']),
          ...r.scans.map((s) => `  scan ${s.fileName} sha256 ${s.sha256}`),
          r.nextRow === null ? 'every row entered' : `next row: ${r.nextRow}`,
        ].join('\n'),
      };
    }
    case 'enter': {
      if (!serial) return refuse('SERIAL: give the sheet serial, e.g. optin sheets enter S-000042 --row 1 …');
      const row = int('row', f.row);
      if (row === undefined) return refuse('--row: which row of the sheet (1, 2, …)');
      const r = await call(
        backend,
        'sheets.enterRow',
        defined({
          serial,
          row,
          phone: f.phone,
          name: f.name,
          channels: list(f.channels),
          purposes: list(f.purposes),
          signedOn: f['signed-on'],
          staff: f.staff,
        }),
      );
      if (isError(r)) return { ok: false, error: r };
      const note = r.downgraded ? `\nnote: recorded as ${r.downgraded.to} — ${r.downgraded.reason}` : '';
      return {
        ok: true,
        value: r,
        human: `${r.serial} row ${r.row}: ${r.phone} ${r.name} — ${r.events.map((e) => `${e.action} ${e.channel}/${e.purpose}`).join(', ')}${note}`,
      };
    }
    case 'attach': {
      if (!serial) return refuse('SERIAL: give the sheet serial, e.g. optin sheets attach S-000042 --file scan.jpg');
      if (!f.file) return refuse('--file: the photo or scan of the signed sheet');
      let fileId: string;
      try {
        fileId = backend.files.adopt(f.file).id;
      } catch (err) {
        return {
          ok: false,
          error: {
            code: 'UNREADABLE_FILE',
            message: `--file: ${err instanceof Error ? err.message.replace(/^file: /, '') : `cannot read ${f.file}`}`,
          },
        };
      }
      const r = await call(backend, 'sheets.attachScan', defined({ serial, fileId, staff: f.staff }));
      if (isError(r)) return { ok: false, error: r };
      return { ok: true, value: r, human: `${r.serial}: ${r.duplicate ? 'already attached' : 'attached'} ${f.file} (sha256 ${r.sha256})` };
    }
    default:
      return refuse(command ? `unknown command "sheets ${command}" (optin --help lists them)` : 'sheets: list, show, enter or attach');
  }
}
