import { z } from 'zod';
import { api, isMethod, type Handlers, type Method, type Output } from './api';
import { AppError, type ApiError, type Result } from './errors';

/** Options for a dispatcher. */
export interface DispatchOptions {
  /** Parse every output against its schema too (tests and development). */
  checkOutputs?: boolean;
  /** Called with internal errors; must not log personal data. */
  onInternalError?: (method: string, err: unknown) => void;
}

/** Turn zod issues into field problems that name the field. */
export function zodToApiError(err: z.ZodError): ApiError {
  const fields = err.issues.map((i) => ({ path: i.path.join('.') || '(input)', message: i.message }));
  const first = fields[0];
  return {
    code: 'VALIDATION_FAILED',
    message: first ? `${first.path}: ${first.message}` : 'invalid input',
    details: { fields },
  };
}

/** The one entry point every door calls: check the method, validate input, run the service, map errors. */
export type Dispatch = <M extends Method>(method: M | string, input: unknown) => Promise<Result<Output<M>>>;

/** Build the dispatcher over a set of handlers. */
export function createDispatcher(handlers: Handlers, options: DispatchOptions = {}): Dispatch {
  return async (method, input) => {
    if (typeof method !== 'string' || !isMethod(method)) {
      return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `unknown operation: ${String(method).slice(0, 80)}` } };
    }
    const spec = api[method];
    const parsed = spec.input.safeParse(input ?? {});
    if (!parsed.success) return { ok: false, error: zodToApiError(parsed.error) };
    try {
      const handler = handlers[method] as (i: unknown) => unknown;
      const value = await handler(parsed.data);
      if (options.checkOutputs) spec.output.parse(value);
      return { ok: true, value: value as never };
    } catch (err) {
      if (err instanceof AppError)
        return { ok: false, error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } };
      options.onInternalError?.(method, err);
      return { ok: false, error: { code: 'INTERNAL', message: 'internal error; the operation was not completed' } };
    }
  };
}
