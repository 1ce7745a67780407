import { AppError } from '../../../shared/contract/errors';
import { readSaid, ref, storeSaid } from '../../../shared/contract/said';
import type { Db } from './open';

/**
 * How long one statement waits, blocking, for another process's write lock (PRAGMA busy_timeout). Kept short: a
 * turn at the register that meets a long write waits for it without blocking the process (RegisterLock retries
 * it), so the window, the local host's other requests and opt-outs are never held up behind it.
 */
export const STATEMENT_BUSY_MS = 100;

/** SQLite said another connection holds the lock (SQLITE_BUSY and its extended codes). */
export function isSqliteBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** What holds the register, stored by key (storeSaid): a change, an import of a file, an undo… */
export const BUSY_CHANGE = storeSaid('busy.change');

/**
 * The refusal an ordinary write gets while another window or process holds the register: nothing was changed. `what`
 * is what holds it as stored (storeSaid; another version's plain words are shown as they are): `params.what` carries it
 * by key for the person's language, `details.what` in English.
 */
export function busyError(what: string): AppError {
  const s = readSaid(what);
  return new AppError('BUSY', 'register.busy', { what: s.key ? ref(s.key, s.params) : s.message }, { what: s.message });
}

/** Run `fn` with the connection's blocking wait for a lock set to `ms`, then put it back. */
export function withBusyTimeout<T>(db: Db, ms: number, fn: () => T): T {
  const before = db.pragma('busy_timeout', { simple: true }) as number;
  if (before === ms) return fn();
  db.pragma(`busy_timeout = ${ms}`);
  try {
    return fn();
  } finally {
    if (db.open) db.pragma(`busy_timeout = ${before}`);
  }
}
