import fs from 'node:fs';
import { say } from './say';
import path from 'node:path';
import Papa from 'papaparse';
import type { Channel } from '../../../../shared/domain/consent/types';
import type { OutgoingMessage, ProviderAdapter, ReconcileOutcome, SendOutcome } from './types';

/** A file hand-off's settings, validated by the caller. */
export interface FileSettings {
  providerName: string;
  dir: string;
  format: 'csv' | 'xlsx';
  delimiter: string;
  channel: Channel;
  ratePerSecond: number;
}

/**
 * The "generic" column preset: what bulk-upload forms of SMS gateways take (phone as digits without "+", then the
 * text), plus `ref`, the idempotency key, which lets a resumed run see what is already in the file.
 */
export const FILE_COLUMNS = ['phone', 'message', 'ref'] as const;

const BOM = '\uFEFF';

/**
 * Spreadsheets run a cell starting with = + - @ (or a tab, CR or NUL before them) as a formula (CSV injection). A leading apostrophe makes
 * it text. A text that already starts with an apostrophe gets one more, so `revealText` can undo it exactly.
 */
export function neutralizeCell(text: string): string {
  return /^[=+\-@\t\r\0']/.test(text) ? `'${text}` : text;
}

/** The original text of a neutralised cell (see neutralizeCell). */
export function revealText(cell: string): string {
  return cell.startsWith("'") ? cell.slice(1) : cell;
}

function csvField(value: string, delimiter: string): string {
  return value.includes(delimiter) || /["\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

interface OpenFile {
  csv: string;
  fd: number;
  keys: Set<string>;
}

/** Why a file could not be written, as an outcome: a folder the owner must fix stops the batch. */
function fileTrouble(e: unknown): SendOutcome {
  const code = (e as { code?: unknown })?.code;
  const c = typeof code === 'string' ? code : 'EIO';
  if (['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENOTDIR', 'EISDIR', 'EEXIST', 'ENAMETOOLONG'].includes(c))
    return {
      kind: 'refused',
      code: c,
      ...say('answer.folderNotWritable'),
      action: 'stop_batch',
    };
  return { kind: 'retry', code: c, ...say('answer.fileFailed'), maybeDelivered: false };
}

/**
 * The file hand-off for providers that only take a web upload: one CSV per batch, each accepted message appended and
 * flushed to disk before `send` returns (a crash never loses a row it reported as taken); xlsx is made from it at the end.
 */
export class FileAdapter implements ProviderAdapter {
  readonly kind = 'file' as const;
  readonly channels: readonly Channel[];
  readonly ratePerSecond: number;
  private readonly open = new Map<number, OpenFile>();
  private readonly touched: number[] = [];

  constructor(private readonly s: FileSettings) {
    this.channels = [s.channel];
    this.ratePerSecond = s.ratePerSecond;
  }

  /** Where a batch's rows go. */
  csvPath(batch: number): string {
    const safe = this.s.providerName.replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^[._]+/, '') || 'provider';
    return path.join(this.s.dir, `${safe}-batch-${batch}.csv`);
  }

  private row(cells: string[]): string {
    return cells.map((c) => csvField(c, this.s.delimiter)).join(this.s.delimiter) + '\r\n';
  }

  private parse(text: string): { rows: string[][]; torn: boolean } {
    const body = text.startsWith(BOM) ? text.slice(1) : text;
    const parsed = Papa.parse<string[]>(body, { delimiter: this.s.delimiter, skipEmptyLines: true });
    const rows = parsed.data;
    const last = rows[rows.length - 1];
    // A row is written in one append; a crash mid-write leaves a last row without its line end, with an open quote,
    // or short of its `ref` cell.
    const torn = !!last && (!body.endsWith('\n') || parsed.errors.length > 0 || last.length !== FILE_COLUMNS.length || !last[last.length - 1]);
    return { rows, torn };
  }

  private writeAll(fd: number, text: string): void {
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
    fs.fsyncSync(fd);
  }

  private syncDir(): void {
    // The new file's directory entry must reach the disk too, or a crash can lose the whole file.
    try {
      const d = fs.openSync(this.s.dir, 'r');
      try {
        fs.fsyncSync(d);
      } finally {
        fs.closeSync(d);
      }
    } catch {
      // not every platform can fsync a directory (Windows); the file itself is synced
    }
  }

  private fileFor(batch: number): OpenFile {
    const known = this.open.get(batch);
    if (known) return known;
    const csv = this.csvPath(batch);
    fs.mkdirSync(this.s.dir, { recursive: true });
    const keys = new Set<string>();
    if (fs.existsSync(csv)) {
      const { rows, torn } = this.parse(fs.readFileSync(csv, 'utf8'));
      if (torn) rows.pop();
      if (rows.length === 0) fs.truncateSync(csv, 0);
      else if (torn) {
        const tmp = `${csv}.repair-${process.pid}`;
        const fd = fs.openSync(tmp, 'w');
        try {
          this.writeAll(fd, BOM + rows.map((r) => this.row(r)).join(''));
        } finally {
          fs.closeSync(fd);
        }
        fs.renameSync(tmp, csv);
      }
      for (const r of rows.slice(1)) {
        const key = r[r.length - 1];
        if (key) keys.add(key);
      }
    }
    const fd = fs.openSync(csv, 'a');
    if (fs.fstatSync(fd).size === 0) {
      this.writeAll(fd, BOM + this.row([...FILE_COLUMNS]));
      this.syncDir();
    }
    const f = { csv, fd, keys };
    this.open.set(batch, f);
    if (!this.touched.includes(batch)) this.touched.push(batch);
    return f;
  }

  private drop(batch: number): void {
    const f = this.open.get(batch);
    this.open.delete(batch);
    if (f)
      try {
        fs.closeSync(f.fd);
      } catch {
        // already closed
      }
  }

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    if (!this.channels.includes(message.channel))
      return {
        kind: 'refused',
        code: 'CHANNEL_UNSUPPORTED',
        ...say('answer.fileChannel', { channel: this.s.channel === 'whatsapp' ? 'WhatsApp' : 'SMS' }),
        action: 'fail',
      };
    let f: OpenFile;
    try {
      f = this.fileFor(message.batch);
    } catch (e) {
      return fileTrouble(e);
    }
    if (f.keys.has(message.idempotencyKey)) return { kind: 'accepted', providerMessageId: null };
    try {
      this.writeAll(f.fd, this.row([message.to.replace(/^\+/, ''), neutralizeCell(message.text), message.idempotencyKey]));
    } catch (e) {
      // The row may be half written: reopen (and repair) the file on the next use.
      this.drop(message.batch);
      return fileTrouble(e);
    }
    f.keys.add(message.idempotencyKey);
    return { kind: 'accepted', providerMessageId: null };
  }

  /** A row with the key is in the file: taken. Otherwise nothing reached the file, so writing it now is safe. */
  async reconcile(message: OutgoingMessage): Promise<ReconcileOutcome> {
    if (!this.open.has(message.batch) && !fs.existsSync(this.csvPath(message.batch))) return { kind: 'resend' };
    const f = this.fileFor(message.batch);
    return f.keys.has(message.idempotencyKey) ? { kind: 'accepted', providerMessageId: null } : { kind: 'resend' };
  }

  /** Closes the files of this run; for xlsx, writes each batch's workbook atomically next to its CSV. */
  async finish(): Promise<{ file?: string | undefined }> {
    let last: string | undefined;
    for (const batch of this.touched) {
      const csv = this.open.get(batch)?.csv ?? this.csvPath(batch);
      this.drop(batch);
      last = this.s.format === 'xlsx' ? await this.writeXlsx(csv) : csv;
    }
    this.touched.length = 0;
    return { file: last };
  }

  private async writeXlsx(csv: string): Promise<string> {
    const { rows } = this.parse(fs.readFileSync(csv, 'utf8'));
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Messages');
    ws.columns = [
      { header: 'phone', key: 'phone', width: 16 },
      { header: 'message', key: 'message', width: 80 },
      { header: 'ref', key: 'ref', width: 24 },
    ];
    ws.getColumn(1).numFmt = '@';
    for (const r of rows.slice(1)) {
      // Cells are written as typed strings, which spreadsheets never run as formulas, so the original text goes in.
      ws.addRow({ phone: r[0] ?? '', message: revealText(r[1] ?? ''), ref: r[2] ?? '' });
    }
    const out = csv.replace(/\.csv$/, '.xlsx');
    const tmp = `${out}.tmp-${process.pid}`;
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const fd = fs.openSync(tmp, 'w');
    try {
      let off = 0;
      while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, out);
    return out;
  }
}
