import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api } from '../../shared/contract/api';
import { main } from '../../electron/cli/index';
import { GROUPS, TABLE } from '../../electron/cli/commands';
import { commandHelp } from '../../electron/cli/help';
import { GLOBAL_FLAGS, buildTable, flagsOf, parseFor, resolve, spellings, tokenize } from '../../electron/cli/parse';
import { command, type Command } from '../../electron/cli/spec';
import { asInt } from '../../electron/cli/args';
import { optin } from '../support/cli';

// The CLI is one command table (issue #14 point 6): the parser, the help and the error messages come from it. These
// tests hold the table to the contract and the help to the parser.

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function register(): string {
  const d = mkdtempSync(join(tmpdir(), 'optin-table-'));
  dirs.push(d);
  return join(d, 'register.db');
}

/** Run the CLI without a register (help and refusals that come before one is opened). */
async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s + '\n'), err: (s) => (err += s + '\n') });
  return { code, out, err };
}

const name = (c: Command): string => c.words.join(' ');
const visible = TABLE.commands;

/** The top-level keys a contract input takes. */
function inputKeys(method: keyof typeof api): string[] {
  const schema = api[method].input as unknown as { shape?: Record<string, unknown> };
  expect(schema.shape, `${method}: an object input`).toBeDefined();
  return Object.keys(schema.shape ?? {});
}

describe('the command table', () => {
  it('has 40-odd commands, each calling operations the contract has, with fields its input takes', () => {
    expect(visible.length).toBeGreaterThanOrEqual(45);
    for (const c of visible) {
      expect(Boolean(c.method) !== Boolean(c.run), `${name(c)}: a method or a run, one of them`).toBe(true);
      const called = c.method ? [c.method] : (c.calls ?? []);
      // A command that works without the register (the relay server) calls no operation of it.
      if (c.register === 'none') expect(called, `${name(c)}: works without the register`).toEqual([]);
      else expect(called.length, `${name(c)}: names the operations it calls`).toBeGreaterThan(0);
      for (const m of called) expect(Object.prototype.hasOwnProperty.call(api, m), `${name(c)}: ${m} is in the contract's api`).toBe(true);
      if (!c.method) continue;
      const keys = inputKeys(c.method);
      const fields = [...(c.flags ?? []), ...(c.args ?? [])].flatMap((f) => (f.field ? [f.field.split('.')[0]!] : []));
      for (const k of [...fields, ...Object.keys(c.fixed ?? {})]) expect(keys, `${name(c)}: ${c.method} takes "${k}"`).toContain(k);
    }
  });

  it('gives each flag one type everywhere, and no command two flags of one spelling', () => {
    const types = new Map<string, string>();
    for (const c of [...visible, null]) {
      const seen = new Set<string>();
      for (const f of flagsOf(c))
        for (const s of spellings(f)) {
          expect(seen.has(s), `${c ? name(c) : 'global'}: --${s} twice`).toBe(false);
          seen.add(s);
          const t = f.type ?? 'string';
          expect(types.get(s) ?? t, `--${s} is read one way in every command`).toBe(t);
          types.set(s, t);
        }
    }
  });

  it('keeps "campaign" as the word: batch … runs the same commands, hidden from the help', async () => {
    for (const verb of ['plan', 'list', 'audience', 'send', 'progress', 'pause', 'resume', 'recipients', 'resolve', 'report']) {
      const documented = TABLE.byWords.get(`campaign ${verb}`);
      expect(documented, `campaign ${verb}`).toBeDefined();
      expect(TABLE.byWords.get(`batch ${verb}`)).toBe(documented);
    }
    const help = (await run('--help')).out;
    expect(help).not.toMatch(/^\s+batch /m);
    expect((await run('help', 'batch', 'send')).out).toBe((await run('campaign', 'send', '--help')).out);
  });
});

describe('optin --help', () => {
  it('lists every command of the table, grouped by area, each with its one line', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    for (const g of TABLE.groups) expect(lines, g.title).toContain(g.title);
    for (const c of visible) {
      const line = lines.find((l) => l.startsWith(`  ${name(c)} `) || l.startsWith(`  ${name(c)}\u0020`));
      expect(line, name(c)).toBeDefined();
      expect(line!.replace(/\s+/g, ' ')).toContain(c.summary.split(' ').slice(0, 4).join(' '));
    }
    // Aligned: every summary starts in the same column.
    const starts = new Set(
      visible.map((c) => {
        const l = lines.find((x) => x.startsWith(`  ${name(c)} `))!;
        return l.indexOf(c.summary.slice(0, 10), name(c).length + 2);
      }),
    );
    expect(starts.size).toBe(1);
  });

  it('help <command>, <command> --help and -h say the same; an area lists its commands; no words means the overview with exit 1', async () => {
    const a = await run('help', 'consent', 'grant');
    const b = await run('consent', 'grant', '--help');
    const c = await run('consent', 'grant', '-h');
    expect(a.code).toBe(0);
    expect(b.out).toBe(a.out);
    expect(c.out).toBe(a.out);
    expect(a.out).toMatch(/^optin consent grant --phone P --channel whatsapp\|sms/);
    const area = await run('help', 'campaign');
    expect(area.code).toBe(0);
    for (const verb of ['plan', 'send', 'report']) expect(area.out).toContain(`optin campaign ${verb}`);
    expect((await run('campaign', '--help')).out).toBe(area.out);
    const none = await run();
    expect(none.code).toBe(1);
    expect(none.out).toBe((await run('--help')).out);
  });

  it('reads every flag its help shows, for every command (and the old spellings)', async () => {
    for (const c of visible) {
      const help = commandHelp(c);
      if (c.words.length > 1) expect((await run('help', ...c.words)).out, name(c)).toBe(help + '\n');
      const shown = new Set([...help.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((m) => m[1]!));
      // Everything the command takes is shown, and everything shown is taken.
      for (const f of flagsOf(c)) for (const s of spellings(f)) expect(shown, `${name(c)} --help shows --${s}`).toContain(s);
      const own = new Map(flagsOf(c).flatMap((f) => spellings(f).map((s) => [s, f] as const)));
      for (const s of shown) {
        expect(own.has(s), `${name(c)} --help shows --${s}, which it does not read`).toBe(true);
        const f = own.get(s)!;
        const type = f.type ?? 'string';
        const argv = [...c.words, ...(c.args ?? []).map(() => '1'), `--${s}`, ...(type === 'boolean' ? [] : ['v'])];
        const tokens = tokenize(argv, (n) => (flagsOf(c).find((x) => spellings(x).includes(n))?.type ?? 'string') !== 'boolean');
        const found = resolve(TABLE, tokens.positionals);
        expect(found?.command, argv.join(' ')).toBe(c);
        const parsed = parseFor(c, found!.words, tokens, found!.rest);
        expect(parsed.flags[f.name], argv.join(' ')).toEqual(type === 'boolean' ? true : type === 'multiple' ? ['v'] : 'v');
        expect(parsed.typed.has(`--${s}`)).toBe(true);
      }
    }
    expect(GLOBAL_FLAGS.map((f) => f.name)).toEqual(['db', 'json', 'help']);
  });
});

describe('optin refuses what it does not know, naming it and the nearest command', () => {
  it('an unknown command: exit 1, one line, the nearest command or the area’s commands', async () => {
    for (const [args, reason] of [
      [['contact', 'add'], /^optin: unknown command "contact add" — did you mean "contacts add"\?/],
      [['campain', 'send', '3'], /did you mean "campaign send"\?/],
      [['batch', 'sned', '3'], /did you mean "campaign send"\?/],
      [
        ['contacts', 'frobnicate'],
        /^optin: unknown command "contacts frobnicate" \(contacts has: add, list, tag, show, edit, merge, winback, delete, erase, certificate; optin help contacts\)$/,
      ],
      [['contacts'], /^optin: contacts: give the command \(contacts has: add, list, tag, show/],
      [['xyzzy'], /^optin: unknown command "xyzzy" \(optin --help lists them\)$/],
      [['help', 'nothing', 'here'], /^optin: unknown command "nothing here"/],
    ] as [string[], RegExp][]) {
      const r = await run(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.err.trim(), args.join(' ')).toMatch(reason);
    }
  });

  it('an unknown or misused flag: exit 1 before any register is opened, with the nearest flag', async () => {
    const db = register();
    for (const [args, reason] of [
      [['contacts', 'add', '--phnoe', '1'], /^optin: unknown option --phnoe for "contacts add" — did you mean --phone\?/],
      [['contacts', 'add', '--limit', '5'], /^optin: unknown option --limit for "contacts add" \(optin help contacts add lists its options\)$/],
      [['contacts', 'add', '--phone'], /^optin: --phone: give its value$/],
      [['contacts', 'list', '--json=yes'], /^optin: --json: takes no value/],
      [['campaign', 'progress', '3', '4'], /^optin: unexpected argument "4"/],
      [
        ['consent', 'grant', '--phone', '+79123456789', '--channel', 'sms', '--purpose', 'marketing'],
        /^optin: --method: required — how it was given/,
      ],
      [['campaign', 'audience', '--reason', 'eligible'], /^optin: --campaign: required/],
      [['campaign', 'audience', '--batch', 'x', '--reason', 'eligible'], /^optin: --batch: expected a whole number, got "x"$/],
      [['-x'], /^optin: unknown/],
    ] as [string[], RegExp][]) {
      const r = await run(...args, '--db', db);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.err.trim(), args.join(' ')).toMatch(reason);
    }
    // None of them opened (so created) the register.
    expect(existsSync(db)).toBe(false);
  });
});

describe('campaign, and the old batch words, on a register', () => {
  it('plans with campaign plan or batch plan; the audience answers the same to --campaign ID and --batch ID', async () => {
    const db = register();
    expect((await optin(db, 'settings', 'set', '--business-name', 'Лавка', '--policy', 'eu', '--country', 'DE')).code).toBe(0);
    for (const phone of ['+4915123456781', '+4915123456782']) expect((await optin(db, 'contacts', 'add', '--phone', phone)).code).toBe(0);
    const text = ['--channel', 'sms', '--purpose', 'service', '--text', 'Laden: Ihre Bestellung ist da.'];
    const plan = await optin(db, 'campaign', 'plan', ...text, '--json');
    expect(plan.code, plan.err).toBe(0);
    const old = await optin(db, 'batch', 'plan', ...text, '--json');
    expect(old.code, old.err).toBe(0);
    expect(old.json().batch).toBe(Number(plan.json().batch) + 1);
    const id = String(plan.json().batch);
    const a = await optin(db, 'campaign', 'audience', '--campaign', id, '--reason', 'no_consent', '--json');
    const b = await optin(db, 'batch', 'audience', '--batch', id, '--reason', 'no_consent', '--json');
    expect(a.code, a.err).toBe(0);
    expect(b.out).toBe(a.out);
    expect(a.json()).toMatchObject({ total: 2 });
    const human = await optin(db, 'campaign', 'progress', id);
    expect(human.out).toMatch(new RegExp(`^campaign ${id}: planned`));
    const list = await optin(db, 'campaign', 'list', '--json');
    expect((list.json().batches as unknown[]).length).toBe(2);
    // A refusal of the campaign given as an argument is reported under ID.
    const missing = await optin(db, 'campaign', 'progress', '999');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^optin: ID: /);
  });
});

describe('a new command is one entry', () => {
  it('is parsed, listed, documented and run from its entry alone (with or without the register)', async () => {
    const db = register();
    const table = buildTable([
      ...GROUPS,
      {
        title: 'Examples',
        commands: [
          {
            words: ['example', 'serve'],
            summary: 'an example that needs no register',
            flags: [{ name: 'port', value: 'P', summary: 'the port', required: true, as: asInt }],
            register: 'none',
            run: async (c) => ({ ok: true, value: { port: asInt(c.flags.port, '--port') }, human: `would listen on ${String(c.flags.port)}` }),
          },
          command({
            words: ['example', 'count'],
            summary: 'how many contacts',
            method: 'contacts.list',
            flags: [{ name: 'query', value: 'Q', summary: 'what to look for', field: 'query' }],
            human: (v) => `${v.contacts.length} contact(s)`,
            json: (v) => ({ count: v.contacts.length }),
          }),
        ],
      },
    ]);
    const io = () => {
      const r = { out: '', err: '' };
      return { r, io: { out: (s: string) => void (r.out += s + '\n'), err: (s: string) => void (r.err += s + '\n') } };
    };
    const help = io();
    expect(await main(['--help'], help.io, table)).toBe(0);
    expect(help.r.out).toMatch(/^Examples\n {2}example serve +an example that needs no register$/m);
    const one = io();
    expect(await main(['example', 'serve', '--help'], one.io, table)).toBe(0);
    expect(one.r.out).toMatch(/^optin example serve --port P\n/);
    const served = io();
    expect(await main(['example', 'serve', '--port', '8080', '--db', db], served.io, table)).toBe(0);
    expect(served.r.out).toBe('would listen on 8080\n');
    expect(existsSync(db)).toBe(false);
    const refused = io();
    expect(await main(['example', 'serve', '--port', 'x', '--db', db], refused.io, table)).toBe(1);
    expect(refused.r.err).toBe('optin: --port: expected a whole number, got "x"\n');
    const counted = io();
    expect(await main(['example', 'count', '--json', '--db', db], counted.io, table)).toBe(0);
    expect(JSON.parse(counted.r.out)).toEqual({ count: 0 });
  });
});
