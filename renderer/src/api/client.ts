import type { Input, Method, Output } from '../../../shared/contract/api';
import type { ApiError, ErrorCode, FieldProblem, Result } from '../../../shared/contract/errors';

/** A refused or failed call, with the contract's code and field problems. */
export class ApiCallError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldProblem[];
  readonly details: ApiError['details'];
  constructor(error: ApiError) {
    super(error.message);
    this.code = error.code;
    this.fields = error.details?.fields ?? [];
    this.details = error.details;
  }
}

async function viaHttp(method: string, input: unknown): Promise<Result<unknown>> {
  const res = await fetch(`/api/${encodeURIComponent(method)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(input ?? {}),
  });
  return (await res.json()) as Result<unknown>;
}

async function viaIpc(method: string, input: unknown): Promise<Result<unknown>> {
  if (!window.bridge) throw new Error('the Optin Desk bridge is missing');
  return (await window.bridge.invoke(method, input)) as Result<unknown>;
}

// Chosen at build time, so the desktop build carries no HTTP client.
const transport = import.meta.env.VITE_TRANSPORT === 'http' ? viaHttp : viaIpc;

/** Call one contract operation; throws ApiCallError on refusal. */
export async function call<M extends Method>(method: M, input: Input<M>): Promise<Output<M>> {
  let result: Result<unknown>;
  try {
    result = await transport(method, input);
  } catch {
    throw new ApiCallError({ code: 'INTERNAL', message: 'the register is not reachable' });
  }
  if (!result.ok) throw new ApiCallError(result.error);
  return result.value as Output<M>;
}
