import { availableParallelism } from 'node:os';
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
    const restore = sortInParallel(db);
    try {
      for (const [, sql] of indexes) db.exec(sql);
    } finally {
      restore();
    }
  };
}

/** The sorter's run size while indexes are built: SQLite's default page cache (2,000 KiB). */
const INDEX_SORT_CACHE_KIB = 2000;
/** Helper threads SQLite's sorter may start while indexes are built, at most. */
const MAX_SORT_THREADS = 4;

/**
 * Let SQLite build indexes from a sort split into short runs, sorted and merged by helper threads on the machine's
 * other cores: its sorter holds as much of a run in memory as the page cache holds, so the connection's cache is the
 * default's while it builds and the usual size again after (what is returned puts both back). The index is the same;
 * only the way the sort is worked out changes. The four list orders of a million-row import build in about 3.4 s
 * this way against 6 s with one long run in one thread (2 cores, import bench's register).
 */
function sortInParallel(db: Db): () => void {
  const cache = db.pragma('cache_size', { simple: true }) as number;
  const threads = db.pragma('threads', { simple: true }) as number;
  const cores = availableParallelism();
  db.pragma(`cache_size = ${-INDEX_SORT_CACHE_KIB}`);
  db.pragma(`threads = ${cores > 1 ? Math.min(MAX_SORT_THREADS, cores) : 0}`);
  return () => {
    db.pragma(`cache_size = ${cache}`);
    db.pragma(`threads = ${threads}`);
  };
}
