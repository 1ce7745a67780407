import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, openSync, readSync, closeSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AppError } from '../../../shared/contract/errors';

/** A file the register can read (an uploaded or adopted import) or hand out (an export or a report). */
export interface StoredFile {
  id: string;
  path: string;
  name: string;
  bytes: number;
}

/** Uploads are cut into chunks of at most this many bytes (base64 over IPC or HTTP). */
export const MAX_CHUNK_BYTES = 2 * 1024 * 1024;
const STALE_MS = 24 * 60 * 60 * 1000;

/**
 * Files crossing the doors by id, never by path: the renderer uploads in chunks and downloads by id, so it
 * can never name a file on disk. The CLI adopts a path it was given on the command line.
 */
export class FileStore {
  private readonly files = new Map<string, StoredFile & { open: boolean }>();
  private readonly staging: string;

  constructor(dir: string) {
    this.staging = join(dir, 'staging');
    mkdirSync(this.staging, { recursive: true });
    // Uploads and exports of earlier runs that nobody fetched.
    for (const f of readdirSync(this.staging)) {
      const p = join(this.staging, f);
      try {
        if (Date.now() - statSync(p).mtimeMs > STALE_MS) rmSync(p, { force: true });
      } catch {
        // gone already
      }
    }
  }

  /** Start an upload; chunks follow with {@link appendChunk}. */
  beginUpload(name: string): string {
    const id = randomUUID();
    const path = join(this.staging, `${id}.upload`);
    writeFileSync(path, '');
    this.files.set(id, { id, path, name: basename(name).slice(0, 200) || 'upload.csv', bytes: 0, open: true });
    return id;
  }

  /** Append the next chunk at `offset` (which must be the bytes received so far: chunks come in order). */
  appendChunk(id: string, offset: number, data: Buffer): number {
    const f = this.files.get(id);
    if (!f || !f.open) throw new AppError('NOT_FOUND', 'files.noUpload', { id });
    if (offset !== f.bytes) throw new AppError('VALIDATION_FAILED', 'files.outOfOrder', { expected: f.bytes, got: offset });
    if (data.length > MAX_CHUNK_BYTES) throw new AppError('VALIDATION_FAILED', 'files.chunkMax', { max: MAX_CHUNK_BYTES });
    appendFileSync(f.path, data);
    f.bytes += data.length;
    return f.bytes;
  }

  /** Close an upload: from now on it is a readable file. */
  finishUpload(id: string): StoredFile {
    const f = this.files.get(id);
    if (!f || !f.open) throw new AppError('NOT_FOUND', 'files.noUpload', { id });
    f.open = false;
    return { id: f.id, path: f.path, name: f.name, bytes: f.bytes };
  }

  /** Register a file named on the command line. */
  adopt(path: string): StoredFile {
    if (!existsSync(path)) throw new AppError('UNREADABLE_FILE', 'files.missing', { path });
    const info = statSync(path);
    if (!info.isFile()) throw new AppError('UNREADABLE_FILE', 'files.notFile', { path });
    const id = randomUUID();
    const f = { id, path, name: basename(path), bytes: info.size, open: false };
    this.files.set(id, f);
    return { id, path, name: f.name, bytes: f.bytes };
  }

  /** A new output file (export, report) with a name for the person's download folder. */
  createOutput(name: string): StoredFile {
    const id = randomUUID();
    const path = join(this.staging, `${id}.out`);
    writeFileSync(path, '');
    const f = { id, path, name, bytes: 0, open: false };
    this.files.set(id, f);
    return { id, path, name, bytes: 0 };
  }

  /** A finished file by id. */
  get(id: string): StoredFile {
    const f = this.files.get(id);
    if (!f || f.open) throw new AppError('NOT_FOUND', 'files.noFile', { id });
    const bytes = existsSync(f.path) ? statSync(f.path).size : 0;
    return { id: f.id, path: f.path, name: f.name, bytes };
  }

  /** Read part of a finished file (downloads go in chunks). */
  read(id: string, offset: number, length: number): { data: Buffer; total: number } {
    const f = this.get(id);
    const n = Math.max(0, Math.min(length, MAX_CHUNK_BYTES, f.bytes - offset));
    const data = Buffer.alloc(n);
    if (n > 0) {
      const fd = openSync(f.path, 'r');
      try {
        readSync(fd, data, 0, n, offset);
      } finally {
        closeSync(fd);
      }
    }
    return { data, total: f.bytes };
  }

  /** Forget a file (or an unfinished upload); staged copies are deleted, adopted files are left alone. */
  discard(id: string): boolean {
    const f = this.files.get(id);
    if (!f) return false;
    this.files.delete(id);
    if (f.path.startsWith(this.staging)) rmSync(f.path, { force: true });
    return true;
  }
}
