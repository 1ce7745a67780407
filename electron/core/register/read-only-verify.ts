import { createDispatcher, type Dispatch } from '../../../shared/contract/dispatch';
import { methods, type Handlers } from '../../../shared/contract/api';
import { AppError } from '../../../shared/contract/errors';
import { createContext } from '../context';
import { openDatabase } from '../db/open';
import { IntegrityRepo } from '../db/repos/integrity.repo';
import { randomIds, type Clock } from '../infra/clock';
import { verifyAudit } from './integrity';
import { Witness } from './witness';

/** The refusals of a register that holds objects Optin Desk did not make (db/open.ts checkObjects). */
export const FOREIGN_OBJECT_REFUSALS: ReadonlySet<string> = new Set([
  'register.foreignTrigger',
  'register.changedTrigger',
  'register.foreignView',
  'register.foreignIndex',
]);

/**
 * audit.verify on a register opened read-only: for a file refused for use because it holds a trigger or view Optin Desk
 * did not make (one that could swallow what the register writes). Nothing is written through a read-only connection,
 * so no such trigger fires, and verify can name every problem the file has, not only the first. Every other operation
 * is refused with the refusal that stopped the opening.
 */
export function readOnlyVerifyDispatch(dbPath: string, clock: Clock, refusal: AppError): Dispatch {
  const db = openDatabase(dbPath, { readonly: true });
  const ctx = createContext(db, clock, randomIds);
  const repo = new IntegrityRepo(db);
  // Read, never written: the witness stays as it was (ready() is false, so nothing syncs it).
  const witness = new Witness(
    dbPath,
    {
      heads: () => repo.heads(),
      hashAt: (chain, id) => repo.hashAt(chain, id),
      schemaVersion: () => db.pragma('user_version', { simple: true }) as number,
      ready: () => false,
    },
    () => clock.now(),
  );
  const refuse = (): never => {
    throw refusal;
  };
  const handlers = {
    ...Object.fromEntries(methods.map((m) => [m, refuse])),
    'audit.verify': (i: Parameters<typeof verifyAudit>[2]) => verifyAudit(ctx, { repo, witness }, i),
  } as Handlers;
  return createDispatcher(handlers);
}
