import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { zodToApiError } from '../../../shared/contract/dispatch';
import { AppError } from '../../../shared/contract/errors';
import { isMessageKey, messagesEn, renderMessage } from '../../../shared/contract/messages.en';
import { api } from '../../../shared/contract/api';
import ru from '../../../shared/contract/messages.ru.json';
import { readSaid, ref, storeSaid } from '../../../shared/contract/said';

const ROOT = join(__dirname, '../../..');

/** Every leaf of a nested catalog as a dotted key. */
function leaves(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? leaves(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

function tsFiles(dir: string, ends: string[] = ['.ts']): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path, ends) : ends.some((e) => path.endsWith(e)) ? [path] : [];
  });
}

describe('the message catalog', () => {
  it('has a Russian translation of every key (plural keys in the one/few/many forms)', () => {
    const have = new Set(leaves(ru as Record<string, unknown>));
    const missing = Object.entries(messagesEn).flatMap(([key, en]) =>
      typeof en === 'string'
        ? have.has(key)
          ? []
          : [key]
        : ['one', 'few', 'many'].filter((f) => !have.has(`${key}_${f}`)).map((f) => `${key}_${f}`),
    );
    expect(missing).toEqual([]);
  });

  it('has no Russian key the English catalog lacks', () => {
    const stale = leaves(ru as Record<string, unknown>).filter((k) => !isMessageKey(k.replace(/_(one|few|many)$/, '')));
    expect(stale).toEqual([]);
  });

  it('uses the same placeholders in Russian as in English', () => {
    const names = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
    const flat = Object.fromEntries(
      leaves(ru as Record<string, unknown>).map((k) => [k, k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], ru)]),
    );
    for (const [key, en] of Object.entries(messagesEn)) {
      if (typeof en !== 'string') continue;
      // Russian may leave out what the field name beside it already says (the path, an English description).
      for (const name of names(flat[key] as string)) expect(names(en), `${key}: {{${name}}}`).toContain(name);
    }
  });

  it('knows every key a `new AppError(` in electron/ and shared/ names', () => {
    const unknown: string[] = [];
    for (const file of [...tsFiles(join(ROOT, 'electron')), ...tsFiles(join(ROOT, 'shared'))]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/new AppError\(\s*'[A-Z_]+',\s*'([a-zA-Z]+\.[a-zA-Z_.]+)'/g))
        if (!isMessageKey(m[1]!)) unknown.push(`${file.slice(ROOT.length + 1)}: ${m[1]}`);
      for (const m of text.matchAll(/\bkey: '([a-zA-Z]+\.[a-zA-Z_.]+)'/g))
        if (!isMessageKey(m[1]!)) unknown.push(`${file.slice(ROOT.length + 1)}: ${m[1]}`);
      // The CLI's own usage refusals (electron/cli): by key too, never a sentence.
      if (file.includes('/electron/cli/'))
        for (const m of text.matchAll(/\b(?:new UsageError|refuse)\(\s*([`'"][^`'"]*[`'"])/g))
          if (!isMessageKey(m[1]!.slice(1, -1))) unknown.push(`${file.slice(ROOT.length + 1)}: ${m[1]}`);
    }
    expect(unknown).toEqual([]);
  });

  it('states every refusal by key: no `new AppError(` with an English sentence, no field problem with only a message', () => {
    const english: string[] = [];
    for (const file of [...tsFiles(join(ROOT, 'electron')), ...tsFiles(join(ROOT, 'shared'))]) {
      const text = readFileSync(file, 'utf8');
      const where = file.slice(ROOT.length + 1);
      // The second argument is a key: a quoted catalog key, or a name holding one (a MessageKey the type check keeps honest).
      for (const m of text.matchAll(/new AppError\(\s*[^,]+,\s*([`'"][^`'"]*[`'"]|[^,)\s]+)/g)) {
        const arg = m[1]!;
        const quoted = /^['"`]/.test(arg);
        if (quoted ? !isMessageKey(arg.slice(1, -1)) : /\s/.test(arg)) english.push(`${where}: ${arg}`);
      }
      for (const m of text.matchAll(/\{\s*path:[^{}]*?,\s*message:\s*([`'"][^`'"]*[`'"])/g)) english.push(`${where}: field ${m[1]}`);
    }
    expect(english).toEqual([]);
  });

  it("gives the contract's own zod messages as keys", () => {
    const english: string[] = [];
    for (const file of tsFiles(join(ROOT, 'shared/contract'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\.(?:min|max|length|regex|nonempty|refine|startsWith|endsWith)\([^()]*?,\s*'([^']+)'\)/g))
        if (!isMessageKey(m[1]!)) english.push(`${file.slice(ROOT.length + 1)}: ${m[1]}`);
      for (const m of text.matchAll(/\b(?:message|error): '([^']+)'/g))
        if (!isMessageKey(m[1]!)) english.push(`${file.slice(ROOT.length + 1)}: ${m[1]}`);
    }
    expect(english).toEqual([]);
  });

  it('refuses an AppError whose second argument is not a key of the catalog', () => {
    const sentence = 'the shop name is empty' as Parameters<typeof renderMessage>[0];
    expect(() => new AppError('VALIDATION_FAILED', sentence)).toThrow(/not a key of shared\/contract\/messages\.en\.ts/);
  });

  it('renders parameters and plurals in English', () => {
    expect(renderMessage('campaigns.notFound', { batch: 7 })).toBe('batch: no batch 7');
    expect(renderMessage('sheets.tooFewRows', { serial: 'S-000001', count: 1 })).toBe('sheet S-000001 has 1 row');
    expect(renderMessage('sheets.tooFewRows', { serial: 'S-000001', count: 5 })).toBe('sheet S-000001 has 5 rows');
  });

  it('gives an AppError its key, parameters and English message, and field problems their own', () => {
    const e = new AppError('NOT_FOUND', 'providers.notFound', { name: 'sms' }, { fields: [{ path: 'name', key: 'providers.unknownProvider' }] });
    expect(e.message).toBe('provider: no provider named "sms"');
    expect(e.toApiError()).toEqual({
      code: 'NOT_FOUND',
      key: 'providers.notFound',
      params: { name: 'sms' },
      message: 'provider: no provider named "sms"',
      details: { fields: [{ path: 'name', key: 'providers.unknownProvider', message: 'unknown provider' }] },
    });
    expect(AppError.field('VALIDATION_FAILED', 'row', 'sheets.tooFewRows', { serial: 'S-1', count: 2 }).message).toBe('row: sheet S-1 has 2 rows');
  });
});

describe('zodToApiError', () => {
  const refuse = (schema: z.ZodType, input: unknown) => {
    const r = schema.safeParse(input);
    if (r.success) throw new Error('expected a refusal');
    return zodToApiError(r.error);
  };

  it('turns a custom message of the contract into its key, with the refinement params', () => {
    const e = refuse(api['consent.status'].input, { phone: '+79123456789', at: '1960-01-01T00:00:00Z' });
    expect(e).toMatchObject({ code: 'VALIDATION_FAILED', key: 'common.yearOutOfRange', params: { value: '1960-01-01T00:00:00Z' } });
    expect(e.message).toBe('at: 1960-01-01T00:00:00Z is not between 1970 and 2100; check the year');
    expect(e.details?.fields).toEqual([
      {
        path: 'at',
        key: 'common.yearOutOfRange',
        params: { value: '1960-01-01T00:00:00Z' },
        message: '1960-01-01T00:00:00Z is not between 1970 and 2100; check the year',
      },
    ]);
    expect(refuse(api['staff.add'].input, { name: ' ' })).toMatchObject({ key: 'staff.nameRequired', message: 'name: name is required' });
  });

  it("maps zod's own issues by code to generic keys with their bounds or options", () => {
    const schema = z.object({
      a: z.string().max(3),
      b: z.number().int().min(2),
      c: z.enum(['x', 'y']),
      d: z.array(z.string()).min(1),
      e: z.string(),
      f: z.email(),
    });
    const e = refuse(schema, { a: 'long', b: 1, c: 'z', d: [], f: 'no' });
    expect(e.details?.fields?.map((f) => [f.path, f.key, f.params])).toEqual([
      ['a', 'input.tooLong', { maximum: 3 }],
      ['b', 'input.tooSmall', { minimum: 2 }],
      ['c', 'input.notOneOf', { options: 'x, y' }],
      ['d', 'input.noneChosen', undefined],
      ['e', 'input.required', undefined],
      ['f', 'input.notEmail', undefined],
    ]);
    expect(e.message).toBe('a: at most 3 characters');
  });

  it('refuses an input with no issues as invalid input', () => {
    expect(zodToApiError(new z.ZodError([]))).toMatchObject({ code: 'VALIDATION_FAILED', key: 'input.invalidInput', message: 'invalid input' });
  });
});

describe('no English stored or carried where a key belongs (issue #14 point 6)', () => {
  it('has no renderer module that translates English sentences by matching them', () => {
    expect(existsSync(join(ROOT, 'renderer/src/i18n/server-messages.ts'))).toBe(false);
    const matching: string[] = [];
    for (const file of tsFiles(join(ROOT, 'renderer/src'), ['.ts', '.tsx'])) {
      const text = readFileSync(file, 'utf8');
      if (/server-messages|translateServerMessage|translateRowReason|translateBusyWhat/.test(text)) matching.push(file.slice(ROOT.length + 1));
    }
    expect(matching).toEqual([]);
  });

  it('stores no English sentence in a recipient note, a reason, a pause or what holds the register', () => {
    const english: string[] = [];
    // A sentence: a quote or backtick opening on a lowercase word and another word or a value ("deferred: ${…}").
    const sentence = String.raw`[\x60'"][a-z]+:? (?:[a-z]+|\$\{)`;
    const patterns = [
      // ctx.outbox.update(id, change, now, '<note>') and flagged/skipped reasons
      new RegExp(String.raw`\.update\([^;]*?,\s*(?:now|at),\s*${sentence}`, 'g'),
      new RegExp(String.raw`\b(?:pausedReason|reason|detail|waitingFor|problem):\s*${sentence}`, 'g'),
      new RegExp(String.raw`\b(?:busyError|during|markProblem|announce)\(\s*${sentence}`, 'g'),
      new RegExp(String.raw`\breject\([^,]+,\s*${sentence}`, 'g'),
    ];
    // Still in English, and shown only by the CLI (not matched by the renderer): the audit row of a restore's pause.
    // Listed so no new one slips in; it goes when it is stated by key.
    const notYet = new Set(['electron/core/backups/service.ts']);
    for (const file of [...tsFiles(join(ROOT, 'electron/core')), ...tsFiles(join(ROOT, 'electron/cli'))]) {
      const where = file.slice(ROOT.length + 1);
      if (notYet.has(where)) continue;
      const text = readFileSync(file, 'utf8');
      for (const re of patterns) for (const m of text.matchAll(re)) english.push(`${where}: ${m[0].slice(0, 120)}`);
    }
    expect(english).toEqual([]);
  });

  it('names every key a storeSaid, ref, said or say in electron/ and shared/ gives', () => {
    const unknown: string[] = [];
    for (const file of [...tsFiles(join(ROOT, 'electron')), ...tsFiles(join(ROOT, 'shared'))]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\b(?:storeSaid|ref|said|say)\(\s*'([a-zA-Z]+\.[a-zA-Z_.]+)'/g))
        if (!isMessageKey(m[1]!)) unknown.push(`${file.slice(ROOT.length + 1)}: ${m[1]}`);
    }
    expect(unknown).toEqual([]);
  });

  it('reads a stored key back with its English, nested messages first, and an old English text as it was', () => {
    const stored = storeSaid('outbox.gaveUp', { code: 'HTTP_500', count: 10 });
    expect(readSaid(stored)).toEqual({
      key: 'outbox.gaveUp',
      params: { code: 'HTTP_500', count: 10 },
      message: 'HTTP_500: gave up after 10 attempts',
    });
    const nested = storeSaid('outbox.retry', { code: 'TIMEOUT', answer: ref('answer.timeout') });
    expect(readSaid(nested).message).toBe('retry: TIMEOUT no answer within the time limit');
    expect(readSaid('HTTP_500: gave up after 10 attempts')).toEqual({ message: 'HTTP_500: gave up after 10 attempts' });
    expect(readSaid('{"key":"no.such"}')).toEqual({ message: '{"key":"no.such"}' });
  });
});
