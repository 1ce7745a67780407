import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { AppError, type MessageKey } from '../../shared/contract/errors';
import { ref, type SaidParams, type SaidRef } from '../../shared/contract/said';

/**
 * A refusal found by the CLI itself (before the contract) — an unknown flag, a missing value, a bad number — stated by
 * a key of the catalog like any refusal, and printed the same way (its English `message`; with --json, the same error
 * object as the contract's: code, key, params, message).
 */
export class UsageError extends AppError {
  constructor(key: MessageKey, params?: SaidParams) {
    super('VALIDATION_FAILED', key, params);
    this.name = 'UsageError';
  }

  /** The refusal a command's table names (`missing`). */
  static of(r: SaidRef): UsageError {
    return new UsageError(r.key, r.params);
  }
}

/**
 * A comma-separated flag value as a list ("sms, whatsapp" → ["sms", "whatsapp"]). With `keepEmpty`, empty items stay
 * so the contract refuses them (`--tag ""` must not quietly mean "no tag filter", that is everyone).
 */
export const list = (v: string | undefined, keepEmpty = false): string[] | undefined =>
  v === undefined
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => keepEmpty || s !== '');

/** A whole-number flag; anything else is refused naming the flag. */
export function int(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError('cli.notWholeNumber', { flag: `--${flag}`, value: v });
  return Number(v);
}

/** Drop undefined values so zod sees only what was given. */
export function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * A UTF-8 text file named by `flag` (a leading byte-order mark dropped). Refused naming the flag when it cannot be read,
 * is empty (unless `allowEmpty`), or is not text (a NUL byte, or bytes that are not UTF-8) — rather than handing binary noise on as a message.
 */
export function readTextFile(flag: string, path: string, { allowEmpty = false } = {}): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError('cli.cannotRead', {
      flag,
      path,
      reason: code === 'ENOENT' ? ref('cli.noSuchFile') : code === 'EISDIR' ? ref('cli.aFolder') : (code ?? ref('cli.unreadable')),
    });
  }
  // A NUL, or more than a few control bytes, is binary data (an image, a spreadsheet, an archive), whatever else it holds.
  const head = bytes.subarray(0, 8192);
  const controls = head.filter((b) => b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d).length;
  if (head.includes(0) || controls > head.length / 100) throw new UsageError('cli.binaryFile', { flag, file: basename(path) });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError('cli.notUtf8', { flag, file: basename(path) });
  }
  if (text.includes('\u0000')) throw new UsageError('cli.binaryFile', { flag, file: basename(path) });
  text = text.replace(/^\uFEFF/u, '');
  if (!allowEmpty && !text.trim()) throw new UsageError('cli.emptyFile', { flag, file: basename(path) });
  return text;
}

// Converters for the command table: each turns a typed value into the contract field's value, or refuses it naming
// the flag (`flag` is the flag as the person typed it, e.g. "--limit").

/** A whole number. */
export const asInt = (raw: unknown, flag: string): number => {
  const v = String(raw);
  if (!/^\d+$/.test(v)) throw new UsageError('cli.notWholeNumber', { flag, value: v });
  return Number(v);
};

/** A comma-separated list, empty items dropped. */
export const asList = (raw: unknown): string[] => list(String(raw)) ?? [];

/** A comma-separated list whose empty items stay, so the contract refuses them (`--tag ""` is not "everyone"). */
export const asListKeepEmpty = (raw: unknown): string[] => list(String(raw), true) ?? [];

/** An id given as an argument (`ID`, `RECIPIENT`): a positive whole number; `noun` says what it numbers. */
export const asId =
  (noun: string) =>
  (raw: unknown, name: string): number => {
    const v = String(raw);
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v)) || Number(v) <= 0) throw new UsageError('cli.badId', { name, noun, value: v });
    return Number(v);
  };

/** One of a few words; anything else is refused naming the flag and the words it takes. */
export const asChoice =
  (choices: readonly string[]) =>
  (raw: unknown, flag: string): string => {
    const v = String(raw);
    if (!choices.includes(v))
      throw new UsageError('cli.notOneOf', { flag, choices: choices.slice(0, -1).join(', '), last: choices[choices.length - 1]!, value: v });
    return v;
  };
