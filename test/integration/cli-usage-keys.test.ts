import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMessageKey } from '../../shared/contract/messages.en';
import { renderSaid } from '../../shared/contract/said';
import { optin } from '../support/cli';

// The optin command's own refusals (issue #14 point 6): an unknown flag, a missing value, a bad number, an unknown
// command, a file that is not text are AppErrors by key like the contract's — printed as the same English line, and
// with --json as the same error object (code, key, params, message) as any other refusal.

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function folder(): string {
  const d = mkdtempSync(join(tmpdir(), 'optin-usage-'));
  dirs.push(d);
  return d;
}

/** Refused with exit 1: the one English line on stderr and, with --json, the error object on stdout. */
async function refusal(db: string, args: string[]) {
  const plain = await optin(db, ...args);
  expect(plain.code, args.join(' ')).toBe(1);
  const json = await optin(db, ...args, '--json');
  expect(json.code, args.join(' ')).toBe(1);
  const body = json.json() as { ok: boolean; error: { code: string; key: string; params?: Record<string, unknown>; message: string } };
  expect(body.ok).toBe(false);
  // The line is the error's English, as the catalog renders its key.
  expect(plain.err.trim()).toBe(`optin: ${body.error.message}`);
  expect(isMessageKey(body.error.key), body.error.key).toBe(true);
  expect(renderSaid(body.error.key as never, body.error.params as never)).toBe(body.error.message);
  return body.error;
}

describe('the CLI refuses bad usage by key', () => {
  it('an unknown option, with and without a near one; a missing value; a flag that takes none', async () => {
    const db = join(folder(), 'register.db');
    expect(await refusal(db, ['contacts', 'list', '--limt', '5'])).toEqual({
      code: 'VALIDATION_FAILED',
      key: 'cli.unknownOptionNear',
      params: { flag: '--limt', command: 'contacts list', near: '--limit', help: 'contacts list' },
      message: 'unknown option --limt for "contacts list" — did you mean --limit? (optin help contacts list lists its options)',
    });
    expect(await refusal(db, ['contacts', 'list', '--zzzzzzzzzz'])).toMatchObject({ key: 'cli.unknownOption', params: { flag: '--zzzzzzzzzz' } });
    expect(await refusal(db, ['contacts', 'list', '--limit'])).toMatchObject({
      key: 'cli.giveValue',
      params: { flag: '--limit' },
      message: '--limit: give its value',
    });
    expect(await refusal(db, ['contacts', 'list', '--json=yes'])).toMatchObject({
      key: 'cli.takesNoValue',
      params: { flag: '--json', value: 'yes' },
    });
  });

  it('a bad number, a bad id, a word not among the choices, a missing argument', async () => {
    const db = join(folder(), 'register.db');
    expect(await refusal(db, ['contacts', 'list', '--limit', 'ten'])).toMatchObject({
      key: 'cli.notWholeNumber',
      params: { flag: '--limit', value: 'ten' },
      message: '--limit: expected a whole number, got "ten"',
    });
    expect(await refusal(db, ['campaign', 'progress', '0'])).toMatchObject({
      key: 'cli.badId',
      params: { name: 'ID', noun: 'campaign', value: '0' },
    });
    expect(await refusal(db, ['campaign', 'progress'])).toMatchObject({ key: 'cli.giveCampaign', message: 'ID: give the campaign number' });
    expect(await refusal(db, ['forms', 'print', '1', '--layout', 'poster', '--out', 'x.pdf'])).toMatchObject({
      key: 'cli.notOneOf',
      params: { flag: '--layout', choices: 'slip, individual', last: 'group', value: 'poster' },
      message: '--layout: expected slip, individual or group, got "poster"',
    });
    expect(await refusal(db, ['import'])).toMatchObject({ key: 'cli.giveImportFile' });
  });

  it('an unknown command (a slip, an area without its command) and a file that is not text', async () => {
    const dir = folder();
    const db = join(dir, 'register.db');
    expect(await refusal(db, ['contcts', 'list'])).toMatchObject({ key: 'cli.unknownCommandNear', params: { near: 'contacts list' } });
    expect(await refusal(db, ['campaign'])).toMatchObject({ key: 'cli.giveCommand', params: { given: 'campaign', area: 'campaign' } });
    expect(await refusal(db, ['frobnicate'])).toMatchObject({ key: 'cli.unknownCommand', params: { typed: 'frobnicate' } });
    const binary = join(dir, 'photo.txt');
    writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]));
    const lint = await refusal(db, ['lint', '--file', binary, '--channel', 'sms', '--purpose', 'marketing']);
    expect(lint).toMatchObject({ code: 'UNREADABLE_FILE', key: 'cli.binaryFile', params: { flag: '--file', file: 'photo.txt' } });
    expect(await refusal(db, ['lint', '--text', 'Hi'])).toMatchObject({ key: 'cli.requiredOneOf', params: { flag: '--channel' } });
  });
});
