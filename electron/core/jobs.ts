import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/contract/errors';
import type { ImportJob, ImportSummary } from '../../shared/contract/api';

/**
 * One writer at a time: every contract call runs through this queue, so a long import that holds its
 * transaction open across awaits never shares it with another call (which would otherwise join the import's
 * transaction and be rolled back with it on cancel).
 */
export class RegisterLock {
  private tail: Promise<unknown> = Promise.resolve();

  /** `afterEach` runs after every turn, before the next one starts (the witness follows committed writes there). */
  constructor(private readonly afterEach?: () => void) {}

  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const after = this.afterEach;
    const next = after ? this.tail.then(fn).finally(after) : this.tail.then(fn);
    this.tail = next.catch(() => undefined);
    return next;
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
  ) {}

  start(
    dryRun: boolean,
    totalBytes: number,
    work: (control: { signal: AbortSignal; onProgress: (p: ImportJob['progress']) => void }) => Promise<ImportSummary>,
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
        if (job.abort.signal.aborted) throw new AppError('CANCELLED', 'import cancelled: nothing was written');
        job.state = 'running';
        return work({ signal: job.abort.signal, onProgress: (p) => (job.progress = p) });
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
          const fields = err instanceof AppError ? err.details?.fields : undefined;
          job.error = {
            code,
            message: err instanceof AppError ? err.message : 'internal error; the import was not written',
            ...(fields ? { fields } : {}),
          };
        },
      )
      .finally(() => (job.finishedAt = Date.now()));
    return this.view(job);
  }

  get(jobId: string): ImportJob {
    const job = this.jobs.get(jobId);
    if (!job) throw new AppError('NOT_FOUND', `jobId: no import job ${jobId}`);
    return this.view(job);
  }

  cancel(jobId: string): ImportJob {
    const job = this.jobs.get(jobId);
    if (!job) throw new AppError('NOT_FOUND', `jobId: no import job ${jobId}`);
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
