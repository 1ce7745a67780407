import { createBackend, type Backend } from '../core/backend';
import { resolveDbPath } from '../core/infra/paths';
import { EnvSecrets } from '../core/infra/secrets';
import { BUSY_CHANGE, busyError, isSqliteBusy } from '../core/db/busy';
import { offlineBackupDispatch } from '../core/backups/service';
import { FOREIGN_OBJECT_REFUSALS, readOnlyVerifyDispatch } from '../core/register/read-only-verify';
import { systemClock } from '../core/infra/clock';
import { AppError, apiError, isRefusal, isRegisterRefusal, type ApiError } from '../../shared/contract/errors';
import type { Dispatch } from '../../shared/contract/dispatch';
import type { Method, Output } from '../../shared/contract/api';
import { UsageError } from './args';
import { TABLE } from './commands';
import { asJsonText } from './commands/format';
import { areaHelp, commandHelp, groupsOf, overview } from './help';
import { GLOBAL_FLAGS, buildInput, flagsOf, parseFor, resolve, spellings, tokenize, unknownCommand, withFlagNames, type Table } from './parse';
import { Refused, type Command, type Ctx, type Line, type Outcome } from './spec';

/**
 * The `optin` command. Every command is an entry of the command table (./commands): this reads the line against it,
 * opens the register, runs the entry and prints its answer. `--help` is generated from the same table.
 */

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const stdio: Io = { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') };

/** Whether a flag (by any command's spelling) reads a value: used to find the command's words before knowing it. */
function valueFlags(table: Table): (name: string) => boolean {
  const takes = new Set<string>();
  for (const c of [...table.commands, null])
    for (const f of flagsOf(c)) if ((f.type ?? 'string') !== 'boolean') for (const s of spellings(f)) takes.add(s);
  return (name) => takes.has(name);
}

const TAKES_VALUE = valueFlags(TABLE);

/** The help a line asks for: the overview, an area (`campaign`), or one command; null when it names nothing. */
function helpFor(table: Table, words: string[]): string | null {
  if (!words.length) return overview(table);
  const found = resolve(table, words);
  // `optin help import` shows the area (import FILE and import undo), not only the first.
  if (words.length === 1 && (!found || groupsOf(table, words[0]!).flatMap((g) => g.commands).length > 1) && groupsOf(table, words[0]!).length)
    return areaHelp(table, words[0]!);
  return found ? commandHelp(found.command) : null;
}

/** Open the register the line names: the backend, or why not (exit 1 when the person must act, 2 when we broke). */
function openRegister(
  command: Command,
  db: string | undefined,
  io: Io,
): { backend: Backend | null; dispatch: Dispatch } | { error: ApiError; exit: number } {
  if (command.register === 'none')
    return {
      backend: null,
      dispatch: async (method) => ({
        ok: false,
        error: apiError('INTERNAL', 'cli.noRegisterToCall', { command: command.words.join(' '), method: String(method) }),
      }),
    };
  const dbPath = resolveDbPath(db);
  try {
    // Provider secrets come from the environment in the CLI, never from a file or the register.
    const backend = createBackend({ dbPath, secrets: new EnvSecrets() });
    return { backend, dispatch: backend.dispatch };
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message = err instanceof Error ? err.message : String(err);
    // A damaged register can still be listed, checked, previewed and restored from its backups.
    // A register holding a trigger Optin Desk did not make is verified read-only: no trigger fires, every problem is named.
    if (command.register === 'or-read-only' && err instanceof AppError && FOREIGN_OBJECT_REFUSALS.has(err.key)) {
      io.err(`optin: ${message} — checked read-only`);
      return { backend: null, dispatch: readOnlyVerifyDispatch(dbPath, systemClock, err) };
    }
    if (code === 'REGISTER_DAMAGED' && command.register === 'or-backups') {
      io.err(`optin: ${message} — working from its backups`);
      return { backend: null, dispatch: offlineBackupDispatch(dbPath, systemClock) };
    }
    // A register that is newer, damaged or gone is the person's to act on (exit 1); anything else is ours (exit 2).
    if (isRegisterRefusal(code)) return { error: err instanceof AppError ? err.toApiError() : { code, message }, exit: 1 };
    // Opening met another process's long write (a first run, a migration): the person waits a moment (exit 1).
    if (isSqliteBusy(err)) return { error: busyError(BUSY_CHANGE).toApiError(), exit: 1 };
    return { error: { code: 'INTERNAL', message }, exit: 2 };
  }
}

/** A command with a contract method: one call with the input, printed by the entry's own words. */
async function callOnce(command: Command, c: Ctx): Promise<Outcome> {
  const value = await c.call(command.method!, c.input);
  const failed = command.failed ? (command.failed as (v: unknown) => string | null)(value) : null;
  const human = command.human ? (command.human as (v: unknown, c: Ctx) => string)(value, c) : asJsonText(value);
  const shaped = command.json ? (command.json as (v: unknown, c: Ctx) => unknown)(value, c) : value;
  return { ok: true, value: shaped, human, exit: failed ? 1 : 0, ...(failed && !c.json ? { note: failed } : {}) };
}

/** Run the CLI; returns the exit code. */
export async function main(argv: string[], io: Io = stdio, table: Table = TABLE): Promise<number> {
  let json = argv.includes('--json');
  let command: Command | null = null;
  let typed: ReadonlySet<string> = new Set();
  const fail = (error: ApiError, exit: number): number => {
    if (json) io.out(JSON.stringify({ ok: false, error }));
    io.err(`optin: ${command ? withFlagNames(command, error.message, typed) : error.message}`);
    return exit;
  };
  // A usage refusal is an AppError by key like any other: printed as its English, with --json the same error object.
  const usage = (err: UsageError): number => fail(err.toApiError(), 1);

  let tokens;
  try {
    tokens = tokenize(argv, table === TABLE ? TAKES_VALUE : valueFlags(table));
  } catch (err) {
    if (err instanceof UsageError) return usage(err);
    throw err;
  }
  json = tokens.options.some((o) => o.name === 'json');
  const wantsHelp = tokens.options.some((o) => o.name === 'help');
  const positionals = tokens.positionals;
  if (!positionals.length) {
    const stray = tokens.options.find((o) => !GLOBAL_FLAGS.some((f) => f.name === o.name));
    if (stray) return usage(new UsageError('cli.unknownOptionAlone', { flag: stray.name.startsWith('-') ? stray.name : `--${stray.name}` }));
  }
  if (positionals[0] === 'help' || wantsHelp || !positionals.length) {
    const words = positionals[0] === 'help' ? positionals.slice(1) : positionals;
    const text = helpFor(table, words);
    if (text === null) return usage(unknownCommand(table, words));
    io.out(text);
    return wantsHelp || positionals[0] === 'help' ? 0 : 1;
  }
  const found = resolve(table, positionals);
  if (!found) return usage(unknownCommand(table, positionals));
  command = found.command;

  let line: Line;
  let input: Record<string, unknown>;
  try {
    const parsed = parseFor(command, found.words, tokens, found.rest);
    typed = parsed.typed;
    line = { words: found.words, flags: parsed.flags, args: parsed.args, typed, json };
    input = buildInput(command, line);
    if (command.adjust) input = command.adjust(input, line);
  } catch (err) {
    if (err instanceof UsageError) return usage(err);
    throw err;
  }

  const opened = openRegister(command, line.flags.db as string | undefined, io);
  if ('error' in opened) return fail(opened.error, opened.exit);
  const { backend, dispatch } = opened;
  const ctx: Ctx = {
    ...line,
    input,
    dispatch,
    backend,
    async call<M extends Method>(method: M, callInput: Record<string, unknown>): Promise<Output<M>> {
      const r = await dispatch(method, callInput);
      if (!r.ok) throw new Refused(r.error);
      return r.value as Output<M>;
    },
  };
  let outcome: Outcome;
  try {
    outcome = command.run ? await command.run(ctx) : await callOnce(command, ctx);
  } catch (err) {
    if (err instanceof UsageError) return usage(err);
    if (err instanceof Refused) outcome = { ok: false, error: err.error };
    else throw err;
  } finally {
    backend?.close();
  }
  // A damaged register met by a call (a page only it read) is the person's to act on too (exit 1).
  if (!outcome.ok) return fail(outcome.error, isRefusal(outcome.error.code) || isRegisterRefusal(outcome.error.code) ? 1 : 2);
  if ('lines' in outcome) {
    for (const l of outcome.lines) io.out(l);
    return outcome.exit;
  }
  io.out(json ? JSON.stringify(outcome.value) : outcome.human);
  if (outcome.note) io.err(`optin: ${outcome.note}`);
  return outcome.exit ?? 0;
}
