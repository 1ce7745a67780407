import { accessSync, constants, copyFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Backend } from '../../core/backend';
import { UsageError, asInt } from '../args';
import type { Ctx, Flag } from '../spec';

/** Flags many commands share. */
export const staffFlag: Flag = { name: 'staff', value: 'NAME', summary: 'who does it (recorded with it and in the audit log)', field: 'staff' };
export const offsetFlag: Flag = { name: 'offset', value: 'N', summary: 'skip the first N', field: 'offset', as: asInt };
export const limitFlag = (most: number, dflt?: number): Flag => ({
  name: 'limit',
  value: 'N',
  summary: `show at most N (1-${most}${dflt !== undefined ? `, default ${dflt}` : ''})`,
  field: 'limit',
  as: asInt,
  ...(dflt !== undefined ? { default: dflt } : {}),
});
export const pageFlags = (most: number, dflt?: number): Flag[] => [offsetFlag, limitFlag(most, dflt)];

/** `a|b|c` for a value hint. */
export const oneOf = (values: readonly string[]): string => values.join('|');

/** The backend; commands that need the register's files are never run from backups alone. */
export function backendOf(c: Ctx): Backend {
  if (!c.backend) throw new UsageError('cli.registerUnopenable');
  return c.backend;
}

/**
 * Refuse, before any work, a path named for a file to write (--out, --report) that cannot be written: a folder, or in
 * a folder that is missing or not writable. So an import is not saved and then reported as failed for want of it.
 */
export function checkWritable(path: string, flag: 'out' | 'report'): void {
  const out = flag === 'out';
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(out ? 'cli.outIsFolder' : 'cli.reportIsFolder', { path });
  try {
    accessSync(dirname(resolve(path)), constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(out ? 'cli.outNoFolder' : 'cli.reportNoFolder', { path, folder: dirname(resolve(path)) });
    throw new UsageError(out ? 'cli.cannotWrite' : 'cli.cannotWriteReport', { path, reason: code ?? 'error' });
  }
}

/** Copy a file the register made to the path the person named (--out), and let the register forget it. */
export function deliver(backend: Backend, fileId: string, out: string): void {
  try {
    copyFileSync(backend.files.get(fileId).path, out);
  } catch (err) {
    throw new UsageError('cli.cannotWrite', { path: out, reason: (err as NodeJS.ErrnoException).code ?? 'error' });
  } finally {
    backend.files.discard(fileId);
  }
}
