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

/** A field-level problem inside a refused input. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** The error shape that crosses every door; never a stack trace. */
export interface ApiError {
  code: ErrorCode;
  message: string;
  details?: { fields?: FieldProblem[]; [key: string]: unknown };
}

/** Thrown by services for refusals the user can fix; mapped to ApiError by the dispatcher. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ApiError['details'],
  ) {
    super(message);
    this.name = 'AppError';
  }
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
