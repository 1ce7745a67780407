import { copyFileSync } from 'node:fs';
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
