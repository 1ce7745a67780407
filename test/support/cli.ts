import { main } from '../../electron/cli/index';

/** Run the `optin` command in-process against a register file; what it printed, and its exit code. */
export async function optin(db: string, ...args: string[]): Promise<{ code: number; out: string; err: string; json: () => Record<string, unknown> }> {
  let out = '';
  let err = '';
  const code = await main([...args, '--db', db], { out: (s) => (out += s + '\n'), err: (s) => (err += s + '\n') });
  return { code, out, err, json: () => JSON.parse(out) as Record<string, unknown> };
}
