/**
 * Another process holding the register's write lock, as a long import does: BEGIN IMMEDIATE on the register given
 * as the first argument, write a row, print "locked", then hold the transaction until a line arrives on stdin ("commit"
 * or "rollback") or the hold time (second argument, ms) runs out.
 */
import Database from 'better-sqlite3';

const [path, holdArg] = process.argv.slice(2);
if (!path) throw new Error('usage: long-writer.ts DB [HOLD_MS]');
const db = new Database(path);
db.pragma('busy_timeout = 5000');
db.exec('BEGIN IMMEDIATE');
// A real write, so the lock is held as an import holds it (and the WAL grows).
db.prepare("UPDATE settings SET value = value WHERE key = 'businessName'").run();
process.stdout.write('locked\n');

let done = false;
const end = (how: 'commit' | 'rollback'): void => {
  if (done) return;
  done = true;
  db.exec(how === 'commit' ? 'COMMIT' : 'ROLLBACK');
  db.close();
  process.stdout.write('released\n');
  process.exit(0);
};
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d: string) => end(d.trim() === 'rollback' ? 'rollback' : 'commit'));
process.stdin.on('end', () => end('commit'));
setTimeout(() => end('commit'), Number(holdArg ?? 30_000));
