import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** A refusal found by the CLI itself (before the contract), reported like one from the contract. */
export class UsageError extends Error {}

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
  if (!/^\d+$/.test(v)) throw new UsageError(`--${flag}: expected a whole number, got "${v}"`);
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
    throw new UsageError(
      `${flag}: cannot read ${path} (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder' : (code ?? 'unreadable')})`,
    );
  }
  // A NUL, or more than a few control bytes, is binary data (an image, a spreadsheet, an archive), whatever else it holds.
  const head = bytes.subarray(0, 8192);
  const controls = head.filter((b) => b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d).length;
  if (head.includes(0) || controls > head.length / 100) throw new UsageError(`${flag}: ${basename(path)} is not a text file (it holds binary data)`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`${flag}: ${basename(path)} is not a UTF-8 text file (save it as UTF-8)`);
  }
  if (text.includes('\u0000')) throw new UsageError(`${flag}: ${basename(path)} is not a text file (it holds binary data)`);
  text = text.replace(/^\uFEFF/u, '');
  if (!allowEmpty && !text.trim()) throw new UsageError(`${flag}: ${basename(path)} is empty`);
  return text;
}
