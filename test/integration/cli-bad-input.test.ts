import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { optin } from '../support/cli';
import { testBackend } from '../support/backend';

// Issue #15 §5: bad command-line input is refused with exit 1 and one line on stderr that names the flag the person
// typed — and the bounds live in the contract, so the app and the host refuse the same input.

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function folder(): string {
  const d = mkdtempSync(join(tmpdir(), 'optin-bad-'));
  dirs.push(d);
  return d;
}

const register = (): string => join(folder(), 'register.db');

/** Exit 1, exactly one line on stderr, and that line matches. */
async function refused(db: string, args: string[], reason: RegExp): Promise<void> {
  const r = await optin(db, ...args);
  expect(r.code, args.join(' ')).toBe(1);
  expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
  expect(r.err.trim(), args.join(' ')).toMatch(reason);
}

function count(db: string, table: string): number {
  const raw = new Database(db, { readonly: true });
  try {
    return (raw.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    raw.close();
  }
}

const GRANT = ['consent', 'grant', '--phone', '+79123456789', '--channel', 'sms', '--purpose', 'marketing', '--method', 'verbal_in_store'];
const REVOKE = ['consent', 'revoke', '--phone', '+79123456789', '--channel', 'sms', '--purpose', 'marketing'];
const PLAN = ['batch', 'plan', '--channel', 'sms', '--purpose', 'marketing', '--text', 'Лавка: скидки. Отписаться: СТОП'];

describe('optin refuses bad input, naming the flag (issue #15 §5)', () => {
  it('--at before 1970 or far in the future, for grants, revocations and plans; nothing is written', async () => {
    const db = register();
    for (const at of ['1960-01-01T00:00:00Z', '1969-12-31T23:59:59+00:00', '9999-01-01T00:00:00Z', '2101-01-01T00:00:00Z']) {
      await refused(db, [...GRANT, '--at', at], /^optin: --at: .*1970.*2100/);
      await refused(db, [...REVOKE, '--at', at], /^optin: --at: .*1970.*2100/);
      await refused(db, [...PLAN, '--at', at], /^optin: --at: .*1970.*2100/);
      await refused(db, ['consent', 'status', '--phone', '+79123456789', '--at', at], /^optin: --at: .*1970.*2100/);
    }
    expect(count(db, 'consent_events')).toBe(0);
    expect(count(db, 'contacts')).toBe(0);
    expect(count(db, 'batches')).toBe(0);
    // Grants still refuse an instant more than a few minutes ahead (the bound above does not replace it).
    await refused(db, [...GRANT, '--at', '2099-01-01T00:00:00Z'], /^optin: --at: .*future/);
    // An ordinary past instant is accepted.
    expect((await optin(db, ...REVOKE, '--at', '2020-01-01T10:00:00+03:00')).code).toBe(0);
  });

  it('the instant bound is in the contract: the app and the host refuse it too', async () => {
    const t = testBackend();
    try {
      for (const [method, input] of [
        ['consent.record', { phone: '+79123456789', channel: 'sms', purpose: 'marketing', action: 'revoke', occurredAt: '1960-01-01T00:00:00Z' }],
        ['campaign.plan', { channel: 'sms', purpose: 'marketing', text: 'hello', at: '9999-01-01T00:00:00Z' }],
      ] as const) {
        const r = await t.backend.dispatch(method, input);
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(r.error.code).toBe('VALIDATION_FAILED');
          expect(r.error.message).toMatch(/^(occurredAt|at): .*1970.*2100/);
        }
      }
    } finally {
      t.cleanup();
    }
  });

  it('batch plan --tag "" (which would target everyone) is refused', async () => {
    const db = register();
    await refused(db, [...PLAN, '--tag', ''], /^optin: --tag: .*empty/);
    await refused(db, [...PLAN, '--tag', ' , '], /^optin: --tag: .*empty/);
    expect(count(db, 'batches')).toBe(0);
  });

  it('settings set --country ZZ (not a country whose numbers are known) is refused', async () => {
    const db = register();
    await refused(db, ['settings', 'set', '--country', 'ZZ'], /^optin: --country: "ZZ" is not a country/);
    const show = await optin(db, 'settings', 'show', '--json');
    expect(show.json()).toMatchObject({ defaultCountry: 'RU' });
  });

  it('a sender name with bidi overrides, zero-width or control characters is refused, by every door', async () => {
    const db = register();
    for (const bad of ['Shop\u202Eevil', 'Sh\u200Bop', 'Shop\u2066x', '\uFEFFShop', 'Shop\u0007', 'Shop\u0085', 'Sh\nop']) {
      await refused(db, ['settings', 'set', '--sender-name', bad], /^optin: --sender-name: .*(invisible|control)/);
    }
    expect((await optin(db, 'settings', 'show', '--json')).json()).toMatchObject({ senderName: '' });
    expect((await optin(db, 'settings', 'set', '--sender-name', 'Лавка', '--json')).json()).toMatchObject({ senderName: 'Лавка' });
    const t = testBackend();
    try {
      const r = await t.backend.dispatch('settings.update', { senderName: 'Shop\u202Eevil' });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/^senderName: .*U\+202E/);
    } finally {
      t.cleanup();
    }
  });

  it('contacts add --country XX names --country, not --phone', async () => {
    const db = register();
    await refused(db, ['contacts', 'add', '--phone', '9123456789', '--country', 'XX'], /^optin: --country: "XX" is not a country/);
    await refused(db, [...REVOKE, '--country', 'XX'], /^optin: --country:/);
    expect(count(db, 'contacts')).toBe(0);
  });

  it('too many tags are reported under the flag as it was typed (--tags or --tag)', async () => {
    const db = register();
    const sixty = Array.from({ length: 60 }, (_, i) => `t${i}`).join(',');
    await refused(db, ['contacts', 'add', '--phone', '+79123456789', '--tags', sixty], /^optin: --tags: at most 50 tags/);
    await refused(db, ['contacts', 'add', '--phone', '+79123456789', '--tags', 'a,,b'], /^optin: --tags: .*empty/);
    await refused(db, [...PLAN, '--tag', sixty], /^optin: --tag: at most 50 tags/);
    expect(count(db, 'contacts')).toBe(0);
  });

  it('lint --file of a binary file names --file and says it is not a text file', async () => {
    const db = register();
    const dir = folder();
    const bin = join(dir, 'random.bin');
    // Bytes that are not UTF-8 text (and a NUL), long enough to pass the contract's length bound as text.
    const bytes = Buffer.alloc(40_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 256;
    writeFileSync(bin, bytes);
    await refused(db, ['lint', '--channel', 'sms', '--purpose', 'marketing', '--file', bin], /^optin: --file: .*random\.bin is not a text file/);
    await refused(db, [...PLAN.slice(0, 6), '--file', bin], /^optin: --file: .*random\.bin is not a text file/);
    // Text in another encoding is named as such.
    const cp1251 = join(dir, 'cp1251.txt');
    writeFileSync(cp1251, Buffer.from([0xcb, 0xe0, 0xe2, 0xea, 0xe0, 0x3a, 0x20, 0xf1, 0xea, 0xe8, 0xe4, 0xea, 0xe8]));
    await refused(
      db,
      ['lint', '--channel', 'sms', '--purpose', 'marketing', '--file', cp1251],
      /^optin: --file: cp1251\.txt is not a UTF-8 text file/,
    );
    // A text file that is too long is blamed on --file too, not on --text.
    const long = join(dir, 'long.txt');
    writeFileSync(long, 'a'.repeat(10_001));
    await refused(db, ['lint', '--channel', 'sms', '--purpose', 'marketing', '--file', long], /^optin: --file: /);
    await refused(db, [...PLAN.slice(0, 6), '--file', long], /^optin: --file: /);
  });

  it('batch send -1 says the campaign id must be a positive whole number', async () => {
    const db = register();
    await refused(db, ['batch', 'send', '-1', '--provider', 'x'], /^optin: ID: the campaign id must be a positive whole number, got "-1"$/);
    await refused(db, ['batch', 'send', '0', '--provider', 'x'], /^optin: ID: the campaign id must be a positive whole number, got "0"$/);
    await refused(db, ['batch', 'progress', '-3'], /campaign id must be a positive whole number/);
    await refused(db, ['batch', 'resolve', '-2', '--decision', 'sent'], /^optin: RECIPIENT: the recipient id must be a positive whole number/);
    // A negative number after a flag that takes a value is that flag's value, and refused as such.
    await refused(db, ['contacts', 'list', '--limit', '-5'], /^optin: --limit: expected a whole number, got "-5"$/);
  });

  it('lint --text "" says the message is empty (and --file of an empty file too)', async () => {
    const db = register();
    await refused(db, ['lint', '--channel', 'sms', '--purpose', 'marketing', '--text', ''], /^optin: --text: .*empty/);
    await refused(db, ['lint', '--channel', 'sms', '--purpose', 'marketing', '--text', '   '], /^optin: --text: .*empty/);
    const empty = join(folder(), 'empty.txt');
    writeFileSync(empty, '');
    await refused(db, ['lint', '--channel', 'sms', '--purpose', 'marketing', '--file', empty], /^optin: --file: .*empty/);
  });

  it('as a real process: exit 1 and the reason on stderr', () => {
    const db = register();
    for (const [args, reason] of [
      [['batch', 'send', '-1', '--provider', 'x'], /^optin: ID: the campaign id must be a positive whole number/],
      [['lint', '--channel', 'sms', '--purpose', 'marketing', '--text', ''], /^optin: --text: .*empty/],
      [['settings', 'set', '--country', 'ZZ'], /^optin: --country:/],
    ] as [string[], RegExp][]) {
      const r = spawnSync(process.execPath, ['bin/optin.js', ...args, '--db', db], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(reason);
    }
  });
});
