import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { optin } from '../support/cli';

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'optin-people-cli-'));
  db = join(dir, 'register.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ANN = '+447911200001';
const ANN_WORK = '+447911200002';

describe('optin contacts edit | merge | delete | erase', () => {
  it('edits, merges, refuses bad input by flag, deletes one never asked, carries out a deletion request; audit verify intact', async () => {
    expect((await optin(db, 'settings', 'set', '--business-name', 'Bike Shop Leeds', '--country', 'GB', '--policy', 'uk')).code).toBe(0);
    expect((await optin(db, 'contacts', 'add', '--phone', ANN, '--name', 'Ann')).code).toBe(0);
    const revoked = await optin(db, 'consent', 'revoke', '--phone', ANN_WORK, '--channel', 'sms', '--purpose', 'marketing');
    expect(revoked.code, revoked.err).toBe(0);

    const edit = await optin(
      db,
      'contacts',
      'edit',
      '--phone',
      '07911 200001',
      '--name',
      'Ann Lee',
      '--email',
      'ann@example.com',
      '--tags',
      'bikes,vip',
    );
    expect(edit.code, edit.err).toBe(0);
    expect(edit.out).toContain(`${ANN}  Ann Lee`);
    const cleared = await optin(db, 'contacts', 'edit', '--phone', ANN, '--email', '', '--json');
    expect(cleared.json()).toMatchObject({ email: null, tags: ['bikes', 'vip'] });
    const nothing = await optin(db, 'contacts', 'edit', '--phone', ANN);
    expect(nothing.code).not.toBe(0);
    expect(nothing.err).toContain('say what to change');

    const self = await optin(db, 'contacts', 'merge', '--phone', ANN, '--into', ANN);
    expect(self.code).not.toBe(0);
    expect(self.err).toContain('cannot be merged into itself');
    const unknown = await optin(db, 'contacts', 'merge', '--phone', '+447911299999', '--into', ANN);
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toContain('+447911299999 is not in the register');

    const merged = await optin(db, 'contacts', 'merge', '--phone', ANN_WORK, '--into', ANN);
    expect(merged.code, merged.err).toBe(0);
    expect(merged.out).toContain(`merged into contact`);
    expect(merged.out).toContain('each number keeps its own consent');
    const again = await optin(db, 'contacts', 'merge', '--phone', ANN, '--into', ANN_WORK, '--json');
    expect(again.code).not.toBe(0);
    expect(again.json()).toMatchObject({ ok: false, error: { code: 'CONFLICT', key: 'people.intoMerged' } });
    const shown = await optin(db, 'contacts', 'show', '--phone', ANN_WORK);
    expect(shown.out).toMatch(new RegExp(`merged into contact \\d+ \\(\\${ANN}\\): messages go to that number`));
    // consent status says the same, and each marketing cell gives the reason `merged` instead of 'sendable'.
    const status = await optin(db, 'consent', 'status', '--phone', ANN_WORK);
    expect(status.code, status.err).toBe(0);
    expect(status.out).toContain(`merged into contact`);
    expect(status.out).toMatch(/sms\/marketing\s+\S+\s+.*merged$/m);
    expect(status.out).not.toContain('sendable');

    const kept = await optin(db, 'contacts', 'delete', '--phone', ANN_WORK);
    expect(kept.code).not.toBe(0);
    expect(kept.err).toContain('carry out a deletion request instead');
    expect((await optin(db, 'contacts', 'add', '--phone', '+447911200003', '--name', 'Typo')).code).toBe(0);
    const gone = await optin(db, 'contacts', 'delete', '--phone', '+447911200003');
    expect(gone.code, gone.err).toBe(0);
    expect(gone.out).toContain('deleted contact');

    const erased = await optin(db, 'contacts', 'erase', '--phone', ANN, '--request-date', '2026-01-05T10:00:00Z', '--reference', 'letter', '--json');
    expect(erased.code, erased.err).toBe(0);
    const v = erased.json() as { erased: { phone: string; name: string; email: string | null }[]; requestedAt: string; revocations: number };
    expect(v.erased.map((c) => [c.phone, c.name, c.email])).toEqual([
      [ANN, '', null],
      [ANN_WORK, '', null],
    ]);
    expect(v.requestedAt).toBe('2026-01-05T10:00:00.000Z');
    // Every cell of both numbers is revoked at the moment the request is carried out, withdrawn already or not (2 × 6):
    // the erasure is on record with its own time, so no consent dated earlier can land after it.
    expect(v.revocations).toBe(12);
    const human = await optin(db, 'contacts', 'show', '--phone', ANN);
    expect(human.out).toContain('erased on request: asked 2026-01-05T10:00:00.000Z');
    const twice = await optin(db, 'contacts', 'erase', '--phone', ANN);
    expect(twice.code).not.toBe(0);
    expect(twice.err).toContain('already erased on request');

    const verify = await optin(db, 'audit', 'verify', '--json');
    expect(verify.code, verify.out + verify.err).toBe(0);
    expect(verify.json()).toMatchObject({ problems: [] });
  });

  it('has generated help for each command', async () => {
    for (const words of [['edit'], ['merge'], ['erase'], ['delete']]) {
      const help = await optin(db, 'contacts', ...words, '--help');
      expect(help.code).toBe(0);
      expect(help.out).toContain(`optin contacts ${words[0]}`);
      expect(help.out).toContain('--phone');
    }
    expect((await optin(db, 'contacts', 'merge', '--help')).out).toContain('--into');
    expect((await optin(db, 'contacts', 'erase', '--help')).out).toContain('--request-date');
    expect((await optin(db, 'contacts', 'edit', '--help')).out).toContain('add the right one as a contact');
  });
});
