import { isMessageKey, type MessageKey } from './messages.en';
import { renderSaid, type SaidParams } from './said';

export { isMessageKey, renderMessage, type MessageKey, type MessageParams } from './messages.en';

/** Error codes every door (IPC, HTTP, CLI) can answer with. */
export const ErrorCodes = [
  'VALIDATION_FAILED',
  'UNKNOWN_METHOD',
  'INVALID_PHONE',
  'FUTURE_DATE',
  'NOT_FOUND',
  'CONFLICT',
  'CONFIRM_WITHOUT_REQUEST',
  'POLICY_LOOSENING',
  'FORM_MISMATCH',
  'SCHEMA_TOO_NEW',
  /** The register file is empty, truncated, not SQLite, a folder, older than it was, or lacks a table: restore a backup. */
  'REGISTER_DAMAGED',
  'UNREADABLE_FILE',
  'CANCELLED',
  /** The local HTTP host: the call lacks this launch's access key. */
  'UNAUTHORIZED',
  /** Another window or process holds the register for a long write (an import): nothing was changed; try again in a moment. */
  'BUSY',
  'INTERNAL',
] as const;

/** One of the error codes the contract can answer with. */
export type ErrorCode = (typeof ErrorCodes)[number];

/**
 * A field-level problem inside a refused input: the field's path, a message key of the catalog (messages.en.ts) with
 * its parameters, and `message`, the English text rendered from them (the CLI and logs print it).
 */
export interface FieldProblem {
  path: string;
  key?: MessageKey;
  params?: SaidParams;
  message: string;
}

/** A field problem as the core states it: the path and the key; the English text is rendered from the catalog. */
export type FieldProblemInput = { path: string; key: MessageKey; params?: SaidParams };

/**
 * The error shape that crosses every door; never a stack trace. `key` and `params` say what happened (the renderer
 * translates them); `message` is the same thing in English. A door's own refusal before the contract (a CLI usage
 * error) may carry only `message`.
 */
export interface ApiError {
  code: ErrorCode;
  key?: MessageKey;
  /** Plain values, or nested messages by key (a phone refusal inside "the test number is wrong: …"). */
  params?: SaidParams;
  message: string;
  details?: { fields?: FieldProblem[]; [key: string]: unknown };
}

/** What an AppError may carry besides its key: field problems by key, and plain values (a contact id, a path). */
export type AppErrorDetails = { fields?: FieldProblemInput[]; [key: string]: unknown };

/** A field problem with its English text rendered. */
export function fieldProblem(p: FieldProblemInput): FieldProblem {
  return { path: p.path, key: p.key, ...(p.params ? { params: p.params } : {}), message: renderSaid(p.key, p.params) };
}

/**
 * Thrown by services for refusals the user can fix; mapped to ApiError by the dispatcher. The message is rendered in
 * English from the catalog, so `err.message` reads as before.
 */
export class AppError extends Error {
  readonly key: MessageKey;
  readonly params?: SaidParams;
  readonly details?: ApiError['details'];
  constructor(
    readonly code: ErrorCode,
    key: MessageKey,
    params?: SaidParams,
    details?: AppErrorDetails,
  ) {
    // Every refusal is stated by a key of the catalog; an English sentence here is a mistake the type check and
    // test/unit/contract/messages.test.ts catch, and this refuses it at run time too rather than let it pass untranslated.
    if (!isMessageKey(key)) throw new Error(`AppError: "${key}" is not a key of shared/contract/messages.en.ts`);
    super(renderSaid(key, params));
    this.name = 'AppError';
    this.key = key;
    if (params && Object.keys(params).length) this.params = params;
    if (details) this.details = details.fields ? { ...details, fields: details.fields.map(fieldProblem) } : (details as ApiError['details']);
  }

  /** A refusal about one field: the field problem and the error share the key; the English message names the field first. */
  static field(code: ErrorCode, path: string, key: MessageKey, params?: SaidParams, extra?: Omit<AppErrorDetails, 'fields'>): AppError {
    const err = new AppError(code, key, params, { ...extra, fields: [{ path, key, ...(params ? { params } : {}) }] });
    err.message = `${path}: ${err.message}`;
    return err;
  }

  /** The shape that crosses the doors. */
  toApiError(): ApiError {
    return {
      code: this.code,
      key: this.key,
      ...(this.params ? { params: this.params } : {}),
      message: this.message,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

/** An ApiError stated by key (a door's own answer: the host's missing key, a closing backend). */
export function apiError(code: ErrorCode, key: MessageKey, params?: SaidParams, details?: AppErrorDetails): ApiError {
  return new AppError(code, key, params, details).toApiError();
}

/** True when `key` names a message of the catalog (an error that came across a door may be from an older version). */
export function knownKey(key: unknown): key is MessageKey {
  return typeof key === 'string' && isMessageKey(key);
}

/** Result envelope used across IPC, HTTP and CLI. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** True for codes that mean "your input was refused" rather than "we broke". */
export function isRefusal(code: ErrorCode): boolean {
  return code !== 'INTERNAL' && code !== 'SCHEMA_TOO_NEW' && code !== 'REGISTER_DAMAGED';
}

/** Codes that refuse to open the register at all: the CLI exits 1 (the person must act), not 2 (we broke). */
export function isRegisterRefusal(code: string | undefined): code is 'SCHEMA_TOO_NEW' | 'REGISTER_DAMAGED' {
  return code === 'SCHEMA_TOO_NEW' || code === 'REGISTER_DAMAGED';
}
