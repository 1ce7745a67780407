import { UsageError } from './args';
import type { Command, Flag, Group, Line, Raw } from './spec';

/** Flags every command takes. */
export const GLOBAL_FLAGS: readonly Flag[] = [
  { name: 'db', value: 'PATH', summary: "the register (else $OPTIN_DB, else the app's own database)" },
  { name: 'json', type: 'boolean', summary: 'print the answer as one JSON object on stdout' },
  { name: 'help', type: 'boolean', summary: 'what the command does and its options' },
];

/** The command table with its look-ups: by words (aliases too), and what each flag name is. */
export interface Table {
  groups: readonly Group[];
  /** Every command, in help order. */
  commands: readonly Command[];
  /** "campaign send" and "batch send" → the command. */
  byWords: ReadonlyMap<string, Command>;
  /** The longest command, in words. */
  maxWords: number;
}

export function buildTable(groups: readonly Group[]): Table {
  const commands = groups.flatMap((g) => g.commands);
  const byWords = new Map<string, Command>();
  for (const c of commands)
    for (const words of [c.words, ...(c.aliases ?? [])]) {
      const key = words.join(' ');
      if (byWords.has(key)) throw new Error(`the command table names "${key}" twice`);
      byWords.set(key, c);
    }
  return { groups, commands, byWords, maxWords: Math.max(...[...byWords.keys()].map((k) => k.split(' ').length)) };
}

/** A command's flags and the global ones. */
export const flagsOf = (c: Command | null): readonly Flag[] => [...(c?.flags ?? []), ...GLOBAL_FLAGS];

/** Every spelling of a flag (its name and aliases). */
export const spellings = (f: Flag): string[] => [f.name, ...(f.aliases ?? [])];

const NEGATIVE_NUMBER = /^-\d+(?:[.,]\d+)?$/;

/** True for a token that is a flag (so it cannot be the value of the one before): `--x`, `-h`; not `-5` or `-`. */
const looksLikeFlag = (a: string): boolean => (a.startsWith('--') && a.length > 2) || (/^-[^-\d]/.test(a) && !NEGATIVE_NUMBER.test(a));

export interface Tokens {
  positionals: string[];
  /** name as typed (no dashes) → value(s) */
  options: { name: string; value: string | true }[];
}

/**
 * Split a command line into positionals and options. `takesValue(name)` says whether a flag reads a value; `--x=v`
 * always carries one. A negative number is a value (`--limit -5`) or a positional (`campaign send -1`), never a flag.
 */
export function tokenize(argv: readonly string[], takesValue: (name: string) => boolean): Tokens {
  const out: Tokens = { positionals: [], options: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      if (eq >= 0) out.options.push({ name, value: a.slice(eq + 1) });
      else if (!takesValue(name)) out.options.push({ name, value: true });
      else {
        const next = argv[i + 1];
        if (next === undefined || looksLikeFlag(next)) throw new UsageError('cli.giveValue', { flag: `--${name}` });
        out.options.push({ name, value: next });
        i++;
      }
    } else if (looksLikeFlag(a)) {
      // Short flags: only -h.
      for (const ch of a.slice(1)) out.options.push({ name: ch === 'h' ? 'help' : `-${ch}`, value: true });
    } else out.positionals.push(a);
  }
  return out;
}

/** The command a line names: the longest run of leading words that is one. */
export function resolve(table: Table, positionals: readonly string[]): { command: Command; words: string; rest: string[] } | null {
  for (let k = Math.min(table.maxWords, positionals.length); k >= 1; k--) {
    const words = positionals.slice(0, k).join(' ');
    const command = table.byWords.get(words);
    if (command) return { command, words, rest: positionals.slice(k) };
  }
  return null;
}

/** Edit distance, for "did you mean". */
export function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The candidate nearest to `typed`, when it is near enough to be a slip. */
export function nearest(typed: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(typed.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== null && bestD <= Math.max(2, Math.floor(typed.length / 3)) ? best : null;
}

/**
 * Why no command matched, in one line: the nearest command when the words look like a slip, and the commands of the
 * area when its first word is known. Old words (aliases) are matched, but the documented command is what is named.
 */
export function unknownCommand(table: Table, positionals: readonly string[]): UsageError {
  const typed = positionals.slice(0, table.maxWords).join(' ');
  let near: Command | null = null;
  let nearest = Infinity;
  for (const [words, c] of table.byWords) {
    const d = distance(positionals.slice(0, words.split(' ').length).join(' ').toLowerCase(), words);
    if (d < nearest) [near, nearest] = [c, d];
  }
  const slip = near && nearest <= Math.max(2, Math.floor(typed.length / 4)) ? near.words.join(' ') : null;
  const area = positionals[0] ?? '';
  const inArea = [...table.byWords].filter(([words]) => words.split(' ')[0] === area).map(([, c]) => c);
  if (!inArea.length) return slip ? new UsageError('cli.unknownCommandNear', { typed, near: slip }) : new UsageError('cli.unknownCommand', { typed });
  const canonical = inArea[0]!.words[0]!;
  const has = { area: canonical, commands: [...new Set(inArea.map((c) => c.words.slice(1).join(' ')))].join(', ') };
  if (positionals.length <= 1) return new UsageError('cli.giveCommand', { given: area, ...has });
  const two = positionals.slice(0, 2).join(' ');
  return slip
    ? new UsageError('cli.unknownInAreaNear', { typed: two, near: slip, ...has })
    : new UsageError('cli.unknownInArea', { typed: two, ...has });
}

/** The parsed line for one command. */
export interface Parsed {
  flags: Record<string, Raw | undefined>;
  args: Record<string, string | undefined>;
  typed: Set<string>;
}

/**
 * Read the options and arguments of `command` (the words already taken off): unknown flags, a value given to a flag
 * that takes none, missing values and extra arguments are refused naming them, with the nearest flag when it looks
 * like a slip.
 */
export function parseFor(command: Command, words: string, tokens: Tokens, rest: readonly string[]): Parsed {
  const flags = flagsOf(command);
  const bySpelling = new Map<string, Flag>();
  for (const f of flags) for (const s of spellings(f)) bySpelling.set(s, f);
  const out: Parsed = { flags: {}, args: {}, typed: new Set() };
  for (const o of tokens.options) {
    const f = bySpelling.get(o.name);
    const shown = o.name.startsWith('-') ? o.name : `--${o.name}`;
    if (!f) {
      const near = nearest(o.name, [...bySpelling.keys()]);
      const help = command.words.join(' ');
      throw near
        ? new UsageError('cli.unknownOptionNear', { flag: shown, command: words, near: `--${near}`, help })
        : new UsageError('cli.unknownOption', { flag: shown, command: words, help });
    }
    out.typed.add(`--${o.name}`);
    const type = f.type ?? 'string';
    if (type === 'boolean') {
      if (o.value !== true) throw new UsageError('cli.takesNoValue', { flag: shown, value: o.value });
      out.flags[f.name] = true;
    } else if (o.value === true) throw new UsageError('cli.giveValueLike', { flag: shown, value: f.value ?? 'VALUE' });
    else if (type === 'multiple') out.flags[f.name] = [...((out.flags[f.name] as string[] | undefined) ?? []), o.value];
    else out.flags[f.name] = o.value;
  }
  const args = command.args ?? [];
  if (rest.length > args.length) throw new UsageError('cli.unexpectedArgument', { arg: rest[args.length]!, help: command.words.join(' ') });
  args.forEach((a, i) => (out.args[a.name] = rest[i]));
  return out;
}

/** Set a dotted path (`evidence.sheetRef`) in an object, making the objects on the way. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = target;
  for (const k of keys.slice(0, -1)) {
    if (typeof o[k] !== 'object' || o[k] === null) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1]!] = value;
}

/** The flag as the person typed it (an alias when they used one). */
export const typedName = (f: Flag, typed: ReadonlySet<string>): string =>
  spellings(f)
    .map((s) => `--${s}`)
    .find((s) => typed.has(s)) ?? `--${f.name}`;

/**
 * Check what is required and build the contract input: the fixed parts, then each argument and flag that fills a
 * field (converted by its `as`, else as typed). Every `as` runs, so a flag that fills no field is checked too.
 */
export function buildInput(command: Command, c: Line): Record<string, unknown> {
  const input: Record<string, unknown> = structuredClone(command.fixed ?? {});
  for (const a of command.args ?? []) {
    const raw = c.args[a.name];
    if (raw === undefined) {
      if (a.required) throw a.missing ? UsageError.of(a.missing) : new UsageError('cli.giveArgument', { name: a.name, summary: a.summary });
      continue;
    }
    const value = a.as ? a.as(raw, a.name) : raw;
    if (a.field) setPath(input, a.field, value);
  }
  for (const f of command.flags ?? []) {
    const raw = c.flags[f.name];
    if (raw === undefined || raw === false) {
      if (f.required) throw f.missing ? UsageError.of(f.missing) : new UsageError('cli.flagRequired', { flag: `--${f.name}`, summary: f.summary });
      if (f.field && f.default !== undefined) setPath(input, f.field, structuredClone(f.default));
      continue;
    }
    const value = f.as ? f.as(raw, typedName(f, c.typed)) : raw;
    if (f.field) setPath(input, f.field, value);
  }
  return input;
}

/**
 * Rewrite a leading `field:` of a contract message as what the person typed for it: the flag (as typed, when several
 * fill the field) or the argument (`ID`). Item indexes are dropped first: `tags.3` is the --tags flag.
 */
export function withFlagNames(command: Command, message: string, typed: ReadonlySet<string>): string {
  const m = /^([\w.]+): (.*)$/s.exec(message);
  if (!m) return message;
  const field = (m[1] ?? '').replace(/\.\d+(?=\.|$)/g, '');
  const arg = (command.args ?? []).find((a) => a.field === field);
  if (arg) return `${arg.name}: ${m[2]}`;
  const filling = (command.flags ?? []).filter((f) => f.field === field);
  const named = filling.find((f) => spellings(f).some((s) => typed.has(`--${s}`))) ?? filling[0];
  if (named) return `${typedName(named, typed)}: ${m[2]}`;
  const same = (command.flags ?? []).find((f) => f.name === field);
  return same ? `--${same.name}: ${m[2]}` : message;
}
