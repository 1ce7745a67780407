import { GLOBAL_FLAGS, type Table } from './parse';
import type { Command, Flag, Group } from './spec';

/** The help texts, generated from the command table: the overview, one area, one command. */

const WIDTH = 118;

/** Words wrapped to the width, the lines after the first indented by `indent`. */
function wrap(text: string, first: number, indent: number): string[] {
  const lines: string[] = [];
  let line = '';
  let room = WIDTH - first;
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
      room = WIDTH - indent;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : ' '.repeat(indent) + l));
}

/** Two aligned columns: each left cell padded to the widest, each right cell wrapped under itself. */
function columns(rows: [string, string][], indent = 2): string[] {
  // A left cell much wider than the others takes a line of its own rather than pushing every right cell over.
  const left = Math.max(...rows.map(([l]) => l.length).filter((n) => n <= 28), 0) + 2;
  return rows.flatMap(([l, r]) => {
    const head = ' '.repeat(indent) + l;
    if (head.length + 1 > indent + left)
      return [head, ...wrap(r, indent + left, indent + left).map((x, i) => (i === 0 ? ' '.repeat(indent + left) + x : x))];
    return wrap(r, indent + left, indent + left).map((x, i) => (i === 0 ? head.padEnd(indent + left) + x : x));
  });
}

/** The words and the arguments: `campaign send ID`, `providers add [NAME]`. */
const head = (c: Command): string => [...c.words, ...(c.args ?? []).map((a) => (a.required ? a.name : `[${a.name}]`))].join(' ');

const flagText = (f: Flag): string => `--${f.name}${(f.type ?? 'string') === 'boolean' ? '' : ` ${f.value ?? 'VALUE'}`}`;

/** One command's whole line: `optin campaign send ID --provider NAME[,NAME2] [--template NAME] …`. */
export function synopsis(c: Command): string {
  const flags = (c.flags ?? []).map((f) => (f.required ? flagText(f) : `[${flagText(f)}]`));
  const text = ['optin', head(c), ...flags].join(' ');
  return wrap(text, 0, `optin ${head(c)} `.length).join('\n');
}

const footer = [
  "The register: --db PATH, else $OPTIN_DB, else the app's own database. --json prints the answer as one JSON object.",
  'Exit codes: 0 ok, 1 refused input or the register busy in another process (the reason on stderr), 2 internal error.',
  'An opt-out (consent revoke, an inbound STOP) is never refused for a busy register: it is kept beside it and entered',
  'as soon as the register is free; no message goes to that number meanwhile.',
];

/** `optin --help`: every documented command by area, with its one line. */
export function overview(table: Table): string {
  const lines = [
    'optin — the Optin Desk consent register from the command line',
    '',
    'Usage: optin <command> [arguments] [options] [--db PATH] [--json]',
    '       optin help <command>      what a command does, and all its options (also: optin <command> --help)',
  ];
  const rows = table.groups.flatMap((g) => g.commands.map((c) => head(c)));
  const width = Math.max(...rows.map((r) => r.length)) + 2;
  for (const g of table.groups) {
    lines.push('', g.title);
    for (const c of g.commands) {
      const h = `  ${head(c)}`.padEnd(width + 2);
      lines.push(...wrap(c.summary, h.length, h.length).map((x, i) => (i === 0 ? h + x : x)));
    }
  }
  return [...lines, '', ...footer].join('\n');
}

/** The groups holding commands whose first word is `word` (aliases included): `optin help campaign`. */
export function groupsOf(table: Table, word: string): { group: Group; commands: Command[] }[] {
  const out: { group: Group; commands: Command[] }[] = [];
  for (const group of table.groups) {
    const commands = group.commands.filter((c) => [c.words, ...(c.aliases ?? [])].some((w) => w[0] === word));
    if (commands.length) out.push({ group, commands });
  }
  return out;
}

/** `optin help campaign`: the area's commands with their whole lines. */
export function areaHelp(table: Table, word: string): string {
  const lines: string[] = [];
  for (const { group, commands } of groupsOf(table, word)) {
    lines.push(group.title, '');
    for (const c of commands) lines.push(synopsis(c), ...wrap(c.summary, 4, 4).map((x, i) => (i === 0 ? `    ${x}` : x)), '');
    lines.push(...(group.notes ?? []));
  }
  const canonical = groupsOf(table, word)[0]?.commands[0]?.words[0] ?? word;
  lines.push(`optin help ${canonical} <command> for a command's options.`);
  return lines.join('\n').trimEnd();
}

/** `optin help campaign send`: what it does, its arguments and every option. */
export function commandHelp(c: Command): string {
  const lines = [synopsis(c), '', c.summary, ...(c.details ?? [])];
  if (c.args?.length) lines.push('', 'Arguments:', ...columns(c.args.map((a) => [a.name, `the ${a.summary}${a.required ? '' : ' (optional)'}`])));
  if (c.flags?.length)
    lines.push(
      '',
      'Options:',
      ...columns(
        c.flags.map((f) => [
          flagText(f),
          `${f.summary}${f.required ? ' (required)' : ''}${f.aliases?.length ? ` (also ${f.aliases.map((a) => `--${a}`).join(', ')})` : ''}${(f.type ?? 'string') === 'multiple' ? ' (repeatable)' : ''}`,
        ]),
      ),
    );
  lines.push('', 'Every command:', ...columns(GLOBAL_FLAGS.map((f) => [flagText(f), f.summary])));
  if (c.aliases?.length) lines.push('', `Also runs as: ${c.aliases.map((a) => `optin ${a.join(' ')}`).join(', ')} (the old words).`);
  return lines.join('\n');
}
