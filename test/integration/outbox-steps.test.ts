import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { RegisterLock } from '../../electron/core/infra/jobs';
import { GroupCommit } from '../../electron/core/sending/runner';

/**
 * The hand-off's group commit (sending/runner.ts): steps queued in the same tick share one turn at the register and
 * one transaction, and each is answered on its own — a failing step fails alone and leaves nothing of its own behind,
 * whatever came before or after it in the same turn.
 */
function register() {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  const lock = new RegisterLock();
  const turns: number[] = [];
  const steps = new GroupCommit(
    (fn) =>
      lock.run(() => {
        turns.push(1);
        db.transaction(fn)();
      }),
    (fn) => db.transaction(fn)(),
  );
  const insert = db.prepare<[string]>('INSERT INTO t (v) VALUES (?)');
  const rows = () =>
    db
      .prepare<[], { v: string }>('SELECT v FROM t ORDER BY id')
      .all()
      .map((r) => r.v);
  return { db, steps, insert, rows, turns };
}

describe('the hand-off steps at the register', () => {
  it('steps queued in the same tick share one transaction and each gets its own answer', async () => {
    const r = register();
    const inTransaction: boolean[] = [];
    const answers = await Promise.all(
      ['a', 'b', 'c'].map((v) =>
        r.steps.run(() => {
          inTransaction.push(r.db.inTransaction);
          r.insert.run(v);
          return v.toUpperCase();
        }),
      ),
    );
    expect(answers).toEqual(['A', 'B', 'C']);
    expect(inTransaction).toEqual([true, true, true]);
    expect(r.turns).toHaveLength(1);
    expect(r.rows()).toEqual(['a', 'b', 'c']);
  });

  it('a step that fails after writing fails alone: its write is undone, the steps before and after it are kept', async () => {
    const r = register();
    const refused = new Error('the step broke after writing');
    const [a, b, c] = await Promise.allSettled([
      r.steps.run(() => r.insert.run('a').changes),
      r.steps.run(() => {
        r.insert.run('b');
        throw refused;
      }),
      r.steps.run(() => r.insert.run('c').changes),
    ]);
    expect(a).toEqual({ status: 'fulfilled', value: 1 });
    expect(b).toEqual({ status: 'rejected', reason: refused });
    expect(c).toEqual({ status: 'fulfilled', value: 1 });
    expect(r.rows()).toEqual(['a', 'c']);
    expect(r.db.inTransaction).toBe(false);
  });

  it('a step that fails every time it runs is not kept, and the next tick runs as usual', async () => {
    const r = register();
    let runs = 0;
    const failing = r.steps.run(() => {
      runs++;
      r.insert.run('x');
      throw new Error(`refused on run ${runs}`);
    });
    const kept = r.steps.run(() => r.insert.run('y').changes);
    await expect(failing).rejects.toThrow(/refused on run/);
    await expect(kept).resolves.toBe(1);
    await expect(r.steps.run(() => r.insert.run('z').changes)).resolves.toBe(1);
    expect(r.rows()).toEqual(['y', 'z']);
  });

  it('when the turn itself fails, every step of it fails with that reason and nothing is kept', async () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    const steps = new GroupCommit(
      (fn) =>
        Promise.resolve().then(() =>
          db.transaction(() => {
            fn();
            throw busy;
          })(),
        ),
      (fn) => db.transaction(fn)(),
    );
    const insert = db.prepare<[string]>('INSERT INTO t (v) VALUES (?)');
    const settled = await Promise.allSettled([steps.run(() => insert.run('a')), steps.run(() => insert.run('b'))]);
    expect(settled).toEqual([
      { status: 'rejected', reason: busy },
      { status: 'rejected', reason: busy },
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 0 });
  });
});
