/**
 * The thread a large import reads its file on (rows-thread.ts starts it): it reads and interprets the rows
 * (rows.ts) and hands them over step by step, at most {@link AHEAD} steps ahead of the register, so a file never sits
 * in memory whatever its size. Its errors cross with their key; it reads nothing of the register.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { threadError } from '../infra/thread';
import { readRowSteps, type RowsJob } from './rows';
import type { FromRows, ToRows } from './rows-thread';

/** Steps handed over and not yet taken that the reader may have: the register writes one while the next is read. */
const AHEAD = 2;

const port = parentPort!;
let credit = AHEAD;
let more: (() => void) | null = null;
port.on('message', (m: ToRows) => {
  if (m === 'more') {
    credit++;
    more?.();
  }
});

async function run(job: RowsJob): Promise<void> {
  try {
    for await (const step of readRowSteps(job)) {
      while (credit === 0) await new Promise<void>((ok) => (more = ok));
      more = null;
      credit--;
      port.postMessage({ type: 'step', step: JSON.stringify(step) } satisfies FromRows);
    }
    port.postMessage({ type: 'done' } satisfies FromRows);
  } catch (err) {
    port.postMessage({ type: 'error', error: threadError(err) } satisfies FromRows);
  }
}

void run(workerData as RowsJob);
