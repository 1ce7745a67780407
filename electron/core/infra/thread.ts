import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError, type AppErrorDetails } from '../../../shared/contract/errors';
import type { ErrorCode } from '../../../shared/contract/errors';
import type { MessageKey } from '../../../shared/contract/messages.en';
import type { SaidParams } from '../../../shared/contract/said';

/** The young generation of a thread whose heap is capped, in MB. */
const YOUNG_GENERATION_MB = 16;

/**
 * Start a worker thread on `entry`. The built app's entries are JavaScript and start as they are; run from the source
 * (the CLI, the browser host, the tests) an entry is TypeScript, and the thread first registers tsx, as bin/optin.js
 * does for the main thread: a thread does not inherit the loader its parent registered.
 */
export function startThread(entry: URL, workerData: unknown, options: { heapMb?: number } = {}): Worker {
  // A cap on the thread's heap also makes its collector keep it small: without one, the reading thread of a million-row
  // import let some 80 MB of garbage build up before collecting it (test/bench/import.bench.ts, peak memory). Its young
  // generation is capped too: a thread that reads short-lived rows needs little of it.
  const limits = options.heapMb
    ? { resourceLimits: { maxOldGenerationSizeMb: options.heapMb, maxYoungGenerationSizeMb: Math.min(YOUNG_GENERATION_MB, options.heapMb) } }
    : {};
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData, ...limits });
  // tsx's ESM API, beside the CommonJS one its exports map resolves to here.
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, workerData, ...limits });
}

/** Whether a thread stopped because its heap was full (see startThread's heapMb). */
export function outOfMemory(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
}

/** An error as it crosses from a thread: an AppError keeps its code, key and parameters. */
export interface ThreadError {
  message: string;
  stack?: string | undefined;
  app?: { code: ErrorCode; key: MessageKey; params?: SaidParams | undefined; details?: AppErrorDetails | undefined };
}

export function threadError(err: unknown): ThreadError {
  if (err instanceof AppError)
    return {
      message: err.message,
      stack: err.stack,
      app: { code: err.code, key: err.key, params: err.params, details: err.details as AppErrorDetails | undefined },
    };
  if (err instanceof Error) return { message: err.message, stack: err.stack };
  return { message: String(err) };
}

/** The error again, on this side: the same AppError (code, key, parameters, English message), or an Error. */
export function fromThreadError(e: ThreadError): Error {
  const err = e.app ? new AppError(e.app.code, e.app.key, e.app.params, e.app.details) : new Error(e.message);
  err.message = e.message;
  if (e.stack) err.stack = e.stack;
  return err;
}
