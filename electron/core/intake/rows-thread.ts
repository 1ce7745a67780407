import { fromThreadError, outOfMemory, startThread, type ThreadError } from '../infra/thread';
import type { RowsJob, RowStep } from './rows';

/** What the reading thread says: a step, the end of the file, or why it stopped. */
export type FromRows = { type: 'step'; step: string } | { type: 'done' } | { type: 'error'; error: ThreadError };
/** What it is told: the register took a step, it may read one more. */
export type ToRows = 'more';

/**
 * The reading thread's heap, at most. What it holds at once is a few steps of a few hundred rows; a record with a quote
 * left open can hold the rest of the file, and then the thread stops (ReadingThreadOutOfMemory) and the import reads
 * the file again in the register's thread, which has room for it.
 */
const READING_HEAP_MB = 256;

/** The reading thread ran out of heap: the import reads the file in its own thread instead. */
export class ReadingThreadOutOfMemory extends Error {
  constructor() {
    super("the import's reading thread ran out of memory");
    this.name = 'ReadingThreadOutOfMemory';
  }
}

/**
 * The reading thread's entry: the TypeScript source beside this file, or in the built app (electron-vite, whose main
 * build makes `rows-worker` an entry of its own beside this code's bundle) the JavaScript file beside it.
 */
function entry(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './rows-worker.ts' : './rows-worker.js', import.meta.url);
}

/**
 * Read and interpret the file on a thread of its own, step by step, while the caller writes the steps before: the
 * same steps as readRowSteps, in the same order. Stopping early (a break, a cancel, an error) ends the thread.
 */
export async function* readRowStepsInThread(job: RowsJob, signal?: AbortSignal, heapMb = READING_HEAP_MB): AsyncGenerator<RowStep> {
  const worker = startThread(entry(), job, { heapMb });
  const inbox: FromRows[] = [];
  let outOfHeap = false;
  let wake: (() => void) | null = null;
  const deliver = (m: FromRows): void => {
    inbox.push(m);
    wake?.();
  };
  worker.on('message', deliver);
  worker.on('error', (err) => {
    if (outOfMemory(err)) outOfHeap = true;
    deliver({ type: 'error', error: { message: err.message, stack: err.stack } });
  });
  worker.on('exit', (code) => deliver({ type: 'error', error: { message: `the import's reading thread stopped (exit code ${code})` } }));
  const onAbort = (): void => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      while (inbox.length === 0 && !signal?.aborted) await new Promise<void>((ok) => (wake = ok));
      wake = null;
      if (signal?.aborted) return;
      const m = inbox.shift()!;
      if (m.type === 'done') return;
      if (m.type === 'error') throw outOfHeap ? new ReadingThreadOutOfMemory() : fromThreadError(m.error);
      yield JSON.parse(m.step) as RowStep;
      worker.postMessage('more' satisfies ToRows);
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    worker.removeAllListeners();
    await worker.terminate();
  }
}
