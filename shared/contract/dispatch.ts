import type { z } from 'zod';
import { api, isMethod, type Handlers, type Method, type Output } from './api';
import {
  apiError,
  AppError,
  isMessageKey,
  renderMessage,
  type ApiError,
  type FieldProblem,
  type MessageKey,
  type MessageParams,
  type Result,
} from './errors';

/** Options for a dispatcher. */
export interface DispatchOptions {
  /** Parse every output against its schema too (tests and development). */
  checkOutputs?: boolean;
  /** Called with internal errors; must not log personal data. */
  onInternalError?: (method: string, err: unknown) => void;
}

type Issue = z.core.$ZodIssue;

/** zod's own issues by their code, as a generic key with the bounds or options as parameters. */
function builtInKey(issue: Issue): { key: MessageKey; params?: MessageParams } {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return { key: 'input.required' };
      if (issue.expected === 'int') return { key: 'input.notInteger' };
      return { key: 'input.invalidType', params: { expected: issue.expected } };
    case 'too_small': {
      const minimum = Number(issue.minimum);
      if (issue.origin === 'string') return minimum === 1 ? { key: 'input.empty' } : { key: 'input.tooShort', params: { minimum } };
      if (issue.origin === 'array' || issue.origin === 'set')
        return minimum === 1 ? { key: 'input.noneChosen' } : { key: 'input.tooFew', params: { minimum } };
      return { key: issue.inclusive === false ? 'input.tooSmallExclusive' : 'input.tooSmall', params: { minimum } };
    }
    case 'too_big': {
      const maximum = Number(issue.maximum);
      if (issue.origin === 'string') return { key: 'input.tooLong', params: { maximum } };
      if (issue.origin === 'array' || issue.origin === 'set') return { key: 'input.tooMany', params: { maximum } };
      return { key: issue.inclusive === false ? 'input.tooBigExclusive' : 'input.tooBig', params: { maximum } };
    }
    case 'invalid_value':
      return { key: 'input.notOneOf', params: { options: issue.values.map((v) => String(v)).join(', ') } };
    case 'invalid_format':
      if (issue.format === 'email') return { key: 'input.notEmail' };
      if (issue.format === 'uuid' || issue.format === 'guid') return { key: 'input.notUuid' };
      if (issue.format === 'datetime') return { key: 'input.notDateTime' };
      if (issue.format === 'date') return { key: 'input.notDate' };
      return { key: 'input.badFormat', params: { format: issue.format } };
    case 'unrecognized_keys':
      return { key: 'input.unknownFields', params: { keys: issue.keys.join(', ') } };
    default:
      return { key: 'input.invalid' };
  }
}

/** Plain values of a custom issue's params (a refinement names what it saw). */
function plainParams(params: unknown): MessageParams | undefined {
  if (!params || typeof params !== 'object') return undefined;
  const out: MessageParams = {};
  for (const [k, v] of Object.entries(params)) if (typeof v === 'string' || typeof v === 'number') out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

/**
 * One issue as a field problem by key: a custom message of the contract is a catalog key (its parameters in the
 * issue's `params`); zod's own issues map by code to generic keys.
 */
export function issueToProblem(issue: Issue): FieldProblem {
  const path = issue.path.map(String).join('.') || '(input)';
  const { key, params } = isMessageKey(issue.message)
    ? { key: issue.message, params: issue.code === 'custom' ? plainParams(issue.params) : undefined }
    : builtInKey(issue);
  return { path, key, ...(params ? { params } : {}), message: renderMessage(key, params) };
}

/** Turn zod issues into field problems that name the field; the first one, in English, is the message. */
export function zodToApiError(err: z.ZodError): ApiError {
  const fields = err.issues.map(issueToProblem);
  const first = fields[0];
  if (!first) return apiError('VALIDATION_FAILED', 'input.invalidInput');
  return {
    code: 'VALIDATION_FAILED',
    key: first.key!,
    ...(first.params ? { params: first.params } : {}),
    message: `${first.path}: ${first.message}`,
    details: { fields },
  };
}

/** The one entry point every door calls: check the method, validate input, run the service, map errors. */
export type Dispatch = <M extends Method>(method: M | string, input: unknown) => Promise<Result<Output<M>>>;

/** Build the dispatcher over a set of handlers. */
export function createDispatcher(handlers: Handlers, options: DispatchOptions = {}): Dispatch {
  return async (method, input) => {
    if (typeof method !== 'string' || !isMethod(method)) {
      return { ok: false, error: apiError('UNKNOWN_METHOD', 'door.unknownMethod', { method: String(method).slice(0, 80) }) };
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
      if (err instanceof AppError) return { ok: false, error: err.toApiError() };
      options.onInternalError?.(method, err);
      return { ok: false, error: apiError('INTERNAL', 'door.internal') };
    }
  };
}
