import { randomUUID } from 'node:crypto';
import { storeSaid } from '../../../shared/contract/said';
import { AppError } from '../../../shared/contract/errors';
import { BUSY_CHANGE, busyError, isSqliteBusy } from '../db/busy';
import type { ImportJob, ImportSummary } from '../../../shared/contract/api';

/** How a turn at the register meets another process's write lock (see RegisterLock). */
export interface RegisterLockOptions {
  /** Runs after every turn, before the next one starts (waiting opt-outs are entered and the witness follows committed writes there). */
  afterEach?: () => void;
  /** How many rows this connection has changed so far (SQLite's total_changes()): a turn that wrote something is never run twice. */
  changes?: () => number;
  /** How long a turn waits for another process's write before answering BUSY, ms. */
  busyWaitMs?: number;
  /** What holds the register, for the BUSY message ("an import of big.csv (started 12 s ago)"). */
  describeBusy?: () => string;
}

/** An ordinary write waits this long for another process's write before it answers BUSY. */
export const DEFAULT_BUSY_WAIT_MS = 5_000;

/**
 * One writer at a time: every contract call runs through this queue, so a long import that holds its
 * transaction open across awaits never shares it with another call (which would otherwise join the import's
 * transaction and be rolled back with it on cancel).
 *
 * Another PROCESS holding the register (an import in a second window, the CLI) shows as SQLITE_BUSY. A turn that
 * meets it and has changed nothing yet waits without blocking this process — asking again with growing pauses —
 * for up to `busyWaitMs`, then answers {@link busyError} ("the register is busy with … in another window or
 * process") instead of an internal error. Opt-outs never wait here (see register/optout-intake.ts).
 */
export class RegisterLock {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly options: RegisterLockOptions;
  /** Since when the current turn waits for another process (null: it does not). */
  waitingSince: number | null = null;

  /** `afterEach` runs after every turn, before the next one starts (the witness follows committed writes there). */
  constructor(options: RegisterLockOptions | (() => void) = {}) {
    this.options = typeof options === 'function' ? { afterEach: options } : options;
  }

  /** Run `fn` in its turn. `retryBusy: false`: answer SQLITE_BUSY at once (the caller has another way, e.g. the opt-out journal). */
  run<T>(fn: () => T | Promise<T>, opts: { retryBusy?: boolean } = {}): Promise<T> {
    const after = this.options.afterEach;
    const turn = opts.retryBusy === false ? fn : () => this.patiently(fn);
    const next = after ? this.tail.then(turn).finally(after) : this.tail.then(turn);
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async patiently<T>(fn: () => T | Promise<T>): Promise<T> {
    const { changes, busyWaitMs = DEFAULT_BUSY_WAIT_MS, describeBusy } = this.options;
    const deadline = Date.now() + busyWaitMs;
    for (let pause = 20; ; pause = Math.min(pause * 2, 250)) {
      const before = changes?.();
      try {
        const out = await fn();
        this.waitingSince = null;
        return out;
      } catch (err) {
        if (!isSqliteBusy(err)) {
          this.waitingSince = null;
          throw err;
        }
        // A turn that already wrote something cannot simply be run again; nor can one whose wait is over.
        if (!changes || changes() !== before || Date.now() + pause > deadline) {
          this.waitingSince = null;
          throw busyError(describeBusy?.() ?? BUSY_CHANGE);
        }
        this.waitingSince ??= Date.now();
        await new Promise((ok) => setTimeout(ok, pause));
      }
    }
  }
}

interface JobState extends ImportJob {
  abort: AbortController;
  finishedAt: number | null;
}

const KEEP_FINISHED_MS = 60 * 60 * 1000;

/** Long imports run as jobs: started by one call, watched and cancelled by others (polling works through every door). */
export class ImportJobs {
  private readonly jobs = new Map<string, JobState>();

  constructor(
    private readonly lock: RegisterLock,
    private readonly onInternalError: (err: unknown) => void = () => undefined,
    /** Say what the register is held for while an import writes (another process's BUSY message names it); returns the undo. */
    private readonly announce: (what: string) => () => void = () => () => undefined,
  ) {}

  start(
    dryRun: boolean,
    totalBytes: number,
    work: (control: { signal: AbortSignal; onProgress: (p: ImportJob['progress']) => void }) => Promise<ImportSummary>,
    /** What the import is, by key (storeSaid: "an import of big.csv"). */
    what = storeSaid('busy.import'),
  ): ImportJob {
    this.prune();
    const job: JobState = {
      jobId: randomUUID(),
      dryRun,
      state: 'queued',
      progress: { bytesRead: 0, totalBytes, rows: 0 },
      summary: null,
      error: null,
      abort: new AbortController(),
      finishedAt: null,
    };
    this.jobs.set(job.jobId, job);
    void this.lock
      .run(async () => {
        if (job.abort.signal.aborted) throw new AppError('CANCELLED', 'jobs.cancelled');
        job.state = 'running';
        const done = dryRun ? () => undefined : this.announce(what);
        try {
          return await work({ signal: job.abort.signal, onProgress: (p) => (job.progress = p) });
        } finally {
          done();
        }
      })
      .then(
        (summary) => {
          job.summary = summary;
          job.state = 'done';
        },
        (err: unknown) => {
          const code = err instanceof AppError ? err.code : 'INTERNAL';
          if (code === 'INTERNAL') this.onInternalError(err);
          job.state = code === 'CANCELLED' ? 'cancelled' : 'failed';
          // By key, as every refusal: the window says it in the person's language, the CLI prints the English.
          const e = err instanceof AppError ? err : new AppError('INTERNAL', 'jobs.internal');
          const fields = e.details?.fields;
          job.error = { code, key: e.key, ...(e.params ? { params: e.params } : {}), message: e.message, ...(fields ? { fields } : {}) };
        },
      )
      .finally(() => (job.finishedAt = Date.now()));
    return this.view(job);
  }

  get(jobId: string): ImportJob {
    const job = this.jobs.get(jobId);
    if (!job) throw new AppError('NOT_FOUND', 'jobs.notFound', { id: jobId });
    return this.view(job);
  }

  cancel(jobId: string): ImportJob {
    const job = this.jobs.get(jobId);
    if (!job) throw new AppError('NOT_FOUND', 'jobs.notFound', { id: jobId });
    if (job.state === 'queued' || job.state === 'running') job.abort.abort();
    return this.view(job);
  }

  /** Wait for a job to end (CLI and tests). */
  async wait(jobId: string): Promise<ImportJob> {
    for (;;) {
      const job = this.get(jobId);
      if (job.state !== 'queued' && job.state !== 'running') return job;
      await new Promise((ok) => setTimeout(ok, 20));
    }
  }

  private view(job: JobState): ImportJob {
    return { jobId: job.jobId, dryRun: job.dryRun, state: job.state, progress: { ...job.progress }, summary: job.summary, error: job.error };
  }

  private prune(): void {
    const now = Date.now();
    for (const [id, j] of this.jobs) if (j.finishedAt !== null && now - j.finishedAt > KEEP_FINISHED_MS) this.jobs.delete(id);
  }
}
