import { extname } from 'node:path';
import { Channels, Purposes } from '../../../shared/domain/consent/types';
import { PolicyPackIds } from '../../../shared/domain/policy/policy';
import type { Output } from '../../../shared/contract/api';
import { AppError } from '../../../shared/contract/errors';
import { ref } from '../../../shared/contract/said';
import { UsageError, asChoice, asId, asInt, asList, readTextFile } from '../args';
import { command, type Arg, type Command, type Ctx, type Flag, type Group, type Outcome } from '../spec';
import { backendOf, deliver, oneOf, pageFlags, staffFlag } from './common';
import { formCreated } from './format';

const formId = (verb: string): Arg => ({
  name: 'ID',
  summary: 'form version id (optin forms list)',
  required: true,
  missing: ref('cli.giveFormVersion', { verb }),
  field: 'formVersionId',
  as: asId('form version'),
});

const out = (example: string, what: string): Flag => ({
  name: 'out',
  value: example.toUpperCase().replace(/^[A-Z]+/, 'FILE'),
  summary: `the file to write (${what})`,
  required: true,
  missing: ref('cli.giveOut', { example }),
});

const lang: Flag = { name: 'lang', aliases: ['language'], value: 'en|ru', summary: 'the language of the wording', required: true, field: 'language' };
const channels: Flag = { name: 'channels', value: 'sms,whatsapp', summary: 'the channels it covers', field: 'channels', as: asList };

/** `forms print`: sheets with serials; the serials are recorded. */
async function print(c: Ctx): Promise<Outcome> {
  const backend = backendOf(c);
  const file = String(c.flags.out);
  if (extname(file).toLowerCase() !== '.pdf') throw new UsageError('cli.sheetsArePdf', { file });
  const r = await c.call('forms.print', c.input);
  deliver(backend, r.fileId, file);
  const { fileId: _fileId, name: _name, ...rest } = r;
  const range = r.serials.length === 1 ? r.serials[0] : `${r.serials[0]}…${r.serials[r.serials.length - 1]}`;
  const lines = [
    `${file}: ${r.serials.length} ${String(c.input.layout ?? 'slip')} sheet${r.serials.length === 1 ? '' : 's'} of ${r.formCode} (${range}), ${r.bytes} bytes`,
  ];
  if (r.personalDataSerials.length > 0)
    lines.push(`each followed by its separate personal-data consent (152-FZ) on the next serial: ${r.personalDataSerials.join(', ')}`);
  if (r.warnings.includes('group_shows_others'))
    lines.push('warning: on a group sheet every customer sees the names and numbers written above their own; slips keep them apart');
  return { ok: true, value: { ...rest, file }, human: lines.join('\n') };
}

/** `forms qr` (a PNG or SVG code, or a poster for --out X.pdf) and `forms poster`. */
async function qrOrPoster(c: Ctx, poster: boolean): Promise<Outcome> {
  const backend = backendOf(c);
  const file = String(c.flags.out);
  const ext = extname(file).toLowerCase();
  const { formVersionId, kind, paper, wording } = c.input;
  if (!poster && ext !== '.png' && ext !== '.svg' && ext !== '.pdf') throw new UsageError('cli.qrFormat', { file });
  const r =
    poster || ext === '.pdf'
      ? await c.call('forms.poster', { formVersionId, kind, paper, wording })
      : await c.call('forms.qr', { formVersionId, kind, format: ext.slice(1) });
  deliver(backend, r.fileId, file);
  return {
    ok: true,
    value: { file, bytes: r.bytes, kind, payload: r.payload, text: r.text },
    human: `${file}: ${poster || ext === '.pdf' ? 'poster' : 'QR code'} (${r.bytes} bytes) → ${r.payload}`,
  };
}

const kind: Flag = {
  name: 'kind',
  value: 'whatsapp|sms',
  summary: 'the channel the code opens',
  required: true,
  field: 'kind',
  as: asChoice(['whatsapp', 'sms']),
};
const posterPaper: Flag = { name: 'paper', value: 'a4|a5', summary: "the poster's paper (default a4)", field: 'paper' };

const forms: Command[] = [
  command({ words: ['forms', 'list'], summary: 'the consent wording versions', method: 'forms.list', json: (forms) => ({ forms }) }),
  command({
    words: ['forms', 'template'],
    summary: "the pack's starting wording, ready to edit and pass to forms create",
    method: 'forms.template',
    flags: [lang, { name: 'policy', value: oneOf(PolicyPackIds), summary: "the pack (default: the shop's)", field: 'policyPack' }, channels],
    human: (v) => v.body,
  }),
  command({
    words: ['forms', 'create'],
    summary: 'a new wording version (code F<form>-<version>, SHA-256 of its canonical text)',
    method: 'forms.create',
    flags: [
      lang,
      { ...channels, required: true },
      { name: 'purposes', value: 'marketing[,personal_data]', summary: 'what it covers', required: true, field: 'purposes', as: asList },
      { name: 'text', aliases: ['body'], value: 'T', summary: 'the wording', field: 'body' },
      {
        name: 'text-file',
        aliases: ['body-file'],
        value: 'F',
        summary: 'a UTF-8 file with the wording (instead of --text)',
        field: 'body',
        as: (raw, flag) => readTextFile(flag, String(raw)),
      },
      { name: 'title', value: 'T', summary: "the title (default: the wording's first line when it reads as one)", field: 'title' },
      staffFlag,
    ],
    adjust: (input) => {
      if (input.body === undefined) throw new UsageError('cli.giveWording');
      return input;
    },
    human: formCreated,
  }),
  {
    words: ['forms', 'print'],
    summary: "printable sheets with a serial and the form's QR on every page; the serials are recorded",
    args: [formId('print')],
    flags: [
      {
        name: 'layout',
        value: 'slip|individual|group',
        summary: 'tear-off slips, one customer each (default); one customer per sheet; or a table of rows, where each customer sees the rows above',
        field: 'layout',
        as: asChoice(['slip', 'individual', 'group']),
      },
      { name: 'rows', value: 'N', summary: 'rows on a group sheet (default 15)', field: 'rows', as: asInt },
      { name: 'copies', value: 'N', summary: 'how many sheets (default 1)', field: 'copies', as: asInt },
      { name: 'paper', value: 'a4|letter', summary: 'the paper (default a4)', field: 'paper' },
      out('sheets.pdf', 'PDF'),
      staffFlag,
    ],
    calls: ['forms.print'],
    run: print,
  },
  {
    words: ['forms', 'qr'],
    summary: 'the opt-in QR code as PNG or SVG (or --out FILE.pdf for a poster)',
    args: [formId('qr')],
    flags: [kind, out('qr.png', '.png, .svg, or .pdf for a poster'), { ...posterPaper, summary: 'the paper, for a poster (default a4)' }],
    calls: ['forms.qr', 'forms.poster'],
    run: (c) => qrOrPoster(c, false),
  },
  {
    words: ['forms', 'poster'],
    summary: 'a poster with the QR code, what the shop sends and how to stop',
    args: [formId('poster')],
    flags: [
      kind,
      posterPaper,
      { name: 'wording', value: 'T', summary: 'the short wording on the poster', field: 'wording' },
      out('poster.pdf', 'PDF'),
    ],
    calls: ['forms.poster'],
    run: (c) => qrOrPoster(c, true),
  },
];

const serial = (verb: string, example: string): Arg => ({
  name: 'SERIAL',
  summary: 'sheet serial',
  required: true,
  missing: ref('cli.giveSerial', { verb, example }),
  field: 'serial',
});

function formatSheets(v: Output<'sheets.list'>): string {
  const lines = v.sheets.map(
    (s) =>
      `${s.serial}  ${s.formCode.padEnd(7)}${s.layout.padEnd(11)}${`${s.enteredRows}/${s.rows} rows`.padEnd(12)}${`${s.scans} scan${s.scans === 1 ? '' : 's'}`.padEnd(9)}printed ${s.printedAt.slice(0, 10)}${s.notReturned ? '  NOT RETURNED' : ''}`,
  );
  return [...lines, `${v.sheets.length} shown of ${v.total}`].join('\n');
}

function formatSheet(r: Output<'sheets.get'>): string {
  const rows = r.rows.map((x) => `  row ${String(x.row).padEnd(3)}${x.phone.padEnd(17)}${x.name.padEnd(28)}signed ${x.signedOn}  by ${x.enteredBy}`);
  return [
    `${r.sheet.serial}  ${r.form.code} "${r.form.title}"  ${r.sheet.layout}, ${r.sheet.rows} rows, printed ${r.sheet.printedAt.slice(0, 10)} by ${r.sheet.printedBy}`,
    ...(rows.length ? rows : ['  nothing entered yet']),
    ...r.scans.map((s) => `  scan ${s.fileName} sha256 ${s.sha256}`),
    r.nextRow === null ? 'every row entered' : `next row: ${r.nextRow}`,
  ].join('\n');
}

/** `sheets attach`: the photo or scan of a signed sheet, kept and fingerprinted. */
async function attach(c: Ctx): Promise<Outcome> {
  const backend = backendOf(c);
  const path = String(c.flags.file);
  let fileId: string;
  try {
    fileId = backend.files.adopt(path).id;
  } catch (err) {
    // The register's refusal by key (no such file, not a file), said of the flag the person typed.
    if (!(err instanceof AppError)) throw err;
    return { ok: false, error: { ...err.toApiError(), code: 'UNREADABLE_FILE', message: `--file: ${err.message.replace(/^file: /, '')}` } };
  }
  const r = await c.call('sheets.attachScan', { ...c.input, fileId });
  return { ok: true, value: r, human: `${r.serial}: ${r.duplicate ? 'already attached' : 'attached'} ${path} (sha256 ${r.sha256})` };
}

const sheets: Command[] = [
  command({
    words: ['sheets', 'list'],
    summary: 'printed sheets, how many rows are entered, which never came back',
    method: 'sheets.list',
    flags: [{ name: 'form', value: 'ID', summary: 'only the sheets of this form version', field: 'formVersionId', as: asInt }, ...pageFlags(500)],
    human: formatSheets,
  }),
  command({
    words: ['sheets', 'show'],
    summary: 'one sheet: its rows and scans',
    method: 'sheets.get',
    args: [serial('show', '')],
    human: formatSheet,
  }),
  command({
    words: ['sheets', 'enter'],
    summary: 'type in one row of a signed sheet',
    method: 'sheets.enterRow',
    args: [serial('enter', ' --row 1 …')],
    flags: [
      {
        name: 'row',
        value: 'N',
        summary: 'which row of the sheet (1, 2, …)',
        required: true,
        missing: ref('cli.giveRow'),
        field: 'row',
        as: asInt,
      },
      { name: 'phone', value: 'P', summary: 'the number written on the row', required: true, field: 'phone' },
      { name: 'name', value: 'N', summary: 'the name written on the row', field: 'name' },
      { name: 'channels', value: oneOf(Channels).replace('|', ','), summary: 'the channels ticked', required: true, field: 'channels', as: asList },
      { name: 'purposes', value: Purposes.join(','), summary: 'the consents ticked (default: what the form covers)', field: 'purposes', as: asList },
      { name: 'signed-on', value: 'YYYY-MM-DD', summary: 'the date written on the row', required: true, field: 'signedOn' },
      staffFlag,
    ],
    human: (r) =>
      `${r.serial} row ${r.row}: ${r.phone} ${r.name} — ${r.events.map((e) => `${e.action} ${e.channel}/${e.purpose}`).join(', ')}` +
      (r.downgraded ? `\nnote: recorded as ${r.downgraded.to} — ${r.downgraded.reason}` : ''),
  }),
  {
    words: ['sheets', 'attach'],
    summary: 'attach the photo or scan of a signed sheet',
    args: [serial('attach', ' --file scan.jpg')],
    flags: [{ name: 'file', value: 'SCAN.jpg', summary: 'the photo or scan', required: true, missing: ref('cli.giveScan') }, staffFlag],
    calls: ['sheets.attachScan'],
    run: attach,
  },
];

export const formsGroup: Group = { title: 'Consent forms and paper sheets', commands: [...forms, ...sheets] };
