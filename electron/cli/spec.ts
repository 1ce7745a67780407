import type { Backend } from '../core/backend';
import type { Method, Output } from '../../shared/contract/api';
import type { ApiError } from '../../shared/contract/errors';
import type { Dispatch } from '../../shared/contract/dispatch';
import type { SaidRef } from '../../shared/contract/said';

/**
 * The shape of the command table: each `optin` command is one `Command` — its words, a summary, its flags and
 * arguments, how they become the contract input (or a `run` for commands that do more than one call), and how the
 * answer is printed. The parser, `--help` and the error messages are all generated from it.
 */

/** How a flag is read: a value, present or not, or a value that may be given more than once. */
export type FlagType = 'string' | 'boolean' | 'multiple';

/** A value as typed on the command line. */
export type Raw = string | boolean | string[];

export interface Flag {
  /** The flag as typed, without the dashes: `phone` for --phone. */
  name: string;
  /** Older or other spellings still accepted (shown as "also --x" in the command's help): `batch` for --campaign. */
  aliases?: readonly string[];
  /** Default `string`. */
  type?: FlagType;
  /** The value in the help: `P`, `sms|whatsapp`. */
  value?: string;
  /** One line for the help. */
  summary: string;
  /** Refused before any call when missing, naming the flag. */
  required?: boolean;
  /** What to say when a required flag is missing, by key (default: "required — " and the summary). */
  missing?: SaidRef;
  /**
   * The contract input field it fills (a dotted path: `evidence.sheetRef`). A refusal of that field is reported under
   * this flag, as typed.
   */
  field?: string;
  /** The typed value → the field's value (default: as typed; a boolean flag gives `true` when present). */
  as?: (raw: Raw, flag: string) => unknown;
  /** The field's value when the flag is not given. */
  default?: unknown;
}

/** A positional argument: `ID` in `optin campaign send ID`. */
export interface Arg {
  name: string;
  summary: string;
  required?: boolean;
  /** What to say when it is missing, by key (default: "give the NAME"). */
  missing?: SaidRef;
  field?: string;
  as?: (raw: string, name: string) => unknown;
}

/** What a command answers: a value (printed as JSON with --json, else `human`), or lines printed as they are. */
export type Outcome =
  | { ok: true; value: unknown; human: string; exit?: number; note?: string }
  | { ok: true; lines: string[]; exit: number }
  | { ok: false; error: ApiError };

/** A command line read for one command. */
export interface Line {
  /** The command's words as typed (`campaign send`, or the alias `batch send`). */
  words: string;
  /** Flag values by the flag's own name (an alias typed is filed under the flag it stands for). */
  flags: Readonly<Record<string, Raw | undefined>>;
  /** Arguments by name. */
  args: Readonly<Record<string, string | undefined>>;
  /** The flags as typed (`--batch`), to name the one the person used. */
  typed: ReadonlySet<string>;
  json: boolean;
}

/** What a command's code is given: the line, the input it makes, and the register. */
export interface Ctx extends Line {
  /** The contract input the flags and arguments make (their fields, checked and converted, then `adjust`ed). */
  input: Record<string, unknown>;
  dispatch: Dispatch;
  /** The register's backend; null when a damaged register is worked on from its backups, or the command needs none. */
  backend: Backend | null;
  /** One contract call; a refusal is thrown as `Refused` and reported like any other. */
  call<M extends Method>(method: M, input: Record<string, unknown>): Promise<Output<M>>;
}

/** A contract refusal raised inside a command's code. */
export class Refused extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

export interface Command {
  /** The words that name it: `['contacts', 'add']`. */
  words: readonly string[];
  /** Other words that still run it, never shown in the help (`['batch', 'send']` for `campaign send`). */
  aliases?: readonly (readonly string[])[];
  /** One line for the help. */
  summary: string;
  /** More lines for `optin help <words>`. */
  details?: readonly string[];
  args?: readonly Arg[];
  flags?: readonly Flag[];
  /** The contract operation the flags become the input of. */
  method?: Method;
  /** Input parts that are not typed (`action: 'grant'`). */
  fixed?: Record<string, unknown>;
  /** Checks and adjusts the input built from the flags (may throw `UsageError`). */
  adjust?: (input: Record<string, unknown>, line: Line) => Record<string, unknown>;
  /** For a command that does more than one call, or works with files: does it all. */
  run?: (c: Ctx) => Promise<Outcome>;
  /** The operations `run` calls (checked against the contract by the tests). */
  calls?: readonly Method[];
  /** The answer for people at a terminal (default: indented JSON). */
  human?: (value: never, c: Ctx) => string;
  /** The answer with --json (default: the contract's answer); always one JSON object. Not used with `run`. */
  json?: (value: never, c: Ctx) => unknown;
  /** A result that means failure: the line for stderr (the command exits 1), else null. */
  failed?: (value: never) => string | null;
  /**
   * How the register is opened: `open` (default; refused by name when it cannot be), `or-backups` (when it is
   * damaged, work from its backups alone so it can still be restored), or `none` (a command that works without it,
   * such as a server with its own data folder: `backend` is null and a contract call is refused), or `or-read-only`
   * (refused for use because the file holds a trigger or view Optin Desk did not make: opened read-only, for its
   * one method, so audit verify can name everything wrong with it).
   */
  register?: 'open' | 'or-backups' | 'or-read-only' | 'none';
}

/** The commands of one area, as the help groups them. */
export interface Group {
  title: string;
  commands: readonly Command[];
  /** Lines under the group in `optin --help` and `optin help <area>`. */
  notes?: readonly string[];
}

/** A command entry, typed against its contract method so `human` and `json` see that method's answer. */
export function command<M extends Method>(
  c: Omit<Command, 'method' | 'human' | 'json' | 'failed'> & {
    method: M;
    human?: (value: Output<M>, c: Ctx) => string;
    json?: (value: Output<M>, c: Ctx) => unknown;
    failed?: (value: Output<M>) => string | null;
  },
): Command {
  return c as Command;
}
