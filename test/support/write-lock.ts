import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * Another process holding the register's write lock (test/support/long-writer.ts) until `release()`, or until it
 * gives up after `holdMs`. `release` is also put in `cleanups`, so a test that fails first does not leave it running.
 */
export async function holdWriteLock(
  dbPath: string,
  cleanups: (() => Promise<void> | void)[],
  holdMs = 60_000,
): Promise<{ release: () => Promise<void>; child: ChildProcessWithoutNullStreams }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/long-writer.ts', dbPath, String(holdMs)], { stdio: 'pipe' });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((ok, fail) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && ok());
    child.once('exit', (code) => fail(new Error(`the long writer exited (${code}) before taking the lock: ${stderr}`)));
  });
  const release = () =>
    new Promise<void>((ok) => {
      if (child.exitCode !== null || child.signalCode !== null) return ok();
      child.once('exit', () => ok());
      child.stdin.end('commit\n');
    });
  cleanups.push(release);
  return { release, child };
}
