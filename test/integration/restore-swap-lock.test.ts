import { expect, it, onTestFinished } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { swapInto } from '../../electron/core/backups/restore';

it('a restore checks the register once the copy holds its write lock and before any page is copied; a throw there leaves it untouched', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'optin-swap-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const dest = join(dir, 'register.db');
  const live = new Database(dest);
  live.pragma('journal_mode = WAL');
  live.exec("CREATE TABLE t (x); INSERT INTO t VALUES ('kept')");
  const restored = join(dir, 'restored.db');
  const src = new Database(restored);
  src.exec("CREATE TABLE t (x); INSERT INTO t VALUES ('restored')");
  src.close();
  // Another process's connection, which would record an opt-out.
  const other = new Database(dest);
  other.pragma('busy_timeout = 0');
  onTestFinished(() => {
    other.close();
    live.close();
  });
  let writeWhileChecking: unknown = 'not asked';
  await expect(
    swapInto(dest, restored, live, () => {
      try {
        other.exec("INSERT INTO t VALUES ('STOP')");
        writeWhileChecking = 'written';
      } catch (err) {
        writeWhileChecking = (err as { code?: string }).code;
      }
      throw new Error('the register changed');
    }),
  ).rejects.toThrow(/the register changed/);
  expect(writeWhileChecking).toMatch(/^SQLITE_BUSY/);
  expect(live.prepare('SELECT x FROM t').pluck().all()).toEqual(['kept']);
  // Unchanged, it goes ahead.
  await swapInto(dest, restored, live, () => undefined);
  expect(live.prepare('SELECT x FROM t').pluck().all()).toEqual(['restored']);
});
