/** A refusal found by the CLI itself (before the contract), reported like one from the contract. */
export class UsageError extends Error {}

/** A comma-separated flag value as a list ("sms, whatsapp" → ["sms", "whatsapp"]). */
export const list = (v: string | undefined): string[] | undefined =>
  v === undefined
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

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
