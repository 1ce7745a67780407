import type { Statement } from 'better-sqlite3';
import type { Db } from '../open';

/**
 * A repo's statements, each prepared the first time it is asked for and kept for the connection's life: a statement
 * read on every consent recorded or sheet row entered is not compiled again each time.
 */
export class Statements {
  private readonly prepared = new Map<string, Statement>();

  constructor(private readonly db: Db) {}

  get<P extends unknown[] = unknown[], R = unknown>(sql: string): Statement<P, R> {
    let s = this.prepared.get(sql);
    if (!s) this.prepared.set(sql, (s = this.db.prepare(sql)));
    return s as unknown as Statement<P, R>;
  }
}

/**
 * Drop the contacts indexes `select` names (an SQL query returning each index's name and its CREATE statement) and
 * return what creates them again, exactly as they were. For a write that moves most of the register's entries (a
 * rebuild filling an empty projection, an import as large as the register), building an index once from a sort costs
 * far less than moving each entry one by one. Only inside a transaction, which they are created again in: a rollback
 * puts them back too, and no other connection ever sees the register without them.
 */
export function deferIndexes(db: Db, what: string, select: string, ...params: unknown[]): () => void {
  if (!db.inTransaction) throw new Error(`${what}: only inside a transaction`);
  const indexes = db
    .prepare(select)
    .raw()
    .all(...params) as [string, string][];
  for (const [name] of indexes) db.exec(`DROP INDEX "${name}"`);
  return () => {
    for (const [, sql] of indexes) db.exec(sql);
  };
}
