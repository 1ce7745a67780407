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
